"""A frozen view of a model at one moment, for readers on other threads.

The engine trains its model in place; a screen that wants to follow a row through the model
(Inspect), count its weights (Weights) or draw its boundary must not read that model while the
worker changes it. A `ModelView` holds a private copy that nobody trains, the data it was
trained on (a Dataset is never changed after `prepare`), what the engine already traced, and
what it measured then (the smoothness number; Adam's per-weight decay, read from its state).
"""

from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from .boundary import boundary, gradient_norm
from .data import Dataset
from .decay import AdamDecay
from .measures import Boundary
from .probe import checked_row, predict_row
from .records import Prediction, Stage


@dataclass(frozen=True)
class Kept:
    """What a view of the model at an epoch end needs from the engine before training goes on:
    a copy of the model and coupled Adam's per-weight decay (read from the optimizer then).
    Cheap to take at every epoch end; the view itself (a row traced, the stages, the
    smoothness number) is worked out from it only when it is shown."""

    epoch: int
    model: nn.Sequential  # a copy: the worker never touches it
    adam: AdamDecay | None


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
    def of(cls, kept: "Kept", data: Dataset, prediction: Prediction, stages: tuple[Stage, ...]) -> "ModelView":
        """The view of a kept copy, with the run's row traced through it and its stages."""
        return cls(kept.epoch, kept.model, data, prediction, stages, gradient_norm(kept.model, data.x_val), kept.adam)

    @property
    def n_rows(self) -> int:
        return len(self.data.labels)

    @property
    def validation_rows(self) -> list[int]:
        return self.data.val_idx.tolist()

    def boundary(self, features: tuple[int, int] | None = None) -> Boundary | None:
        """The copy's decision boundary (None for data of one feature)."""
        return boundary(self.model, self.data, features) if self.data.n_features >= 2 else None

    def predict(self, row: int) -> Prediction:
        """Row `row` followed through the copy (the engine's own trace when it is that row)."""
        if row == self.prediction.row:
            return self.prediction
        return predict_row(self.model, self.data, checked_row(self.data, row))
