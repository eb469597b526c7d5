"""wdtui/quiz"""
