"""The app's side of the trainer: the process, the pipe, and a handle per task.

`Trainer` starts the process when first asked for a task, after the app's first frame. It keeps
it for the app's life, and starts a new one when a task is asked of a trainer that died. One
thread reads the pipe and hands each message to whoever waits for it. A task's events go to its
queue, which its job's worker reads. Answers go to their askers, and recording trouble to a
callback. Everything here is torch-free: the app's process never imports torch.

The process is `python -m wdtui.trainer`, started with subprocess and one end of a socket pair.
`multiprocessing.connection.Connection` frames the pickled messages both ways (see
trainer/server.py). The trainer ends when its end of the pipe closes. So however the app ends
(q, Ctrl+C, SIGTERM, kill -9), the trainer follows within a second. Tests may serve the same
pipe from a thread of their own process instead (`in_process`). Then an app test does not
import torch in a new process each time; the tests about processes use the real one.
"""

from __future__ import annotations

import itertools
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from .events import Event
    from .steering import Steering

IN_PROCESS = False  # tests set it: serve the pipe from a thread of this process
EXIT_WAIT = 2.0  # seconds the app waits, when it ends, for the trainer's last writes


class TrainerGone(RuntimeError):
    """The trainer process ended while a task needed it."""


@dataclass(frozen=True)
class _Ended:
    error: str | None


