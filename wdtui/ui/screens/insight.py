"""Mode 5 — Insight: the key insight, then the same claim in the run's own numbers.

Every number here is a field of `core.insight.key_insight(...)`: the figures `wdtui trace`
prints and the quiz asks about. They are computed from the settings in force and the epoch
records. They also use what the worker measured on the latest model: the smoothness number,
Adam's per-weight decay. The presentation room words them, and this screen lays them out.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from ...core.insight import Insight
from ...present.charts import norm_chart
from ...present.insight import CLAIM, insight_rows
from ...present.words import DECAY, describe, label
from ..widgets.footer import ModeFooter
from .base import ModeScreen


class InsightScreen(ModeScreen):
    """The claim, a table of the run's numbers, ‖θ‖ per epoch and what λ means per optimizer."""

    FOCUS = {"claim": "#insight-claim"}

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="insight-body"):
            yield Static(Text(CLAIM), id="insight-claim")
            yield Static(id="insight-status")
            yield Static(id="insight-numbers")
            yield PlotextPlot(id="insight-norms")
            yield Static(id="insight-optimizers")
        yield ModeFooter()

    def on_mount(self) -> None:
        self.query_one("#insight-claim").border_title = "The key insight"

    def refresh_view(self) -> None:
        insight = self.session.insight()
        s = self.session
        status = self.query_one("#insight-status", Static)
        numbers = self.query_one("#insight-numbers", Static)
        chart = self.query_one("#insight-norms", PlotextPlot)
        numbers.display = insight is not None
        chart.display = bool(s.epochs)
        status.update(self.status())
        if insight is not None:
            numbers.update(self.numbers_table(insight))
        if s.epochs:
            self.draw_norms()
        self.query_one("#insight-optimizers", Static).update(self.optimizer_table(s.config.optimizer))

    def status(self) -> Text:
        """Whose numbers these are, or why there are none yet and which key changes that."""
        s = self.session
        if s.error:
            return Text.assemble(("The run could not be built: ", "bold"), s.error)
        diverged = Text.assemble(("Diverged: ", "bold red"), s.diverged.message, ". Press ",
                                 ("r", "bold reverse"), " for a new run.") if s.diverged else None
        if not s.epochs:
            return diverged or Text.assemble(
                ("No run yet. ", "bold"), "The numbers here come from your own training: press ",
                ("space", "bold reverse"), " to start it (or ", ("2", "bold reverse"), " to set λ and the rest first).",
                " Until then they follow from the settings alone." if s.setup is not None else "")
        last = s.epochs[-1]
        changed = " (λ changed during the run: the figures use the one in force)" if s.lambda_changes else ""
        text = Text.assemble(("Your run", "bold"), f" after epoch {last.epoch}: {describe(s.config)}{changed}.")
        return Text.assemble(text, "\n", diverged) if diverged else text

    def numbers_table(self, insight: Insight) -> Table:
        """Quantity, the formula it comes from (with the run's values), and its value."""
        table = Table(expand=True, show_edge=False, pad_edge=False)
        table.add_column("In your run", style="bold", no_wrap=True)
        table.add_column("From", ratio=1)
        table.add_column("Value", justify="right", style="bold cyan", no_wrap=True)
        for row in insight_rows(insight, self.session.all_epochs):
            table.add_row(*row)
        return table

    def draw_norms(self) -> None:
        """‖θ‖ per epoch as a line: decay pulls it down, the data pushes it up."""
        chart = self.query_one("#insight-norms", PlotextPlot)
        norm_chart(chart.plt, self.session.all_epochs)
        chart.refresh()

    def optimizer_table(self, current: str) -> Table:
        """What λ means under each optimizer, the run's own marked."""
        table = Table(title="What λ means depends on the optimizer", title_justify="left", title_style="bold",
                      expand=True, show_edge=False, pad_edge=False)
        table.add_column("Optimizer", no_wrap=True)
        table.add_column("weight_decay = λ …", ratio=1)
        table.add_column("so the shrink per step is", ratio=1)
        for key, words in DECAY.items():
            does, shrink = words.does, words.shrink
            mine = key == current
            name = label(key) + ("  ◀ your run" if mine else "")
            table.add_row(name, does, shrink, style="bold" if mine else "dim")
        return table
