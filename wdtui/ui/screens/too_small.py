"""Shown while the terminal is too small for the modes to draw anything readable.

Below this size the cards, charts and tables would be clipped into garbage; saying so is
better. Training goes on underneath, and the screen goes as soon as the terminal grows.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_WIDTH, MIN_HEIGHT = 80, 24


def too_small(size: Size) -> bool:
    return size.width < MIN_WIDTH or size.height < MIN_HEIGHT


class TooSmallScreen(ModalScreen[None]):
    """Says how large the terminal must be and how large it is."""

    BINDINGS = [Binding("q", "app.quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Static(id="too-small")

    def on_mount(self) -> None:
        self.show(self.app.size)

    def show(self, size: Size) -> None:
        self.query_one(Static).update(
            f"wdtui needs a terminal of at least {MIN_WIDTH} × {MIN_HEIGHT}; this one is "
            f"{size.width} × {size.height}.\nMake the window larger (training goes on), or press q to quit.")
