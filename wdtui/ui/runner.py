"""The training worker's loop: one run's Trainer, stepped epoch by epoch, paused at will.

It runs on a worker thread and touches no widget: it reads the `RunControl` the UI thread
sets and posts messages (see messages.py). torch is imported here, on that thread, so the
app's first frame never waits for it.
"""

from __future__ import annotations

import threading
from typing import Callable

from ..core.config import RunConfig
from .messages import EpochDone, RunDiverged, RunMessage, RunStopped, SetupReady, StepDone

# Seconds between two looks at the cancel event while the worker waits to be resumed:
# how long a paused run can take to notice a quit or a reset.
POLL = 0.05


class RunControl:
    """What the UI thread asks of one run's worker, read by the worker between records."""

    def __init__(self, config: RunConfig) -> None:
        self.go = threading.Event()  # set: train; clear: wait where you are
        self.one_epoch = False  # pause again at the next epoch end
        self.epochs = config.epochs  # train until this many epochs have run
        self.weight_decay = config.weight_decay  # λ for the next epoch

    def start(self, one_epoch: bool = False) -> None:
        self.one_epoch = one_epoch
        self.go.set()

    def pause(self) -> None:
        self.go.clear()


def _resumed(control: RunControl, cancelled: threading.Event) -> bool:
    """Wait until the run is told to go on; False when the worker was cancelled instead."""
    while not control.go.wait(POLL):
        if cancelled.is_set():
            return False
    return not cancelled.is_set()


def train_run(post: Callable[[RunMessage], object], run: int, config: RunConfig,
              control: RunControl, cancelled: threading.Event) -> None:
    """Build the run, post its SetupReady, then train while `control` says go.

    The epoch generator is lazy, so waiting between two of its records halts training
    exactly there; `cancelled` (the worker's cancel event) stops it between two steps.
    """
    import copy

    import torch

    # One intra-op thread: this network is far too small to gain from more, and extra
    # OpenMP threads spin on the cores the UI thread needs (measured: training in the app
    # ran 4× slower with torch's default of one thread per core; see benchmarks/bench_app.py).
    torch.set_num_threads(1)

    from ..core.anatomy import LastUpdates
    from ..core.records import EpochRecord, StepRecord
    from ..core.training import Trainer

    trainer = Trainer(config)
    updates = LastUpdates(trainer)
    prediction = trainer.predict()
    post(SetupReady(trainer.setup(), trainer.stages(prediction), prediction, trainer=trainer,
                    model=copy.deepcopy(trainer.model), run=run))

    def stop(reason: str) -> None:
        control.go.clear()
        control.one_epoch = False
        post(RunStopped(reason, run=run))

    while _resumed(control, cancelled):
        if trainer.epoch >= control.epochs:
            stop("finished")
            continue
        trainer.set_weight_decay(control.weight_decay)
        for record in trainer.run_epoch(stop=cancelled):
            if isinstance(record, StepRecord):
                post(StepDone(record, run=run))
                if not control.go.is_set():  # paused mid-epoch: hold the generator right here
                    post(RunStopped("paused", run=run))
                    if not _resumed(control, cancelled):
                        return
            elif isinstance(record, EpochRecord):
                prediction = trainer.predict()
                post(EpochDone(record, trainer.stages(prediction), prediction, model=copy.deepcopy(trainer.model),
                               last_update=updates.latest, run=run))
            else:
                post(RunDiverged(record, run=run))
                return
        if cancelled.is_set():
            return
        if trainer.epoch >= control.epochs:
            stop("finished")
        elif control.one_epoch or not control.go.is_set():
            stop("paused")
