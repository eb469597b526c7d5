"""The run store's writing thread: recording a run costs the training thread next to nothing.

A RunWriter hands each write (an epoch, the end of a run) to this thread and returns at once.
The thread turns records into JSON. It commits each write in a transaction of its own, through
the store's one connection, under the store's lock. Measured with benchmarks/bench_recording.py,
recording on the training thread added 5–6 % to a default 5-epoch `train()`. An SQLite commit
alone costs 40–130 µs amid training, and the report's JSON 200 µs. Here the training thread
pays for a queue's put per write. The thread waits a moment (LINGER) before it writes. So it
does not take the GIL from a short run at all, and from a long one only in bursts.

The first write that fails turns recording off for the whole store: a full disk, or the file
locked for longer than the timeout. It is said once, through `on_failure`, in one line. From
then on nothing is written, and training goes on. `flush` waits for everything queued so far.
"""

from __future__ import annotations

import queue
import threading
from typing import Callable


Job = Callable[[], None]
LINGER = 0.05  # seconds the thread waits, once woken, for more writes (and for the run to go on)


class RunDeleted(Exception):
    """A run deleted (by the user) while it was recording: its RunWriter goes quiet, alone."""


class WritingThread:
    """One daemon thread per store, started by the first write; jobs run in the order queued."""

    def __init__(self, describe: Callable[[BaseException], str]) -> None:
        self._describe = describe
        self._queue: queue.SimpleQueue[Job | None] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self.failed: str | None = None  # the one line, once a write has failed
        self.on_failure: Callable[[str], object] | None = None
        self._urgent = threading.Event()  # someone waits for the writes: no lingering

    def put(self, job: Job) -> None:
        """Queue `job`; nothing is queued once recording is off."""
        if self.failed is not None:
            return
        if self._thread is None:
            with self._start:
                if self._thread is None:
                    self._thread = threading.Thread(target=self._run, name="wdtui-store-writer", daemon=True)
                    self._thread.start()
        self._queue.put(job)

    def fail(self, exc: BaseException) -> None:
        """Turn recording off and say why, once (from whichever thread found it)."""
        if self.failed is not None:
            return
        self.failed = self._describe(exc)
        if self.on_failure is not None:
            self.on_failure(self.failed)

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            # Linger: let the run go on a little before taking the GIL from it. A short run is
            # over by then and its writes follow it; a long one is written in bursts, each
            # epoch still a transaction of its own. A flush (or a stop) cuts the wait short.
            self._urgent.wait(LINGER)
            self._urgent.clear()
            jobs = [first]
            while True:
                try:
                    jobs.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            for job in jobs:
                if job is None:
                    return
                self._do(job)

    def _do(self, job: Job) -> None:
        if self.failed is not None and not getattr(job, "despite_failure", False):
            return
        try:
            job()
        except RunDeleted:
            pass
        except Exception as exc:  # SQLite's, the disk's, or a record that cannot be written
            self.fail(exc)

    def hurry(self) -> None:
        """Write what is queued now, without the lingering wait."""
        self._urgent.set()

    def flush(self) -> None:
        """Wait until every job queued before this call has run (at once if none has)."""
        if self._thread is None or not self._thread.is_alive():
            return
        done = threading.Event()
        self._queue.put(despite_failure(done.set))
        self._urgent.set()
        done.wait()

    def stop(self) -> None:
        """Flush, then end the thread."""
        if self._thread is not None and self._thread.is_alive():
            self._queue.put(None)
            self._urgent.set()
            self._thread.join()


def despite_failure(fn: Job) -> Job:
    """A job that runs even once recording is off (a flush marker; a run's begin, which must
    then say it was not recorded)."""
    def job() -> None:
        fn()
    job.despite_failure = True  # type: ignore[attr-defined]
    return job
