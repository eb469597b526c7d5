"""Mode 1 — Pipeline: the six data stages as a flow of cards, one real row followed through.

←/→ (and ↑/↓ between the rows of cards) select a stage; its detail shows below; enter
opens the detail full screen (esc or enter closes it). Every value comes from the
session's Stage and Setup records, refreshed after each epoch.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.reactive import reactive
from textual.widgets import Header, Static

from ..widgets.footer import ModeFooter
from ..widgets.stages import STAGE_IDS, StageCard, StageDetail
from .base import ModeScreen

COLUMNS = 3  # cards per row of the flow


class PipelineScreen(ModeScreen):
    """Data in → Preprocessing → Feature Engineering → Model Trains → Metrics → Prediction."""

    BINDINGS = [
        Binding("left", "move(-1)", "Prev", tooltip="Select the previous stage"),
        Binding("right", "move(1)", "Next", tooltip="Select the next stage"),
        Binding("up", "move(-3)", "Stage above", show=False, tooltip="Select the stage above"),
        Binding("down", "move(3)", "Stage below", show=False, tooltip="Select the stage below"),
        Binding("enter", "open", "Detail", tooltip="Open the selected stage's detail full screen (esc closes)"),
    ]

    selected: reactive[int] = reactive(0)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="pipeline-intro")
        with Grid(id="stage-flow"):
            for i in range(len(STAGE_IDS)):
                yield StageCard(i)
                if i % COLUMNS != COLUMNS - 1:
                    yield Static("→", classes="flow-arrow")
        yield StageDetail(id="stage-detail", initial="detail-data")
        yield ModeFooter(compact=True)

    def on_mount(self) -> None:
        self.query_one(StageCard).focus()

    def refresh_view(self) -> None:
        s = self.session
        if not s.stages:
            self.query_one("#pipeline-intro", Static).update(
                "Building the data and the model (torch is loading)…" if s.error is None else s.error)
            return
        where = f"after epoch {s.epochs[-1].epoch}" if s.epochs else "untrained model — press space to train"
        self.query_one("#pipeline-intro", Static).update(
            f"One real row, [b]row {s.prediction.row}[/b] ({s.prediction.split}), followed through the six "
            f"stages · {where}")
        for card, stage in zip(self.query(StageCard), s.stages):
            card.show(stage)
        self.query_one(StageDetail).show(self.selected, s)

    def watch_selected(self, index: int) -> None:
        self.query_one(StageDetail).show(index, self.session)

    @on(StageCard.Selected)
    def _card_selected(self, message: StageCard.Selected) -> None:
        self.selected = message.index

    def action_move(self, step: int) -> None:
        index = self.selected + step
        if 0 <= index < len(STAGE_IDS):
            if self.maximized is None:
                self.query(StageCard)[index].focus()
            else:  # browsing the details full screen: the cards are hidden, keep the focus
                self.selected = index

    def watch_maximized(self, maximized: object) -> None:
        """Back from the full-screen detail: the focus returns to the selected card."""
        if maximized is None:
            self.query(StageCard)[self.selected].focus()

    def action_open(self) -> None:
        """Toggle the selected stage's detail full screen."""
        if self.maximized is None:
            detail = self.query_one(StageDetail)
            detail.focus()  # or the hidden cards' first would take the focus, and select stage 1
            self.maximize(detail, container=False)
        else:
            self.minimize()
