"""Mode 6 — Compare: twin runs, λ = 0 and the run's λ, trained side by side.

Both twins are built from the run's settings and differ in λ alone, so the seed gives them
the same data, initial weights and batch order (core.twins): whatever separates their curves
is weight decay's doing. `c` trains them in a thread worker that only posts messages, and
entering the mode starts them when there is no comparison yet. What they produced is kept on
the app (`WdtuiApp.compare`), where the Weights mode reads it too; a reset or new settings
leave it in place but marked stale.
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.markup import escape
from textual.widgets import DataTable, Footer, Header, ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker
from textual_plotext import PlotextPlot

from ...charts import compare_chart
from ...core.compare import verdict
from ...core.config import RunConfig
from ...core.records import EpochRecord
from ..messages import TwinRecord
from ..session import FAILED as RUN_FAILED
from ..twins import DONE, FAILED, STOPPED, TRAINING, CompareState
from .base import ModeScreen
from .train import describe

NEEDS_DECAY = ("The comparison needs λ > 0: at λ = 0 both twins would be the same run. Set λ in 2 Train, or "
               "start with [b]wdtui --preset overfit[/b], a task that overfits at λ = 0 and where λ = 0.1 helps.")


class CompareScreen(ModeScreen):
    """What the twins are, their progress, the overlaid loss chart, the verdict and a row per epoch."""

    AUTO_FOCUS = "#compare-table"
    BINDINGS = [
        Binding("c", "compare", "Train twins", tooltip="Train the λ = 0 and λ twins from the current settings "
                                                  "(again, if they ran before)"),
    ]

    worker: Worker[None] | None = None
    _drawn: tuple[object, ...] = ()  # (comparison, epochs of each twin) on the chart and in the table

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="compare-about")
        with Horizontal(id="compare-progress-row"):
            yield ProgressBar(total=1, show_eta=False, id="compare-progress")
            yield Static(id="compare-state")
        yield PlotextPlot(id="compare-chart")
        yield Static(id="compare-verdict")
        yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True)
        yield Footer(compact=True)

    @property
    def compare(self) -> CompareState | None:
        return self.wdtui.compare

    # What is shown ----------------------------------------------------------------------------

    def refresh_view(self) -> None:
        c, s = self.compare, self.session
        if c is None and s.config.weight_decay > 0 and s.state != RUN_FAILED:
            self.action_compare()  # entering the mode with no comparison yet starts one
            return
        self.query_one("#compare-about", Static).update(self.about())
        for part in ("#compare-progress-row", "#compare-chart", "#compare-verdict", "#compare-table"):
            self.query_one(part).display = c is not None
        if c is None:
            return
        self.query_one(ProgressBar).update(total=2 * c.config.epochs, progress=c.progress)
        self.query_one("#compare-state", Static).update(self.state_text(c))
        self.query_one("#compare-verdict", Static).update(self.verdict_text(c))
        drawn = (c, len(c.zero), len(c.decayed))
        if drawn != self._drawn:
            self._drawn = drawn
            chart = self.query_one(PlotextPlot)
            compare_chart(chart.plt, c.zero, c.decayed, c.config.weight_decay)
            chart.refresh()
            self.fill_table(c)

    def about(self) -> str:
        """What the twins are, and whether they still match the run."""
        c, s = self.compare, self.session
        if c is None:
            if s.state == RUN_FAILED:
                return (f"The run could not be built ({escape(s.error or '')}), so neither can its twins: fix the "
                        "settings in 2 Train.")
            return NEEDS_DECAY
        text = (f"[b]Twin runs[/b], alike but for λ: [b red]λ = 0[/b red] and [b green]{c.name(1)}[/b green] "
                "(the run's). The same seed gives both the same data, initial weights and batch order.\n"
                f"Settings: {describe(c.config)}")
        stale = c.stale(s.config, self.wdtui.run_id)
        if stale:
            again = NEEDS_DECAY if s.config.weight_decay == 0 else "Press c to compare the current ones."
            text += f"\n[b $warning]Stale: {stale}.[/] {again}"
        elif s.pending is not None:
            text += "\n[$text-muted]Settings waiting for r in 2 Train are not used: they are not the run's yet.[/]"
        return text

    def state_text(self, c: CompareState) -> str:
        n = c.config.epochs
        if c.state == FAILED:
            return f"failed: {escape(c.error or '')}"
        if c.state == DONE:
            return f"done: {len(c.zero)} and {len(c.decayed)} of {n} epochs"
        if c.state == STOPPED:
            return f"stopped after {len(c.zero)} and {len(c.decayed)} of {n} epochs — c starts again"
        which, step = c.training_now, c.last_step
        where = f", step {step.step}/{step.steps_per_epoch}" if step is not None else ""
        return f"training the {c.name(which)} twin: epoch {len(c.epochs[which]) + 1} of {n}{where}"

    def verdict_text(self, c: CompareState) -> str:
        v = verdict(c.zero, c.decayed)
        text = "" if v is None else (v.text if c.state == DONE else f"So far: {v.text}")
        for which, d in enumerate(c.diverged):
            if d is not None:
                text += f"\nThe {c.name(which)} twin diverged: {d.message}."
        return text.strip()

    def fill_table(self, c: CompareState) -> None:
        """A row per epoch: each twin's validation loss, gap (val − train loss) and ‖θ‖."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        zero, lam = c.name(0), c.name(1)
        table.add_columns("Epoch", f"Val loss {zero}", f"Val loss {lam}", f"Gap {zero}", f"Gap {lam}",
                          f"‖θ‖ {zero}", f"‖θ‖ {lam}")
        for i in range(max(len(c.zero), len(c.decayed))):
            cells = [_cells(records[i] if i < len(records) else None, d is not None)
                     for records, d in zip(c.epochs, c.diverged)]
            (v0, g0, n0), (v1, g1, n1) = cells
            table.add_row(str(i + 1), v0, v1, g0, g1, n0, n1, key=str(i + 1))

    # The twins -----------------------------------------------------------------------------

    def action_compare(self) -> None:
        """Start the twins from the run's settings; a comparison still training is dropped."""
        config = self.session.config
        if config.weight_decay == 0:
            self.notify(NEEDS_DECAY, title="Compare", severity="warning")
            self.refresh_view()
            return
        number = self.compare.number + 1 if self.compare is not None else 1
        self.wdtui.compare = CompareState(number, config, self.wdtui.run_id)
        self.worker = self.twins_worker(number, config)
        self.wdtui.run_version += 1

    @work(thread=True, exclusive=True, exit_on_error=False, group="compare")
    def twins_worker(self, number: int, config: RunConfig) -> None:
        """Train both twins, an epoch each in turn; post each record (and the λ = 0 twin's model
        at each epoch end); stop between two steps when cancelled."""
        import copy

        from ...core.twins import Twins

        twins = Twins(config)
        for which, record in twins.run(stop=get_current_worker().cancelled_event):
            model = copy.deepcopy(twins.zero.model) if which == 0 and isinstance(record, EpochRecord) else None
            self.post_message(TwinRecord(which, record, compare=number, model=model))

    def on_twin_record(self, message: TwinRecord) -> None:
        c = self.compare
        if c is not None and message.compare == c.number:
            c.add(message.which, message.record, message.model)
            self.wdtui.run_version += 1

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The twins finished, were stopped (quit, or a new comparison), or could not be built."""
        c = self.compare
        if event.worker is not self.worker or c is None or c.state != TRAINING:
            return
        if event.state == WorkerState.SUCCESS:
            c.state = DONE
        elif event.state == WorkerState.CANCELLED:
            c.state = STOPPED
        elif event.state == WorkerState.ERROR:
            c.state, c.error = FAILED, str(event.worker.error)
            self.notify(c.error, title="Cannot build the twins", severity="error", markup=False)
        else:
            return
        c.last_step = None
        self.wdtui.run_version += 1


def _cells(e: EpochRecord | None, diverged: bool) -> tuple[str, str, str]:
    if e is None:
        return ("diverged",) * 3 if diverged else ("…",) * 3
    return f"{e.val_loss:.4f}", f"{e.gap:+.4f}", f"{e.weight_norm:.3f}"
