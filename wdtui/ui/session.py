"""The app's state of the current run, read by every screen; changed on the UI thread only.

Everything a screen shows comes from here: the records the trainer sent, never a number
computed a second time. `view` is the model as it was at the end of the latest epoch
(core.view.ModelView). Inspect asks the trainer to follow any other row through the copy
behind it while training goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Callable

from ..core.config import RunConfig
from ..core.insight import Insight, key_insight
from ..core.records import Diverged, EpochRecord, Look, Prediction, Report, Setup, Stage, StepRecord

if TYPE_CHECKING:
    from ..core.anatomy import LastUpdate
    from ..core.measures import Boundary
    from ..core.view import ModelView


class RunState(Enum):
    """What a job (the run, the twins, a sweep) is doing: one name per idea, for every job."""

    BUILDING = "building"  # the trainer loads torch and builds the data and model
    READY = "ready"  # built, not trained yet
    TRAINING = "training"
    PAUSED = "paused"
    FINISHED = "finished"  # every epoch ran
    STOPPED = "stopped"  # ended before its last epoch, by the user
    DIVERGED = "diverged"  # the loss stopped being a finite number
    FAILED = "failed"  # could not be built (say, a CSV too small to split)


class Job(Enum):
    """The app's jobs, each with one worker at a time. The value names its worker group and,
    for the three that train, its task in the trainer."""

    RUN = "run"
    TWINS = "twins"
    SWEEP = "sweep"
    RUNS_LIST = "runs-list"  # the Runs view's jobs, on the store
    RUNS_LOAD = "runs-load"
    RUNS_DELETE = "runs-delete"
    RUNS_EXPORT = "runs-export"


@dataclass
class Session:
    config: RunConfig  # the settings in force, as the engine last said (ConfigChanged)
    setup: Setup | None = None
    initial: EpochRecord | None = None  # epoch 0: the model before any step
    epochs: list[EpochRecord] = field(default_factory=list)  # epochs 1, 2, … as they end
    last_step: StepRecord | None = None
    view: ModelView | None = None  # the model at the latest epoch end, with the run's row traced
    last_update: LastUpdate | None = None  # what that epoch's last optimizer step read
    look: Look | None = None  # the latest look of the run's Watch: its value is the Boundary then
    untrained: Boundary | None = None  # the boundary of the model before any step, for comparison
    diverged: Diverged | None = None
    lambda_changes: set[int] = field(default_factory=set)  # epochs that ran with a new λ
    state: RunState = RunState.BUILDING
    error: str | None = None  # why the run could not be built (state FAILED)
    requested: RunConfig | None = None  # asked of the engine (λ, epochs), in force from the next epoch
    pending: RunConfig | None = None  # settings that need a new model: they apply on reset
    traces: dict[tuple[int, int], Prediction | None] = field(default_factory=dict)  # (view key, row): asked of the trainer

    @property
    def running(self) -> bool:
        """True while the run trains (not building, paused or done)."""
        return self.state == RunState.TRAINING

    @property
    def target(self) -> RunConfig:
        """The settings the run is heading for: those asked for, else those in force."""
        return self.requested or self.config

    @property
    def boundary(self) -> Boundary | None:
        return self.look.value if self.look is not None else None

    @property
    def all_epochs(self) -> list[EpochRecord]:
        """Epoch 0 (once the run is built), then the epochs trained: the table's rows, the chart's points."""
        return ([self.initial] if self.initial is not None else []) + self.epochs

    @property
    def stages(self) -> tuple[Stage, ...]:
        return self.view.stages if self.view is not None else ()

    @property
    def prediction(self) -> Prediction | None:
        """The run's own row (configured, or the first validation row) through the latest model."""
        return self.view.prediction if self.view is not None else None

    @property
    def viewed_epochs(self) -> list[EpochRecord]:
        """Epoch 0 up to the epoch of the latest view.

        While training, the table may be a few epochs past it, since views go out at most every
        FOLLOW_EVERY seconds. Once stopped, never."""
        return self.all_epochs[:self.view.epoch + 1] if self.view is not None else []

    def report(self, boundary: Callable[[ModelView], Boundary | None]) -> Report | None:
        """The run so far as `wdtui trace --json` and the exports write it; None before it is built.

        Made from the records the trainer sent, not from the engine, which trains on. These
        stages, this prediction and the epochs are those of the latest view's epoch end; a
        diverged run keeps its last good epoch. The boundary is the run's latest look when it
        was taken there, else `boundary(view)`, which asks the trainer for the view's model's.
        """
        if self.setup is None or self.view is None:
            return None
        epochs = self.viewed_epochs
        look = self.look
        boundary_now = (look.value if look is not None and look.global_step == epochs[-1].global_step
                        else boundary(self.view))
        return Report(self.config.to_dict(), self.setup, self.stages, tuple(epochs), self.view.prediction,
                      self.diverged, self.insight(), boundary_now)

    def insight(self) -> Insight | None:
        """The key insight's numbers for the settings in force and the latest view's model."""
        if self.setup is None or self.view is None:
            return None
        return key_insight(self.config, self.viewed_epochs, self.setup.steps_per_epoch, adam=self.view.adam,
                           gradient_norm=self.view.gradient_norm)
