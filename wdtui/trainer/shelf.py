"""The model copies behind the views the app holds, kept so the app can ask more of them.

A ModelView carries what every screen needs at once. But Inspect may trace any other row, and
an export needs the boundary of the exact model it reports. The app asks those by the view's key.
The shelf keeps the copies of the latest views: a few dozen, a few hundred KB each for the
networks wdtui trains. It works the answer out on the trainer's side.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from torch import nn

    from ..core.data import Dataset
    from ..core.readout import ModelCopy, Readout
    from ..core.view import ModelView

KEEP = 48  # copies kept, the newest: more than the views a screen can still be showing


class Shelf:
    def __init__(self) -> None:
        self._copies: OrderedDict[int, tuple[nn.Sequential, Dataset]] = OrderedDict()
        self._lock = threading.Lock()
        self._next = 1

    def view(self, engine: "Readout", model_copy: "ModelCopy | None" = None) -> "ModelView":
        """`engine`'s view of `model_copy` (or of its model now), its copy shelved under the view's key."""
        model_copy = model_copy if model_copy is not None else engine.copy_model()
        view = engine.view(model_copy)
        with self._lock:
            key, self._next = self._next, self._next + 1
            self._copies[key] = (model_copy.model, engine.data)
            while len(self._copies) > KEEP:
                self._copies.popitem(last=False)
        return replace(view, key=key)

    def answer(self, key: int, what: str, *args: Any) -> Any:
        """What the app asked of the view `key`.

        - "row": a row traced, as a Prediction.
        - "boundary": over a plane (None for the default), as a Boundary; None for one feature."""
        from ..core.boundary import boundary
        from ..core.probe import checked_row, predict_row

        with self._lock:
            found = self._copies.get(key)
        if found is None:
            raise LookupError("that model is no longer kept: look at the latest one")
        model, data = found
        if what == "row":
            return predict_row(model, data, checked_row(data, args[0]))
        if what == "boundary":
            return boundary(model, data, args[0]) if data.n_features >= 2 else None
        raise ValueError(f"nothing to answer for {what!r}")
