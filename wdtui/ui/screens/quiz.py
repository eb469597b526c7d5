"""Mode 4 — Quiz (placeholder while the full screen is built)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Header, Static


class QuizScreen(Screen):
    """Rounds of three questions on weight decay."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("Quiz", id="quiz-body")
        yield Footer()
