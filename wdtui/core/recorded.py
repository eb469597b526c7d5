"""One engine's run, each record recorded as the engine yields it.

Every training path that keeps its runs drives the engine through a `RecordedRun`: the trainer's
run and twins tasks, and `wdtui trace`. Each epoch's record goes to the run's recording with its
weight histograms at the epochs that keep them (core/histograms.py). A run that finishes or
diverges is finished with its report. A run cut short (cancelled, Ctrl+C, the app moving on) is
finished "stopped" when it is closed.

The recording is anything with `epoch`, `finish`, `reopen`, `is_open` and `close`: in practice
a store.recording.Recording. The core imports no other room, so it is handed one, not made.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from .histograms import histograms_later, keeps_histograms
from .records import Diverged, EpochRecord, Record, Report, Stopped

if TYPE_CHECKING:
    from .engine import Engine


class RecordedRun:
    """Drives `engine` and records what it yields, through the recording `begin()` returns.

    With `from_first_step`, the recording begins at the first trained epoch, epoch 0's record
    first. A model built and never trained is not a run. Otherwise it begins at once. With
    `report_when_stopped`, a run cut short keeps its report too.
    Use it as a context manager, so that the recording is closed however the run ends.
    """

    def __init__(self, engine: Engine, begin: Callable[[], Any], *, from_first_step: bool = False,
                 report_when_stopped: bool = True) -> None:
        self.engine = engine
        self._begin = begin
        self._report_when_stopped = report_when_stopped
        self.recording: Any = None if from_first_step else begin()
        self.report: Report | None = None  # the report the run was finished with, once it is
        self._untrained: tuple[EpochRecord, Any] | None = None  # epoch 0, until the first trained one

    def run(self) -> Iterator[Record]:
        """The engine's records, each epoch recorded before it is passed on.

        A run's end is recorded just after it is passed on, before the engine is asked for more
        (the model is still where it stopped). Its report works out a boundary, about 10 ms on
        the moons preset: the app hears that the run stopped without waiting for it."""
        for record in self.engine.run():
            if isinstance(record, EpochRecord):
                self.record(record)
                yield record
            else:
                yield record
                self.record(record)

    def record(self, record: Record) -> None:
        """Record one of the engine's records: an epoch, or the end of the run."""
        if isinstance(record, EpochRecord):
            self._epoch(record)
        elif isinstance(record, Diverged):
            self._finish("diverged")
        elif isinstance(record, Stopped) and record.reason == "finished":
            self._finish("finished")

    def _epoch(self, record: EpochRecord) -> None:
        keeps = keeps_histograms(record.epoch, self.engine.config.epochs)
        weights = histograms_later(self.engine.model) if keeps else None
        if self.recording is None:
            if record.epoch == 0:
                self._untrained = (record, weights)
                return
            self.recording = self._begin()
            if self._untrained is not None:
                self.recording.epoch(*self._untrained)
        self.recording.reopen()  # after "finished", when the run was given more epochs; else nothing
        self.recording.epoch(record, weights)

    def _finish(self, status: str) -> None:
        if self.recording is not None:  # (not yet begun: a run that never trained is not kept)
            self.report = self.engine.report()
            self.recording.finish(status, self.report)

    def close(self) -> None:
        """End the recording: "stopped" if the run was cut short, and closed for good."""
        if self.recording is None:
            return
        if self.recording.is_open:
            self.recording.finish("stopped", self.engine.report() if self._report_when_stopped else None)
        self.recording.close()

    def __enter__(self) -> RecordedRun:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
