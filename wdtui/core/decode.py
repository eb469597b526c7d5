"""Records back from their JSON: a stored run read as the records `wdtui trace` printed.

`wdtui runs show` prints a stored run with the very functions that printed it when it trained.
Those take records, not dicts. So this is `to_jsonable` (jsonable.py) run backwards. Torch-free.

A document written by another version of wdtui may hold a field this one does not know: it is
ignored. Or it may lack one it needs: then `RecordError` says which, in one line.
"""

from __future__ import annotations

import sys
import types
import typing
from collections.abc import Mapping, Sequence
from dataclasses import MISSING, fields
from functools import lru_cache
from typing import Any

from .config import ConfigError, RunConfig
from .decay import AdamDecay
from .insight import Insight, key_insight
from .measures import Boundary, PlaneRows
from .records import (DECAY, NO_DECAY, Diverged, EpochRecord, Layer, ParamGroup, Prediction, Report, Setup, Stage,
                      SweepPoint, SweepResult, best_point)


class RecordError(ValueError):
    """A stored document that cannot be read back as records: one line saying what is missing."""


def _make(cls: type, data: Any, **converted: Any) -> Any:
    """`cls` from the mapping `data`: its known fields, `converted` overriding some of them.

    Each is of the type its annotation says: a number where a number goes, since the printers
    format them."""
    data = _map(data, cls.__name__)
    names = [f.name for f in fields(cls)]
    values = {k: v for k, v in data.items() if k in names} | converted
    try:
        made = cls(**values)
    except TypeError:
        missing = [n for n in names if n not in values and not _has_default(cls, n)]
        raise RecordError(f"a stored {cls.__name__} lacks {', '.join(missing) or 'a field'}") from None
    for name, hint in _hints(cls).items():
        if not _fits(getattr(made, name), hint):
            raise RecordError(f"a stored {cls.__name__}'s {name} is {str(getattr(made, name))[:40]!r}, not of "
                              f"the type {cls.__name__} has there")
    return made


