"""The Observation column: one sentence about an epoch, read from the trend of the epochs so far.

One epoch's step is mostly noise. At the overfit preset's λ = 0.1 the validation loss goes up in
half the epochs while nothing is getting worse. And overfitting on a long run is slow. On moons
at λ = 0 the validation loss takes a hundred epochs to double, through jumps of ±30 % from one
epoch to the next. So every rule reads a trend over a window that grows with the run (its last
half). It weighs that trend against its own noise: the uncertainty of the fitted line. That
grows with the scatter and shrinks with the window's length. The rules are written once, in
RULES. docs/cli.md and the `?` help quote it word for word, and the code below follows it.

A sentence prints each number a rule judged, rounded as the rule rounds it. So a reader can
check the label against the table. A single jump at the end of a flat window is never a
trend. It moves the fitted line by less than two standard errors of its slope.
"""

from __future__ import annotations

import math
import operator
import statistics
from typing import Sequence

WINDOW = 5  # the fewest epochs a trend is read from
SHARE = 2  # a trend is read from the last 1/SHARE of the epochs recorded so far
NOISE_SES = 2  # the noise: this many standard errors of the fitted line's slope
FLOOR = 5.0  # %: a change must also be bigger than this to count
ABOVE = 20  # %: how far above its best the validation loss stands to be "well above" it
NOISY = 10.0  # %: a flat training loss with more noise than this shows no trend, not convergence
NEAR_CHANCE = 0.05  # accuracy within this of chance (1/K), either side, counts as "at chance"

RULES = f"""\
The Observation reads trends over the last half of the epochs recorded so far (epoch 0 \
included), at least {WINDOW} of them: the longer the run, the longer the window, so a slow \
trend shows through the noise. Never one step alone.
- A loss's change is how far a least-squares line through the logarithms of its values in \
the window moves from the window's first epoch to its last, as a percentage of the loss.
- Its noise (the ± figure) is the change that {NOISE_SES} standard errors of that line's \
slope amount to: the more the values scatter about the line, the larger.
- A loss is rising or falling when its change is bigger than both its noise and {FLOOR:g} %, \
the numbers compared as printed (rounded to 0.1 %); otherwise it is flat.
- The validation loss stands well above its best when the median of its values in the window \
is more than {ABOVE} % above the lowest validation loss so far (compared as printed, in whole \
percent): one bad epoch does not move a median.
Epoch 0 is the model before any step. The first rule that holds names an epoch:
- at chance: training and validation accuracy both within {NEAR_CHANCE * 100:g} points \
of chance (1 / number of classes), above or below it.
- untrained: epoch 0 not at chance (some data sets are unbalanced).
- learning: fewer than {WINDOW} epochs recorded so far, too few for a trend.
- overfitting: validation loss well above its best and not falling, while training loss falls.
- unstable: training loss rising.
- improving: training loss falling.
- converged: training loss flat, its noise at most {NOISY:g} %.
- noisy: training loss flat, its noise over {NOISY:g} %: no trend shows through it."""


def window_length(records: int) -> int:
    """How many of the `records` epochs recorded so far (epoch 0 included) a trend is read from."""
    return min(records, max(WINDOW, math.ceil(records / SHARE)))


def trend(values: Sequence[float]) -> tuple[float, float]:
    """(change, noise) of a positive series in %, rounded to 0.1 as they are printed.

    They are read on the logarithm, so a change is a percentage of the loss at the time. A steep
    early fall reads as −84 % (about what the table shows), never as an impossible −184 % of a mean.
    - change: the rise of the least-squares line from the first value to the last, as e^rise − 1.
    - noise: NOISE_SES standard errors of that line's slope over the same span, as e^that − 1.
    A steady trend leaves no scatter about its line, so it has no noise; only scatter does.
    """
    if len(values) < 3 or not 0 < min(values) <= max(values) < math.inf:  # nothing to read
        return 0.0, 0.0
    # The sums run in C (map, sum): the engine reads a trend of up to half the run every epoch.
    logs = list(map(math.log, values))
    n, total = len(logs), sum(logs)
    mid = (n - 1) / 2
    spread = n * (n * n - 1) / 12  # Σ (i − mid)² over i = 0 … n − 1
    slope = (sum(map(operator.mul, range(n), logs)) - mid * total) / spread
    # The squared residuals about the line, Σ (y − ȳ)² − slope²·spread, clamped at 0 (rounding).
    scatter = max(0.0, sum(map(operator.mul, logs, logs)) - total * total / n - slope * slope * spread)
    error = math.sqrt(scatter / (n - 2) / spread)
    # + 0.0 turns a rounded −0.0 into 0.0, so nothing prints as "-0.0".
    return (round(100 * math.expm1(slope * (n - 1)), 1) + 0.0,
            round(100 * math.expm1(NOISE_SES * error * (n - 1)), 1) + 0.0)


def direction(change: float, noise: float) -> int:
    """+1 rising, −1 falling, 0 flat: the RULES' test on the rounded, printed numbers."""
    if abs(change) > noise and abs(change) > FLOOR:
        return 1 if change > 0 else -1
    return 0


def _above(val_losses: Sequence[float], window: Sequence[float]) -> int:
    """How far (in whole %) the window's median validation loss stands above the lowest so far."""
    best, now = min(val_losses), statistics.median(window)
    if not (0 < best < math.inf and math.isfinite(now)):
        return 0
    return round(100 * (now / best - 1))


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
    if abs(val_acc - chance) <= NEAR_CHANCE and abs(train_acc - chance) <= NEAR_CHANCE:
        return f"at chance: acc {train_acc:.0%}, guessing gives {chance:.0%}"
    if epoch == 0:
        return f"untrained: acc {train_acc:.0%} before any step, guessing gives {chance:.0%}"
    records = [*history, (train_loss, val_loss, train_acc, val_acc)]
    if len(records) < WINDOW:
        return f"learning: acc {train_acc:.0%}, {100 * (train_acc - chance):+.0f} pts over chance"
    n = window_length(len(records))
    losses = list(zip(*records))  # the columns: train losses, validation losses, …
    train, val = trend(losses[0][-n:]), trend(losses[1][-n:])
    t, v = direction(*train), direction(*val)
    above = _above(losses[1], losses[1][-n:])
    span = f"last {n} epochs"
    if above > ABOVE and v >= 0 and t < 0:
        return f"overfitting: val loss {above}% above its best, {_pct(*val)}; train {_pct(*train)}; {span}"
    if t > 0:
        return f"unstable: train loss {_pct(*train)}, {span}"
    if t < 0:
        return f"improving: train loss {_pct(*train)}, {span}"
    if train[1] <= NOISY:
        return f"converged: train loss {_pct(*train)}, {span}"
    return f"noisy: train loss {_pct(*train)}, no trend through the noise; {span}"
