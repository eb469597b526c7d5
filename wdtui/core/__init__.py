"""The pure-PyTorch core: no Textual, no Rich. Import submodules directly; this package
imports nothing itself, so torch-free parts (config, records, table) load without torch."""
