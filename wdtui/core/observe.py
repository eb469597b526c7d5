"""The Observation column: one sentence about an epoch, read from the trend of the epochs so far.

One epoch's step is mostly noise (at the overfit preset's λ = 0.1 the validation loss goes up
in half the epochs while nothing is getting worse), so every rule reads the last WINDOW
epochs against that run's own scatter, never a single step. The rules are written once, in
RULES: the README and the `?` help quote it word for word, and the code below follows it.

A sentence prints each number a rule judged, rounded as the rule rounds it, so a reader can
check the label from the row alone. A single jump at the end of a flat window is never a
trend: a jump of d in the logarithm moves the fitted line by 0.8·d, and makes the standard
deviation of the steps d/2, a noise of d.
"""

from __future__ import annotations

import math
from typing import Sequence

WINDOW = 5  # epochs a trend is read from: this one and the WINDOW − 1 before
NOISE_SDS = 2  # the noise: this many standard deviations of the epoch-to-epoch log steps
FLOOR = 1.0  # %: a change must also be bigger than this to count
NEAR_CHANCE = 0.05  # accuracy within this of chance (1/K) counts as "at chance"

RULES = f"""\
The Observation reads the trend of the last {WINDOW} epochs (this one and the {WINDOW - 1} before), \
never one step alone.
- A loss's change is how far a least-squares line through the logarithms of its last \
{WINDOW} values moves from the first of them to the last, as a percentage of the loss.
- Its noise (the ± figure) is the percentage change that {NOISE_SDS} standard deviations of \
the {WINDOW - 1} epoch-to-epoch steps of that logarithm amount to.
- A loss is rising or falling when its change is bigger than both its noise and {FLOOR:g} %, \
the numbers compared as printed (rounded to 0.1 %); otherwise it is flat.
Epoch 0 is the model before any step. The first rule that holds names an epoch:
- at chance: training and validation accuracy both within {NEAR_CHANCE * 100:g} points \
of chance (1 / number of classes).
- untrained: epoch 0 not at chance (some data sets are unbalanced).
- learning: fewer than {WINDOW} epochs recorded so far, too few for a trend.
- overfitting: validation loss rising while training loss falls.
- unstable: training loss rising.
- improving: training loss falling.
- converged: training loss flat."""


def trend(values: Sequence[float]) -> tuple[float, float]:
    """(change, noise) of a positive series in %, rounded to 0.1 as they are printed.

    Read on the logarithm, so a change is a percentage of the loss at the time: a steep early
    fall reads as −84 % (about what the table shows), never as an impossible −184 % of a mean.
    change: the rise of the least-squares line from the first value to the last, as e^rise − 1;
    noise: NOISE_SDS sample standard deviations of the steps between the logarithms, as
    e^that − 1, on the same scale. A steady trend shifts every step alike, so it does not
    inflate the noise; only scatter does.
    """
    if not all(0 < v < math.inf for v in values):  # a zero or non-finite loss: nothing to read
        return 0.0, 0.0
    logs = [math.log(v) for v in values]
    n, mean = len(logs), sum(logs) / len(logs)
    mid = (n - 1) / 2
    slope = sum((i - mid) * (y - mean) for i, y in enumerate(logs)) / sum((i - mid) ** 2 for i in range(n))
    steps = [b - a for a, b in zip(logs, logs[1:])]
    step_mean = sum(steps) / len(steps)
    sd = math.sqrt(sum((s - step_mean) ** 2 for s in steps) / (len(steps) - 1))
    # + 0.0 turns a rounded −0.0 into 0.0, so nothing prints as "-0.0".
    return round(100 * math.expm1(slope * (n - 1)), 1) + 0.0, round(100 * math.expm1(NOISE_SDS * sd), 1) + 0.0


def direction(change: float, noise: float) -> int:
    """+1 rising, −1 falling, 0 flat: the RULES' test on the rounded, printed numbers."""
    if abs(change) > noise and abs(change) > FLOOR:
        return 1 if change > 0 else -1
    return 0


def _pct(change: float, noise: float) -> str:
    return f"{change:+.1f}% (±{noise:.1f})"


def observe(
    train_loss: float,
    val_loss: float,
    train_acc: float,
    val_acc: float,
    history: Sequence[tuple[float, float, float, float]],
    n_classes: int,
    epoch: int = 1,
) -> str:
    """A sentence about epoch `epoch` by RULES; `history` holds (train_loss, val_loss, train_acc,
    val_acc) of the epochs before it (epoch 0 included), oldest first."""
    chance = 1 / n_classes
    if val_acc <= chance + NEAR_CHANCE and train_acc <= chance + NEAR_CHANCE:
        return f"at chance: acc {train_acc:.0%}, guessing gives {chance:.0%}"
    if epoch == 0:
        return f"untrained: acc {train_acc:.0%} before any step, guessing gives {chance:.0%}"
    if len(history) < WINDOW - 1:
        return f"learning: acc {train_acc:.0%}, {100 * (train_acc - chance):+.0f} pts over chance"
    window = [*history[len(history) - (WINDOW - 1):], (train_loss, val_loss, train_acc, val_acc)]
    train, val = trend([w[0] for w in window]), trend([w[1] for w in window])
    t, v = direction(*train), direction(*val)
    if v > 0 and t < 0:
        return f"overfitting: val loss {_pct(*val)}, train {_pct(*train)}"
    if t > 0:
        return f"unstable: train loss {_pct(*train)}"
    if t < 0:
        return f"improving: train loss {_pct(*train)}"
    return f"converged: train loss {_pct(*train)}"
