"""Why a run diverged, and what to change: the data, the weight decay, or the learning rate.

A loss that stops being a finite number is most often a learning rate too large. But not
always, and "lower the learning rate" is then wrong advice. The other causes:

- A value in the data that float32 cannot hold (past ±3.4e38). It makes every sum it enters
  infinite from the first step. Fix or remove that value.
- A validation row far outside what the training rows span. The z-score is fitted on the
  training rows, and puts it so many standard deviations out that its loss overflows.
  Training itself goes on fine. A training row cannot do this: the z-score bounds it by √n.
- A weight decay so strong that decay alone swings each weight wider at every step. That is
  γλ ≥ 2(1 + μ) for SGD with momentum μ, and 2 for AdamW. core/decay.py's `decay_diverges` says so.
"""

from __future__ import annotations

import math

import torch

from .config import FLOAT32_MAX, RunConfig
from .data import Dataset
from .decay import decay_diverges


def cause(config: RunConfig, data: Dataset, training_finite: bool) -> str | None:
    """What made the run diverge and what to change, as a sentence; None when nothing but the
    learning rate is to blame. `training_finite`: the training loss still was (only the
    validation loss or the weights were not)."""
    return _data(data, training_finite) or decay_diverges(config)


def _data(data: Dataset, training_finite: bool) -> str | None:
    """A value of the data that cannot be trained on, or None.

    It is named by column and data row (1 = the first row below a CSV's header)."""
    raw = data.raw()
    z = data.normalize(raw)
    bad = ~torch.isfinite(raw)  # past float32: every z-score of its column goes with it, so name it first
    bad = bad if bool(bad.any()) else ~torch.isfinite(z)
    if bool(bad.any()):
        row, column = (int(i) for i in bad.nonzero()[0])
        value = float(data.table.rows[row, column])
        why = ("beyond what float32 holds (±3.4e38)" if abs(value) > FLOAT32_MAX
               else "which makes the z-score of its column not a number")
        return f"{_where(data, row, column)} holds {value:g}, {why}: fix or remove that value"
    far = z[data.val_idx].abs()
    # A training row's z-score is at most √n, as the z-score is fitted on them. If the training
    # loss did not overflow, a validation row far past that is what overflowed.
    if not training_finite or float(far.max()) <= 10 * math.sqrt(len(data.train_idx)):
        return None
    flat = int(far.argmax())
    row, column = int(data.val_idx[flat // z.shape[1]]), flat % z.shape[1]
    return (f"the training loss is finite, so look at the validation rows: {_where(data, row, column)}, a "
            f"validation row, holds {float(data.table.rows[row, column]):g}, {float(far.max()):.3g} standard deviations "
            "from the training rows' mean, too far out for the network's float32 numbers: fix or remove that value")


def _where(data: Dataset, row: int, column: int) -> str:
    return f"column {data.table.feature_names[column]!r} of data row {row + 1}"
