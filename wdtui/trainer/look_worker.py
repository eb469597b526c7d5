"""A run's decision boundary, worked out on a thread of its own so that training does not wait.

The run's Watch copies the model where it looks (`Readout.boundary_later`), in a fraction of a
millisecond. The boundary itself takes milliseconds: 15,360 grid points through the network, the
smoothness number's backward pass, the rows placed. On the training thread it cost the default
run about a tenth of its speed at pace instant (benchmarks/bench_app.py). Here it runs beside
training. Torch lets go of the GIL inside its products, so the other core does the arithmetic
while the model trains on.

Looks are worked out one at a time, in the order taken. Each is sent as soon as it is ready, as
a LookTaken, or as the caller wraps it: the Compare twins send a TwinRecord. `drain` waits for
those taken so far, and raises what one of them raised. The run's task calls it before it says
the run stopped. So the picture of where it stopped is on screen first.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import TYPE_CHECKING, Callable

from .events import LookTaken

if TYPE_CHECKING:
    from ..core.records import Look
    from .events import Event

    Wrap = Callable[[Look], Event]


class LookWorker:
    """Turns a run's Looks, each holding a `boundary_later`, into LookTaken events."""

    def __init__(self, send: Callable[["Event"], object]) -> None:
        self._send = send
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="wdtui-boundary")
        self._pending: list[Future[None]] = []

    def send(self, look: Look, event: Wrap = LookTaken) -> None:
        """Work out `look`'s boundary (its value, called) on the worker's thread, then send it
        as `event(look)`."""
        self._collect(wait=False)
        self._pending.append(self._pool.submit(self._work, look, event))

    def _work(self, look: Look, event: Wrap) -> None:
        self._send(event(replace(look, value=look.value())))

    def drain(self) -> None:
        """Wait until every look taken so far is sent; raise the first one's error, if any failed."""
        self._collect(wait=True)

    def _collect(self, wait: bool) -> None:
        while self._pending and (wait or self._pending[0].done()):
            self._pending.pop(0).result()

    def close(self) -> None:
        """No more looks: those not started are dropped (the run is over), the thread ends."""
        self._pool.shutdown(wait=True, cancel_futures=True)
