"""Mode 3 — Inspect: one row followed through the latest model, layer by layer.

↑/↓ step through the validation rows; g lets you type any row's index. The trace follows that
row through the model as it was at the latest epoch end (the session's ModelView). The run's own
row comes with the view. Any other is traced by the trainer, which keeps the copy.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.reactive import reactive
from textual.widgets import Header, Input, Label, Static

from ...present.prediction import result_text
from ..widgets.footer import ModeFooter
from ..widgets.layers import LayerPanel
from .base import ModeScreen


class InspectScreen(ModeScreen):
    """Input → Hidden (ReLU) → Output (logits) → Softmax for the chosen row."""

    AUTO_FOCUS = ""  # nothing: keys go to the screen (digits switch modes, ↑/↓ change rows)
    FOCUS = {"layers": "#layers"}
    BINDINGS = [
        Binding("up", "step(-1)", "Prev row", tooltip="The previous validation row", priority=True),
        Binding("down", "step(1)", "Next row", tooltip="The next validation row", priority=True),
        Binding("g", "goto", "Row #", tooltip="Type a row index (enter shows it, esc leaves)"),
        Binding("escape", "leave", "Leave", show=False, tooltip="Leave the row field"),
    ]

    row: reactive[int | None] = reactive(None)  # None: the run's default row
    _traced: tuple[object, ...] = ()  # (row, view, prediction) of the last trace
    _shown: object = None  # the prediction on screen: steps within an epoch change nothing here

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="row-picker"):
            yield Label("Row")
            yield Input(id="row-input", compact=True, type="integer", select_on_focus=True)
            yield Static(id="row-info")
        with VerticalScroll(id="layers"):
            yield Static(id="inspect-note")
            yield Static(id="inspect-result")
        yield ModeFooter(compact=True)

    def _prediction(self):
        """The trace of the chosen row through the latest model copy, or None before setup."""
        view = self.session.view
        if view is None:
            return None
        if self._traced[:2] != (self.row, view):
            traced = self.wdtui.traced(view, view.prediction.row if self.row is None else self.row)
            if traced is None:  # the trainer is tracing it: the screen redraws when it answers
                return self._shown
            self._traced = (self.row, view, traced)
        return self._traced[2]

    def refresh_view(self) -> None:
        p = self._prediction()
        note = self.query_one("#inspect-note", Static)
        if p is None:
            note.update("Building the data and the model (torch is loading)…")
            return
        if p is self._shown:
            return
        self._shown = p
        s = self.session
        model = f"the model after epoch {s.epochs[-1].epoch}" if s.epochs else "the untrained model"
        note.update(f"Row {p.row} ({p.split}) through {model}: "
                    f"{len(p.layers)} layers, each computed from the one before.")
        panels = list(self.query(LayerPanel))
        if len(panels) != len(p.layers):
            for panel in panels:
                panel.remove()
            panels = [LayerPanel(classes="layer") for _ in p.layers]
            self.query_one("#layers").mount_all(panels, before="#inspect-result")
        for number, (panel, layer) in enumerate(zip(panels, p.layers), start=1):
            panel.show(number, layer, p)
        result = result_text(p)
        self.query_one("#inspect-result", Static).update(
            Text(result, style="bold green" if p.correct else "bold red"))
        field = self.query_one("#row-input", Input)
        if not field.has_focus:
            field.value = str(p.row)
        self.query_one("#row-info", Static).update(
            f"({p.split}) · ↑/↓ validation rows · g type a row, 0 to {s.view.n_rows - 1}")

    def watch_row(self) -> None:
        if self.is_mounted:
            self.refresh_view()

    def _validation_rows(self) -> list[int]:
        return self.session.view.validation_rows

    def action_step(self, step: int) -> None:
        p = self._prediction()
        if p is None:
            return
        rows = self._validation_rows()
        later = [r for r in rows if (r > p.row if step > 0 else r < p.row)]
        if later:
            self.row = later[0] if step > 0 else later[-1]

    def action_goto(self) -> None:
        self.query_one("#row-input", Input).focus()

    def action_leave(self) -> None:
        self.set_focus(None)

    @on(Input.Submitted, "#row-input")
    def _typed(self, event: Input.Submitted) -> None:
        s = self.session
        n = s.view.n_rows if s.view is not None else 0
        try:
            row = int(event.value)
        except ValueError:
            row = -1
        if not 0 <= row < n:
            self.notify(f"Rows go from 0 to {n - 1}.", title=f"No row {event.value!r}", severity="warning")
            return
        self.row = row
        self.action_leave()
