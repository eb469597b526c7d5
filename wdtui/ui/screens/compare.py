"""Mode 6 — Compare: twin runs, λ = 0 and the run's λ, trained side by side.

Both twins are built from the run's settings and differ in λ alone. So the seed gives them the
same data, initial weights and batch order (core.compare). Whatever separates their curves, and
their decision boundaries drawn side by side over one plane, is weight decay's doing. `c` asks
the app to train them, in a job of its own (ui/jobs/twins_state.py). Entering the mode starts them
when there is no comparison yet. What they produced is kept on the app (`WdtuiApp.twins`),
where the Weights mode reads it too. A reset or new settings leave it in place, but marked stale.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.markup import escape
from textual.widgets import DataTable, Header, ProgressBar, Static
from textual_plotext import PlotextPlot

from ...core.compare import verdict
from ...core.records import EpochRecord
from ...present.boundary import taken_at, twin_caption
from ...present.charts import compare_chart
from ...present.verdicts import smoothness_line, twins_verdict
from ...present.words import describe
from ..jobs.twins_state import TwinsState
from ..session import RunState
from ..widgets.boundary import BoundaryPicture
from ..widgets.footer import ModeFooter
from .base import ModeScreen

SHORT = 32  # rows: a mode shorter than this has no room for the boundaries beside the chart
CHART_MIN = 24  # columns: the loss chart's least width beside the twins (app.tcss)
CHART_READS = 60  # columns: a chart a step is about, its curves and their legend apart
TWIN_WIDTH = 35  # columns of each twin (its picture and a space) at most, as Compare draws them on its own (app.tcss)

WHAT = ("[b]Twin runs[/b], alike but for λ: the same seed gives both the same data, initial weights and batch "
        "order, so whatever separates them is weight decay's doing.")
NEEDS_DECAY = ("The comparison needs λ > 0: at λ = 0 both twins would be the same run. Set λ in 2 Train, or "
               "start with [b]wdtui --preset overfit[/b], a task that overfits at λ = 0 and where λ = 0.1 helps.")


class CompareScreen(ModeScreen):
    """What the twins are, their progress, the overlaid loss chart, the verdict and a row per epoch."""

    AUTO_FOCUS = "#compare-table"
    BINDINGS = [
        Binding("c", "compare", "Train twins", tooltip="Train the λ = 0 and λ twins from the current settings "
                                                  "(again, if they ran before)"),
    ]
    FOCUS = {"chart": "#compare-chart", "twins": ".twin-boundary", "verdict": "#compare-verdict",
             "table": "#compare-table"}

    _drawn: tuple[object, ...] = ()  # (comparison, epochs of each twin, diverged) on the chart and in the table
    _table_of: TwinsState | None = None  # the comparison in the table
    _final_rows = 0  # its leading rows that no later record changes

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="compare-what")
        yield Static(id="compare-about")
        with Horizontal(id="compare-progress-row"):
            yield ProgressBar(total=1, show_eta=False, id="compare-progress")
            yield Static(id="compare-state")
        with Horizontal(id="compare-middle"):
            yield PlotextPlot(id="compare-chart")
            for which in (0, 1):
                with Vertical(classes="twin-boundary", id=f"twin-{which}"):
                    yield Static(classes="twin-title")
                    yield BoundaryPicture()
                    yield Static(classes="twin-numbers")
        yield Static(id="compare-verdict")
        yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True, header_height=2)
        yield ModeFooter(compact=True)

    @property
    def compare(self) -> TwinsState | None:
        return self.wdtui.twins

    # What is shown ----------------------------------------------------------------------------

    def refresh_view(self) -> None:
        c, s = self.compare, self.session
        if c is None and s.config.weight_decay > 0 and s.state != RunState.FAILED and not self.wdtui.lesson_open:
            self.action_compare()  # entering the mode with no comparison yet starts one (the lesson's step says c)
            return
        self.query_one("#compare-what", Static).update(WHAT if s.config.weight_decay > 0 or c is not None else "")
        self.query_one("#compare-about", Static).update(self.about())
        self.set_class(c is None, "-empty")  # only what the twins are, until they train (app.tcss)
        if c is None:
            return
        self.query_one(ProgressBar).update(total=2 * c.config.epochs, progress=c.progress)
        self.query_one("#compare-state", Static).update(self.state_text(c))
        self.query_one("#compare-verdict", Static).update(self.verdict_text(c))
        drawn = (c, len(c.zero), len(c.decayed), *(d is not None for d in c.diverged))
        if drawn != self._drawn:
            self._drawn = drawn
            chart = self.query_one(PlotextPlot)
            compare_chart(chart.plt, c.curve(0), c.curve(1), c.config.weight_decay)
            chart.refresh()
            self.fill_table(c)
        self.show_boundaries(c)

    # Room: the twins' pictures need the height, the table the width ---------------------------

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """Settings and progress (3 rows), then each region.

        They are the twins side by side at the size Compare draws them on its own, a readable
        chart, the verdict, the table's rows."""
        width = max(TWIN_WIDTH * 2 if "twins" in focus else 0, CHART_READS if "chart" in focus else 0, 72)
        epochs = (self.compare.config if self.compare else self.session.target).epochs
        middle = max(16 if "twins" in focus else 0, 13 if "chart" in focus else 0)  # side by side
        return Size(width, 3 + middle + 4 * ("verdict" in focus) + (2 + epochs) * ("table" in focus))

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """Without a focus: the boundaries only where the mode is tall enough. With one: the
        other parts only where they fit too, the chart making way for the twins' width."""
        if not focus:
            off = {".twin-boundary"} if room.height < SHORT else set()
        else:
            tight = room.height < SHORT + 2
            off = {selector for region, selector in self.FOCUS.items() if tight and region not in focus}
            if tight:
                off.add("#compare-what")
            if "twins" in focus and room.width < CHART_MIN + 2 * TWIN_WIDTH:
                off.add("#compare-chart")
            elif "chart" in focus and "twins" not in focus and room.width < CHART_READS + 2 * TWIN_WIDTH:
                off.add(".twin-boundary")
        if {"#compare-chart", ".twin-boundary"} <= off:
            off.add("#compare-middle")
        for selector in ("#compare-what", "#compare-middle", *self.FOCUS.values()):
            for widget in self.query(selector):
                widget.set_class(selector in off, "-off")
        # The pictures or the chart take the rows the table leaves them (18 beside a table).
        self.query_one("#compare-middle").styles.height = "1fr" if "#compare-table" in off else 18

    def show_boundaries(self, c: TwinsState) -> None:
        """Each twin's latest boundary, with its validation loss at that epoch and its numbers."""
        for which in (0, 1):
            panel = self.query_one(f"#twin-{which}")
            colour = "red" if which == 0 else "green"
            found = c.boundary(which)
            panel.query_one(BoundaryPicture).show(found[0] if found else None)
            title = f"[b {colour}]{c.name(which)}[/]"
            if found is None:
                words = "its boundary appears after its first epoch" if c.state == RunState.TRAINING else "no boundary"
            else:
                look, b = c.looks[which], found[0]
                # The twins' Watch looks at epoch ends only (trainer/tasks.py), so a look's step is its
                # epoch's last: the run's own steps per epoch (another run's, often) are not theirs.
                words = twin_caption(b, found[1].val_loss if found[1] else None,
                                     taken_at(look.epoch, look.step, look.step))
                if b.n_features > 2:  # a slice: say which, under both pictures alike
                    title += f" · {escape(' × '.join(b.feature_names))}"
                    words += f"\nthe other {b.n_features - 2} features at their training mean"
            panel.query_one(".twin-title", Static).update(title)
            panel.query_one(".twin-numbers", Static).update(words)

    def about(self) -> str:
        """What the twins are, and whether they still match the run."""
        c, s = self.compare, self.session
        if c is None:
            if s.state == RunState.FAILED:
                return (f"The run could not be built ({escape(s.error or '')}), so neither can its twins: fix the "
                        "settings in 2 Train.")
            if s.config.weight_decay > 0:  # in the lesson, they wait for c (and c for the prediction)
                when = ", once you have made your prediction in the lesson panel" if self.wdtui.awaiting_prediction else ""
                return (f"[b]c[/b] trains the twins, [b red]λ = 0[/b red] and [b green]λ = {s.config.weight_decay:g}"
                        f"[/b green]{when} · Settings: {describe(s.config)}")
            return NEEDS_DECAY
        text = f"[b red]λ = 0[/b red] against [b green]{c.name(1)}[/b green] · Settings: {describe(c.config)}"
        stale = c.stale(s.config, self.wdtui.run_id)
        if stale:
            again = NEEDS_DECAY if s.config.weight_decay == 0 else "Press c to compare the current ones."
            text += f"\n[b $warning]Stale: {stale}.[/] {again}"
        elif s.pending is not None:
            text += "\n[$text-muted]Settings waiting for r in 2 Train are not used: they are not the run's yet.[/]"
        return text

    def state_text(self, c: TwinsState) -> str:
        n = c.config.epochs
        if c.state == RunState.FAILED:
            return f"failed: {escape(c.error or '')}"
        if c.state == RunState.FINISHED:
            return f"done: {len(c.zero)} and {len(c.decayed)} of {n} epochs"
        if c.state == RunState.STOPPED:
            return f"stopped after {len(c.zero)} and {len(c.decayed)} of {n} epochs — c starts again"
        which, step = c.training_now, c.last_step
        where = f", step {step.step}/{step.steps_per_epoch}" if step is not None else ""
        return f"training the {c.name(which)} twin: epoch {len(c.epochs[which]) + 1} of {n}{where}"

    def verdict_text(self, c: TwinsState) -> str:
        v = verdict(c.zero, c.decayed)
        text = "" if v is None else (twins_verdict(v) if c.state == RunState.FINISHED else f"So far: {twins_verdict(v)}")
        smooth = (c.smoothness(0), c.smoothness(1))
        if None not in smooth:
            text += "\n" + smoothness_line(*smooth, c.config.weight_decay)
        for which, d in enumerate(c.diverged):
            if d is not None:
                text += f"\nThe {c.name(which)} twin diverged: {d.message}."
        return text.strip()

    def fill_table(self, c: TwinsState) -> None:
        """A row per epoch: each twin's validation loss, gap (val − train loss) and ‖θ‖.

        The headers take two lines (the quantity, then the twin), so all seven columns fit 72 columns.
        Rows are added as the twins train. Only the rows not final yet are redone (a twin's epoch
        still to come, "…"). Rebuilt whole at every redraw, a moons Compare's 300 rows took the UI
        thread 30 ms a redraw by its end, and the table's cursor went back to the top."""
        table = self.query_one(DataTable)
        if self._table_of is not c:  # a new comparison: a new table
            table.clear(columns=True)
            zero, lam = c.name(0), c.name(1)
            table.add_columns("Epoch", f"Val loss\n{zero}", f"Val loss\n{lam}", f"Gap\n{zero}", f"Gap\n{lam}",
                              f"‖θ‖\n{zero}", f"‖θ‖\n{lam}")
            self._table_of, self._final_rows = c, 0
        for i in range(self._final_rows, table.row_count):
            table.remove_row(str(i + 1))
        rows = max(len(c.zero), len(c.decayed))
        for i in range(self._final_rows, rows):
            cells = [_cells(records[i] if i < len(records) else None, d is not None)
                     for records, d in zip(c.epochs, c.diverged)]
            (v0, g0, n0), (v1, g1, n1) = cells
            table.add_row(str(i + 1), v0, v1, g0, g1, n0, n1, key=str(i + 1))
        # A row is final once each twin has its epoch there, or has diverged ("diverged" for good).
        self._final_rows = min(rows, *(len(r) if d is None else rows for r, d in zip(c.epochs, c.diverged)))

    # The twins -----------------------------------------------------------------------------

    def action_compare(self) -> None:
        """Train the twins from the run's settings; a comparison still training is dropped."""
        config = self.session.config
        if config.weight_decay == 0:
            self.notify(NEEDS_DECAY, title="Compare", severity="warning")
            self.refresh_view()
            return
        self.wdtui.start_twins(config)


def _cells(e: EpochRecord | None, diverged: bool) -> tuple[str, str, str]:
    if e is None:
        return ("diverged",) * 3 if diverged else ("…",) * 3
    return f"{e.val_loss:.4f}", f"{e.gap:+.4f}", f"{e.weight_norm:.3f}"
