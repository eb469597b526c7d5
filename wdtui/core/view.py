"""A frozen view of a model at one moment, as a record any process can read.

The engine trains its model in place, in the trainer process. Some screens read a `ModelView`
instead: one that follows a row (Inspect), counts weights (Weights) or quotes the smoothness
number. A view is what the trainer worked out from a copy of the model at an epoch end. It holds
numbers only (the weights as NumPy arrays), so the app reads it without torch.

Some things a view cannot hold whole: any other row traced, a boundary over another plane. The
app asks the trainer for those by the view's `key`, as the trainer keeps the copy behind each
recent view.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .decay import AdamDecay
from .records import Prediction, Stage

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, eq=False)  # one copy is itself: its arrays have no single truth value
class ModelView:
    epoch: int  # epochs trained when the copy was taken (0: the untrained model)
    prediction: Prediction  # the run's own row, traced through the copy
    stages: tuple[Stage, ...]
    gradient_norm: float  # the smoothness number of this model: mean ‖∂p/∂x‖ over the validation rows
    adam: AdamDecay | None  # coupled Adam's per-weight decay, measured from the optimizer then
    n_rows: int  # rows in the data
    validation_rows: tuple[int, ...]
    weights: dict[str, "np.ndarray"]  # each Linear layer's weight matrix, by layer name
    key: int = 0  # how the trainer knows the copy behind this view (0: none kept)
