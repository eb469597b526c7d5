"""How another thread steers a run: the Control the run engine reads between two steps.

Torch-free, so the app's UI thread can make one (and ask things of it) before torch has
loaded; only the engine, on the worker's thread, needs torch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .config import RunConfig

if TYPE_CHECKING:
    from .engine import Engine


class Control:
    """What another thread asks of a run; the engine reads it between two steps.

    `go` set means train, clear means wait where you are. `hold`: when the last epoch is done,
    wait for more epochs (the app, where Epochs can be raised) instead of ending (the CLI).
    `epoch_seconds` is the pace: each epoch takes at least that long (0 trains flat out).
    `cancelled` ends the run between two steps; a worker passes its own cancel event.
    """

    def __init__(self, *, go: bool = True, hold: bool = False, epoch_seconds: float = 0.0,
                 cancelled: threading.Event | None = None) -> None:
        self.go = threading.Event()
        if go:
            self.go.set()
        self.hold = hold
        self.one_epoch = False
        self.epoch_seconds = epoch_seconds
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        self._requested: RunConfig | None = None
        self._lock = threading.Lock()

    def start(self, one_epoch: bool = False) -> None:
        self.one_epoch = one_epoch
        self.go.set()

    def pause(self) -> None:
        self.go.clear()

    def cancel(self) -> None:
        self.cancelled.set()
        self.go.set()  # wake a waiting engine so it sees the cancel at once

    def request(self, config: RunConfig) -> None:
        """Ask for `config` from the next epoch on; only its LIVE_FIELDS may differ."""
        with self._lock:
            self._requested = config

    def take_request(self) -> RunConfig | None:
        with self._lock:
            requested, self._requested = self._requested, None
        return requested

    def wait(self) -> bool:
        """Block until told to go; False when cancelled instead."""
        while not self.go.wait(0.05):
            if self.cancelled.is_set():
                return False
        return not self.cancelled.is_set()


@dataclass(frozen=True)
class Watch:
    """A view taken every `every` optimizer steps: `take(engine)` runs on the engine's thread
    and must return a frozen copy (say, a decision boundary), yielded as a Snapshot record."""

    every: int
    take: Callable[["Engine"], Any]
