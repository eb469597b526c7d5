"""The first screen: what weight decay is, the call to begin the lesson (enter), and which key opens which mode.

It is whole at any size from 80 × 24 up. Below SHORT rows the modes are a grid of their keys and
names; their one-line summaries wait in ? and ctrl+p. The call to action comes before the list
either way, so a short terminal never cuts it off.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ..modes import MODE_LIST
from ..widgets.footer import ModeFooter

SHORT = 36  # rows: fewer, and the modes are listed without their summaries

WHAT = (
    "[b]Weight decay[/b] (L2 regularization) pulls every weight a little towards zero at every "
    "training step. With SGD it is the same as adding the penalty [b](λ/2)·‖θ‖²[/b] to the loss: "
    "the gradient gains λθ, so decay alone multiplies each weight by [b](1 − γλ)[/b] a step "
    "(by about 1 − γλ/(1 − μ) with momentum μ) before the data pushes back. Weights the data does "
    "not keep needing fade away, so the learned function stays smoother and simpler, and overfits "
    "less. Here a real small network (PyTorch) trains on real numbers while you watch: every value "
    "on screen comes from the run."
)
CALL = ("[b]Press enter for the lesson[/b]: about 12 minutes, every step a real run, and it resumes where you "
        "left it. Or press a key below to explore on your own.")
LESSON = ("0", "Lesson", "a guided path: predict, then run, about 12 minutes")
ALSO = "[b reverse] ? [/] every key   [b reverse] ctrl+p [/] commands   [b reverse] q [/] quit"


def modes(short: bool) -> Table:
    """Each mode's key and name, with its summary unless `short` (then five to a row)."""
    entries = [LESSON, *((m.key, m.title, m.summary) for m in MODE_LIST)]
    table = Table.grid(padding=(0, 1))
    if short:
        per_row = 6
        for _ in range(per_row):
            table.add_column(no_wrap=True)
        for start in range(0, len(entries), per_row):
            row = [Text.assemble((f" {key} ", "bold reverse"), " ", (title, "bold"))
                   for key, title, _ in entries[start:start + per_row]]
            table.add_row(*row)
        return table
    table.add_column(no_wrap=True)
    table.add_column(no_wrap=True)
    table.add_column(ratio=1)  # a summary that wraps stays in its column
    for key, title, summary in entries:
        table.add_row(Text(f" {key} ", style="bold reverse"), Text(title, style="bold"), summary)
    return table


class WelcomeScreen(Screen):
    """Opens the app; enter starts (or resumes) the lesson, and every mode key works from here too."""

    BINDINGS = [Binding("enter", "app.lesson", "Begin the lesson",
                        tooltip="Start the lesson, or resume it where you left it (1–9 explore freely)")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="welcome"):
            with Center():
                yield Static(WHAT, id="welcome-what")
            with Center():
                yield Static(CALL, id="welcome-call")
            with Center():
                yield Static(id="welcome-keys")
        yield ModeFooter(compact=True)

    def on_resize(self) -> None:
        short = self.size.height < SHORT
        self.set_class(short, "-short")
        keys = Table.grid()
        keys.add_row(Text.from_markup("[b]Modes[/b]"))
        keys.add_row(modes(short))
        keys.add_row(Text.from_markup(f"\n{ALSO}"))
        self.query_one("#welcome-keys", Static).update(keys)
