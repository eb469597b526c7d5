"""wdtui/ui/screens"""
