"""What the app keeps of the Compare twins: two runs of the engine, λ = 0 and λ.

They train in the trainer (trainer/tasks.py's `twins_task`); `TwinsState` is changed on the
UI thread from the TwinRecords they send. Kept beside their records: each twin's latest view
(its smoothness number, for Compare), and the λ = 0 twin's weights at every epoch end, for the
Weights mode's histograms beside the run's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...core.config import RunConfig
from ...core.records import Diverged, EpochRecord, Look, StepRecord
from ..session import RunState

if TYPE_CHECKING:
    import numpy as np

    from ...core.measures import Boundary
    from ...core.view import ModelView
    from ...trainer.events import TwinRecord


@dataclass
class TwinsState:
    number: int  # of this comparison; late messages of older ones are dropped by it
    config: RunConfig  # the settings both twins ran with, λ being the decayed twin's
    run: int  # the app's run number when it started: a reset since makes it stale
    epochs: tuple[list[EpochRecord], list[EpochRecord]] = field(default_factory=lambda: ([], []))  # 1, 2, …
    initial: list[EpochRecord | None] = field(default_factory=lambda: [None, None])  # each twin's epoch 0
    diverged: list[Diverged | None] = field(default_factory=lambda: [None, None])
    last_step: StepRecord | None = None  # of the twin training now, within its epoch
    views: list[ModelView | None] = field(default_factory=lambda: [None, None])  # each twin's latest
    zero_weights: list[dict[str, np.ndarray]] = field(default_factory=list)  # the λ = 0 twin's, epochs 1, 2, …
    looks: list[Look | None] = field(default_factory=lambda: [None, None])  # each twin's latest boundary
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
        """Take one record the twins' task sent."""
        record: Any = message.record
        if isinstance(record, StepRecord):
            self.last_step = record
            return
        if isinstance(record, Look):
            self.looks[message.which] = record
            return
        self.last_step = None
        if isinstance(record, EpochRecord) and record.epoch == 0:
            self.initial[message.which] = record
        elif isinstance(record, EpochRecord):
            self.epochs[message.which].append(record)
            if message.view is not None:
                self.views[message.which] = message.view
            if message.weights is not None:
                self.zero_weights.append(message.weights)
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
        view = self.views[which]
        return view.gradient_norm if view is not None else None

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

    def zero_at(self, epoch: int) -> tuple[int, dict[str, np.ndarray]] | None:
        """(epoch, weights) of the λ = 0 twin at the end of `epoch`, or of its last epoch if it
        has not got that far; None before either has an epoch."""
        zero = self.zero_weights
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
