"""Mode 7 — Sweep: many values of λ trained at once, and the U-curve they draw.

`s` trains the optimizer's default grid of λ for the current settings as one stacked network
(core.sweep) in a thread worker, which only posts messages; the chart and the table fill in
as epochs end. The validation loss against λ falls while decay curbs overfitting and rises
once it also curbs learning: its lowest point is the best λ, which `a` hands to the Train
mode exactly as typing it into the λ field would.
"""

from __future__ import annotations

import time

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker
from textual_plotext import PlotextPlot

from ...charts import sweep_chart
from ...core.config import RunConfig
from ...core.grid import weight_decay_grid
from ...core.records import SweepPoint, SweepProgress, SweepResult
from ...sweep_view import COLUMNS, point_cells, verdict
from ..messages import SweepDone, SweepProgressed
from .base import REDRAW_EVERY, ModeScreen
from .train import describe


class SweepScreen(ModeScreen):
    """What the sweep trains, the U-curve, its progress, the verdict and a row per λ."""

    AUTO_FOCUS = "#sweep-table"
    BINDINGS = [
        Binding("s", "sweep", "Sweep/stop", tooltip="Train every λ of the grid at once for the current settings; "
                                                    "s again stops"),
        Binding("a", "apply_best", "Apply best λ", tooltip="Make the sweep's best λ the λ of 2 Train"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.number = 0  # of the latest sweep started; messages from older ones are dropped
        self.swept: RunConfig | None = None  # the settings of the sweep shown (or running)
        self.points: tuple[SweepPoint, ...] = ()  # as the latest record has them
        self.result: SweepResult | None = None
        self.worker: Worker[None] | None = None
        self.said = ""  # what happened to the latest sweep, when it did not finish
        self.shown_at = 0.0  # time.monotonic() of the latest progress drawn

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="sweep-about")
        yield PlotextPlot(id="sweep-chart")
        with Horizontal(id="sweep-progress-row"):
            yield ProgressBar(total=1, show_eta=False, show_percentage=False, id="sweep-progress")
            yield Static(id="sweep-epochs")
        yield Static(id="sweep-verdict")
        yield DataTable(id="sweep-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(DataTable).add_columns(*COLUMNS)
        for widget in self.query("#sweep-chart, #sweep-progress-row, #sweep-table"):
            widget.display = False  # until a sweep has something to show

    @property
    def settings(self) -> RunConfig:
        """The settings as the Train controls show them: a sweep trains these, `a` edits them."""
        return self.session.pending or self.session.config

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.state in (WorkerState.PENDING, WorkerState.RUNNING)

    def stale(self) -> bool:
        """True when the sweep shown ran with other settings than the current ones (λ aside)."""
        return self.swept is not None and self.swept != self.settings.replace(weight_decay=self.swept.weight_decay)

    # What is shown ----------------------------------------------------------------------

    def refresh_view(self) -> None:
        """The line saying what a sweep trains; it follows the settings, which change elsewhere."""
        settings = self.settings
        grid = weight_decay_grid(settings.optimizer, lr=settings.lr)
        about = (f"[b]{len(grid)} values of λ[/b]: 0, and {len(grid) - 1} log-spaced from {grid[1]:g} to "
                 f"{grid[-1]:g} ({settings.optimizer}'s range), trained at once as one stacked network from the "
                 f"same initial weights and the same batches. Settings: {describe(settings)} (each copy has its "
                 "own λ instead).")
        if self.stale():
            about += "\n[b $warning]The settings changed since this sweep ran: press s to sweep them.[/]"
        elif self.swept is None:
            about += ("\n\n[b]Press s to start the sweep.[/b] You will see the validation loss against λ: with "
                      "too little decay the network is free to learn its training rows by heart, with too much it "
                      "cannot fit at all, and the best λ sits at the bottom of the U between the two.")
        self.query_one("#sweep-about", Static).update(about)

    def show_points(self, epoch: int, epochs: int) -> None:
        """Chart, progress and table from `self.points`, the best marked once the sweep is done."""
        best = self.result.best if self.result is not None else None
        chart = self.query_one(PlotextPlot)
        sweep_chart(chart.plt, self.points, best)
        chart.refresh()
        for widget in self.query("#sweep-chart, #sweep-progress-row, #sweep-table"):
            widget.display = True
        self.query_one(ProgressBar).update(total=epochs, progress=epoch)
        state = "done" if self.result is not None else self.said or "training"
        self.query_one("#sweep-epochs", Static).update(f"epoch {epoch} of {epochs} · {state}")
        table = self.query_one(DataTable)
        table.clear()
        for i, p in enumerate(self.points):
            table.add_row(*point_cells(p, p is best), key=str(i))
        if best is not None:
            table.move_cursor(row=self.points.index(best))
        self.query_one("#sweep-verdict", Static).update(self.verdict())

    def verdict(self) -> str:
        if self.result is None:
            return self.said and f"{self.said.capitalize()}: press s to sweep again."
        if self.result.best is None:
            return (f"Every λ diverged: try a lower learning rate than {self.result.config['lr']:g} "
                    "in 2 Train, then sweep again.")
        return f"{verdict(self.result)} Press a to make it the λ of 2 Train."

    # The sweep ---------------------------------------------------------------------------

    def action_sweep(self) -> None:
        """Start a sweep of the current settings, or stop the one running."""
        if self.running:
            assert self.worker is not None
            self.worker.cancel()
            self.notify("Sweep stopped.", title="Sweep")
            return
        self.number += 1
        self.swept = self.settings
        self.points, self.result, self.said = (), None, ""
        grid = weight_decay_grid(self.swept.optimizer, lr=self.swept.lr)
        self.worker = self.sweep_worker(self.number, self.swept, grid)
        self.show_points(0, self.swept.epochs)
        self.refresh_view()

    @work(thread=True, exclusive=True, exit_on_error=False, group="sweep")
    def sweep_worker(self, number: int, config: RunConfig, grid: tuple[float, ...]) -> None:
        """Train every λ of `grid` at once; post each record; stop between two steps when cancelled."""
        from ...core.sweep import sweep

        for record in sweep(config, grid, stop=get_current_worker().cancelled_event):
            if isinstance(record, SweepProgress):
                self.post_message(SweepProgressed(record, sweep=number))
            else:
                self.post_message(SweepDone(record, sweep=number))

    def on_sweep_progressed(self, message: SweepProgressed) -> None:
        """Redraw at most every REDRAW_EVERY seconds: redrawing takes the GIL from the sweep
        (at the core's 20 records a second, a 12 s sweep took 17 s)."""
        now = time.monotonic()
        if message.sweep == self.number and now - self.shown_at >= REDRAW_EVERY:
            self.shown_at = now
            self.points = message.record.points
            self.show_points(message.record.epoch, message.record.epochs)

    def on_sweep_done(self, message: SweepDone) -> None:
        if message.sweep == self.number:
            self.result, self.points = message.record, message.record.points
            self.show_points(self.result.config["epochs"], self.result.config["epochs"])

    @on(Worker.StateChanged)
    def _worker_state(self, event: Worker.StateChanged) -> None:
        """A stopped sweep says at which epoch; one that cannot run (say, a CSV too small) says why."""
        if event.worker is not self.worker or self.swept is None:
            return
        if event.state == WorkerState.CANCELLED:
            self.said = "stopped"
        elif event.state == WorkerState.ERROR:
            self.said = "failed"
            self.notify(str(event.worker.error), title="The sweep cannot run", severity="error")
        else:
            return
        done = int(self.query_one(ProgressBar).progress or 0)
        self.show_points(done, self.swept.epochs)

    # Applying the best λ ---------------------------------------------------------------------

    def action_apply_best(self) -> None:
        """Make the best λ the Train mode's λ, through the same path as the Train controls."""
        best = self.result.best if self.result is not None else None
        if best is None:
            why = ("Every λ of this sweep diverged." if self.result is not None else
                   "The sweep is still running." if self.running else "No sweep yet: press s to run one.")
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
        elif len(s.epochs) < s.config.epochs:
            then = f"the run takes it on from epoch {len(s.epochs) + 1}."
        else:
            then = "press r to train a new model with it (or raise Epochs in 2 Train to go on)."
        self.notify(f"λ = {lam:g} is now the λ of 2 Train; {then}", title="Best λ applied")
