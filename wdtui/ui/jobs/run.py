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
from ...store.recording import Recording
from ..messages import ConfigApplied, EpochDone, JobMessage, RunDiverged, RunStopped, SetupReady, StepDone


def train_run(post: Callable[[JobMessage], object], job: int, config: RunConfig, control: Control,
              recording: Recording, cancelled: threading.Event) -> None:
    """Build the run, post its SetupReady, then post every record the engine yields; the
    worker's `cancelled` (a quit, or a new run) ends it between two steps.

    The run is recorded from its first trained epoch (a model built and never trained is not
    a run; its epoch 0 is stored then), here on the worker: "finished" when its epochs are done ("running" again if it is given
    more), "diverged", or "stopped" when the user moves on to a new run or quits."""
    import torch

    # One intra-op thread: this network is far too small to gain from more, and extra
    # OpenMP threads spin on the cores the UI thread needs (measured: training in the app
    # ran 4× slower with torch's default of one thread per core; see benchmarks/bench_app.py).
    torch.set_num_threads(1)

    from ...core.anatomy import LastUpdates
    from ...core.engine import Engine
    from ...core.histograms import histograms_later
    from ...core.records import ConfigChanged, Diverged, EpochRecord, Setup, StepRecord, Stopped

    control.cancelled = cancelled
    engine = Engine(config, control)
    updates = LastUpdates(engine)
    kept = None  # the run's record in the store, begun at its first trained epoch
    untrained = None  # epoch 0's record, stored with the first trained one
    try:
        for record in engine.run():
            if isinstance(record, StepRecord):
                post(StepDone(record, job=job))
            elif isinstance(record, EpochRecord):
                if record.epoch == 0:
                    untrained = (record, histograms_later(engine.model))
                else:
                    if kept is None:
                        kept = recording.run(config.to_dict())
                        kept.epoch(*untrained)
                    kept.reopen()  # after "finished", when it was given more epochs; else nothing
                    kept.epoch(record, histograms_later(engine.model))
                post(EpochDone(record, engine.view(), updates.latest, job=job))
            elif isinstance(record, Setup):
                post(SetupReady(record, engine.view(), job=job))
            elif isinstance(record, ConfigChanged):
                post(ConfigApplied(record, job=job))
            elif isinstance(record, Stopped):
                if record.reason == "finished" and kept is not None:
                    kept.finish("finished", engine.report())
                post(RunStopped(record, job=job))
            elif isinstance(record, Diverged):
                if kept is not None:
                    kept.finish("diverged", engine.report())
                post(RunDiverged(record, job=job))
    finally:
        if kept is not None:
            if kept.is_open:  # a new run, or quitting, cut it short
                kept.finish("stopped", engine.report())
            kept.close()
