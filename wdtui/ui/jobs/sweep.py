"""The Sweep mode's job: many values of λ trained at once (core.sweep), and what the app keeps.

`train_sweep` runs on a worker thread and only posts messages; `SweepState` is changed on the
UI thread from them, and lives on the app, so a sweep goes on (and is kept) while the user
looks at other modes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ...core.config import RunConfig
from ...core.records import SweepPoint, SweepProgress, SweepResult
from ...present.runs import sweep_label
from ...store.recording import Recording, SweepRecord
from ..messages import JobMessage, SweepBoundaries, SweepDone, SweepProgressed
from ..session import RunState
from .plane import PlaneChoice

if TYPE_CHECKING:
    from ...core.measures import Boundary

# Every λ's boundary costs a few milliseconds, so while the sweep trains they are taken at
# most this often (seconds); and once more after the last epoch.
BOUNDARIES_EVERY = 1.5


def train_sweep(post: Callable[[JobMessage], object], job: int, config: RunConfig, grid: tuple[float, ...],
                plane: PlaneChoice, recording: Recording, cancelled: threading.Event) -> None:
    """Train every λ of `grid` at once; post each record, and every λ's boundary now and then;
    stop between two steps when cancelled. The result's points carry each boundary's length
    and smoothness number. Each λ is recorded as a run of one group ("stopped" if the sweep is)."""
    from ...core.control import Control
    from ...core.sweep import Sweep

    run = Sweep(config, grid, Control(cancelled=cancelled), measure=True, histograms=recording.wants_weights)
    kept = SweepRecord(recording, config, grid, sweep_label(grid))
    result = None
    taken = time.perf_counter()
    try:
        for record in run.run():
            if isinstance(record, SweepProgress):
                kept.progress(record)
                post(SweepProgressed(record, job=job))
                if record.epoch == record.epochs or time.perf_counter() - taken >= BOUNDARIES_EVERY:
                    post(SweepBoundaries(record.epoch, run.boundaries(plane.for_data(run.data.n_features)), job=job))
                    taken = time.perf_counter()
            else:
                result = record
                post(SweepDone(record, job=job))
    finally:
        kept.close(result)


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
