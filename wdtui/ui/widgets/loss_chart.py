"""The live loss chart: wdtui.present.charts.loss_chart drawn into a textual-plotext PlotextPlot."""

from __future__ import annotations

from textual_plotext import PlotextPlot

from ...present.charts import loss_chart
from ...core.records import EpochRecord


class LossChart(PlotextPlot):
    """Training and validation loss per epoch; redrawn (on the UI thread) when an epoch ends."""

    _shown: EpochRecord | None = None  # the latest epoch drawn, so steps do not redraw

    def on_mount(self) -> None:
        loss_chart(self.plt, [])

    def show(self, epochs: list[EpochRecord]) -> None:
        latest = epochs[-1] if epochs else None
        if latest is self._shown:
            return
        self._shown = latest
        loss_chart(self.plt, epochs)
        self.refresh()
