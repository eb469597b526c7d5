"""Mode 2 — Train: the settings, the live loss chart, the epoch trace, the decision boundary
and the run's progress.

The app-wide keys: space starts/pauses, n trains one epoch, . one step, + and - change the pace,
r builds a new model. λ and epochs changed mid-run apply from the next epoch; other settings
wait for r. The boundary under the table is the run's own. The engine's Watch takes it in the
worker as the run goes (ui/jobs/run.py). The keys x and y choose its plane when the data has
more than two features.
"""

from __future__ import annotations

import time

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.widgets import ContentSwitcher, Header, Static

from ...core.config import RunConfig
from ...present.words import changed_settings, describe
from ..widgets.boundary import BoundaryPanel, BoundaryPicture
from ..widgets.epoch_table import WIDE, EpochTable
from ..widgets.footer import ModeFooter
from ..widgets.loss_chart import LossChart
from ..widgets.run_controls import RunControls
from ..widgets.run_status import RunStatus
from ...present.boundary import boundary_words, measures, next_feature, taken_at
from .base import ModeScreen


# While the run trains, the table and the chart follow at most this often (seconds), since a new
# row lays the whole screen out again. The progress bar, the status line and the boundary follow
# every redraw. Training no longer shares the app's GIL (the trainer process). So the table keeps
# up with a paced run's half-second epochs.
TABLE_EVERY = 0.4
SHORT = 32  # rows: a mode shorter than this has no room for the boundary under the table
STEPS, PACE = Binding.Group("epoch/step", compact=True), Binding.Group("pace", compact=True)


def settings_waiting(s) -> str:
    """Settings asked for but not in force yet: λ and epochs from the next epoch, the rest after r."""
    lines = []
    if s.requested is not None:
        lines.append(f"From epoch {len(s.epochs) + 1}: {changed_settings(s.config, s.requested)}")
    if s.pending is not None:
        lines.append(f"After r: {changed_settings(s.target, s.pending)}")
    return "\n".join(lines)


