"""`?`: every key of every mode, and the Observation column's rules.

The keys are read from the BINDINGS themselves, so they cannot go stale. The rules are quoted
word for word as the code applies them (core.observe.RULES)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ...core.observe import RULES
from ..modes import MODE_LIST


class HelpScreen(ModalScreen[None]):
    """A modal list of keys: the ones that work anywhere, then each mode's own."""

    # A modal screen hides the app's keys; the mode keys and q are wanted here too.
    BINDINGS = [
        Binding("escape,question_mark,enter", "dismiss", "Close", tooltip="Close the help"),
        Binding("q", "app.quit", "Quit"),
        *(Binding(m.key, f"app.switch_mode('{m.name}')", m.title, show=False) for m in MODE_LIST),
    ]

    def _table(self, title: str, bindings: list) -> Table:
        table = Table(title=title, title_justify="left", title_style="bold", show_header=False,
                      box=None, expand=True, padding=(0, 1))
        table.add_column("Key", style="bold", width=8, no_wrap=True)
        table.add_column("Does", ratio=1)
        for b in bindings:
            if isinstance(b, Binding) and b.description:
                table.add_row(self.app.get_key_display(b), b.tooltip or b.description)
        return table

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static("[b]Keys[/b]   (esc closes; ctrl+p searches every command)", id="help-title")
            yield Static(self._table("Anywhere", self.app.BINDINGS))
            for mode in MODE_LIST:
                # A screen's "app.…" bindings only show app keys in its footer: listed above.
                own = [b for b in vars(mode.screen).get("BINDINGS", [])
                       if isinstance(b, Binding) and not b.action.startswith("app.")]
                if own:
                    yield Static(self._table(f"{mode.key} {mode.title}", own))
            yield Static(Text.assemble(("The Observation column (2 Train, wdtui trace)\n", "bold"), RULES),
                         id="help-rules")
