"""The Compare twins' job: two runs of the engine, λ = 0 and λ, and what the app keeps of them.

`train_twins` runs on a worker thread and only posts TwinRecords; `TwinsState` is changed on
the UI thread from them. Both twins' model views are kept too: their smoothness numbers for
Compare, and the λ = 0 twin's weights for the Weights mode's histograms beside the run's.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ...core.config import RunConfig
from ...core.pace import FOLLOW_EVERY
from ...core.records import Diverged, EpochRecord, Snapshot, StepRecord
from ...present.runs import twins_label
from ...store.recording import Recording, new_group
from ..messages import JobMessage, TwinRecord
from ..session import RunState
from .plane import PlaneChoice

if TYPE_CHECKING:
    from ...core.measures import Boundary
    from ...core.view import ModelView


def train_twins(post: Callable[[JobMessage], object], job: int, config: RunConfig, plane: PlaneChoice,
                recording: Recording, cancelled: threading.Event) -> None:
    """Train both twins, an epoch each in turn; post each record (and at each epoch end the
    twin's model view); stop between two steps when cancelled.

    Each twin's Watch takes its decision boundary at epoch ends, at most every FOLLOW_EVERY
    seconds, and at its last epoch; both over one plane (`plane`'s, else the one the λ = 0
    twin's first layer weighs most), so the two pictures show the same slice. Both are
    recorded, as one group, each with its report when it finishes or diverges ("stopped" if
    cut short)."""
    from ...core.boundary import default_plane
    from ...core.compare import twin_engines, twins
    from ...core.control import Control, Watch
    from ...core.histograms import histograms_later
    from ...core.records import Stopped

    engines = twin_engines(config, Control(cancelled=cancelled))

    def take(engine):
        n = engine.data.n_features
        return engine.boundary(plane.for_data(n) or (default_plane(engines[0].model) if n >= 2 else None))

    for engine in engines:
        engine.watch = Watch(every=engine.steps_per_epoch, take=take, seconds=FOLLOW_EVERY)
    group, label = new_group(), twins_label(config.weight_decay)
    kept = [recording.run(e.config.to_dict(), "twin", group, label) for e in engines]
    try:
        for which, record in twins(engines):
            if isinstance(record, EpochRecord):
                kept[which].epoch(record, histograms_later(engines[which].model))
            elif isinstance(record, Diverged) or (isinstance(record, Stopped) and record.reason == "finished"):
                kept[which].finish("diverged" if isinstance(record, Diverged) else "finished", engines[which].report())
            view = engines[which].view() if isinstance(record, EpochRecord) and record.epoch > 0 else None
            post(TwinRecord(which, record, view, job=job))
    finally:
        for run, engine in zip(kept, engines):
            if run.is_open:
                run.finish("stopped", engine.report())
            run.close()


@dataclass
class TwinsState:
    number: int  # of this comparison; late messages of older ones are dropped by it
    config: RunConfig  # the settings both twins ran with, λ being the decayed twin's
    run: int  # the app's run number when it started: a reset since makes it stale
    epochs: tuple[list[EpochRecord], list[EpochRecord]] = field(default_factory=lambda: ([], []))  # 1, 2, …
    initial: list[EpochRecord | None] = field(default_factory=lambda: [None, None])  # each twin's epoch 0
    diverged: list[Diverged | None] = field(default_factory=lambda: [None, None])
    last_step: StepRecord | None = None  # of the twin training now, within its epoch
    views: tuple[list[ModelView], list[ModelView]] = field(default_factory=lambda: ([], []))  # at each epoch end
    looks: list[Snapshot | None] = field(default_factory=lambda: [None, None])  # each twin's latest boundary
    state: RunState = RunState.TRAINING
    error: str | None = None

    @property
    def zero(self) -> list[EpochRecord]:
        return self.epochs[0]

    @property
    def decayed(self) -> list[EpochRecord]:
        return self.epochs[1]

    def name(self, which: int) -> str:
        """"λ = 0" or "λ = 0.1": twin `which` as the screens call it."""
        return "λ = 0" if which == 0 else f"λ = {self.config.weight_decay:g}"

    @property
    def training_now(self) -> int:
        """Which twin trains now: they take turns, an epoch each, λ = 0 first; one that
        diverged drops out."""
        going = [w for w in (0, 1) if self.diverged[w] is None]
        return min(going, key=lambda w: (len(self.epochs[w]), w), default=0)

    @property
    def progress(self) -> float:
        """Epochs trained by both twins together, the current one's fraction included."""
        done = float(len(self.zero) + len(self.decayed))
        if self.last_step is not None:
            done += self.last_step.step / self.last_step.steps_per_epoch
        return done

    def add(self, message: TwinRecord) -> None:
        """Take one record the worker posted."""
        record: Any = message.record
        if isinstance(record, StepRecord):
            self.last_step = record
            return
        if isinstance(record, Snapshot):
            self.looks[message.which] = record
            return
        self.last_step = None
        if isinstance(record, EpochRecord) and record.epoch == 0:
            self.initial[message.which] = record
        elif isinstance(record, EpochRecord):
            self.epochs[message.which].append(record)
            if message.view is not None:
                self.views[message.which].append(message.view)
        elif isinstance(record, Diverged):
            self.diverged[message.which] = record

    def end(self, state: RunState, error: str | None = None) -> None:
        """The worker is done: finished, stopped (quit, or a new comparison) or failed."""
        self.state, self.error, self.last_step = state, error, None

    def curve(self, which: int) -> list[EpochRecord]:
        """Twin `which`'s epochs from epoch 0: the chart's points."""
        first = self.initial[which]
        return ([first] if first is not None else []) + self.epochs[which]

    def smoothness(self, which: int) -> float | None:
        """Twin `which`'s smoothness number at its latest epoch (mean ‖∂p/∂x‖ over the validation rows)."""
        views = self.views[which]
        return views[-1].gradient_norm if views else None

    def boundary_length(self, which: int) -> int | None:
        """Twin `which`'s decision boundary length, in grid cells, as its latest boundary has it."""
        taken = self.boundary(which)
        return taken[0].length if taken is not None else None

    def boundary(self, which: int) -> tuple[Boundary, EpochRecord | None] | None:
        """Twin `which`'s latest boundary and the epoch record it was taken at (None before one)."""
        look = self.looks[which]
        if look is None or look.value is None:
            return None
        at = next((e for e in reversed(self.curve(which)) if e.epoch == look.epoch), None)
        return look.value, at

    def zero_at(self, epoch: int) -> tuple[int, ModelView] | None:
        """(epoch, view) of the λ = 0 twin at the end of `epoch`, or of its last epoch if it
        has not got that far; None before either has an epoch."""
        zero = self.views[0]
        if epoch < 1 or not zero:
            return None
        last = min(epoch, len(zero))
        return last, zero[last - 1]

    def stale(self, config: RunConfig, run: int) -> str | None:
        """Why these twins no longer match the run (`config`, `run` its number), or None."""
        changed = [name.replace("_", " ") for name in RunConfig.__dataclass_fields__
                   if getattr(config, name) != getattr(self.config, name)]
        if changed:
            return f"the settings changed since they trained ({', '.join(changed)})"
        return "the run was reset (r) since they trained" if self.run != run else None
