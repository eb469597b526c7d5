"""Plotext charts shared by the CLI and the app.

Each function draws on the plotext object it is given: the `plotext` module for the CLI,
a `PlotextPlot`'s `plt` in the app. Only the data comes from records; no number is made here.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from ..core.measures import WeightHistogram
from ..core.records import EpochRecord, SweepPoint


def epoch_lines(plt: Any, epochs: Sequence[EpochRecord], title: str,
                lines: Sequence[tuple[str, str | None, str]]) -> None:
    """One line per (record field, legend label or None, colour) over the epochs."""
    plt.clear_data()
    plt.title(title)
    plt.xlabel("epoch")
    if not epochs:
        return
    x = [e.epoch for e in epochs]
    for field, label, color in lines:
        plt.plot(x, [getattr(e, field) for e in epochs], label=label, marker="braille", color=color)
    plt.xticks(_epoch_ticks(x))


def loss_chart(plt: Any, epochs: Sequence[EpochRecord], title: str = "Loss per epoch (data loss, penalty excluded)") -> None:
    """Training and validation loss per epoch."""
    epoch_lines(plt, epochs, title, [("train_loss", "train", "cyan"), ("val_loss", "val", "orange")])


def norm_chart(plt: Any, epochs: Sequence[EpochRecord], title: str = "‖θ‖ of the decayed weights, per epoch") -> None:
    """‖θ‖ per epoch as a line: decay pulls it down, the data pushes it up."""
    epoch_lines(plt, epochs, title, [("weight_norm", None, "cyan")])


def _decade(value: float) -> str:
    return f"{value:g}".replace("e-0", "e-").replace("e+0", "e")


def sweep_chart(plt: Any, points: Sequence[SweepPoint], best: SweepPoint | None = None,
                title: str = "Loss against λ (data loss, penalty excluded)") -> None:
    """Validation and training loss against λ on a log axis, the best λ marked.

    log 0 is undefined, so λ = 0 is not a point on the axis. Its validation loss is drawn as a
    flat reference line instead: the level a useful λ has to get under. Diverged points are left
    out. The axis is log10 λ, drawn linear and labelled in λ. Plotext's own log scale takes the
    log of the data each time the figure is built. So a second build (the terminal resized, the
    widget laid out anew) took the log of a log and failed.
    """
    plt.clear_data()
    plt.title(title)
    plt.xlabel("λ (log scale)")
    shown = sorted((p for p in points if p.weight_decay > 0 and not p.diverged), key=lambda p: p.weight_decay)
    if not shown:
        return
    x = [math.log10(p.weight_decay) for p in shown]
    for name, color in (("val", "orange"), ("train", "cyan")):  # a stored point may lack one of them
        drawn = [(lx, getattr(p, f"{name}_loss")) for lx, p in zip(x, shown) if getattr(p, f"{name}_loss") is not None]
        if drawn:
            plt.plot(*zip(*drawn), label=name, marker="braille", color=color)
    zero = next((p for p in points if p.weight_decay == 0 and not p.diverged), None)
    if zero is not None:
        plt.plot([x[0], x[-1]], [zero.val_loss, zero.val_loss], label=f"val at λ = 0: {zero.val_loss:.4f}",
                 marker="-", color="orange+")
    if best is not None and best.weight_decay > 0:
        plt.vline(math.log10(best.weight_decay), "red")
        plt.scatter([math.log10(best.weight_decay)], [best.val_loss], marker="●", color="red",
                    label=f"best λ = {best.weight_decay:g}: {best.val_loss:.4f}")
    decades = range(math.floor(x[0]), math.ceil(x[-1]) + 1)
    plt.xticks(list(decades), [_decade(10.0 ** k) for k in decades])


def compare_chart(plt: Any, zero: Sequence[EpochRecord], decayed: Sequence[EpochRecord], weight_decay: float,
                  title: str = "Twin runs: loss per epoch (data loss, penalty excluded)") -> None:
    """Training (dotted) and validation (solid) loss of the λ = 0 twin and the λ twin, overlaid."""
    overlaid_losses(plt, [("λ = 0", "red", zero), (f"λ = {weight_decay:g}", "green", decayed)], title,
                    name_train=True)


def overlaid_losses(plt: Any, runs: Sequence[tuple[str, Any, Sequence[EpochRecord]]],
                    title: str = "Loss per epoch: validation solid, training dotted",
                    name_train: bool = False) -> None:
    """Each run's (name, colour, epochs) validation loss solid and training loss dotted, in its colour.

    The legend names each validation line, "val NAME", so several runs fit it. With `name_train`
    it names the training lines too."""
    plt.clear_data()
    plt.title(title)
    plt.xlabel("epoch")
    values: list[float] = []
    longest: Sequence[EpochRecord] = ()
    for name, color, records in runs:
        if records:
            x = [e.epoch for e in records]
            plt.plot(x, [e.val_loss for e in records], label=f"val {name}" if name_train else name,
                     marker="braille", color=color)
            plt.plot(x, [e.train_loss for e in records], label=f"train {name}" if name_train else None,
                     marker="dot", color=color)
            values += [v for e in records for v in (e.train_loss, e.val_loss)]
            longest = max(longest, records, key=len)
    if values:
        _headroom(plt, min(values), max(values), share=0.35)
        plt.xticks(_epoch_ticks([e.epoch for e in longest]))


def _epoch_ticks(epochs: Sequence[int], most: int = 10) -> list[int]:
    """At most `most` epoch ticks, evenly spaced, the last epoch always among them."""
    every = max(1, math.ceil(len(epochs) / most))
    return list(epochs[::-1][::every][::-1])


def layer_norm_chart(plt: Any, epochs: Sequence[EpochRecord], twin: Sequence[EpochRecord] = (),
                     title: str = "‖W‖ per layer, per epoch") -> None:
    """Each layer's weight norm over the epochs of the run.

    The λ = 0 twin's is dotted, in the same colour, and left out of the legend (the caller says
    what dotted means)."""
    plt.clear_data()
    plt.title(title)
    plt.xlabel("epoch")
    if not epochs and not twin:
        return
    colors = ("cyan", "orange", "magenta", "green", "blue")
    values = []
    for i, layer in enumerate((epochs or twin)[0].layer_norms):  # a twin trained before the run: its lines alone
        color = colors[i % len(colors)]
        for records, marker, label in ((epochs, "braille", layer), (twin, "dot", None)):
            if records:
                y = [e.layer_norms[layer] for e in records]
                plt.plot([e.epoch for e in records], y, label=label, marker=marker, color=color)
                values += y
    _headroom(plt, min(values), max(values))
    plt.xticks(_epoch_ticks([e.epoch for e in max(epochs, twin, key=len)]))


def _headroom(plt: Any, low: float, high: float, share: float = 0.4, below: float = 0.05) -> None:
    """Leave the top `share` of the plot to the legend, which plotext draws over the data.

    Also leave a `below` share of the span under the lowest value, off the axis line. But not
    below 0, for values that cannot be negative."""
    span = (high - low) or abs(high) or 1.0
    bottom = low - below * span
    plt.ylim(max(bottom, 0.0) if low >= 0 else bottom, high + span * share / (1 - share))  # no loss below 0


def histogram_chart(plt: Any, hist: WeightHistogram, labels: Sequence[str],
                    colors: Sequence[str] = ("cyan", "red")) -> None:
    """One layer's weights counted per bin, for each model (labels and colours in the same order).

    They are lines over the bins' centres, so two models can share the axes. The first model is
    drawn last, on top."""
    plt.clear_data()
    plt.title(f"{hist.layer} weights")
    plt.xlabel("weight")
    centres = [(a + b) / 2 for a, b in zip(hist.edges, hist.edges[1:])]
    for counts, label, color in reversed(list(zip(hist.counts, labels, colors))):
        plt.plot(centres, list(counts), label=label, marker="braille", color=color)
    _headroom(plt, 0, max(max(c) for c in hist.counts), share=0.3, below=0)
    bound = hist.edges[-1]
    plt.xticks([-bound, 0, bound], [f"{-bound:.2f}", "0", f"{bound:.2f}"])
