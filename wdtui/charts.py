"""Plotext charts shared by the CLI and the app.

Each function draws on the plotext object it is given: the `plotext` module for the CLI,
a `PlotextPlot`'s `plt` in the app. Only the data comes from records; no number is made here.
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from .core.records import EpochRecord, SweepPoint


def loss_chart(plt: Any, epochs: Sequence[EpochRecord], title: str = "Loss per epoch (data loss, penalty excluded)") -> None:
    """Training and validation loss per epoch."""
    plt.clear_data()
    plt.title(title)
    plt.xlabel("epoch")
    if not epochs:
        return
    x = [e.epoch for e in epochs]
    plt.plot(x, [e.train_loss for e in epochs], label="train", marker="braille", color="cyan")
    plt.plot(x, [e.val_loss for e in epochs], label="val", marker="braille", color="orange")
    plt.xticks(x)


def _decade(value: float) -> str:
    return f"{value:g}".replace("e-0", "e-").replace("e+0", "e")


def sweep_chart(plt: Any, points: Sequence[SweepPoint], best: SweepPoint | None = None,
                title: str = "Loss against λ (data loss, penalty excluded)") -> None:
    """Validation and training loss against λ on a log axis, the best λ marked.

    log 0 is undefined, so λ = 0 is not a point on the axis: its validation loss is drawn as a
    flat reference line, the level a useful λ has to get under. Diverged points are left out.
    """
    plt.clear_data()
    plt.title(title)
    plt.xlabel("λ (log scale)")
    shown = sorted((p for p in points if p.weight_decay > 0 and not p.diverged), key=lambda p: p.weight_decay)
    if not shown:
        return
    plt.xscale("log")
    x = [p.weight_decay for p in shown]
    plt.plot(x, [p.val_loss for p in shown], label="val", marker="braille", color="orange")
    plt.plot(x, [p.train_loss for p in shown], label="train", marker="braille", color="cyan")
    zero = next((p for p in points if p.weight_decay == 0 and not p.diverged), None)
    if zero is not None:
        plt.plot([x[0], x[-1]], [zero.val_loss, zero.val_loss], label=f"val at λ = 0: {zero.val_loss:.4f}",
                 marker="-", color="orange+")
    if best is not None and best.weight_decay > 0:
        plt.vline(best.weight_decay, "red")
        plt.scatter([best.weight_decay], [best.val_loss], marker="●", color="red",
                    label=f"best λ = {best.weight_decay:g}: {best.val_loss:.4f}")
    low, high = math.floor(math.log10(x[0])), math.ceil(math.log10(x[-1]))
    ticks = [10.0 ** k for k in range(low, high + 1)]
    plt.xticks(ticks, [_decade(t) for t in ticks])
