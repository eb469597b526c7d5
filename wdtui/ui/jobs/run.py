"""The run's job: the worker that drives the run engine and posts what it yields.

It runs on a worker thread and touches no widget: the engine reads the `Control` the UI thread
sets, and this loop turns each record into a message. torch is imported here, on that thread,
so the app's first frame never waits for it.
"""

from __future__ import annotations

import threading
from typing import Callable

from ...core.config import RunConfig
from ...core.control import Control
from ..messages import ConfigApplied, EpochDone, JobMessage, RunDiverged, RunStopped, SetupReady, StepDone


def train_run(post: Callable[[JobMessage], object], job: int, config: RunConfig, control: Control,
              cancelled: threading.Event) -> None:
    """Build the run, post its SetupReady, then post every record the engine yields; the
    worker's `cancelled` (a quit, or a new run) ends it between two steps."""
    import torch

    # One intra-op thread: this network is far too small to gain from more, and extra
    # OpenMP threads spin on the cores the UI thread needs (measured: training in the app
    # ran 4× slower with torch's default of one thread per core; see benchmarks/bench_app.py).
    torch.set_num_threads(1)

    from ...core.anatomy import LastUpdates
    from ...core.engine import Engine
    from ...core.records import ConfigChanged, Diverged, EpochRecord, Setup, StepRecord, Stopped

    control.cancelled = cancelled
    engine = Engine(config, control)
    updates = LastUpdates(engine)
    for record in engine.run():
        if isinstance(record, StepRecord):
            post(StepDone(record, job=job))
        elif isinstance(record, EpochRecord):
            post(EpochDone(record, engine.view(), updates.latest, job=job))
        elif isinstance(record, Setup):
            post(SetupReady(record, engine.view(), job=job))
        elif isinstance(record, ConfigChanged):
            post(ConfigApplied(record, job=job))
        elif isinstance(record, Stopped):
            post(RunStopped(record, job=job))
        elif isinstance(record, Diverged):
            post(RunDiverged(record, job=job))
