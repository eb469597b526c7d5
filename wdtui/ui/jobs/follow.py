"""A training job's worker: it starts a task in the trainer and posts what the task sends.

It runs on a thread worker of the app and touches no widget. Every event goes to the UI thread
as a TaskEvent with the job's number. When the worker is cancelled (a new run, a new
comparison, the app quitting) the task is cancelled in the trainer. A task that fails, or a
trainer that dies, fails the worker with its one line, which the app says.
"""

from __future__ import annotations

import threading
from typing import Any, Callable

from ...trainer.client import Trainer
from ...trainer.steering import Steering
from ..messages import JobMessage, TaskEvent


def follow(post: Callable[[JobMessage], object], trainer: Trainer, job: int, control: Steering, args: tuple[Any, ...],
           cancelled: threading.Event) -> None:
    """Start `control.task_name` with `args` in `trainer`; post each event until it ends."""
    if cancelled.is_set():
        return
    for event in trainer.start(control.task_name, control, *args).events(cancelled):
        post(TaskEvent(event, job=job))
