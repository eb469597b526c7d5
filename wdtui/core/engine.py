"""The run engine: the one place that decides what happens next in a run.

An `Engine` holds one run's state: data, model, optimizer, history. `Engine.run()` is the run as
a generator of records. What the run does next is asked through a `Control`, which any thread
may change and the engine reads between two steps. It may train, pause mid-epoch or at an epoch
end, or train one epoch. It may take a new λ or epoch count from the next epoch, keep a pace,
stop by a rule, or quit between two steps. The CLI, the benchmarks, the app's worker, the
Compare twins and a lesson's run are all this one loop with different controls. None has a
loop of its own.
"""

from __future__ import annotations

import math
import time
from typing import Callable, Iterator, Sequence

import torch
import torch.nn.functional as F

from .config import LIVE_FIELDS, ConfigError, RunConfig
from .control import Control, Watch
from .data import Dataset, prepare
from .diverging import cause
from .model import build_model, layer_norms
from .observe import observe
from .optim import decayed_norm, make_optimizer, set_weight_decay, split_parameters
from .readout import Readout
from .records import ConfigChanged, Diverged, EpochRecord, Look, Record, StepRecord, Stopped, with_weight_decay
from .threads import one_thread

# Step records are posted at most this often (seconds): enough for a live progress bar,
# few enough that a UI thread never queues more than it can draw.
STEP_EVERY = 0.05

# The pace's shortest wait (seconds): shorter ones are gathered (see Engine._pace).
MIN_WAIT = 0.01

# Stop reasons the engine itself gives (a stop rule gives its own sentence).
FINISHED, PAUSED = "finished", "paused"

StopRule = Callable[[Sequence[EpochRecord]], "str | None"]


