"""Events on their way to the app, at most every POST_EVERY seconds: a run's, and the twins'.

At pace instant a step takes a fraction of a millisecond, and a small epoch a few. An event for
each would keep the pipe and the app's UI thread busy. A screen redrawn a few times a second
could show nothing of it. Events held back go out together, none is lost.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Callable

from .events import EpochDone, StepDone, TwinRecords

if TYPE_CHECKING:
    from ..core.anatomy import LastUpdate
    from ..core.records import EpochRecord, StepRecord
    from ..core.view import ModelView
    from .events import Event, TwinRecord

POST_EVERY = 0.05  # seconds between two events of steps, or of epochs, at most


class Outbox:
    """The run's events, in order.

    Epochs held back go out together before any other event. A step held back goes out where the
    run stops mid-epoch, so the screen shows where it stopped."""

    def __init__(self, send: Callable[["Event"], object]) -> None:
        self._send = send
        self._epochs: list[EpochRecord] = []
        self._step: StepRecord | None = None
        self._epochs_sent = self._step_sent = -POST_EVERY

    def send(self, event: "Event") -> None:
        self._send_epochs(None, None)
        self._send(event)

    def step(self, record: StepRecord) -> None:
        self._step = record
        if time.perf_counter() - self._step_sent >= POST_EVERY:
            self._send_epochs(None, None)
            self._send(StepDone(record))
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
            self._send(StepDone(self._step))
            self._step = None

    def _send_epochs(self, view: ModelView | None, update: LastUpdate | None) -> None:
        if self._epochs:
            self._send(EpochDone(tuple(self._epochs), view, update))
            self._epochs, self._epochs_sent = [], time.perf_counter()


class TwinsOutbox:
    """The Compare twins' records, sent together at most every POST_EVERY seconds.

    A moons Compare makes 600 epoch records in under 3 s; bundled, the app unpickles, queues and
    applies about 60 messages instead. (The 0.05–0.19 s the app ended behind the trainer was
    mostly the Compare table rebuilt at every redraw, since fixed; this bundling alone measured
    within the noise.) What is held goes out before a twin's stop, which goes at once."""

    def __init__(self, send: Callable[["Event"], object]) -> None:
        self._send = send
        self._held: list[TwinRecord] = []
        self._sent = -POST_EVERY

    def add(self, record: "TwinRecord", at_once: bool = False) -> None:
        self._held.append(record)
        if at_once or time.perf_counter() - self._sent >= POST_EVERY:
            self.flush()

    def flush(self) -> None:
        if self._held:
            self._send(TwinRecords(tuple(self._held)))
            self._held, self._sent = [], time.perf_counter()
