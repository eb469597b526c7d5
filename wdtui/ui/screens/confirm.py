"""A yes-or-no question over the screen, for what cannot be undone (deleting runs)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static


class ConfirmScreen(ModalScreen[bool]):
    """Asks `question`; y says yes, n or esc no (nothing happens). Dismissed with the answer."""

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", tooltip="Yes: do it"),
        Binding("n,escape", "answer(False)", "No", tooltip="No: leave everything as it is"),
    ]

    def __init__(self, question: str, detail: str = "") -> None:
        super().__init__()
        self.question, self.detail = question, detail

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(f"[b]{self.question}[/b]", id="confirm-question")
            if self.detail:
                yield Static(self.detail, id="confirm-detail", markup=False)
            yield Static("[b reverse] y [/] yes    [b reverse] n [/] or [b reverse] esc [/] no", id="confirm-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
