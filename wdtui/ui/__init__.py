"""wdtui/ui"""