class TrainScreen(ModeScreen):
    """Settings on the left; chart, epoch table and progress on the right."""

    AUTO_FOCUS = "EpochTable"
    FOCUS = {"chart": "#train-chart", "table": "#epoch-table"}
    _configs_shown: tuple[RunConfig, RunConfig | None, RunConfig | None] | None = None
    _table_drawn = 0.0
    BINDINGS = [
        Binding("escape", "leave_form", "Leave form", tooltip="Leave the settings form (enter applies a field)"),
        Binding("s", "settings", "Settings", tooltip="Edit the settings (tab between fields; esc leaves)"),
        Binding("n", "app.one_epoch", "One epoch", tooltip="Train one epoch, then pause", group=STEPS),
        Binding("full_stop", "app.one_step", "One step", tooltip="Train one optimizer step, then pause", group=STEPS),
        Binding("plus,equals_sign", "app.faster", "Faster", key_display="+", tooltip="A faster pace", group=PACE),
        Binding("minus", "app.slower", "Slower", tooltip="A slower pace", group=PACE),
        Binding("r", "app.reset", "Reset", tooltip="A new model from the current settings; tables cleared"),
        Binding("b", "swap_chart", "Boundary", tooltip="Show the boundary large in place of the loss chart, or the "
                                                       "chart again (on a short terminal, the only place it fits)"),
        # The plane keys work on data of more than two features; the boundary's words name them.
        Binding("x", "plane(0)", "x axis", show=False, tooltip="The boundary's horizontal axis: the next feature "
                                                               "(data of more than two features)"),
        Binding("y", "plane(1)", "y axis", show=False, tooltip="The boundary's vertical axis: the next feature"),
        Binding("v", "default_plane", "Default plane", show=False,
                tooltip="The boundary over the two features the first layer weighs most"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="train-top"):
            with Vertical(id="train-settings"):
                yield RunControls(id="controls")
                yield Static(id="config-now")
                yield Static(id="config-pending")
            with ContentSwitcher(initial="loss-chart", id="train-chart"):
                yield LossChart(id="loss-chart")
                yield BoundaryPicture(id="chart-boundary")
        yield Static(id="config-line", classes="-off")  # the settings in force, when the form makes way
        yield EpochTable(id="epoch-table")
        yield Static(id="epoch-observation", classes="-off")  # the cursor row's, when the table is narrow
        yield BoundaryPanel(id="train-boundary")
        yield RunStatus(id="run-status")
        yield ModeFooter(compact=True)

    def on_mount(self) -> None:
        settings = self.query_one("#train-settings")
        settings.border_title, settings.border_subtitle = "Settings (s)", "enter applies"

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """The settings line (2 rows) and the status (3), then the chart at a readable size, or the table.

        The table needs every row: epoch 0, a row per epoch, its header and the observation's line."""
        rows = {"chart": 14, "table": self.session.target.epochs + 3}
        return Size(60 if focus == ("chart",) else 72, 5 + sum(rows[r] for r in focus))

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """The boundary only where there is room under the table.

        With a lesson focus and too few rows for everything, the settings form makes way for a
        line of them. The regions the step is not about make way for the one it is."""
        tight = bool(focus) and room.height < SHORT
        self.set_class(room.height < SHORT, "-short")
        self.set_class(room.width < 120, "-narrow")  # the status line takes two rows (app.tcss)
        off = {selector for region, selector in self.FOCUS.items() if tight and region not in focus}
        if tight:
            off |= {"#train-settings", "#train-boundary"}
        if "#train-settings" in off and "#train-chart" in off:
            off.add("#train-top")
        for selector in ("#train-top", "#train-settings", "#train-boundary", *self.FOCUS.values()):
            self.query_one(selector).set_class(selector in off, "-off")
        self.query_one("#config-line").set_class("#train-settings" not in off, "-off")
        self.query_one("#train-top").styles.height = "1fr" if tight and "chart" in focus else None
        self.query_one("#epoch-table").styles.height = "auto" if tight and "table" in focus else None
        table = self.query_one(EpochTable)
        table.set_wide(room.width >= WIDE)
        self.query_one("#epoch-observation").set_class(table.wide, "-off")

    @on(EpochTable.RowObservation)
    def _observed(self, message: EpochTable.RowObservation) -> None:
        self.query_one("#epoch-observation", Static).update(message.text)

    def refresh_view(self) -> None:
        s = self.session
        if (s.config, s.requested, s.pending) != self._configs_shown:  # most refreshes are steps: leave these be
            self._configs_shown = (s.config, s.requested, s.pending)
            self.query_one(RunControls).show(s.pending or s.target)
            self.query_one("#config-now", Static).update(f"[b]In force[/b]: {describe(s.config)}")
            self.query_one("#config-line", Static).update(f"[b]In force[/b]: {describe(s.config)}")
            self.query_one("#config-pending", Static).update(settings_waiting(s))
        now = time.monotonic()
        if not s.running or now - self._table_drawn >= TABLE_EVERY:
            self._table_drawn = now
            self.query_one(LossChart).show(s.all_epochs)
            self.query_one(EpochTable).show(s.all_epochs, s.lambda_changes)
        self.query_one(RunControls).show_pace(self.wdtui.pace)
        self.query_one(RunStatus).show(s, self.wdtui.pace)
        self.query_one(BoundaryPanel).show(s.boundary, self.boundary_words())
        large = self.query_one("#chart-boundary", BoundaryPicture)
        if large.display:
            large.show(s.boundary)
            large.border_title = self.large_title()

    def large_title(self) -> str:
        s = self.session
        if s.boundary is None or s.look is None or s.setup is None:
            return "Decision boundary (b: the loss chart)"
        where = taken_at(s.look.epoch, s.look.step, s.setup.steps_per_epoch)
        return f"Decision boundary · {where} · {measures(s.boundary)} (b: the loss chart)"

    def boundary_words(self) -> str:
        s = self.session
        if s.look is None or s.setup is None:
            return "[b]Decision boundary[/b]\nIt appears once the model is built (torch is loading)."
        where = taken_at(s.look.epoch, s.look.step, s.setup.steps_per_epoch)
        return boundary_words(s.boundary, where, s.setup.class_names, s.untrained, self.wdtui.plane.features is not None)

    @on(RunControls.Edited)
    def _edited(self, message: RunControls.Edited) -> None:
        self.wdtui.apply_config(message.config)

    @on(RunControls.PresetChosen)
    def _preset(self, message: RunControls.PresetChosen) -> None:
        self.wdtui.action_preset(message.name)

    @on(RunControls.PaceChosen)
    def _pace(self, message: RunControls.PaceChosen) -> None:
        self.wdtui.set_pace(message.pace)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """esc is offered only while a settings field has focus (then it is the only way out)."""
        if action == "leave_form":
            return self.focused is not None and self.query_one("#train-settings") in self.focused.ancestors
        if action in ("plane", "default_plane"):  # only a slice has other planes to show
            setup = self.session.setup
            return setup is not None and len(setup.feature_names) > 2
        return True

    def action_settings(self) -> None:
        self.query_one("#cfg-weight_decay").focus()

    def action_leave_form(self) -> None:
        self.query_one(EpochTable).focus()

    def action_plane(self, axis: int) -> None:
        """The next feature on one axis of the boundary's plane (never the other axis's)."""
        shown = self.session.boundary
        if shown is None or self.session.setup is None:
            return
        features = list(shown.features)
        features[axis] = next_feature(features[axis], features[1 - axis], len(self.session.setup.feature_names))
        self.wdtui.choose_plane((features[0], features[1]))

    def action_default_plane(self) -> None:
        self.wdtui.choose_plane(None)

    def action_swap_chart(self) -> None:
        """The loss chart, or the boundary large in its place."""
        switcher = self.query_one(ContentSwitcher)
        switcher.current = "chart-boundary" if switcher.current == "loss-chart" else "loss-chart"
        self.refresh_view()
