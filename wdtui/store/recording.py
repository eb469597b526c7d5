"""Recording runs as they train: into the run store and, when asked, into TensorBoard.

`wdtui trace`, `wdtui sweep` and the trainer's tasks all record through one `Recorder` per
process. It begins a `Recording` for each run; each epoch's record goes in there once and on to
both. The store is opened on first use (from whichever thread trains first) and kept open;
`--no-record` leaves it shut. Recording never stops training. Each trouble is said once, in one
line, through `say`, and training goes on. That may be a store that cannot be used, a write that
fails, or a TensorBoard folder that cannot be written.

Torch-free, like the whole store: the TensorBoard writer (core.tensorboard.open_log, bound to
the folder) is handed in by the caller, who has torch already.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from ..core.config import RunConfig
from ..core.records import SweepProgress, SweepResult
from .database import Store, StoreError, open_store
from .run_writer import RunWriter

NOT_RECORDED = "runs are not being recorded"
NOT_LOGGED = "runs are not being written to TensorBoard"


def new_group() -> str:
    """An id that twins, or a sweep's points, share (any string unique to them)."""
    return uuid.uuid4().hex


class Recorder:
    """A process's one way into the store and TensorBoard: it begins a `Recording` per run.

    Runs go to the store unless `record` is False. `tensorboard` is a function (config, run
    id, kind, group) → a log with epoch/flush/close, or None for no TensorBoard.
    """

    def __init__(self, say: Callable[[str], object], record: bool = True,
                 tensorboard: Callable[..., Any] | None = None) -> None:
        self.record = record
        self._say = say
        self._logs = tensorboard
        self._store: Store | None = None
        self._opened = False
        self._lock = threading.Lock()
        self._opening = threading.Lock()  # held while the store opens: another thread waits for it
        self._said: set[str] = set()
        self.recordings: set[Recording] = set()  # begun and not closed yet
        self.why: str | None = None  # why runs are not being recorded, once that is known

    @property
    def wants_weights(self) -> bool:
        """Whether runs should be given their weight histograms (someone will keep them)."""
        return self.record or self._logs is not None

    def say_once(self, what: str, why: str) -> None:
        """`what: why`, said the first time `what` happens, never again."""
        with self._lock:
            if what in self._said:
                return
            self._said.add(what)
        self._say(f"{what}: {why}")

    def store(self) -> Store | None:
        """The run store, opened on the first call from any thread; None when it cannot be opened.

        That is said once: a damaged, unreadable or newer file is never touched. A thread that asks
        while another is opening it waits for that open's answer. It must not get None, or the run
        would go unrecorded and the Runs view stay empty, without a word."""
        with self._opening:
            if not self._opened:
                self._opened = True
                try:
                    self._store = open_store(on_failure=self._failed)
                except StoreError as exc:
                    self._failed(str(exc))
            return self._store

    def _failed(self, why: str) -> None:
        self.why = self.why or why
        self.say_once(NOT_RECORDED, why)

    def begin(self, config: Mapping[str, Any], kind: str = "run", group: str | None = None,
              label: str | None = None) -> Recording:
        """Begin recording a run with `config` (RunConfig.to_dict()); see Store.begin."""
        store = self.store() if self.record else None
        writer = store.begin(config, kind, group, label) if store is not None else None
        log = None
        if self._logs is not None:
            try:
                log = self._logs(config, writer.id if writer is not None else 0, kind, group)
            except Exception as exc:  # an unwritable folder, a full disk
                self.say_once(NOT_LOGGED, _reason(exc))
        recording = Recording(self, writer, log)
        self.recordings.add(recording)
        return recording

    def close(self, unfinished: str | None = None) -> None:
        """Close every TensorBoard log and the store (waiting for its writes); runs still
        recording get the status `unfinished`, if given (see Store.close)."""
        for recording in list(self.recordings):
            recording.close(unfinished)
        with self._opening:
            store, self._store = self._store, None
        if store is not None:
            store.close(unfinished)


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}: {exc.filename}" if exc.filename else exc.strerror
    return str(exc) or type(exc).__name__


class Recording:
    """One run on its way into the store and TensorBoard: `epoch`, then `finish`, then `close`.

    An app's run may `reopen` after finishing, when it is given more epochs. Its `writer`
    writes it into the store (None when it is not stored); its `log` is its TensorBoard log.
    """

    def __init__(self, recorder: Recorder, writer: RunWriter | None, log: Any) -> None:
        self._recorder = recorder
        self.writer = writer
        self.log = log

    @property
    def id(self) -> int:
        """The run's id in the store; 0 when it is not being recorded."""
        return self.writer.id if self.writer is not None else 0

    @property
    def is_open(self) -> bool:
        """Being recorded (begun or reopened, not finished): worth finishing with a report."""
        return self.writer is not None and self.writer.is_open

    def _logged(self, method: str, *args: Any) -> None:
        if self.log is None:
            return
        try:
            getattr(self.log, method)(*args)
        except Exception as exc:
            self.log = None
            self._recorder.say_once(NOT_LOGGED, _reason(exc))

    def epoch(self, record: Any, weights: Any = None) -> None:
        """One epoch's record and its weight histograms (or a function making them: called
        here when TensorBoard needs them now, else on the store's writing thread)."""
        if self.log is not None and callable(weights):
            weights = weights()
        if self.writer is not None:
            self.writer.epoch(record, weights)
        self._logged("epoch", record, weights if not callable(weights) else None)

    def finish(self, status: str, report: Any = None, final: Mapping[str, float | None] | None = None) -> None:
        if self.writer is not None:
            self.writer.finish(status, report, final)
        self._logged("flush")

    def reopen(self) -> None:
        if self.writer is not None:
            self.writer.reopen()

    def close(self, unfinished: str | None = None) -> None:
        """The run is over for good: its TensorBoard file is closed.

        If it never finished, it is recorded with the status `unfinished`, or left to be found incomplete."""
        if unfinished is not None:
            self.finish(unfinished)
        self._logged("close")
        self.log = None
        self._recorder.recordings.discard(self)


class SweepRecording:
    """A sweep's points being recorded: a Recording each, of one group ("sweep-point"), fed
    from the sweep's progress."""

    def __init__(self, recorder: Recorder, config: RunConfig, grid: Sequence[float], label: str) -> None:
        group = new_group()
        self.runs = [recorder.begin(config.replace(weight_decay=float(wd)).to_dict(), "sweep-point", group, label)
                     for wd in grid]

    def progress(self, progress: SweepProgress) -> None:
        """One more epoch of every point; a point that diverged in it is finished as diverged.

        The first comes with epoch 0's, stored before it, as a run stores it."""
        if progress.initial is not None:
            self.progress(progress.initial)
        histograms = progress.histograms or (None,) * len(self.runs)
        for run, record, weights in zip(self.runs, progress.records, histograms):
            if record is None:
                run.finish("diverged")
            else:
                run.epoch(record, weights)

    def close(self, result: SweepResult | None) -> None:
        """The sweep ended: with its result (every point not diverged finished) or cut short."""
        for run in self.runs:
            if result is not None:
                run.finish("finished")
            run.close("stopped")
