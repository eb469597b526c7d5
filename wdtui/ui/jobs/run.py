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
from ...store.recording import Recording
from ..messages import (BoundaryTaken, ConfigApplied, EpochDone, JobMessage, RunDiverged, RunStopped, SetupReady,
                        StepDone, ViewTaken)
from .plane import VIEW_EVERY, PlaneChoice


def train_run(post: Callable[[JobMessage], object], job: int, config: RunConfig, control: Control,
              plane: PlaneChoice, recording: Recording, cancelled: threading.Event) -> None:
    """Build the run, post its SetupReady, then post every record the engine yields; the
    worker's `cancelled` (a quit, or a new run) ends it between two steps.

    The engine's Watch takes the decision boundary (over `plane`) at most every VIEW_EVERY
    seconds and wherever the run stops, so the Train mode's view follows the run, paced or not.
    Views of the model (a row traced, the stages, the smoothness number: about a millisecond,
    as long as a whole epoch of a small run) go out with an epoch's record at most as often;
    between them only a copy of the model is kept, and the latest epoch end's view goes out
    where the run stops, so a paused or finished run always shows its latest epoch.

    The run is recorded from its first trained epoch (a model built and never trained is not
    a run; its epoch 0 is stored then), here on the worker: "finished" when its epochs are
    done ("running" again if it is given more), "diverged", or "stopped" when the user moves
    on to a new run or quits."""
    import torch

    # One intra-op thread: this network is far too small to gain from more, and extra
    # OpenMP threads spin on the cores the UI thread needs (measured: training in the app
    # ran 4× slower with torch's default of one thread per core; see benchmarks/bench_app.py).
    torch.set_num_threads(1)

    from ...core.anatomy import LastUpdates
    from ...core.engine import Engine
    from ...core.histograms import histograms_later
    from ...core.records import ConfigChanged, Diverged, EpochRecord, Setup, Snapshot, StepRecord, Stopped

    control.cancelled = cancelled
    engine = Engine(config, control, watch=Watch(every=1, take=plane.take, seconds=VIEW_EVERY))
    updates = LastUpdates(engine)
    viewed, unviewed = 0.0, None  # when the latest view went out; the epoch end not viewed yet
    stored = None  # the run's record in the store, begun at its first trained epoch
    untrained = None  # epoch 0's record, stored with the first trained one
    try:
        for record in engine.run():
            if isinstance(record, StepRecord):
                post(StepDone(record, job=job))
            elif isinstance(record, Snapshot):
                post(BoundaryTaken(record, job=job))
            elif isinstance(record, EpochRecord):
                if record.epoch == 0:
                    untrained = (record, histograms_later(engine.model))
                else:
                    if stored is None:
                        stored = recording.run(config.to_dict())
                        stored.epoch(*untrained)
                    stored.reopen()  # after "finished", when it was given more epochs; else nothing
                    stored.epoch(record, histograms_later(engine.model))
                if time.perf_counter() - viewed >= VIEW_EVERY:
                    post(EpochDone(record, engine.view(), updates.latest, job=job))
                    viewed, unviewed = time.perf_counter(), None
                else:
                    post(EpochDone(record, None, None, job=job))
                    unviewed = (engine.keep(), updates.latest)
            elif isinstance(record, Setup):
                post(SetupReady(record, engine.view(), job=job))
            elif isinstance(record, ConfigChanged):
                post(ConfigApplied(record, job=job))
            elif isinstance(record, (Stopped, Diverged)):
                if unviewed is not None:
                    post(ViewTaken(engine.view(unviewed[0]), unviewed[1], job=job))
                    viewed, unviewed = time.perf_counter(), None
                if stored is not None and isinstance(record, Diverged):
                    stored.finish("diverged", engine.report())
                elif stored is not None and record.reason == "finished":
                    stored.finish("finished", engine.report())
                post(RunStopped(record, job=job) if isinstance(record, Stopped) else RunDiverged(record, job=job))
    finally:
        if stored is not None:
            if stored.is_open:  # a new run, or quitting, cut it short
                stored.finish("stopped", engine.report())
            stored.close()
