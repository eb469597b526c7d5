"""The training loop: a generator of records that any caller can stop at any time.

`Trainer` holds one run's state (data, model, optimizer, history) so the app can step it
an epoch at a time, change λ between epochs and probe the latest model; `train()` is the
whole run as one generator, what the CLI and the benchmarks consume.
"""

from __future__ import annotations

import math
import threading
import time
from typing import Iterator

import torch
import torch.nn.functional as F

from .config import RunConfig
from .data import Dataset, prepare
from .table import DataError
from .model import architecture, build_model, layer_norms, parameter_count
from .observe import observe
from .optim import decayed_norm, make_optimizer, set_weight_decay, split_parameters
from .probe import default_row, predict_row
from .records import Diverged, EpochRecord, ParamGroupInfo, Prediction, Record, Report, Setup, Stage, StepRecord
from .stages import build_stages

# Step records are posted at most this often (seconds): enough for a live progress bar,
# few enough that a UI thread never queues more than it can draw.
STEP_EVERY = 0.05


class Trainer:
    """One run: built from a config (same config ⇒ same initial weights and batch order)."""

    def __init__(self, config: RunConfig, dataset: Dataset | None = None) -> None:
        self.config = config
        self.data = dataset if dataset is not None else prepare(config)
        self.model = build_model(self.data.n_features, config.hidden, self.data.n_classes, config.seed)
        self.optimizer, groups = make_optimizer(config, self.model)
        self.groups = tuple(ParamGroupInfo(g.names, g.weight_decay, g.size) for g in groups)
        self.decayed = [p for _, p in split_parameters(self.model, config.decay_bias)[0]]
        self.weight_decay = config.weight_decay
        self.shuffle = torch.Generator().manual_seed(config.seed)
        self.history: list[EpochRecord] = []
        self.global_step = 0
        self.diverged: Diverged | None = None

    @property
    def epoch(self) -> int:
        return len(self.history)

    @property
    def steps_per_epoch(self) -> int:
        return math.ceil(len(self.data.y_train) / self.config.batch_size)

    def setup(self) -> Setup:
        d, table = self.data, self.data.table
        head = tuple(tuple(r) for r in table.rows[:8])
        return Setup(
            source=table.source, feature_names=table.feature_names, class_names=table.class_names,
            n_rows=len(table.rows), n_train=len(d.train_idx), n_val=len(d.val_idx),
            mean=tuple(d.mean.tolist()), std=tuple(d.std.tolist()),
            architecture=architecture(self.model), parameter_count=parameter_count(self.model),
            param_groups=self.groups, steps_per_epoch=self.steps_per_epoch,
            head=head, head_labels=tuple(table.class_names[y] for y in table.labels[:8]),
        )

    def set_weight_decay(self, weight_decay: float) -> None:
        """Change λ; it applies from the next epoch, which records the λ it ran with."""
        self.weight_decay = weight_decay

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) of the current model on (x, y)."""
        logits = self.model(x)
        return float(F.cross_entropy(logits, y)), float((logits.argmax(1) == y).float().mean())

    def row(self, row: int | None = None) -> int:
        """`row`, or the configured row, or the first validation row."""
        row = row if row is not None else self.config.row
        n = len(self.data.labels)
        if row is None:
            return default_row(self.data)
        if not 0 <= row < n:
            raise DataError(f"--row {row} is out of range: the data has rows 0 to {n - 1}")
        return row

    def predict(self, row: int | None = None) -> Prediction:
        """The 4-layer trace of one row through the current model."""
        return predict_row(self.model, self.data, self.row(row))

    def stages(self, prediction: Prediction | None = None) -> list[Stage]:
        """The six stages with the prediction's row as the example (the default row's when
        none is given), from the current model."""
        if self.history:
            metrics: EpochRecord | tuple[float, float, float, float] = self.history[-1]
        else:
            metrics = (*self.evaluate(self.data.x_train, self.data.y_train),
                       *self.evaluate(self.data.x_val, self.data.y_val))
        prediction = prediction if prediction is not None else self.predict()
        return build_stages(self.setup(), prediction, metrics, self.config.optimizer, self.weight_decay)

    def report(self, row: int | None = None) -> Report:
        """Everything about the run so far, as the JSON output and the exports write it."""
        prediction = self.predict(row)
        return Report(self.config.to_dict(), self.setup(), tuple(self.stages(prediction)), tuple(self.history),
                      prediction, self.diverged)

    def run_epoch(self, stop: threading.Event | None = None) -> Iterator[StepRecord | EpochRecord | Diverged]:
        """Train one epoch; yields throttled step records, then the epoch record.

        Returns early, yielding nothing more, when `stop` is set or the loss diverges.
        """
        if self.diverged is not None:
            return
        set_weight_decay(self.optimizer, self.weight_decay)
        epoch = self.epoch + 1
        x, y, bs = self.data.x_train, self.data.y_train, self.config.batch_size
        model, optimizer = self.model, self.optimizer
        steps = self.steps_per_epoch
        start = last_post = time.perf_counter()
        running = 0.0
        order = torch.randperm(len(y), generator=self.shuffle)
        model.train()
        for step, first in enumerate(range(0, len(y), bs), start=1):
            if stop is not None and stop.is_set():
                return
            idx = order[first:first + bs]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            value = loss.item()
            if not math.isfinite(value):
                self.diverged = Diverged(epoch, step, self.config.lr)
                yield self.diverged
                return
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            self.global_step += 1
            running += value
            now = time.perf_counter()
            if now - last_post >= STEP_EVERY and step < steps:
                last_post = now
                yield StepRecord(epoch, step, steps, self.global_step, running / step, now - start)
        model.eval()
        record = self._epoch_record(epoch, time.perf_counter() - start)
        if not all(map(math.isfinite, (record.train_loss, record.val_loss, record.weight_norm))):
            self.diverged = Diverged(epoch, steps, self.config.lr)
            yield self.diverged
            return
        self.history.append(record)
        yield record

    def _epoch_record(self, epoch: int, seconds: float) -> EpochRecord:
        d = self.data
        train_loss, train_acc = self.evaluate(d.x_train, d.y_train)
        val_loss, val_acc = self.evaluate(d.x_val, d.y_val)
        norm = decayed_norm(self.decayed)
        history = [(h.train_loss, h.val_loss, h.train_acc, h.val_acc) for h in self.history]
        return EpochRecord(
            epoch=epoch, train_loss=train_loss, val_loss=val_loss, train_acc=train_acc, val_acc=val_acc,
            penalty=0.5 * self.weight_decay * norm ** 2, weight_norm=norm,
            layer_norms=layer_norms(self.model), seconds=seconds,
            observation=observe(train_loss, val_loss, train_acc, val_acc, history, d.n_classes),
            weight_decay=self.weight_decay, lr=self.config.lr, global_step=self.global_step,
        )


def train(config: RunConfig, stop: threading.Event | None = None, *,
          trainer: Trainer | None = None) -> Iterator[Record]:
    """The whole run: the Setup record, then each epoch's step and epoch records.

    Stops at once (between steps) when `stop` is set, and after a Diverged record.
    """
    trainer = trainer if trainer is not None else Trainer(config)
    yield trainer.setup()
    for _ in range(config.epochs):
        for record in trainer.run_epoch(stop):
            yield record
        if trainer.diverged is not None or (stop is not None and stop.is_set()):
            return
