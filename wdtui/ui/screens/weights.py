"""Mode 8 — Weights: what weight decay does to the weights themselves.

Each layer's ‖W‖ per epoch (EpochRecord.layer_norms), a histogram of each layer's weights in
the model copied at the latest epoch end, beside the λ = 0 twin's at the same epoch when
Compare has one, and the anatomy of one weight's update in that epoch's last step: the
gradient part, the decay part, the momentum part and the shrink factor, worked out by
core.anatomy from the state the optimizer really had (copied by the worker). l / L pick the
layer, the arrows the weight. torch is imported only once a model exists (the worker has
loaded it by then), as Inspect does.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.widgets import Footer, Header, Static
from textual_plotext import PlotextPlot

from ...charts import histogram_chart, layer_norm_chart
from ...core.config import OPTIMIZER_NAMES
from ...core.records import UpdateAnatomy
from ..twins import CompareState
from .base import ModeScreen

# What happens to λθ under each optimizer, said under the anatomy table.
ROUTE = {
    "sgd": "SGD: λθ joins g before momentum, so this step's decay part is exactly −γλθ: θ shrinks by "
           "1 − γλ. Earlier steps' λθ ride on in the momentum part.",
    "adam": "Adam (coupled): λθ joins g and passes through the adaptive scaling — it is divided by D "
            "like the gradient — so the shrink differs per weight and is not 1 − γλ.",
    "adamw": "AdamW (decoupled): −γλθ is applied around the adaptive scaling, so every decayed weight "
             "shrinks by exactly 1 − γλ whatever its gradient; the adaptive step sees g alone.",
}


class WeightsScreen(ModeScreen):
    """‖W‖ per layer over the epochs, a histogram per layer, and one weight's update taken apart."""

    AUTO_FOCUS = ""  # the arrows choose the weight
    BINDINGS = [
        Binding("l", "layer(1)", "Next layer", tooltip="Take apart a weight of the next layer"),
        Binding("L", "layer(-1)", "Prev layer", show=False, tooltip="Take apart a weight of the previous layer"),
        *(Binding(key, f"move{move}", key, show=False, priority=True, tooltip=f"The weight one {what}")
          for key, move, what in (("up", (-1, 0), "row (output unit) up"),
                                  ("down", (1, 0), "row (output unit) down"),
                                  ("left", (0, -1), "column (input) left"),
                                  ("right", (0, 1), "column (input) right"))),
    ]

    layer: reactive[int] = reactive(0)  # index into the model's Linear layers
    index: reactive[tuple[int, int]] = reactive((0, 0))
    _histograms: tuple[object, ...] = ()  # (models) drawn, so steps do not redraw them

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="weights-about")
        with Horizontal(id="weights-charts"):
            yield PlotextPlot(id="weights-norms")
            yield Horizontal(id="weights-histograms")
        yield Static(id="weights-anatomy")
        yield Footer(compact=True)

    def twin(self) -> CompareState | None:
        """The Compare mode's twins, when they match the run as it is now."""
        c = self.wdtui.compare
        if c is None or c.stale(self.session.config, self.wdtui.run_id) or not c.zero:
            return None
        return c

    def refresh_view(self) -> None:
        s = self.session
        twin = self.twin()
        self.query_one("#weights-about", Static).update(self.about(twin))
        chart = self.query_one("#weights-norms", PlotextPlot)
        layer_norm_chart(chart.plt, s.epochs, twin.zero if twin else ())
        chart.refresh()
        self.draw_histograms(twin)
        self.query_one("#weights-anatomy", Static).update(self.anatomy_view())

    def about(self, twin: CompareState | None) -> Text:
        s = self.session
        if s.model_snapshot is None:
            return Text("Building the model (torch is loading)…")
        epoch = len(s.epochs)
        now = f"after epoch {epoch}" if epoch else "untrained (press space to train)"
        text = Text.assemble(("Your run", "bold"), f" {now}, λ = {s.config.weight_decay:g}. ")
        c = self.wdtui.compare
        zero = twin.zero_at(epoch) if twin is not None else None
        if zero is not None:
            text.append(f"Beside it, the λ = 0 twin from 6 Compare at epoch {zero[0]}: dotted in the ‖W‖ chart, red "
                        "in the histograms.")
        elif twin is not None:
            text.append("The λ = 0 twin from 6 Compare is drawn dotted in the ‖W‖ chart; its histograms join these "
                        "once your run has an epoch.")
        elif c is not None and c.stale(s.config, self.wdtui.run_id):
            text.append(f"The λ = 0 twin of 6 Compare is stale ({c.stale(s.config, self.wdtui.run_id)}): "
                        "press c there to train it again.")
        else:
            text.append("Press 6 (Compare) to train a λ = 0 twin and see its weights beside these.")
        return text

    # Histograms ------------------------------------------------------------------------------

    def draw_histograms(self, twin: CompareState | None) -> None:
        """One histogram per layer of the latest model copy, the twin's over the same bins."""
        s = self.session
        if s.model_snapshot is None:
            return
        zero = twin.zero_at(len(s.epochs)) if twin is not None else None
        models = [s.model_snapshot] + ([zero[1]] if zero is not None else [])
        if tuple(models) == self._histograms:
            return
        self._histograms = tuple(models)
        from ...core.model import weight_histograms

        hists = weight_histograms(models)
        box = self.query_one("#weights-histograms", Horizontal)
        plots = list(box.query(PlotextPlot))
        if len(plots) != len(hists):
            box.remove_children()
            plots = [PlotextPlot(classes="weights-histogram") for _ in hists]
            box.mount_all(plots)
        labels = [f"λ = {s.config.weight_decay:g}", f"λ = 0 twin (epoch {zero[0]})" if zero is not None else ""]
        for plot, hist in zip(plots, hists):
            histogram_chart(plot.plt, hist, labels)
            plot.refresh()

    # The anatomy of one update ---------------------------------------------------------------

    def chosen(self) -> tuple[str, tuple[int, int]] | None:
        """(layer, index) of the weight taken apart, kept inside that layer's shape; None
        before the first epoch."""
        u = self.session.last_update
        if u is None:
            return None
        layer = list(u.weights)[self.layer % len(u.weights)]
        rows, cols = u.weights[layer].shape
        return layer, (min(self.index[0], rows - 1), min(self.index[1], cols - 1))

    def anatomy(self) -> UpdateAnatomy | None:
        chosen = self.chosen()
        if chosen is None:
            return None
        from ...core.anatomy import anatomy

        return anatomy(self.session.last_update, *chosen, after=self.session.model_snapshot)

    def anatomy_view(self) -> Table | Text:
        a = self.anatomy()
        if a is None:
            return Text.assemble(("The anatomy of one update", "bold"), " appears after the first epoch: "
                                 "press space (or n for one epoch).")
        return anatomy_table(a)

    def action_layer(self, step: int) -> None:
        if self.session.last_update is not None:
            self.layer = (self.layer + step) % len(self.session.last_update.weights)

    def action_move(self, rows: int, cols: int) -> None:
        chosen = self.chosen()
        if chosen is not None:
            layer, (row, col) = chosen
            n_rows, n_cols = self.session.last_update.weights[layer].shape
            self.index = ((row + rows) % n_rows, (col + cols) % n_cols)

    def watch_layer(self) -> None:
        self.query_one("#weights-anatomy", Static).update(self.anatomy_view())

    def watch_index(self) -> None:
        self.query_one("#weights-anatomy", Static).update(self.anatomy_view())


