"""wdtui/ui/widgets"""
