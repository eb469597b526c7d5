"""Mode 1 — Pipeline: the six data stages as a flow of cards, one real row followed through.

←/→ (and ↑/↓ between the rows of cards) select a stage; its detail shows below; enter
opens the detail full screen (esc or enter closes it). Every value comes from the
session's Stage and Setup records, refreshed after each epoch.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import Header, Static

from ..widgets.footer import ModeFooter
from ..widgets.stages import STAGE_IDS, StageCard, StageDetail
from .base import ModeScreen

COLUMNS = 3  # cards per row of the flow
COMPACT = 30  # rows: a mode shorter than this shows each card's shapes alone, and the selected one's words under them


class PipelineScreen(ModeScreen):
    """Data in → Preprocessing → Feature Engineering → Model Trains → Metrics → Prediction."""

    BINDINGS = [
        Binding("left", "move(-1)", "Prev", tooltip="Select the previous stage"),
        Binding("right", "move(1)", "Next", tooltip="Select the next stage"),
        Binding("up", "move(-3)", "Stage above", show=False, tooltip="Select the stage above"),
        Binding("down", "move(3)", "Stage below", show=False, tooltip="Select the stage below"),
        Binding("enter", "open", "Detail", tooltip="Open the selected stage's detail full screen (esc closes)"),
    ]

    FOCUS = {"stages": "#stage-flow, #stage-line"}

    selected: reactive[int] = reactive(0)
    compact = False  # the cards show their shapes alone (arrange_focus)
    card_width = 0  # columns of each card, as arrange_focus found them

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="pipeline-intro")
        with Grid(id="stage-flow"):
            for i in range(len(STAGE_IDS)):
                yield StageCard(i)
                if i % COLUMNS != COLUMNS - 1:
                    yield Static("→", classes="flow-arrow")
        yield Static(id="stage-line", classes="-off")
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
        # A name goes in the border where the border draws it whole (its corners and a space each side).
        titled = self.card_width >= max(len(stage.name) for stage in s.stages) + 6
        for card, stage in zip(self.query(StageCard), s.stages):
            card.show(stage, self.compact, titled)
        self.show_selected()

    def watch_selected(self) -> None:
        self.show_selected()

    def show_selected(self) -> None:
        """The selected stage's detail, and its words under compact cards."""
        s = self.session
        self.query_one(StageDetail).show(self.selected, s)
        if s.stages:
            stage = s.stages[self.selected]
            self.query_one("#stage-line", Static).update(Text.assemble(
                (f"{self.selected + 1} {stage.name}: ", "bold"), stage.description, "\n", ("→ " + stage.example, "italic")))

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """The intro (2 rows), two rows of compact cards (5 each) and the selected one's words (3)."""
        return Size(72, 15)

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """Make room: short of rows, the cards show their shapes alone, the selected stage's words under them.

        Short of columns, a card's name goes inside it, where it wraps whole."""
        self.compact = room.height < COMPACT
        self.card_width = (room.width - 3 * (COLUMNS - 1)) // COLUMNS  # the arrows between take 3 each
        self.query_one("#stage-line").set_class(not self.compact, "-off")
        self.query_one(StageDetail).set_class(self.compact, "-off")  # enter opens it full screen
        self.refresh_view()

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
