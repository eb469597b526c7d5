"""A frozen view of a model at one moment, for readers on other threads.

The engine trains its model in place; a screen that wants to follow a row through the model
(Inspect), count its weights (Weights) or draw its boundary must not read that model while the
worker changes it. A `ModelView` holds a private copy that nobody trains, the data it was
trained on (a Dataset is never changed after `prepare`), what the engine already traced, and
what it measured then (the smoothness number; Adam's per-weight decay, read from its state).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

from torch import nn

from .boundary import gradient_norm
from .data import Dataset
from .decay import AdamDecay
from .probe import checked_row, predict_row
from .records import Prediction, Stage


@dataclass(frozen=True)
class ModelView:
    epoch: int  # epochs trained when the copy was taken (0: the untrained model)
    model: nn.Sequential  # a copy: the worker never touches it
    data: Dataset
    prediction: Prediction  # the run's own row, traced by the engine
    stages: tuple[Stage, ...]
    gradient_norm: float  # the smoothness number of this model: mean ‖∂p/∂x‖ over the validation rows
    adam: AdamDecay | None  # coupled Adam's per-weight decay, measured from the optimizer then

    @classmethod
    def of(cls, model: nn.Sequential, data: Dataset, epoch: int, prediction: Prediction,
           stages: tuple[Stage, ...], adam: AdamDecay | None) -> "ModelView":
        return cls(epoch, copy.deepcopy(model), data, prediction, stages, gradient_norm(model, data.x_val), adam)

    @property
    def n_rows(self) -> int:
        return len(self.data.labels)

    @property
    def validation_rows(self) -> list[int]:
        return self.data.val_idx.tolist()

    def predict(self, row: int) -> Prediction:
        """Row `row` followed through the copy (the engine's own trace when it is that row)."""
        if row == self.prediction.row:
            return self.prediction
        return predict_row(self.model, self.data, checked_row(self.data, row))
