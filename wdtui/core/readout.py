"""What a run is, as its readers see it.

That is the Setup, the six stages, one row's trace, the key insight, the report, the decision
boundary and a frozen view of the model.

The run engine (engine.py) decides what happens next. This is the other half of it, kept apart
so each file reads in one go. Every method reads the engine's model as it is now, on the
engine's thread. A reader on another thread gets a frozen copy (`view`) or a record.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from .boundary import boundary, gradient_norm
from .config import RunConfig
from .data import Dataset
from .decay import AdamDecay, adam_decay
from .insight import Insight, key_insight
from .measures import Boundary
from .model import architecture, copy_weights, frozen_copy, logits_of, parameter_count, weights_of
from .optim import decay_group_index
from .probe import checked_row, predict_row
from .records import Diverged, EpochRecord, ParamGroup, Prediction, Report, Setup, Stage
from .stages import build_stages
from .view import ModelView


@dataclass(frozen=True)
class ModelCopy:
    """A copy of the model at an epoch end and coupled Adam's per-weight decay then (read from
    the optimizer, which training goes on changing). Cheap to take at every epoch end; the
    view (a row traced, the stages, the smoothness number) is worked out from it when wanted."""

    epoch: int
    model: nn.Sequential  # a copy: nobody trains it
    adam: AdamDecay | None


class Readout:
    """Mixed into the Engine: what its run is, read from its model, data and history."""

    config: RunConfig
    data: Dataset
    model: nn.Sequential
    optimizer: torch.optim.Optimizer
    groups: tuple[ParamGroup, ...]
    history: list[EpochRecord]
    initial: EpochRecord | None
    diverged: Diverged | None

    @property
    def epoch(self) -> int:
        return len(self.history)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.data.y_train) / self.config.batch_size)

    # What the run is -------------------------------------------------------------------------

    def setup(self) -> Setup:
        d, table = self.data, self.data.table
        return Setup(
            source=table.source, feature_names=table.feature_names, class_names=table.class_names,
            n_rows=len(table.rows), n_train=len(d.train_idx), n_val=len(d.val_idx),
            mean=tuple(d.mean.tolist()), std=tuple(d.std.tolist()),
            architecture=architecture(self.model), parameter_count=parameter_count(self.model),
            param_groups=self.groups, steps_per_epoch=self.steps_per_epoch,
            head=tuple(map(tuple, table.rows[:8].tolist())),
            head_labels=tuple(table.class_names[y] for y in table.labels[:8].tolist()),
        )

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) of the current model on (x, y): the rows' outputs a part
        at a time, their mean at once (the same floats as one pass, without its hidden layers' bulk)."""
        logits = logits_of(self.model, x)
        return float(F.cross_entropy(logits, y)), float((logits.argmax(1) == y).float().mean())

    def predict(self, row: int | None = None) -> Prediction:
        """The 4-layer trace of one row (the configured row by default) through the current model."""
        return predict_row(self.model, self.data, checked_row(self.data, self.config.row if row is None else row))

    def stages(self, prediction: Prediction | None = None) -> tuple[Stage, ...]:
        """The six stages with the prediction's row as the example, from the current model."""
        if self.history:
            metrics: EpochRecord | tuple[float, float, float, float] = self.history[-1]
        else:
            metrics = (*self.evaluate(self.data.x_train, self.data.y_train),
                       *self.evaluate(self.data.x_val, self.data.y_val))
        prediction = prediction if prediction is not None else self.predict()
        return tuple(build_stages(self.setup(), prediction, metrics, self.config.optimizer,
                                  self.config.weight_decay))

    def adam_decay(self) -> AdamDecay | None:
        """Coupled Adam's decay per weight of the decayed group, from its state now (else None)."""
        coupled = self.config.optimizer == "adam" and self.config.weight_decay > 0
        return adam_decay(self.optimizer, decay_group_index(self.optimizer)) if coupled else None

    def copy_model(self, reuse: ModelCopy | None = None) -> ModelCopy:
        """A copy of the model as it is now, and what the optimizer says of it: cheap, for a view later.

        With `reuse`, an earlier copy that no one else holds, its network is overwritten in place."""
        model = copy_weights(reuse.model, self.model) if reuse is not None else frozen_copy(self.model)
        return ModelCopy(self.epoch, model, self.adam_decay())

    def view(self, model_copy: ModelCopy | None = None) -> ModelView:
        """The view of the model as it is now, as numbers any process can read.

        `model_copy` may hold it instead, at an epoch end since passed. The view holds the run's
        row traced through it, the six stages, the smoothness number and the weights."""
        model_copy = model_copy if model_copy is not None else self.copy_model()
        prediction = predict_row(model_copy.model, self.data, checked_row(self.data, self.config.row))
        if model_copy.epoch == 0:  # the untrained model: the stages say so, with its metrics measured now
            stages = self.stages(prediction)
        else:
            record = self.history[model_copy.epoch - 1]
            stages = tuple(build_stages(self.setup(), prediction, record, self.config.optimizer, record.weight_decay))
        return ModelView(model_copy.epoch, prediction, stages, gradient_norm(model_copy.model, self.data.x_val),
                         model_copy.adam,
                         n_rows=len(self.data.labels), validation_rows=tuple(self.data.val_idx.tolist()),
                         weights=weights_of(model_copy.model))

    def insight(self) -> Insight:
        """The key insight's numbers for the run so far, measured on the model as it is now."""
        epochs = (self.initial, *self.history) if self.initial is not None else tuple(self.history)
        return key_insight(self.config, epochs, self.steps_per_epoch, adam=self.adam_decay(),
                           gradient_norm=gradient_norm(self.model, self.data.x_val))

    def boundary(self, features: tuple[int, int] | None = None) -> Boundary | None:
        """The decision boundary of the model now, with the data's rows on it.

        It is drawn over `features`, by default the two the first layer weighs most. None for
        data of one feature."""
        return boundary(self.model, self.data, features) if self.data.n_features >= 2 else None

    def boundary_later(self, features: tuple[int, int] | None = None) -> Callable[[], Boundary | None]:
        """The boundary of the model as it is now, worked out when called, on any thread.

        The model is copied now, in a fraction of a millisecond. The boundary takes milliseconds,
        and is worked out later: say by the trainer's look worker while this one trains on
        (trainer/look_worker.py)."""
        if self.data.n_features < 2:
            return lambda: None
        model, data = frozen_copy(self.model), self.data
        return lambda: boundary(model, data, features)

    def report(self, row: int | None = None) -> Report:
        """Everything about the run so far, as the JSON output and the exports write it."""
        prediction = self.predict(row)
        epochs = (self.initial, *self.history) if self.initial is not None else tuple(self.history)
        return Report(self.config.to_dict(), self.setup(), self.stages(prediction), epochs, prediction,
                      self.diverged, self.insight(), self.boundary())
