"""Plotext charts shared by the CLI and the app.

Each function draws on the plotext object it is given: the `plotext` module for the CLI,
a `PlotextPlot`'s `plt` in the app. Only the data comes from records; no number is made here.
"""

from __future__ import annotations

from typing import Any, Sequence

from .core.records import EpochRecord


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
