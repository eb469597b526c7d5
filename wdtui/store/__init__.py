"""The store: what wdtui writes to disk (exports, and the runs it keeps), under one data directory."""
