"""The Observation column: one sentence derived from this epoch's numbers and the ones before.

Never canned text: each rule reads the losses and accuracies it names, and the sentence
quotes them, so a reader can check the observation against the row it sits on.
"""

from __future__ import annotations

from typing import Sequence

# Below this relative change of the training loss an epoch counts as "converged".
CONVERGED = 0.01
# Accuracy within this many points of chance (1/K) counts as "at chance".
NEAR_CHANCE = 0.05


def observe(
    train_loss: float,
    val_loss: float,
    train_acc: float,
    val_acc: float,
    history: Sequence[tuple[float, float, float, float]],
    n_classes: int,
) -> str:
    """A sentence about this epoch; `history` holds (train_loss, val_loss, train_acc, val_acc)
    of the epochs before it, oldest first."""
    chance = 1 / n_classes
    if val_acc <= chance + NEAR_CHANCE and train_acc <= chance + NEAR_CHANCE:
        return f"at chance: acc {train_acc:.0%}, guessing gives {chance:.0%}"
    if not history:
        return f"learning: acc {train_acc:.0%}, {100 * (train_acc - chance):+.0f} pts over chance"
    prev_train, prev_val, _, prev_val_acc = history[-1]
    best_val = min(h[1] for h in history)
    train_change = (train_loss - prev_train) / prev_train if prev_train else 0.0
    if val_loss > prev_val and train_loss < prev_train:
        return (f"overfitting: val loss {val_loss - prev_val:+.3f} while "
                f"train loss {train_loss - prev_train:+.3f}")
    if val_loss > best_val * (1 + CONVERGED) and train_loss < prev_train:
        return f"overfitting: val loss {val_loss:.3f} above its best {best_val:.3f}"
    if abs(train_change) < CONVERGED:
        return f"converged: train loss moved {train_change:+.1%}"
    if train_change > 0:
        return f"unstable: train loss rose {train_change:+.1%}"
    return f"improving: loss {train_change:+.1%}, val acc {100 * (val_acc - prev_val_acc):+.1f} pts"
