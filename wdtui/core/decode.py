"""Records back from their JSON: a stored run read as the records `wdtui trace` printed.

`wdtui runs show` prints a stored run with the very functions that printed it when it trained,
and those take records, not dicts; this is `to_jsonable` (jsonable.py) run backwards. Torch-free.

A document written by another version of wdtui may hold a field this one does not know
(ignored) or lack one it needs: then `RecordError` says which, in one line.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any, Mapping, Sequence

from .decay import AdamDecay
from .insight import Insight
from .measures import Boundary, PlaneRows
from .records import (Diverged, EpochRecord, Layer, ParamGroupInfo, Prediction, Report, Setup, Stage, SweepPoint,
                      SweepResult, best_point)


class RecordError(ValueError):
    """A stored document that cannot be read back as records: one line saying what is missing."""


def _make(cls: type, data: Any, **converted: Any) -> Any:
    """`cls` from the mapping `data`: its known fields, `converted` overriding some of them."""
    if not isinstance(data, Mapping):
        raise RecordError(f"a {cls.__name__} must be a mapping, not {type(data).__name__}")
    names = [f.name for f in fields(cls)]
    values = {k: v for k, v in data.items() if k in names} | converted
    try:
        return cls(**values)
    except TypeError:
        missing = [n for n in names if n not in values and not _has_default(cls, n)]
        raise RecordError(f"a stored {cls.__name__} lacks {', '.join(missing) or 'a field'}") from None


def _has_default(cls: type, name: str) -> bool:
    f = cls.__dataclass_fields__[name]
    return f.default is not MISSING or f.default_factory is not MISSING


def _tuple(values: Any) -> tuple:
    return tuple(values) if isinstance(values, (list, tuple)) else ()


def epoch_record(data: Mapping[str, Any]) -> EpochRecord:
    """One EpochRecord from its JSON (as the run store keeps each epoch)."""
    return _make(EpochRecord, data, layer_norms=dict(data.get("layer_norms") or {}))


def setup(data: Mapping[str, Any]) -> Setup:
    return _make(Setup, data, feature_names=_tuple(data.get("feature_names")),
                 class_names=_tuple(data.get("class_names")), mean=_tuple(data.get("mean")),
                 std=_tuple(data.get("std")), head=tuple(_tuple(r) for r in data.get("head") or ()),
                 head_labels=_tuple(data.get("head_labels")),
                 param_groups=tuple(_make(ParamGroupInfo, g, names=_tuple(g.get("names")))
                                    for g in data.get("param_groups") or ()))


def prediction(data: Mapping[str, Any]) -> Prediction:
    layers = tuple(_make(Layer, layer, values=_tuple(layer.get("values")),
                         extra={k: tuple(v) if isinstance(v, list) else v for k, v in (layer.get("extra") or {}).items()})
                   for layer in data.get("layers") or ())
    return _make(Prediction, data, layers=layers, probabilities=_tuple(data.get("probabilities")),
                 class_names=_tuple(data.get("class_names")))


def report(data: Mapping[str, Any]) -> Report:
    """The Report of a `wdtui trace --json` document (a stored run's report)."""
    if not isinstance(data, Mapping):
        raise RecordError("a stored report must be a mapping")
    for part in ("setup", "prediction"):
        if not isinstance(data.get(part), Mapping):
            raise RecordError(f"a stored report lacks its {part}")
    diverged = data.get("diverged")
    return Report(config=dict(data.get("config") or {}), setup=setup(data["setup"]),
                  stages=tuple(_make(Stage, s) for s in data.get("stages") or ()),
                  epochs=tuple(epoch_record(e) for e in data.get("epochs") or ()),
                  prediction=prediction(data["prediction"]),
                  diverged=_make(Diverged, diverged) if diverged is not None else None,
                  insight=insight(data["insight"]) if isinstance(data.get("insight"), Mapping) else None,
                  boundary=boundary(data["boundary"]) if isinstance(data.get("boundary"), Mapping) else None)


def boundary(data: Mapping[str, Any]) -> Boundary:
    """A decision boundary as the run drew it (runs stored before boundaries were kept have none)."""
    rows = data.get("rows")
    return _make(Boundary, data, features=_tuple(data.get("features")), feature_names=_tuple(data.get("feature_names")),
                 extent=_tuple(data.get("extent")), shape=_tuple(data.get("shape")),
                 probabilities=tuple(_tuple(r) for r in data.get("probabilities") or ()),
                 classes=tuple(_tuple(r) for r in data.get("classes") or ()),
                 rows=_make(PlaneRows, rows, **{k: _tuple(rows.get(k)) for k in ("x", "y", "label", "predicted",
                                                                                 "training")})
                 if isinstance(rows, Mapping) else None)


def insight(data: Mapping[str, Any]) -> Insight:
    """The key insight's numbers as the run stated them (runs stored before it was kept have none)."""
    adam = data.get("adam")
    return _make(Insight, data, norms=_tuple(data.get("norms")),
                 adam=_make(AdamDecay, adam) if isinstance(adam, Mapping) else None)


def sweep_result(points: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]], bool]]) -> SweepResult:
    """A stored sweep as `wdtui sweep --json` reported it, from each point's (config, epochs,
    diverged): a point's numbers are its last epoch's (or, given its final numbers alone, those
    without ‖θ‖), a diverged point has none. The result's config is the first point's (a
    sweep's points differ in λ alone)."""
    made = sorted((_point(float(config.get("weight_decay", 0.0)), epochs, diverged)
                   for config, epochs, diverged in points), key=lambda p: p.weight_decay)
    return SweepResult(dict(points[0][0]) if points else {}, tuple(made), best_point(made))


def _point(weight_decay: float, epochs: Sequence[Mapping[str, Any]], diverged: bool) -> SweepPoint:
    if diverged or not epochs:
        return SweepPoint(weight_decay, None, None, None, None, None, True)
    last = epochs[-1]  # an epoch record, or a run's final numbers (no ‖θ‖ among them)
    return SweepPoint(weight_decay, last["train_loss"], last["val_loss"], last["train_acc"], last["val_acc"],
                      last.get("weight_norm"))
