"""Mode 7 — Sweep: many values of λ trained at once, and the U-curve they draw.

`s` asks the app to sweep the optimizer's default grid of λ for the current settings. The sweep
is one stacked network (core.sweep_engine), trained by a job of its own (ui/jobs/sweep_state.py). The chart
and the table fill in as epochs end, and the sweep goes on while you look at other modes.

The validation loss against λ falls while decay curbs overfitting, and rises once it also curbs
learning. Its lowest point is the best λ. `a` hands it to the Train mode, exactly as typing it
into the λ field would. A strip of small pictures shows the decision boundaries across λ; the
sweep's worker draws them, over one plane. They are bent around noisy rows at λ = 0, smooth at
the best λ, and too simple once decay curbs learning. The strip follows the table's cursor.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.widgets import DataTable, Header, ProgressBar, Static
from textual_plotext import PlotextPlot

from ...core.config import RunConfig
from ...core.lambda_grid import weight_decay_grid
from ...present.boundary import strip_picks
from ...present.charts import sweep_chart
from ...present.columns import BEST, DIVERGED, STACKED, SWEEP_COLUMNS, point_cells
from ...present.verdicts import sweep_verdict
from ...present.words import describe
from ..jobs.sweep_state import SweepState
from ..session import RunState
from ..widgets.boundary import BoundaryStrip
from ..widgets.footer import ModeFooter
from .base import ModeScreen

MARKS = {BEST: "bold green", DIVERGED: "red"}  # the styles of the last column's marks
WHAT = ("Each copy of the network trains with its own λ, from the same initial weights and the same batches: the "
        "chart draws validation loss against λ, the strip each λ's decision boundary, the table a row per λ.")
WHAT_SHOWN = "Validation loss against λ (the chart), each λ's decision boundary (the strip, which follows the table's cursor)."
SAYS = {RunState.TRAINING: "training", RunState.FINISHED: "done", RunState.STOPPED: "stopped",
        RunState.FAILED: "failed"}


class SweepScreen(ModeScreen):
    """What the sweep trains, the U-curve, its progress, the verdict and a row per λ."""

    AUTO_FOCUS = "#sweep-table"
    BINDINGS = [
        Binding("s", "sweep", "Sweep/stop", tooltip="Train every λ of the grid at once for the current settings; "
                                                    "s again stops"),
        Binding("a", "apply_best", "Apply best λ", tooltip="Make the sweep's best λ the λ of 2 Train"),
    ]

    FOCUS = {"chart": "#sweep-chart", "strip": "#sweep-strip", "table": "#sweep-table"}

    _drawn: tuple[object, ...] = ()  # (sweep, epoch, state) on the chart and in the table

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sweep-what")
        yield Static(id="sweep-about")
        yield PlotextPlot(id="sweep-chart")
        yield BoundaryStrip(id="sweep-strip")
        with Horizontal(id="sweep-progress-row"):
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="sweep-progress")
            yield Static(id="sweep-epochs")
        yield Static(id="sweep-verdict")
        yield DataTable(id="sweep-table", cursor_type="row", zebra_stripes=True)
        yield ModeFooter(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns(*(c.name for c in SWEEP_COLUMNS))
        # The marks' column as wide as its widest mark from the start: sized by the rows it
        # happened to hold, it would change width as the best λ moves during a sweep.
        table.add_column("", width=max(len(BEST), len(DIVERGED)))

    @property
    def sweep(self) -> SweepState | None:
        return self.wdtui.sweep

    @property
    def settings(self) -> RunConfig:
        """The settings as the Train controls show them: a sweep trains these, `a` edits them."""
        return self.session.pending or self.session.target

    def stale(self) -> bool:
        """True when the sweep shown ran with other settings than the current ones (λ aside)."""
        swept = self.sweep.config if self.sweep is not None else None
        return swept is not None and swept != self.settings.replace(weight_decay=swept.weight_decay)

    # What is shown ----------------------------------------------------------------------

    def refresh_view(self) -> None:
        self.query_one("#sweep-what", Static).update(f"{WHAT if self.sweep is None else WHAT_SHOWN} {STACKED}")
        self.query_one("#sweep-about", Static).update(self.about())
        sweep = self.sweep
        self.set_class(sweep is None, "-empty")  # what a sweep is, until there is one (app.tcss)
        if sweep is None:
            return
        drawn = (sweep, sweep.epoch, sweep.state)
        if drawn != self._drawn:
            self._drawn = drawn
            self.show_points(sweep)
        self.show_strip(sweep)

    def show_strip(self, sweep: SweepState) -> None:
        """Small pictures across λ: λ = 0, the best (★), the table's cursor (▸), the rest spread evenly.

        Under each is the validation loss, at the epoch the pictures were taken."""
        strip = self.query_one(BoundaryStrip)
        if not sweep.boundaries:
            strip.show([("", None, "…")])
            return
        table = self.query_one(DataTable)
        cursor = table.cursor_row if table.row_count else None
        best = sweep.points.index(sweep.best) if sweep.best is not None else None
        tiles = []
        for i in strip_picks(len(sweep.points), strip.fits, best, cursor):
            point, boundary = sweep.points[i], sweep.boundaries[i]
            mark = "★" if i == best else "▸" if i == cursor else " "
            title = f"{'[b]' if mark != ' ' else ''}{mark}λ {point.weight_decay:g}{'[/b]' if mark != ' ' else ''}"
            caption = "diverged" if point.diverged else f"val {point.val_loss:.4f}"
            tiles.append((title, boundary, caption))
        strip.show(tiles)

    def on_data_table_row_highlighted(self) -> None:
        if self.sweep is not None:
            self.show_strip(self.sweep)

    def on_boundary_strip_refit(self) -> None:
        if self.sweep is not None:
            self.show_strip(self.sweep)

    def about(self) -> str:
        """The sweep on screen, its grid and its settings (the ones the table shows), or the one s would run.

        Also whether the settings have changed since."""
        sweep = self.sweep
        settings = sweep.config if sweep is not None else self.settings
        grid = sweep.grid if sweep is not None else weight_decay_grid(settings.optimizer, lr=settings.lr)
        if self.has_class("-short"):  # a row more for the chart (arrange_focus)
            about = f"[b]{len(grid)} values of λ[/b], 0 and {grid[1]:g} to {grid[-1]:g} · {describe(settings)}"
        else:
            about = (f"[b]{len(grid)} values of λ[/b]: 0, and {len(grid) - 1} log-spaced from {grid[1]:g} to "
                     f"{grid[-1]:g} ({settings.optimizer}'s range) · Settings: {describe(settings)} (each copy its own λ)")
        if self.stale():
            about += ("\n[b $warning]The settings changed since this sweep ran: press s to sweep them "
                      f"({describe(self.settings)}).[/]")
        elif sweep is None:
            about += "\n[b]Press s to start the sweep.[/b]"
        return about

    # Room: the chart and the strip of boundaries, the table where it fits too ------------------

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """The settings and the progress (3 rows), a chart with room for its U, the strip, and
        the table's 17 rows."""
        rows = {"chart": 10, "strip": 9, "table": 19}
        return Size(78 if "table" in focus else 66, 3 + sum(rows[r] for r in focus))

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """With a lesson focus and too few rows for everything, the parts the step is not about make way.

        Those are what a sweep is (said before it ran), the verdict, and the regions the step is
        not about. The chart takes the rows left."""
        tight = bool(focus) and room.height < 40
        self.set_class(tight and room.height < 24, "-short")  # the strip and the settings give the chart rows
        self.query_one("#sweep-about", Static).update(self.about())
        off = {selector for region, selector in self.FOCUS.items() if tight and region not in focus}
        if tight:
            off |= {"#sweep-what", "#sweep-verdict"}
        for selector in ("#sweep-what", "#sweep-verdict", *self.FOCUS.values()):
            self.query_one(selector).set_class(selector in off, "-off")
        self.query_one("#sweep-chart").styles.height = "1fr" if tight and "chart" in focus else None

    def show_points(self, sweep: SweepState) -> None:
        """Chart, progress and table from the sweep's points, the best marked once it is done."""
        chart = self.query_one(PlotextPlot)
        sweep_chart(chart.plt, sweep.points, sweep.best)
        chart.refresh()
        epochs = sweep.config.epochs
        self.query_one(ProgressBar).update(total=epochs, progress=sweep.epoch)
        self.query_one("#sweep-epochs", Static).update(f"epoch {sweep.epoch} of {epochs} · {SAYS[sweep.state]}")
        table = self.query_one(DataTable)
        table.clear()
        for i, p in enumerate(sweep.points):
            *cells, mark = point_cells(p, p is sweep.best)
            table.add_row(*cells, Text(mark, style=MARKS.get(mark, "")), key=str(i))
        if sweep.best is not None:
            table.move_cursor(row=sweep.points.index(sweep.best))
        self.query_one("#sweep-verdict", Static).update(self.verdict(sweep))

    def verdict(self, sweep: SweepState) -> str:
        if sweep.result is None:
            return "" if sweep.state == RunState.TRAINING else f"{SAYS[sweep.state].capitalize()}: press s to sweep again."
        if sweep.best is None:
            return f"{sweep_verdict(sweep.result)} Set it in 2 Train, then sweep again."
        return f"{sweep_verdict(sweep.result)} Press a to make it the λ of 2 Train."

    # The sweep ---------------------------------------------------------------------------

    def action_sweep(self) -> None:
        """Start a sweep of the current settings, or stop the one running."""
        if self.sweep is not None and self.sweep.state == RunState.TRAINING:
            self.wdtui.stop_sweep()
            self.notify("Sweep stopped.", title="Sweep")
            return
        settings = self.settings
        self.wdtui.start_sweep(settings, weight_decay_grid(settings.optimizer, lr=settings.lr))

    # Applying the best λ ---------------------------------------------------------------------

    def action_apply_best(self) -> None:
        """Make the best λ the Train mode's λ, through the same path as the Train controls."""
        sweep = self.sweep
        best = sweep.best if sweep is not None else None
        if best is None:
            why = ("No sweep yet: press s to run one." if sweep is None else
                   "The sweep is still running." if sweep.state == RunState.TRAINING else
                   "Every λ of this sweep diverged." if sweep.result is not None else
                   "This sweep did not finish: press s to sweep again.")
            self.notify(why, title="No best λ to apply", severity="warning")
            return
        if self.stale():
            self.notify("The settings changed since this sweep ran, so its best λ may not be theirs: press s "
                        "to sweep them first.", title="Not applied", severity="warning")
            return
        lam, before = best.weight_decay, self.session
        if self.settings.weight_decay == lam:
            self.notify(f"λ is already {lam:g} in 2 Train.", title="Best λ")
            return
        self.wdtui.apply_config(self.settings.replace(weight_decay=lam))
        s = self.session
        if s is not before:
            then = "a new model was built with it: press space to train it."
        elif len(s.epochs) < s.target.epochs:
            then = f"the run takes it on from epoch {len(s.epochs) + 1}."
        else:
            then = "press r to train a new model with it (or raise Epochs in 2 Train to go on)."
        self.notify(f"λ = {lam:g} is now the λ of 2 Train; {then}", title="Best λ applied")