class Trainer:
    """The app's one trainer: `record` and `tensorboard` as `wdtui`'s options say."""

    def __init__(self, record: bool = True, tensorboard: str | None = None,
                 on_trouble: Callable[[str], object] = lambda line: None, in_process: bool | None = None) -> None:
        self._options = {"record": record, "tensorboard": tensorboard}
        self._on_trouble = on_trouble
        self._in_process = IN_PROCESS if in_process is None else in_process
        self._lock = threading.Lock()  # held while starting the process and while sending
        self._conn: Connection | None = None
        self._socket: socket.socket | None = None  # the app's end, which `close` shuts down
        self._process: subprocess.Popen | None = None
        self._server: threading.Thread | None = None
        self._queues: dict[int, queue.Queue] = {}
        self._asks: dict[int, Future] = {}
        self._ids = itertools.count(1)
        self._plane: tuple[int, int] | None = None

    @property
    def pid(self) -> int | None:
        """The trainer process's id (None before it starts, or when it is served in-process)."""
        return self._process.pid if self._process is not None else None

    def new_id(self) -> int:
        return next(self._ids)

    # Starting and ending -------------------------------------------------------------------

    def _ensure(self) -> None:
        """Start the trainer if none runs (called with the lock held)."""
        if self._conn is not None:
            return
        mine, theirs = socket.socketpair()
        if self._in_process:
            from .server import Server

            conn = Connection(theirs.detach())
            self._server = threading.Thread(target=lambda: Server(conn, **self._options).serve(), daemon=True,
                                            name="wdtui-trainer")
            self._server.start()
        else:
            fd = theirs.fileno()
            self._process = subprocess.Popen(
                [sys.executable, "-m", "wdtui.trainer", str(fd), json.dumps(self._options)],
                pass_fds=(fd,), stdin=subprocess.DEVNULL, close_fds=True,
                start_new_session=True)  # the terminal's signals are the app's: the trainer follows its pipe
            theirs.close()
        self._socket, self._conn = mine, Connection(os.dup(mine.fileno()))
        if self._plane is not None:
            self._conn.send(("plane", self._plane))
        threading.Thread(target=self._read, args=(self._conn, self._process), daemon=True,
                         name="wdtui-trainer-reader").start()

    def close(self) -> None:
        """End the trainer: shut the pipe, and give it EXIT_WAIT seconds for its last writes.

        It is shut down, not merely closed: the reader thread is blocked reading this socket.
        Closing a descriptor another thread reads does not end that read, nor tell the other end."""
        with self._lock:
            sock, process, server, self._conn = self._socket, self._process, self._server, None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()
        if process is not None:
            try:
                process.wait(EXIT_WAIT)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if server is not None:
            server.join(EXIT_WAIT)

    # Sending -------------------------------------------------------------------------------

    def send(self, message: tuple, start: bool = False) -> bool:
        """Send a message to the trainer; with `start`, start one if none runs. False when
        there is no trainer to send it to (it died, and nothing asked for a new one yet)."""
        with self._lock:
            if start:
                self._ensure()
            if self._conn is None:
                return False
            try:
                self._conn.send(message)
                return True
            except OSError:
                return False

    def start(self, name: str, control: Steering, *args: Any) -> Task:
        """Start task `name` ("run", "twins", "sweep") with `args`, steered by `control`."""
        events: queue.Queue = queue.Queue()
        self._queues[control.task] = events
        control.bind(self, *args)
        return Task(self, control, events)

    def plane(self, features: tuple[int, int] | None) -> None:
        """The boundary views' plane, from the next look on (kept for a trainer started later)."""
        self._plane = features
        self.send(("plane", features))

    def ask(self, key: int, what: str, *args: Any) -> Future:
        """A question about the model behind the view `key` (trainer/shelf.py).

        Its Future holds the answer, or raises why not (LookupError: that model is no longer kept)."""
        ask, future = next(self._ids), Future()
        self._asks[ask] = future
        if not self.send(("ask", ask, key, what, args)):
            self._asks.pop(ask, None)
            future.set_exception(TrainerGone("the trainer is not running"))
        return future

    # Reading -------------------------------------------------------------------------------

    def _read(self, conn: Connection, process: subprocess.Popen | None) -> None:
        """Hand each message to whoever waits for it, until the pipe closes."""
        try:
            while True:
                message = conn.recv()
                kind = message[0]
                if kind == "event":
                    found = self._queues.get(message[1])
                    if found is not None:
                        found.put(message[2])
                elif kind == "ended":
                    found = self._queues.pop(message[1], None)
                    if found is not None:
                        found.put(_Ended(message[2]))
                elif kind == "answer":
                    future = self._asks.pop(message[1], None)
                    if future is not None and message[3] is None:
                        future.set_result(message[2])
                    elif future is not None:
                        future.set_exception(LookupError(message[3]))
                elif kind == "trouble":
                    self._on_trouble(message[1])
        except (EOFError, OSError):
            pass
        conn.close()
        with self._lock:
            closed = self._conn is not conn  # the app closed it (or a new trainer replaced it)
            if not closed:
                sock, self._conn, self._socket = self._socket, None, None
        if closed:
            return
        sock.close()
        gone = TrainerGone(_why(process))
        for q in list(self._queues.values()):
            q.put(gone)
        self._queues.clear()
        for future in list(self._asks.values()):
            future.set_exception(gone)
        self._asks.clear()


def _why(process: subprocess.Popen | None) -> str:
    """The one line that says how the trainer ended."""
    code = None
    if process is not None:
        try:
            code = process.wait(1.0)
        except subprocess.TimeoutExpired:
            pass
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the trainer process was killed ({name})"
    if code:
        return f"the trainer process ended with status {code}"
    return "the trainer process ended"


class Task:
    """A task running in the trainer, as its job's worker sees it: the events it sends."""

    def __init__(self, trainer: Trainer, control: Steering, events: queue.Queue) -> None:
        self._trainer, self.control, self._events = trainer, control, events

    def events(self, cancelled: threading.Event) -> Iterator["Event"]:
        """The task's events, in order, until it ends.

        When `cancelled` is set (the job's worker was cancelled), the task is cancelled in the
        trainer and this ends at once. A task that failed raises its one line (RuntimeError). A
        trainer that died raises TrainerGone."""
        while True:
            try:
                item = self._events.get(timeout=0.05)
            except queue.Empty:
                if cancelled.is_set():
                    self.control.cancel()
                    return
                continue
            if isinstance(item, _Ended):
                if item.error is not None:
                    raise RuntimeError(item.error)
                return
            if isinstance(item, TrainerGone):
                raise item
            yield item
