"""Mode 5 — Insight (placeholder while the full screen is built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class InsightScreen(Screen):
    """The key insight, in the run's own numbers."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Insight", id="insight-body")
        yield Footer()
