"""Data files shipped with wdtui (installed as the wdtui.assets package)."""
