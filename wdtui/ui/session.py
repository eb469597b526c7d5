"""The app's state of the current run, read by every screen; changed on the UI thread only.

Everything a screen shows comes from here: the records the worker posted, never a number
computed a second time. `model_snapshot` is a copy of the model taken at the end of the
latest epoch, so Inspect can follow any row through it while training goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.config import RunConfig
from ..core.records import Diverged, EpochRecord, Prediction, Report, Setup, Stage, StepRecord

# What the run is doing, as `Session.state` names it.
BUILDING, READY, TRAINING, PAUSED, FINISHED, DIVERGED, FAILED = (
    "building", "ready", "training", "paused", "finished", "diverged", "failed")


@dataclass
class Session:
    config: RunConfig  # the run's settings; λ and epochs follow the Train controls live
    setup: Setup | None = None
    stages: list[Stage] = field(default_factory=list)
    epochs: list[EpochRecord] = field(default_factory=list)
    last_step: StepRecord | None = None
    prediction: Prediction | None = None  # of the configured / default row
    diverged: Diverged | None = None
    lambda_changes: set[int] = field(default_factory=set)  # epochs that ran with a new λ
    trainer: Any = None  # core.training.Trainer, built in the worker (it imports torch)
    model_snapshot: Any = None  # torch.nn.Module copied at the latest epoch end
    last_update: Any = None  # core.anatomy.LastUpdate: what that epoch's last optimizer step read
    state: str = BUILDING
    error: str | None = None  # why the run could not be built (state FAILED)
    pending: RunConfig | None = None  # settings that need a new model: they apply on reset

    @property
    def running(self) -> bool:
        """True while the worker is training (not building, paused or done)."""
        return self.state == TRAINING

    def report(self) -> Report | None:
        """The run so far as `wdtui trace --json` and the exports write it; None before it is built.

        Made from the records the worker posted, not from `trainer.report()`: that would read
        the model while the worker trains it, and these stages and this prediction were taken
        at the latest epoch end, the point the epoch table stops at. Once training has stopped
        the two agree, except that the config here is the one in force (λ and epochs as the
        Train controls last set them) and a diverged run keeps its last good epoch's trace.
        """
        if self.setup is None or self.prediction is None:
            return None
        return Report(self.config.to_dict(), self.setup, tuple(self.stages), tuple(self.epochs),
                      self.prediction, self.diverged)