def _map(data: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise RecordError(f"a stored {what} must be a mapping, not {type(data).__name__}")
    return data


@lru_cache(maxsize=None)
def _hints(cls: type) -> dict[str, Any]:
    """Each field's annotation, evaluated (one that names a type only imported for type checking
    is left unchecked)."""
    scope = vars(sys.modules[cls.__module__])
    hints = {}
    for f in fields(cls):
        try:
            hints[f.name] = eval(f.type, scope) if isinstance(f.type, str) else f.type
        except NameError:
            pass
    return hints


def _fits(value: Any, hint: Any) -> bool:
    """Whether a JSON-read value is of the annotated type (an int is a float; a bool is neither)."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is Any:
        return True
    if origin in (typing.Union, types.UnionType):
        return any(_fits(value, a) for a in args)
    if hint is None or hint is type(None):
        return value is None
    if hint in (int, float):
        return isinstance(value, (int, float) if hint is float else int) and not isinstance(value, bool)
    if origin is tuple:
        if not isinstance(value, tuple):
            return False
        if len(args) == 2 and args[1] is Ellipsis:
            return all(_fits(v, args[0]) for v in value)
        return len(args) == len(value) and all(_fits(v, a) for v, a in zip(value, args))
    if origin is dict:
        return isinstance(value, dict) and all(_fits(k, args[0]) and _fits(v, args[1]) for k, v in value.items())
    if isinstance(hint, type):
        return isinstance(value, hint)
    return True  # Any, a Sequence, …: not checked here


def _has_default(cls: type, name: str) -> bool:
    f = cls.__dataclass_fields__[name]
    return f.default is not MISSING or f.default_factory is not MISSING


def _tuple(values: Any) -> tuple:
    return tuple(values) if isinstance(values, (list, tuple)) else ()


def epoch_record(data: Mapping[str, Any]) -> EpochRecord:
    """One EpochRecord from its JSON (as the run store keeps each epoch)."""
    return _make(EpochRecord, data, layer_norms=dict(_map(_map(data, "EpochRecord").get("layer_norms") or {},
                                                        "EpochRecord's layer_norms")))


def setup(data: Mapping[str, Any]) -> Setup:
    data = _map(data, "Setup")
    return _make(Setup, data, feature_names=_tuple(data.get("feature_names")),
                 class_names=_tuple(data.get("class_names")), mean=_tuple(data.get("mean")),
                 std=_tuple(data.get("std")), head=tuple(_tuple(r) for r in data.get("head") or ()),
                 head_labels=_tuple(data.get("head_labels")),
                 param_groups=tuple(_param_group(i, g) for i, g in enumerate(_tuple(data.get("param_groups")))))


def _param_group(index: int, data: Any) -> ParamGroup:
    """A stored group; one stored before groups had names is named by its place (the decayed first)."""
    data = _map(data, "ParamGroup")
    return _make(ParamGroup, data, names=_tuple(data.get("names")),
                 name=data.get("name", NO_DECAY if index else DECAY))


def prediction(data: Mapping[str, Any]) -> Prediction:
    data = _map(data, "Prediction")
    layers = tuple(_make(Layer, layer, values=_tuple(_map(layer, "Layer").get("values")),
                         extra={k: tuple(v) if isinstance(v, list) else v
                                for k, v in _map(layer.get("extra") or {}, "Layer's extra").items()})
                   for layer in _tuple(data.get("layers")))
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
                  stages=tuple(_make(Stage, s) for s in _tuple(data.get("stages"))),
                  epochs=tuple(epoch_record(e) for e in _tuple(data.get("epochs"))),
                  prediction=prediction(data["prediction"]),
                  diverged=_make(Diverged, diverged) if diverged is not None else None,
                  insight=insight(data["insight"], data) if isinstance(data.get("insight"), Mapping) else None,
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


def insight(data: Mapping[str, Any], report: Mapping[str, Any] | None = None) -> Insight:
    """The key insight's numbers as the run stated them (runs stored before it was kept have none).

    Older runs quoted the approximation 1 − γλ/(1 − μ). They were stored before the decay figures
    were worked out from momentum's recursion, and their insight has no `direct_shrink`. Given
    its `report`, such a run's figures are worked out again from its settings and epochs. What
    the run measured is kept: Adam's per-weight decay, the smoothness number."""
    adam = data.get("adam")
    stated = _make(Insight, data, norms=_tuple(data.get("norms")),
                   adam=_make(AdamDecay, adam) if isinstance(adam, Mapping) else None)
    if "direct_shrink" in data or report is None:
        return stated
    try:
        config = RunConfig.from_dict(report.get("config") or {})
    except ConfigError:
        return stated
    epochs = [epoch_record(e) for e in _tuple(report.get("epochs"))]
    return key_insight(config, epochs, stated.steps_per_epoch, adam=stated.adam, gradient_norm=stated.gradient_norm)


def sweep_result(points: Sequence[tuple[Mapping[str, Any], Sequence[Mapping[str, Any]], bool]]) -> SweepResult:
    """A stored sweep as `wdtui sweep --json` reported it, from each point's (config, epochs, diverged).

    A point's numbers are its last epoch's. Given its final numbers alone, they are those
    without ‖θ‖. A diverged point has none. A point that kept no numbers (stopped before its
    first epoch) is left out. The result's config is the first point's, since a sweep's points
    differ in λ alone."""
    made = sorted((p for p in (_point(config, epochs, diverged) for config, epochs, diverged in points)
                   if p.diverged or p.val_loss is not None), key=lambda p: p.weight_decay)
    return SweepResult(dict(points[0][0]) if points else {}, tuple(made), best_point(made))


def _point(config: Mapping[str, Any], epochs: Sequence[Mapping[str, Any]], diverged: bool) -> SweepPoint:
    weight_decay = _map(config, "run's config").get("weight_decay", 0.0)
    if diverged or not epochs:
        return _make(SweepPoint, {"weight_decay": weight_decay, "diverged": True}, train_loss=None, val_loss=None,
                     train_acc=None, val_acc=None, weight_norm=None)
    last = _map(epochs[-1], "EpochRecord")  # an epoch record, or a run's final numbers (no ‖θ‖ among them)
    return _make(SweepPoint, {"weight_decay": weight_decay, "diverged": False},
                 **{k: last.get(k) for k in ("train_loss", "val_loss", "train_acc", "val_acc", "weight_norm")})
