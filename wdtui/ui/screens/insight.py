"""Mode 5 — Insight: the key insight, then the same claim in the run's own numbers.

Every number here is a field of `core.insight.key_insight(...)`, the figures `wdtui trace`
prints and the quiz asks about, computed from the config and the epoch records; this
screen only lays them out next to the formula they come from.
"""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from ...core.config import OPTIMIZER_NAMES
from ...core.insight import Insight, key_insight, steps
from ...present.charts import norm_chart
from ...present.insight import CLAIM
from ...present.words import DECAY
from .base import ModeScreen

# The norm row lists at most this many epochs (the latest), so it fits on one line.
NORMS_SHOWN = 8


def epochs_of(n: float) -> str:
    return "" if math.isinf(n) else f" ≈ {n:,.1f} epochs"


class InsightScreen(ModeScreen):
    """The claim, a table of the run's numbers, ‖θ‖ per epoch and what λ means per optimizer."""

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="insight-body"):
            yield Static(Text(CLAIM), id="insight-claim")
            yield Static(id="insight-status")
            yield Static(id="insight-numbers")
            yield PlotextPlot(id="insight-norms")
            yield Static(id="insight-optimizers")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#insight-claim").border_title = "The key insight"

    def insight(self) -> Insight | None:
        """The run's insight, with the λ of its latest epoch (λ can change mid-run); None before
        the run is built."""
        s = self.session
        if s.setup is None:
            return None
        lam = s.epochs[-1].weight_decay if s.epochs else s.config.weight_decay
        return key_insight(s.config, s.epochs, s.setup.steps_per_epoch, lam)

    def refresh_view(self) -> None:
        insight = self.insight()
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
        changed = " (λ changed during the run: the figures use the latest)" if s.lambda_changes else ""
        text = Text.assemble(("Your run", "bold"), f" after epoch {last.epoch}: {OPTIMIZER_NAMES[s.config.optimizer]}"
                             f", γ = {last.lr:g}, λ = {last.weight_decay:g}{changed}.")
        return Text.assemble(text, "\n", diverged) if diverged else text

    def numbers_table(self, insight: Insight) -> Table:
        """Quantity, the formula it comes from (with the run's values), and its value."""
        s = self.session
        table = Table(expand=True, show_edge=False, pad_edge=False)
        table.add_column("In your run", style="bold", no_wrap=True)
        table.add_column("From", ratio=1)
        table.add_column("Value", justify="right", style="bold cyan", no_wrap=True)
        lr, lam = insight.lr, insight.weight_decay
        nominal = " (nominal with Adam)" if s.config.optimizer == "adam" else ""
        table.add_row("Shrink per step", f"1 − γλ = 1 − {lr:g} × {lam:g}{nominal}", f"× {insight.shrink:.6f}")
        table.add_row("Half-life, decay alone", f"ln 2 / −ln(1 − γλ) ≈ 0.693 / (γλ); {insight.steps_per_epoch} "
                      "steps per epoch",
                      steps(insight.half_life_steps) + epochs_of(insight.half_life_epochs))
        if s.config.optimizer == "sgd" and insight.momentum > 0 and lam > 0:
            hl = insight.momentum_half_life_steps
            table.add_row(f"… with momentum μ = {insight.momentum:g}", "the decay acts like γλ/(1 − μ) per step",
                          steps(hl) + epochs_of(hl / insight.steps_per_epoch))
        if s.epochs and insight.penalty is not None:
            last = s.epochs[-1]
            share = "—" if insight.penalty_share is None else f"{insight.penalty_share:.2%}"
            table.add_row("Penalty (λ/2)‖θ‖²", f"at epoch {last.epoch}; the data loss in the tables leaves it out",
                          f"{insight.penalty:.4f}")
            objective = ("not quite AdamW's objective: its decay is decoupled" if s.config.optimizer == "adamw"
                         else "the objective being minimized")
            table.add_row("Data loss + penalty", f"{insight.data_loss:.4f} + {insight.penalty:.4f}: {objective}",
                          f"{last.total_loss:.4f}")
            table.add_row("Penalty share", "penalty / (data loss + penalty)", share)
            shown = insight.norms[-NORMS_SHOWN:]
            more = "… → " if len(insight.norms) > NORMS_SHOWN else ""
            table.add_row("Weight norm ‖θ‖", "per epoch: " + more + " → ".join(f"{n:.3f}" for n in shown),
                          f"{insight.norms[-1]:.3f}")
        return table

    def draw_norms(self) -> None:
        """‖θ‖ per epoch as a line: decay pulls it down, the data pushes it up."""
        chart = self.query_one("#insight-norms", PlotextPlot)
        norm_chart(chart.plt, self.session.epochs)
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
            name = OPTIMIZER_NAMES[key] + ("  ◀ your run" if mine else "")
            table.add_row(name, does, shrink, style="bold" if mine else "dim")
        return table
