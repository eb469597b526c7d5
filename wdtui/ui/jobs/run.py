"""The run's job: the worker that drives the run engine and posts what it yields.

It runs on a worker thread and touches no widget: the engine reads the `Control` the UI thread
sets, and this loop turns each record into a message. torch is imported here, on that thread,
so the app's first frame never waits for it.
"""

from __future__ import annotations

import threading
import time
from typing import Callable

from ...core.config import RunConfig
from ...core.control import Control, Watch
from ..messages import (BoundaryTaken, ConfigApplied, EpochDone, JobMessage, RunDiverged, RunStopped, SetupReady,
                        StepDone, ViewTaken)
from .plane import VIEW_EVERY, PlaneChoice


def train_run(post: Callable[[JobMessage], object], job: int, config: RunConfig, control: Control,
              plane: PlaneChoice, cancelled: threading.Event) -> None:
    """Build the run, post its SetupReady, then post every record the engine yields; the
    worker's `cancelled` (a quit, or a new run) ends it between two steps.

    The engine's Watch takes the decision boundary (over `plane`) at most every VIEW_EVERY
    seconds and wherever the run stops, so the Train mode's view follows the run, paced or not.
    Views of the model (a row traced, the stages, the smoothness number: about a millisecond,
    as long as a whole epoch of a small run) go out with an epoch's record at most as often;
    between them only a copy of the model is kept, and the latest epoch end's view goes out
    where the run stops, so a paused or finished run always shows its latest epoch."""
    import torch

    # One intra-op thread: this network is far too small to gain from more, and extra
    # OpenMP threads spin on the cores the UI thread needs (measured: training in the app
    # ran 4× slower with torch's default of one thread per core; see benchmarks/bench_app.py).
    torch.set_num_threads(1)

    from ...core.anatomy import LastUpdates
    from ...core.engine import Engine
    from ...core.records import ConfigChanged, Diverged, EpochRecord, Setup, Snapshot, StepRecord, Stopped

    control.cancelled = cancelled
    engine = Engine(config, control, watch=Watch(every=1, take=plane.take, seconds=VIEW_EVERY))
    updates = LastUpdates(engine)
    viewed, kept = 0.0, None  # when the latest view went out; the epoch end not viewed yet
    for record in engine.run():
        if isinstance(record, StepRecord):
            post(StepDone(record, job=job))
        elif isinstance(record, Snapshot):
            post(BoundaryTaken(record, job=job))
        elif isinstance(record, EpochRecord):
            if time.perf_counter() - viewed >= VIEW_EVERY:
                post(EpochDone(record, engine.view(), updates.latest, job=job))
                viewed, kept = time.perf_counter(), None
            else:
                post(EpochDone(record, None, None, job=job))
                kept = (engine.keep(), updates.latest)
        elif isinstance(record, Setup):
            post(SetupReady(record, engine.view(), job=job))
        elif isinstance(record, ConfigChanged):
            post(ConfigApplied(record, job=job))
        elif isinstance(record, (Stopped, Diverged)):
            if kept is not None:
                post(ViewTaken(engine.view(kept[0]), kept[1], job=job))
                viewed, kept = time.perf_counter(), None
            post(RunStopped(record, job=job) if isinstance(record, Stopped) else RunDiverged(record, job=job))