class Engine(Readout):
    """One run, built from a config (same config ⇒ same initial weights and batch order)."""

    def __init__(self, config: RunConfig, control: Control | None = None, *, dataset: Dataset | None = None,
                 watch: Watch | None = None, stop_rule: StopRule | None = None) -> None:
        one_thread()  # the same floats for the same config, on any number of cores
        self.config = config  # the settings in force: λ and epochs may change between epochs
        self.control = control if control is not None else Control()
        self.watch, self.stop_rule = watch, stop_rule
        self.data = dataset if dataset is not None else prepare(config)
        self.model = build_model(self.data.n_features, config.hidden, self.data.n_classes, config.seed)
        self.optimizer, groups = make_optimizer(config, self.model)
        self.groups = tuple(groups)
        self.decayed = [p for _, p in split_parameters(self.model, config.decay_bias)[0]]
        self.shuffle = torch.Generator().manual_seed(config.seed)
        self.history: list[EpochRecord] = []  # epochs 1, 2, …
        self.initial: EpochRecord | None = None  # epoch 0: the model before any step
        # (train loss, val loss, train acc, val acc) of epoch 0 and each in `history`, for the
        # observations: kept as they come, where rebuilding them at every epoch was O(n²) a run
        self._metrics: list[tuple[float, float, float, float]] = []
        self.global_step = 0
        self.diverged: Diverged | None = None
        self._at = (0, 0)  # (epoch, step within it) of the model now: where a look is taken
        self._looked_step, self._looked_time = -1, 0.0  # the global step and time of the latest look
        self.sharing = 1  # runs that take turns under one spread pace (the twins: 2), so the pair takes its time

    # What happens next -----------------------------------------------------------------------

    def run(self) -> Iterator[Record]:
        """The run: Setup, then epochs as the control asks, until done, diverged or cancelled.

        Epoch 0, the model before any step, comes right after the Setup. It yields:
        - Stopped("finished") after the last epoch, then ends (or with `hold` waits for more);
        - Stopped("paused") where a pause halts it;
        - ConfigChanged where new settings take effect;
        - the Watch's Looks (see control.Watch).
        When cancelled, it returns with no further record.
        """
        c = self.control
        yield self.setup()
        self.initial = self._epoch_record(0, 0.0)
        self._metrics.append(_metrics(self.initial))
        yield self.initial
        if self.watch is not None:
            yield self._look()
        said = True  # a stop already announced (or nothing trained yet): waiting needs no record
        while True:
            if not c.go.is_set():
                if not said:
                    yield from self._stopped(PAUSED)
                if not (yield from self._hold()):
                    return
            said = False
            changed = self._take_request()
            if changed is not None:
                yield changed
            # A run that holds where it stops pauses before it says so: a go that answers the
            # stop (more epochs, say) is never undone by the pause.
            if self.epoch >= self.config.epochs:
                if c.hold:
                    c.pause()
                yield from self._stopped(FINISHED)
                if not c.hold:
                    return
                said = True
                continue
            yield from self._epoch()
            if self.diverged is not None or c.cancelled.is_set():
                return
            reason = self.stop_rule(self.history) if self.stop_rule is not None else None
            if reason is not None:
                if c.hold:
                    c.pause()
                yield from self._stopped(reason)
                if not c.hold:
                    return
                said = True
            elif c.one_epoch and self.epoch < self.config.epochs:
                c.one_epoch = False
                c.pause()

    # The watch -------------------------------------------------------------------------------

    def _look(self) -> Look:
        """The Watch's look at the model as it is now (in eval mode while it looks)."""
        training = self.model.training
        self.model.eval()
        epoch, step = self._at
        value = self.watch.measure(self)
        self.model.train(training)
        self._looked_step, self._looked_time = self.global_step, time.perf_counter()
        return Look(epoch, step, self.global_step, value)

    def _stopped(self, reason: str) -> Iterator[Record]:
        """Stopped(reason), after a look at the model where it stopped if the last one is older."""
        if self.watch is not None and self._looked_step != self.global_step:
            yield self._look()
        yield Stopped(reason, self.epoch)

    def _hold(self) -> Iterator[Record]:
        """Wait to be told to go (returns True) or cancelled (False).

        Each look asked meanwhile yields a fresh look, say of another plane of the same model.
        When it goes on from where the latest look was taken, that look counts as taken now: the
        next is due a Watch's spacing later, not at the first step (a boundary costs milliseconds,
        and the picture of one step on would show next to nothing new)."""
        while True:
            go = self.control.wait_or_look()
            if go is not None:
                if go and self._looked_step == self.global_step:
                    self._looked_time = time.perf_counter()
                return go
            if self.watch is not None:
                yield self._look()

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
        self.groups = with_weight_decay(self.groups, requested.weight_decay)
        return ConfigChanged(self.epoch + 1, requested)

    def _step_seconds(self) -> float:
        """The pace as seconds per step: each epoch takes at least what the control's pace asks.
        Runs that take turns share a spread pace: each spreads over its part of the time."""
        return self.control.epoch_seconds_for(self.config.epochs * self.sharing) / self.steps_per_epoch

    def _pace(self, due: float, last: bool) -> float:
        """Wait until `due`, the pace's end for this step, and return the next step's due.

        A step that ran late sets the next one's due from now: the pace never rushes to catch up.
        Waits shorter than MIN_WAIT are gathered into one. A thread woken every millisecond waits
        each time for the GIL, and falls behind its pace. An epoch's last step is the exception:
        it waits out the rest of the epoch's time."""
        step_seconds = self._step_seconds()
        if step_seconds <= 0:
            return due
        now = time.perf_counter()
        if due <= now:
            return now + step_seconds
        if due - now >= MIN_WAIT or last:
            self.control.cancelled.wait(due - now)
        return due + step_seconds

    def _epoch(self) -> Iterator[Record]:
        """Train one epoch; yields throttled step records, looks, pauses, then the epoch record."""
        c, epoch, watch = self.control, self.epoch + 1, self.watch
        x, y, bs = self.data.x_train, self.data.y_train, self.config.batch_size
        model, optimizer, steps = self.model, self.optimizer, self.steps_per_epoch
        start = last_post = time.perf_counter()
        due = start + self._step_seconds()
        look_every = watch.spacing(c.unpaced(self.config.epochs)) if watch is not None else 0.0
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
                self.diverged = self._diverged(epoch, step, "the training loss", training_finite=False)
                yield self.diverged
                return
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            self.global_step += 1
            self._at = (epoch, step)
            running += value
            if c.one_step:  # one optimizer step was asked for: pause right after it
                c.one_step = False
                c.pause()
            now = time.perf_counter()
            if (watch is not None and self.global_step % watch.every == 0
                    and now - self._looked_time >= look_every):
                yield self._look()
            halt = not c.go.is_set() and step < steps  # paused mid-epoch: hold right here
            if (halt or now - last_post >= STEP_EVERY) and step < steps:
                last_post = now
                yield StepRecord(epoch, step, steps, self.global_step, running / step, now - start - paused)
            if halt:
                yield from self._stopped(PAUSED)
                held = time.perf_counter()
                if not (yield from self._hold()):
                    return
                paused += time.perf_counter() - held
                due = time.perf_counter() + self._step_seconds()
            due = self._pace(due, last=step == steps)
        model.eval()
        record = self._epoch_record(epoch, time.perf_counter() - start - paused)
        values = {"the training loss": record.train_loss, "the validation loss": record.val_loss,
                  "the weights' norm ‖θ‖": record.weight_norm}
        what = next((name for name, value in values.items() if not math.isfinite(value)), None)
        if what is not None:
            self.diverged = self._diverged(epoch, steps, what, training_finite=math.isfinite(record.train_loss))
            yield self.diverged
            return
        self.history.append(record)
        self._metrics.append(_metrics(record))
        yield record

    def _diverged(self, epoch: int, step: int, what: str, training_finite: bool) -> Diverged:
        return Diverged(epoch, step, self.config.lr, what, cause(self.config, self.data, training_finite))

    def _epoch_record(self, epoch: int, seconds: float) -> EpochRecord:
        d, lam = self.data, self.config.weight_decay
        train_loss, train_acc = self.evaluate(d.x_train, d.y_train)
        val_loss, val_acc = self.evaluate(d.x_val, d.y_val)
        norm = decayed_norm(self.decayed)
        history = self._metrics if epoch else []
        return EpochRecord(
            epoch=epoch, train_loss=train_loss, val_loss=val_loss, train_acc=train_acc, val_acc=val_acc,
            penalty=0.5 * lam * norm ** 2, weight_norm=norm,
            layer_norms=layer_norms(self.model), seconds=seconds,
            observation=observe(train_loss, val_loss, train_acc, val_acc, history, d.n_classes, epoch),
            weight_decay=lam, lr=self.config.lr, global_step=self.global_step,
        )


def _metrics(record: EpochRecord) -> tuple[float, float, float, float]:
    return record.train_loss, record.val_loss, record.train_acc, record.val_acc


def train(config: RunConfig, control: Control | None = None) -> Iterator[Record]:
    """The whole run, as the CLI and the benchmarks consume it (at full speed by default)."""
    return Engine(config, control).run()


def trained(config: RunConfig) -> Engine:
    """An Engine that has trained all of `config`'s epochs, or stopped where it diverged.

    It serves readers of the finished run: its last record, its boundary, its insight."""
    engine = Engine(config)
    for _ in engine.run():
        pass
    return engine
