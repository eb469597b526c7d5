"""How another thread steers a run: the Control the run engine reads between two steps.

Torch-free: the app holds one (trainer/client.py's Steering, which passes each request on to
the trainer's), and only the engine, in the trainer, needs torch.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from .config import RunConfig

if TYPE_CHECKING:
    from .engine import Engine


# A spread run (`run_seconds`) gives an epoch at most this long. So a 5-epoch run is watched in
# 2.5 s, not stretched over the whole spread. Longer runs go faster to fit it.
MAX_SPREAD_EPOCH = 0.5
POLL = 0.02  # seconds between two looks at the events while paused


class Control:
    """What another thread asks of a run; the engine reads it between two steps.

    `go` set means train, clear means wait where you are. With `hold`, the run waits after the
    last epoch for more epochs (the app, where Epochs can be raised) instead of ending
    (the CLI). The pace: each epoch takes at least `epoch_seconds` (0 trains flat out). With
    `run_seconds` > 0 each also takes at least run_seconds / epochs (at most MAX_SPREAD_EPOCH).
    So a run of any length is spread over about that long. Both change live. `cancelled` ends
    the run between two steps; a worker passes its own cancel event.
    """

    def __init__(self, *, go: bool = True, hold: bool = False, epoch_seconds: float = 0.0,
                 run_seconds: float = 0.0, cancelled: threading.Event | None = None) -> None:
        self.go = threading.Event()
        if go:
            self.go.set()
        self.hold = hold
        self.one_epoch = False
        self.one_step = False
        self.epoch_seconds = epoch_seconds
        self.run_seconds = run_seconds
        self.cancelled = cancelled if cancelled is not None else threading.Event()
        self.steered = 0  # go, pause and step requests taken (numbered by whoever steers: the app)
        self._requested: RunConfig | None = None
        self._lock = threading.Lock()
        self._look = threading.Event()

    def set_pace(self, epoch_seconds: float, run_seconds: float) -> None:
        """The pace from the next step on (see the class docstring)."""
        self.epoch_seconds, self.run_seconds = epoch_seconds, run_seconds

    def epoch_seconds_for(self, epochs: int) -> float:
        """The least time an epoch of a run of `epochs` epochs takes at this pace (0: no wait)."""
        spread = min(self.run_seconds / epochs, MAX_SPREAD_EPOCH) if self.run_seconds > 0 else 0.0
        return max(self.epoch_seconds, spread)

    def unpaced(self, epochs: int) -> bool:
        """True when a run of `epochs` epochs trains with no pace at all (pace instant)."""
        return self.epoch_seconds_for(epochs) <= 0

    def start(self, one_epoch: bool = False) -> None:
        self.one_epoch = one_epoch
        self.go.set()

    def step(self) -> None:
        """Train one optimizer step, then pause (mid-epoch, where the engine reports it)."""
        self.one_step = True
        self.go.set()

    def look(self) -> None:
        """Ask a paused run for a fresh look at its model (its Watch's).

        The engine takes it on its own thread, so the app shows a new view of the model without
        touching it."""
        self._look.set()

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

    def wait_or_look(self) -> bool | None:
        """Block until told to go (True) or cancelled (False); None when a look was asked
        meanwhile (the engine takes its look, then waits again)."""
        while not self.go.wait(POLL):
            if self.cancelled.is_set():
                return False
            if self._look.is_set():
                self._look.clear()
                return None
        return not self.cancelled.is_set()


@dataclass(frozen=True)
class Watch:
    """When to look at the model, and how.

    `measure(engine)` runs on the engine's thread and must return a frozen copy (say, a decision
    boundary), which is yielded as a Look record. The engine takes one of the untrained model.
    Then it takes one after every `every` optimizer steps, but no sooner than `seconds` after the
    last one. A look costs milliseconds, and at full speed a few a second are all a screen can
    show. While the run has no pace, `unpaced_seconds` is that gap instead. It looks again
    wherever the run stops (a pause, one step, the last epoch), or when a paused run is asked
    to look. So the latest look is never stale.
    """

    every: int
    measure: Callable[["Engine"], Any]
    seconds: float = 0.0
    unpaced_seconds: float | None = None  # None: `seconds` at every pace

    def spacing(self, unpaced: bool) -> float:
        """The least time between two looks (seconds), with no pace (`unpaced`) or with one."""
        return self.unpaced_seconds if unpaced and self.unpaced_seconds is not None else self.seconds
