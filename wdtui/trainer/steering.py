"""The app's Control of a task in the trainer: kept here, passed on there.

The app steers its run as it would a run on one of its own threads. Its requests are go, pause,
one epoch, one step, a look, λ from the next epoch, the pace, and cancel. Each request is kept on
the Control the app reads. It is also sent down the pipe to the task's own Control, in order.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ..core.control import Control
from .client import TrainerGone

if TYPE_CHECKING:
    from ..core.config import RunConfig
    from .client import Trainer


class Steering(Control):
    """The app's Control of a task in the trainer.

    Each request is kept here (the app reads `go`), and passed on to the task's own Control
    there, in order. Requests made before the task starts are part of the state it starts with.
    `steered` numbers the go, pause and step requests. With it, a stop the engine made itself
    (the end of one epoch, one step) is told apart from one the app has since overruled. See
    trainer/events.py's RunStopped."""

    def __init__(self, trainer: Trainer, task_name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task_name = task_name
        self.task = trainer.new_id()
        self._trainer: Trainer | None = None
        self._binding = threading.Lock()

    def bind(self, trainer: Trainer, *args: Any) -> None:
        """Start the task in `trainer` with this Control's state; later requests go there too."""
        with self._binding:
            state = {"go": self.go.is_set(), "hold": self.hold, "epoch_seconds": self.epoch_seconds,
                     "run_seconds": self.run_seconds, "one_epoch": self.one_epoch, "one_step": self.one_step,
                     "steered": self.steered, "requested": self._requested}
            self._trainer = trainer
            if not trainer.send(("start", self.task, self.task_name, args, state), start=True):
                raise TrainerGone("the trainer could not be started")

    def _pass_on(self, method: str, *args: Any, steering: bool = False) -> None:
        with self._binding:
            if steering:
                self.steered += 1
            if self._trainer is not None:
                self._trainer.send(("steer", self.task, method, args, self.steered))

    def start(self, one_epoch: bool = False) -> None:
        super().start(one_epoch)
        self._pass_on("start", one_epoch, steering=True)

    def step(self) -> None:
        super().step()
        self._pass_on("step", steering=True)

    def pause(self) -> None:
        super().pause()
        self._pass_on("pause", steering=True)

    def look(self) -> None:
        self._pass_on("look")

    def request(self, config: RunConfig) -> None:
        super().request(config)
        self._pass_on("request", config)

    def set_pace(self, epoch_seconds: float, run_seconds: float) -> None:
        super().set_pace(epoch_seconds, run_seconds)
        self._pass_on("set_pace", epoch_seconds, run_seconds)

    def cancel(self) -> None:
        super().cancel()
        self._pass_on("cancel")

    def stopped_itself(self, steered: int) -> None:
        """The engine paused at a stop of its own (RunStopped): unless the app has asked
        something since, its `go` is clear here too."""
        if steered == self.steered:
            self.go.clear()
