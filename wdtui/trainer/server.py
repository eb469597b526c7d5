"""The trainer's side of the pipe: it takes the app's requests and runs its tasks.

One thread reads the pipe and does at once what each message asks. A message may start a task,
steer one, cancel one, change the plane, or ask about a kept model. Each task trains on a
thread of its own, and sends its events back in order. Another thread writes them to the pipe:
an event is pickled where it is sent, then queued, so a task never waits for the app to read.
The pipe closes when the app ended, in any way, or closed it. Then every task is cancelled, and
their runs are kept as "stopped". The store's last writes land, and `serve` returns.

The messages, all tuples, app → trainer:
  ("start", task, name, args, state)   a task: "run", "twins" or "sweep", with its Control's state
  ("steer", task, method, args, steered)   a Control method (start, step, pause, look, request,
                                           set_pace, cancel) on a running task
  ("plane", features)                  the boundary views' plane
  ("ask", ask, key, what, args)        a question about the model behind a view (trainer/shelf.py)
and trainer → app:
  ("event", task, event)               one of trainer/events.py's records
  ("ended", task, error)               the task is over; `error` is None or the one line why
  ("answer", ask, value, error)
  ("trouble", line)                    runs are not being recorded, and why (said once)
"""

from __future__ import annotations

import queue
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any, Callable

from ..core.control import Control
from ..store.recording import Recorder
from .plane import PlaneChoice
from .shelf import Shelf
from .tasks import run_task, sweep_task, twins_task

TASKS: dict[str, Callable[..., None]] = {"run": run_task, "twins": twins_task, "sweep": sweep_task}
STEERING = {"start", "step", "pause", "look", "request", "set_pace", "cancel"}
LAST_WRITES = 0.8  # seconds the tasks get, once the app is gone, to keep their runs as "stopped"


@dataclass(frozen=True)
class Room:
    """What every task of the trainer shares: the plane, the one Recorder, the shelf of views."""

    plane: PlaneChoice
    recorder: Recorder
    shelf: Shelf


def control_from(state: dict[str, Any]) -> Control:
    """A task's Control as the app's Steering stood when the task was started."""
    control = Control(go=state["go"], hold=state["hold"], epoch_seconds=state["epoch_seconds"],
                      run_seconds=state["run_seconds"])
    control.one_epoch, control.one_step, control.steered = state["one_epoch"], state["one_step"], state["steered"]
    if state["requested"] is not None:
        control.request(state["requested"])
    return control


def one_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


class Server:
    def __init__(self, conn: Connection, record: bool = True, tensorboard: str | None = None) -> None:
        from ..commands.tensorboard_option import tensorboard_logs

        self._conn = conn
        self._open = True
        self._outgoing: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._writer = threading.Thread(target=self._write, daemon=True, name="wdtui-pipe-writer")
        self._writer.start()
        self.room = Room(PlaneChoice(), Recorder(lambda line: self._send(("trouble", line)), record,
                                                  tensorboard_logs(tensorboard)), Shelf())
        self._controls: dict[int, Control] = {}
        self._threads: list[threading.Thread] = []
        self._answers = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wdtui-answers")

    def serve(self) -> None:
        """Take the app's messages until the pipe closes; then end every task and the store."""
        try:
            while True:
                self._handle(self._conn.recv())
        except (EOFError, OSError):
            pass
        finally:
            self._open = False
            self._shutdown()

    def _handle(self, message: tuple) -> None:
        kind = message[0]
        if kind == "start":
            _, task, name, args, state = message
            control = self._controls[task] = control_from(state)
            thread = threading.Thread(target=self._run, args=(task, name, args, control), daemon=True,
                                      name=f"wdtui-{name}-{task}")
            self._threads.append(thread)
            thread.start()
        elif kind == "steer":
            _, task, method, args, steered = message
            control = self._controls.get(task)
            if control is not None and method in STEERING:
                getattr(control, method)(*args)
                control.steered = steered
        elif kind == "plane":
            self.room.plane.features = message[1]
        elif kind == "ask":
            _, ask, key, what, args = message
            self._answers.submit(self._answer, ask, key, what, args)

    def _run(self, task: int, name: str, args: tuple, control: Control) -> None:
        error = None
        try:
            TASKS[name](lambda event: self._event(task, control, event), control, self.room, *args)
        except Exception as exc:  # the task could not run: said in one line, in the app
            error = one_line(exc)
        finally:
            self._controls.pop(task, None)
        self._send(("ended", task, error))

    def _event(self, task: int, control: Control, event: object) -> None:
        if not self._send(("event", task, event)):
            control.cancel()  # nobody listens any more: stop between two steps

    def _answer(self, ask: int, key: int, what: str, args: tuple) -> None:
        try:
            self._send(("answer", ask, self.room.shelf.answer(key, what, *args), None))
        except Exception as exc:
            self._send(("answer", ask, None, one_line(exc)))

    def _send(self, message: tuple) -> bool:
        """Queue one message for the app; False once the pipe is closed.

        It is pickled here, on the sender's thread, so it says what it said when it was sent.
        The pipe holds a few epochs of a twin's weights: a task that wrote them itself would wait,
        at every epoch, for the app's busy process to read them (0.06–0.27 s over a moons Compare)."""
        if not self._open:
            return False
        self._outgoing.put(ForkingPickler.dumps(message))
        return True

    def _write(self) -> None:
        """Write the queued messages to the pipe, in order, until told to stop (None)."""
        while (data := self._outgoing.get()) is not None:
            if not self._open:
                continue
            try:
                self._conn.send_bytes(data)
            except (OSError, ValueError):
                self._open = False

    def _shutdown(self) -> None:
        for control in list(self._controls.values()):
            control.cancel()
        deadline = time.monotonic() + LAST_WRITES
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        self._answers.shutdown(wait=False, cancel_futures=True)
        self.room.recorder.close("stopped")
        self._outgoing.put(None)
        self._writer.join(LAST_WRITES)
        self._conn.close()
