"""The presentation room: the words, columns, number formats and charts the CLI and the app share.

It reads records and configs only (no torch, no Textual), so a sentence or a column is written
once and every reader shows it alike.
"""
