"""Which plane the boundary pictures show: chosen in the app, read by the trainer's tasks.

`features` is None for the default: the two input features the first layer weighs most. Or it
is the pair chosen with x and y in 2 Train. The app keeps one, which its screens read, and tells
the trainer. The trainer's own one is read by its tasks' Watches when they look. One tuple
attribute, set and read whole, needs no lock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from ...core.measures import Boundary
    from ...core.readout import Readout


class PlaneChoice:
    features: tuple[int, int] | None = None

    def for_data(self, n_features: int) -> tuple[int, int] | None:
        """The chosen pair if the data has those features, else None (the default plane)."""
        f = self.features
        return f if f is not None and max(f) < n_features else None

    def boundary_later(self, engine: "Readout") -> "Callable[[], Boundary | None]":
        """A Watch's `measure` whose boundary is worked out later, off the engine's thread (trainer/look_worker.py)."""
        return engine.boundary_later(self.for_data(engine.data.n_features))
