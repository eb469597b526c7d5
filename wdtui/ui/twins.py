"""The Compare mode's twin runs as the app keeps them: records of both, and the λ = 0 twin's
models, so the Weights mode can set its histograms beside the run's.

Changed on the UI thread only, from the messages the Compare worker posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.config import RunConfig
from ..core.records import Diverged, EpochRecord, StepRecord

# What the twins are doing, as `CompareState.state` names it.
TRAINING, DONE, STOPPED, FAILED = "training", "done", "stopped", "failed"


@dataclass
class CompareState:
    number: int  # of this comparison; late messages of older ones are dropped by it
    config: RunConfig  # the settings both twins ran with, λ being the decayed twin's
    run: int  # the app's run_id when it started: a reset since makes it stale
    epochs: tuple[list[EpochRecord], list[EpochRecord]] = field(default_factory=lambda: ([], []))
    diverged: list[Diverged | None] = field(default_factory=lambda: [None, None])
    last_step: StepRecord | None = None  # of the twin training now, within its epoch
    zero_models: list[Any] = field(default_factory=list)  # λ = 0 twin at each epoch end (torch modules)
    state: str = TRAINING
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

    def add(self, which: int, record: StepRecord | EpochRecord | Diverged, model: Any = None) -> None:
        """Take one record the worker posted for twin `which`."""
        if isinstance(record, StepRecord):
            self.last_step = record
            return
        self.last_step = None
        if isinstance(record, EpochRecord):
            self.epochs[which].append(record)
            if model is not None:
                self.zero_models.append(model)
        else:
            self.diverged[which] = record

    def zero_at(self, epoch: int) -> tuple[int, Any] | None:
        """(epoch, model) of the λ = 0 twin at the end of `epoch`, or of its last epoch if it
        has not got that far; None before either has an epoch."""
        if epoch < 1 or not self.zero_models:
            return None
        last = min(epoch, len(self.zero_models))
        return last, self.zero_models[last - 1]

    def stale(self, config: RunConfig, run: int) -> str | None:
        """Why these twins no longer match the run (`config`, `run` its id), or None."""
        changed = [name.replace("_", " ") for name in RunConfig.__dataclass_fields__
                   if getattr(config, name) != getattr(self.config, name)]
        if changed:
            return f"the settings changed since they trained ({', '.join(changed)})"
        return "the run was reset (r) since they trained" if self.run != run else None
