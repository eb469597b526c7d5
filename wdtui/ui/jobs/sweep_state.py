"""What the app keeps of a sweep: many values of λ trained at once (core.sweep_engine).

The sweep trains in the trainer (trainer/tasks.py's `sweep_task`). `SweepState` is changed on
the UI thread from what it sends. It lives on the app, so a sweep goes on (and is kept) while
the user looks at other modes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...core.config import RunConfig
from ...core.records import SweepPoint, SweepProgress, SweepResult
from ..session import RunState

if TYPE_CHECKING:
    from ...core.measures import Boundary


@dataclass
class SweepState:
    number: int  # of this sweep; late messages of older ones are dropped by it
    config: RunConfig  # the settings swept (each λ of the grid instead of config's)
    grid: tuple[float, ...]
    points: tuple[SweepPoint, ...] = ()  # as the latest record has them
    epoch: int = 0  # epochs done
    result: SweepResult | None = None
    state: RunState = RunState.TRAINING
    error: str | None = None
    boundaries: tuple[Boundary | None, ...] = ()  # every λ's, as the latest look has them
    boundaries_epoch: int = 0  # the epoch they were taken after

    @property
    def best(self) -> SweepPoint | None:
        return self.result.best if self.result is not None else None

    def progress(self, record: SweepProgress) -> None:
        self.points, self.epoch = record.points, record.epoch

    def done(self, result: SweepResult) -> None:
        self.result, self.points, self.state = result, result.points, RunState.FINISHED

    def end(self, state: RunState, error: str | None = None) -> None:
        """The worker stopped before its result: cancelled (STOPPED) or could not run (FAILED)."""
        if self.state == RunState.TRAINING:
            self.state, self.error = state, error
