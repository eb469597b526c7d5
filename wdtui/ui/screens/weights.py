"""Mode 8 — Weights: what weight decay does to the weights themselves.

It shows each layer's ‖W‖ per epoch (EpochRecord.layer_norms). It shows a histogram of each
layer's weights in the model at the latest epoch end (its view's weights). When Compare has a
λ = 0 twin, its histogram at the same epoch sits beside it. Then comes the anatomy of one
weight's update in that epoch's last step. Its parts are the gradient, the decay, the momentum,
and the shrink factor. They are worked out by core.anatomy from the state the optimizer really
had, which the trainer copied out. The keys l / L pick the layer, the arrows the weight.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.geometry import Size
from textual.reactive import reactive
from textual.widgets import Header, Static
from textual_plotext import PlotextPlot

from ...core.anatomy import anatomy
from ...core.measures import UpdateAnatomy
from ...present.anatomy import anatomy_table
from ...present.charts import histogram_chart, layer_norm_chart
from ...present.words import describe
from ..jobs.twins_state import TwinsState
from ..widgets.footer import ModeFooter
from .base import ModeScreen


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

    FOCUS = {"norms": "#weights-charts", "anatomy": "#weights-anatomy"}

    layer: reactive[int] = reactive(0)  # index into the model's Linear layers
    index: reactive[tuple[int, int]] = reactive((0, 0))
    _histograms: tuple[object, ...] = ()  # the weights drawn (the run's, the twin's), so steps do not redraw them

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="weights-about")
        with Horizontal(id="weights-charts"):
            yield PlotextPlot(id="weights-norms")
            yield Horizontal(id="weights-histograms")
        yield Static(id="weights-anatomy")
        yield ModeFooter(compact=True)

    def twin(self) -> TwinsState | None:
        """The Compare mode's twins, when they match the run as it is now."""
        c = self.wdtui.twins
        if c is None or c.stale(self.session.config, self.wdtui.run_id) or not c.zero:
            return None
        return c

    def twin_beside(self, twin: TwinsState | None) -> tuple[int, dict] | None:
        """(epoch, weights) of the λ = 0 twin at the epoch of the run's view, which the histograms
        show: at pace instant the view comes every half second, so it may be a few epochs behind."""
        return twin.zero_at(self.session.view.epoch) if twin is not None and self.session.view is not None else None

    def refresh_view(self) -> None:
        s = self.session
        twin = self.twin()
        self.query_one("#weights-about", Static).update(self.about(twin))
        chart = self.query_one("#weights-norms", PlotextPlot)
        layer_norm_chart(chart.plt, s.epochs, twin.zero if twin else ())
        chart.refresh()
        self.draw_histograms(twin)
        self.query_one("#weights-anatomy", Static).update(self.anatomy_view())

    def about(self, twin: TwinsState | None) -> Text:
        s = self.session
        if s.view is None:
            return Text("Building the model (torch is loading)…")
        epoch = len(s.epochs)
        now = (f"after epoch {epoch}" if epoch else "as it trains" if s.running
               else "untrained (press space to train)")
        text = Text.assemble(("Your run", "bold"), f" {now}: {describe(s.config)}.")
        if self.has_class("-tight"):  # room for the settings alone (arrange_focus)
            return text
        text.append("\n")
        if s.view.epoch != epoch:  # training at pace instant: a copy of the model comes every half second
            shown = "The histograms and the update below are" if s.last_update is not None else "The histograms are"
            text.append(f"{shown} of epoch {s.view.epoch}, the latest copy taken. ")
        c = self.wdtui.twins
        zero = self.twin_beside(twin)
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
        if s.last_update is not None:
            text.append(" l and the arrows pick the weight taken apart below.")
        return text

    # Room: the update's table whole, the charts where they fit too ---------------------------

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """The settings (3 rows), then the charts at their height, or the update's table whole."""
        rows = {"norms": 18, "anatomy": 19}
        return Size(72, 3 + sum(rows[r] for r in focus))

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """With a lesson focus and too few rows for both, the charts or the table make way."""
        tight = bool(focus) and room.height < 42
        self.set_class(tight, "-tight")
        for region, selector in self.FOCUS.items():
            self.query_one(selector).set_class(tight and region not in focus, "-off")
        self.query_one("#weights-charts").styles.height = "1fr" if tight and "norms" in focus else None
        self.refresh_view()

    # Histograms ------------------------------------------------------------------------------

    def draw_histograms(self, twin: TwinsState | None) -> None:
        """One histogram per layer of the latest model copy, the twin's over the same bins."""
        s = self.session
        if s.view is None:
            return
        zero = self.twin_beside(twin)
        models = [s.view.weights] + ([zero[1]] if zero is not None else [])
        if len(models) == len(self._histograms) and all(a is b for a, b in zip(models, self._histograms)):
            return
        self._histograms = tuple(models)
        from ...core.histograms import weight_histograms  # NumPy: loaded when the first view came

        hists = weight_histograms(models)
        box = self.query_one("#weights-histograms", Horizontal)
        plots = list(box.query(PlotextPlot))
        if len(plots) != len(hists):
            box.remove_children()
            plots = [PlotextPlot(classes="weights-histogram") for _ in hists]
            box.mount_all(plots)
        # Each line names its epoch: at pace instant the view, and so the histograms, may stand
        # many epochs behind the records the ‖W‖ chart and the text above count.
        labels = [f"λ = {s.config.weight_decay:g} (epoch {s.view.epoch})",
                  f"λ = 0 twin (epoch {zero[0]})" if zero is not None else ""]
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
        return anatomy(self.session.last_update, *chosen, after=self.session.view.weights)

    def anatomy_view(self) -> Table | Text:
        a = self.anatomy()
        if a is None:
            return Text.assemble(("The anatomy of one update", "bold"), " appears after the first epoch: "
                                 "press space (or n for one epoch).")
        return anatomy_table(a, header=not self.has_class("-tight"))  # short of rows, the parts name themselves

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