def _n(x: float) -> str:
    """Fixed decimals, so the parts' sizes can be compared at a glance down the column."""
    return f"{x + 0.0:+.9f}"  # + 0.0: −γ·0 is −0.0, which would print as "-0.000000000"


def anatomy_table(a: UpdateAnatomy) -> Table:
    """The update of one weight: each part with its formula, the run's values in it, and its value."""
    row, col = a.index
    title = (f"Step {a.step} (the last of epoch {a.epoch}), {OPTIMIZER_NAMES[a.optimizer]}: {a.layer}.weight"
             f"[{row}, {col}] of {a.shape[0]}×{a.shape[1]} taken apart — l layer, arrows weight")
    table = Table(title=title, title_justify="left", title_style="bold", expand=True, show_edge=False,
                  pad_edge=False, caption=route(a), caption_justify="left")
    table.add_column("Part", style="bold", no_wrap=True)
    table.add_column("Formula", no_wrap=True)
    table.add_column("With the run's numbers", ratio=1)
    table.add_column("Value", justify="right", style="bold cyan", no_wrap=True)
    lr, lam = a.lr, a.weight_decay
    table.add_row("θ before the step", "", "", _n(a.theta))
    table.add_row("g = ∇L of the batch", "data loss only", "", _n(a.grad))
    if a.optimizer == "sgd":
        table.add_row("Gradient part", "−γ·g", f"−{lr:g} × {a.grad:+.4g}", _n(a.gradient_part))
        table.add_row("Decay part", "−γ·λθ", f"−{lr:g} × {lam:g} × {a.theta:+.4g}", _n(a.decay_part))
        table.add_row("Momentum part", "−γ·μ·b", f"−{lr:g} × {a.momentum:g} × {a.first:+.4g}, b: the buffer before",
                      _n(a.momentum_part))
    else:
        # D is √v̂ + ε written out: a combining hat (v̂) is drawn a cell wide by some terminals.
        table.add_row("Adaptive denominator", "D = √(v / (1−β2^t)) + ε", "v: the second moment after this step",
                      f"{a.denominator:.6g}")
        table.add_row("Adaptive scaling", "s = γ(1−β1) / ((1−β1^t)·D)",
                      f"{lr:g} × {1 - a.momentum:.2g} / ((1 − {a.momentum:g}^{a.adam_step}) × {a.denominator:.4g})",
                      f"{a.scale:.6g}")
        table.add_row("Gradient part", "−s·g", f"−{a.scale:.4g} × {a.grad:+.4g}", _n(a.gradient_part))
        if a.optimizer == "adam":
            table.add_row("Decay part", "−s·λθ", f"−{a.scale:.4g} × {lam:g} × {a.theta:+.4g}: through the scaling",
                          _n(a.decay_part))
        else:
            table.add_row("Decay part", "−γ·λθ", f"−{lr:g} × {lam:g} × {a.theta:+.4g}: around the scaling",
                          _n(a.decay_part))
        table.add_row("Momentum part", "−γβ1·m / ((1−β1^t)·D)",
                      f"m = {a.first:+.4g}: first moment before the step", _n(a.momentum_part))
    table.add_row("Change", "sum of the parts", "what the optimizer applied", _n(a.change), style="bold")
    if a.after is not None:
        table.add_row("θ after the step", "in the model at the epoch end", f"changed by {_n(a.after - a.theta)}",
                      _n(a.after))
    shrink = f"1 − γλ = 1 − {lr:g} × {lam:g}"
    if a.optimizer == "adam":
        table.add_row("Shrink factor", "1 − s·λ (nominal 1 − γλ)",
                      f"{shrink} = {a.shrink:.6f} nominal; through the scaling 1 − {a.scale:.4g} × {lam:g}",
                      f"× {a.effective_shrink:.6f}")
    else:
        table.add_row("Shrink factor", "1 − γλ", shrink, f"× {a.shrink:.6f}")
    return table


def route(a: UpdateAnatomy) -> str:
    """How λθ reached this weight under its optimizer, with this weight's own scaling for Adam(W)."""
    if a.optimizer == "sgd":
        return ROUTE["sgd"]
    ratio = f"{a.scale / a.lr:.3g}"
    if a.optimizer == "adam":
        return f"{ROUTE['adam']} Here s = {ratio} × γ: this weight's decay is {ratio} times the nominal γλθ."
    return (f"{ROUTE['adamw']} Here s = {ratio} × γ: had λθ gone through the scaling (Adam), this weight's "
            f"decay would have been about {ratio} times as large.")
