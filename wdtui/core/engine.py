"""The run engine: the one place that decides what happens next in a run.

An `Engine` holds one run's state (data, model, optimizer, history) and `Engine.run()` is the
run as a generator of records. What the run does next (train, pause mid-epoch or at an epoch
end, train one epoch, take a new λ or epoch count from the next epoch, keep a pace, stop by a
rule, quit between two steps) is asked through a `Control` that any thread may change and the
engine reads between two steps. The CLI, the benchmarks, the app's worker, the Compare twins
and a lesson's run are all this one loop with different controls; none has a loop of its own.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Iterator, Sequence

import torch
import torch.nn.functional as F

from .config import LIVE_FIELDS, ConfigError, RunConfig
from .control import Control, Watch
from .boundary import gradient_norm
from .data import Dataset, prepare
from .decay import AdamDecay, adam_decay
from .insight import Insight, key_insight
from .model import architecture, build_model, layer_norms, parameter_count
from .observe import observe
from .optim import decayed_norm, make_optimizer, set_weight_decay, split_parameters
from .probe import checked_row, predict_row
from .records import (ConfigChanged, Diverged, EpochRecord, ParamGroupInfo, Prediction, Record, Report, Setup,
                      Snapshot, Stage, StepRecord, Stopped)
from .stages import build_stages
from .view import ModelView

# Step records are posted at most this often (seconds): enough for a live progress bar,
# few enough that a UI thread never queues more than it can draw.
STEP_EVERY = 0.05

# Stop reasons the engine itself gives (a stop rule gives its own sentence).
FINISHED, PAUSED = "finished", "paused"

StopRule = Callable[[Sequence[EpochRecord]], "str | None"]


class Engine:
    """One run, built from a config (same config ⇒ same initial weights and batch order)."""

    def __init__(self, config: RunConfig, control: Control | None = None, *, dataset: Dataset | None = None,
                 watch: Watch | None = None, stop_rule: StopRule | None = None) -> None:
        self.config = config  # the settings in force: λ and epochs may change between epochs
        self.control = control if control is not None else Control()
        self.watch, self.stop_rule = watch, stop_rule
        self.data = dataset if dataset is not None else prepare(config)
        self.model = build_model(self.data.n_features, config.hidden, self.data.n_classes, config.seed)
        self.optimizer, groups = make_optimizer(config, self.model)
        self.groups = tuple(ParamGroupInfo(g.names, g.weight_decay, g.size) for g in groups)
        self.decayed = [p for _, p in split_parameters(self.model, config.decay_bias)[0]]
        self.shuffle = torch.Generator().manual_seed(config.seed)
        self.history: list[EpochRecord] = []  # epochs 1, 2, …
        self.initial: EpochRecord | None = None  # epoch 0: the model before any step
        self.global_step = 0
        self.diverged: Diverged | None = None

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
            head=tuple(tuple(r) for r in table.rows[:8]),
            head_labels=tuple(table.class_names[y] for y in table.labels[:8]),
        )

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
        """(mean cross-entropy, accuracy) of the current model on (x, y)."""
        logits = self.model(x)
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
        return adam_decay(self.optimizer) if coupled else None

    def view(self) -> ModelView:
        """A frozen copy of the model as it is now, for readers on other threads."""
        prediction = self.predict()
        return ModelView.of(self.model, self.data, self.epoch, prediction, self.stages(prediction),
                            self.adam_decay())

    def insight(self) -> Insight:
        """The key insight's numbers for the run so far, measured on the model as it is now."""
        epochs = (self.initial, *self.history) if self.initial is not None else tuple(self.history)
        return key_insight(self.config, epochs, self.steps_per_epoch, adam=self.adam_decay(),
                           gradient_norm=gradient_norm(self.model, self.data.x_val))

    def report(self, row: int | None = None) -> Report:
        """Everything about the run so far, as the JSON output and the exports write it."""
        prediction = self.predict(row)
        epochs = (self.initial, *self.history) if self.initial is not None else tuple(self.history)
        return Report(self.config.to_dict(), self.setup(), self.stages(prediction), epochs, prediction,
                      self.diverged, self.insight())

    # What happens next -----------------------------------------------------------------------

    def run(self) -> Iterator[Record]:
        """The run: Setup, then epochs as the control asks, until done, diverged or cancelled.

        Epoch 0, the model before any step, comes right after the Setup. Yields
        Stopped("finished") after the last epoch (then ends, or with `hold` waits for
        more), Stopped("paused") where a pause halts it, ConfigChanged where new settings take
        effect. Returns with no further record when cancelled.
        """
        c = self.control
        yield self.setup()
        self.initial = self._epoch_record(0, 0.0)
        yield self.initial
        said = True  # a stop already announced (or nothing trained yet): waiting needs no record
        while True:
            if not c.go.is_set():
                if not said:
                    yield Stopped(PAUSED, self.epoch)
                if not c.wait():
                    return
            said = False
            changed = self._take_request()
            if changed is not None:
                yield changed
            if self.epoch >= self.config.epochs:
                yield Stopped(FINISHED, self.epoch)
                if not c.hold:
                    return
                c.pause()
                said = True
                continue
            yield from self._epoch()
            if self.diverged is not None or c.cancelled.is_set():
                return
            reason = self.stop_rule(self.history) if self.stop_rule is not None else None
            if reason is not None:
                yield Stopped(reason, self.epoch)
                if not c.hold:
                    return
                c.pause()
                said = True
            elif c.one_epoch and self.epoch < self.config.epochs:
                c.one_epoch = False
                c.pause()

    def _take_request(self) -> ConfigChanged | None:
        """The settings asked for since the last epoch, now in force (λ reaches the optimizer)."""
        requested = self.control.take_request()
        if requested is None or requested == self.config:
            return None
        fixed = [f for f in RunConfig.__dataclass_fields__
                 if f not in LIVE_FIELDS and getattr(requested, f) != getattr(self.config, f)]
        if fixed:
            raise ConfigError(f"a running model cannot change its {', '.join(fixed)}: build a new one")
        self.config = requested
        set_weight_decay(self.optimizer, requested.weight_decay)
        return ConfigChanged(self.epoch + 1, requested)

    def _step_seconds(self) -> float:
        """The pace as seconds per step: each epoch takes at least the control's epoch_seconds."""
        return self.control.epoch_seconds / self.steps_per_epoch

    def _pace(self, due: float) -> float:
        """Wait until `due`, the pace's end for this step; the next step's. A step that ran late
        sets the next one's due from now: the pace never rushes to catch up."""
        step_seconds = self._step_seconds()
        if step_seconds <= 0:
            return due
        now = time.perf_counter()
        if due <= now:
            return now + step_seconds
        self.control.cancelled.wait(due - now)
        return due + step_seconds

    def _epoch(self) -> Iterator[Record]:
        """Train one epoch; yields throttled step records, snapshots, pauses, then the epoch record."""
        c, epoch = self.control, self.epoch + 1
        x, y, bs = self.data.x_train, self.data.y_train, self.config.batch_size
        model, optimizer, steps = self.model, self.optimizer, self.steps_per_epoch
        start = last_post = time.perf_counter()
        due = start + self._step_seconds()
        paused = running = 0.0
        order = torch.randperm(len(y), generator=self.shuffle)
        model.train()
        for step, first in enumerate(range(0, len(y), bs), start=1):
            if c.cancelled.is_set():
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
            if self.watch is not None and self.global_step % self.watch.every == 0:
                model.eval()
                yield Snapshot(epoch, step, self.global_step, self.watch.take(self))
                model.train()
            now = time.perf_counter()
            if now - last_post >= STEP_EVERY and step < steps:
                last_post = now
                yield StepRecord(epoch, step, steps, self.global_step, running / step, now - start - paused)
            if not c.go.is_set() and step < steps:  # paused mid-epoch: hold right here
                yield Stopped(PAUSED, self.epoch)
                held = time.perf_counter()
                if not c.wait():
                    return
                paused += time.perf_counter() - held
                due = time.perf_counter() + self._step_seconds()
            due = self._pace(due)
        model.eval()
        record = self._epoch_record(epoch, time.perf_counter() - start - paused)
        if not all(map(math.isfinite, (record.train_loss, record.val_loss, record.weight_norm))):
            self.diverged = Diverged(epoch, steps, self.config.lr)
            yield self.diverged
            return
        self.history.append(record)
        yield record

    def _epoch_record(self, epoch: int, seconds: float) -> EpochRecord:
        d, lam = self.data, self.config.weight_decay
        train_loss, train_acc = self.evaluate(d.x_train, d.y_train)
        val_loss, val_acc = self.evaluate(d.x_val, d.y_val)
        norm = decayed_norm(self.decayed)
        before = [self.initial, *self.history] if epoch else []
        history = [(h.train_loss, h.val_loss, h.train_acc, h.val_acc) for h in before]
        return EpochRecord(
            epoch=epoch, train_loss=train_loss, val_loss=val_loss, train_acc=train_acc, val_acc=val_acc,
            penalty=0.5 * lam * norm ** 2, weight_norm=norm,
            layer_norms=layer_norms(self.model), seconds=seconds,
            observation=observe(train_loss, val_loss, train_acc, val_acc, history, d.n_classes, epoch),
            weight_decay=lam, lr=self.config.lr, global_step=self.global_step,
        )


def train(config: RunConfig, control: Control | None = None) -> Iterator[Record]:
    """The whole run, as the CLI and the benchmarks consume it (at full speed by default)."""
    return Engine(config, control).run()
