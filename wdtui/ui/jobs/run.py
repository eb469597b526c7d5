"""The run's job: the worker that drives the run engine and posts what it yields.

It runs on a worker thread and touches no widget: the engine reads the `Control` the UI thread
sets, and this loop turns each record into a message. torch is imported here, on that thread,
so the app's first frame never waits for it.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Callable

from ...core.config import RunConfig
from ...core.control import Control, Watch
from ...core.pace import FOLLOW_EVERY, FOLLOW_EVERY_INSTANT
from ...store.recording import Recording
from ..messages import ConfigApplied, EpochDone, JobMessage, RunDiverged, RunStopped, SetupReady, StepDone, ViewTaken
from .plane import PlaneChoice
from .viewer import Viewer

if TYPE_CHECKING:
    from ...core.anatomy import LastUpdate
    from ...core.records import EpochRecord, StepRecord
    from ...core.view import ModelView

# Seconds between two messages of steps, or of epochs, at most: at pace instant a step takes a
# fraction of a millisecond and a small epoch a few, and a message for each kept the UI thread
# (and with it, through the GIL, the training thread) busy for nothing a screen redrawn five
# times a second could show. Epochs held back go out together, none is lost.
POST_EVERY = 0.05


class Outbox:
    """The run's messages to the UI thread, in order, steps and epochs at most every POST_EVERY
    seconds: the epochs held back go out together before any other message, and a step held
    back goes out where the run stops mid-epoch (the screen shows where it stopped)."""

    def __init__(self, post: Callable[[JobMessage], object], job: int) -> None:
        self._post, self.job = post, job
        self._epochs: list[EpochRecord] = []
        self._step: StepRecord | None = None
        self._epochs_sent = self._step_sent = -POST_EVERY

    def send(self, message: JobMessage) -> None:
        self._send_epochs(None, None)
        self._post(message)

    def step(self, record: StepRecord) -> None:
        self._step = record
        if time.perf_counter() - self._step_sent >= POST_EVERY:
            self._send_epochs(None, None)
            self._post(StepDone(record, job=self.job))
            self._step, self._step_sent = None, time.perf_counter()

    def epoch(self, record: EpochRecord, view: ModelView | None = None, update: LastUpdate | None = None) -> None:
        """An epoch's record; with a view (and its last update) it goes out at once."""
        self._epochs.append(record)
        self._step = None  # the epoch's record says where the run is
        if view is not None or time.perf_counter() - self._epochs_sent >= POST_EVERY:
            self._send_epochs(view, update)

    def stopped(self) -> None:
        """The run stopped: what was held back goes out now."""
        self._send_epochs(None, None)
        if self._step is not None:
            self._post(StepDone(self._step, job=self.job))
            self._step = None

    def _send_epochs(self, view: ModelView | None, update: LastUpdate | None) -> None:
        if self._epochs:
            self._post(EpochDone(tuple(self._epochs), view, update, job=self.job))
            self._epochs, self._epochs_sent = [], time.perf_counter()


def train_run(post: Callable[[JobMessage], object], job: int, config: RunConfig, control: Control,
              plane: PlaneChoice, recording: Recording, cancelled: threading.Event) -> None:
    """Build the run, post its SetupReady, then post every record the engine yields; the
    worker's `cancelled` (a quit, or a new run) ends it between two steps.

    The engine's Watch looks at the model (over `plane`) at most every FOLLOW_EVERY seconds
    (FOLLOW_EVERY_INSTANT at pace instant) and wherever the run stops, so the Train mode's
    boundary follows the run, paced or not; each look's boundary is worked out by a Viewer
    beside training, and every one is posted before the run says it stopped.
    Views of the model (a row traced, the stages, the smoothness number: about a millisecond,
    as long as a whole epoch of a small run) go out with an epoch's record at most as often as
    the Watch looks; between them only a copy of the model is kept, and the latest epoch end's
    view goes out where the run stops, so a paused or finished run always shows its latest epoch.

    Steps and epochs go out through an Outbox, at most every POST_EVERY seconds.

    The run is recorded from its first trained epoch (a model built and never trained is not
    a run; its epoch 0 is stored then), here on the worker: "finished" when its epochs are
    done ("running" again if it is given more), "diverged", or "stopped" when the user moves
    on to a new run or quits."""
    from ...core.anatomy import LastUpdates
    from ...core.engine import Engine
    from ...core.histograms import histograms_later
    from ...core.records import ConfigChanged, Diverged, EpochRecord, Setup, Snapshot, StepRecord, Stopped

    control.cancelled = cancelled
    watch = Watch(every=1, take=plane.later, seconds=FOLLOW_EVERY, flat_out_seconds=FOLLOW_EVERY_INSTANT)
    engine = Engine(config, control, watch=watch)
    viewer = Viewer(post, job)
    updates = LastUpdates(engine)
    viewed, unviewed = 0.0, None  # when the latest view went out; the epoch end not viewed yet
    out = Outbox(post, job)
    stored = None  # the run's record in the store, begun at its first trained epoch
    untrained = None  # epoch 0's record, stored with the first trained one
    try:
        for record in engine.run():
            if isinstance(record, StepRecord):
                out.step(record)
            elif isinstance(record, Snapshot):
                viewer.send(record)
            elif isinstance(record, EpochRecord):
                if record.epoch == 0:
                    untrained = (record, histograms_later(engine.model))
                else:
                    if stored is None:
                        stored = recording.run(config.to_dict())
                        stored.epoch(*untrained)
                    stored.reopen()  # after "finished", when it was given more epochs; else nothing
                    stored.epoch(record, histograms_later(engine.model))
                if time.perf_counter() - viewed >= watch.spacing(control.flat_out(engine.config.epochs)):
                    out.epoch(record, engine.view(), updates.latest)
                    viewed, unviewed = time.perf_counter(), None
                else:
                    out.epoch(record)
                    unviewed = (engine.keep(), updates.latest)
            elif isinstance(record, Setup):
                out.send(SetupReady(record, engine.view(), job=job))
            elif isinstance(record, ConfigChanged):
                out.send(ConfigApplied(record, job=job))
            elif isinstance(record, (Stopped, Diverged)):
                viewer.drain()
                out.stopped()
                if unviewed is not None:
                    post(ViewTaken(engine.view(unviewed[0]), unviewed[1], job=job))
                    viewed, unviewed = time.perf_counter(), None
                if stored is not None and isinstance(record, Diverged):
                    stored.finish("diverged", engine.report())
                elif stored is not None and record.reason == "finished":
                    stored.finish("finished", engine.report())
                post(RunStopped(record, job=job) if isinstance(record, Stopped) else RunDiverged(record, job=job))
    finally:
        viewer.close()
        if stored is not None:
            if stored.is_open:  # a new run, or quitting, cut it short
                stored.finish("stopped", engine.report())
            stored.close()
