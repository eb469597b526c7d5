"""The verdict of a twin comparison (λ = 0 against λ), in one line made of the records' numbers.

Torch-free like insight.py: the app's Compare mode and its tests read the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from .records import EpochRecord

# Final validation losses closer than this (relative to λ = 0's) are called a tie: a
# difference that small is no reason to call either twin better.
TIE = 0.005


@dataclass(frozen=True)
class Verdict:
    epoch: int  # the last epoch both twins reached
    zero: EpochRecord  # λ = 0 at that epoch
    decayed: EpochRecord  # λ > 0 at that epoch
    val_change: float  # (val loss with λ − val loss at λ = 0) / val loss at λ = 0
    winner: str  # "decayed", "zero" or "tie"
    text: str


def verdict(zero: Sequence[EpochRecord], decayed: Sequence[EpochRecord]) -> Verdict | None:
    """Which twin generalizes better (lower validation loss) at the last epoch both reached,
    by how much, and each one's generalization gap; None before both have an epoch."""
    n = min(len(zero), len(decayed))
    if n == 0:
        return None
    a, b = zero[n - 1], decayed[n - 1]
    lam = f"λ = {b.weight_decay:g}"
    change = (b.val_loss - a.val_loss) / a.val_loss
    numbers = (f"val loss {b.val_loss:.4f} with {lam} vs {a.val_loss:.4f} at λ = 0 ({change:+.1%}); "
               f"gap {b.gap:.4f} vs {a.gap:.4f}")
    if abs(change) < TIE:
        winner, head = "tie", f"No real difference at epoch {b.epoch}"
    elif change < 0:
        winner, head = "decayed", f"{lam} generalizes better at epoch {b.epoch}"
    else:
        winner, head = "zero", f"λ = 0 generalizes better at epoch {b.epoch}"
    return Verdict(n, a, b, change, winner, f"{head}: {numbers}.")
