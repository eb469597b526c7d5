"""A stored run's cells read back, checked, or the run refused in one line (`UnreadableRun`).

What the store hands its readers has the types they were written with.

SQLite keeps whatever a cell is given: text in a REAL column, a number in a TEXT one. The JSON
cells are only text. A file edited by hand, by another program or by another version of wdtui
can hold anything. Every reader (`wdtui runs`, the Runs view, the exports) takes runs from here.
So each may rely on:
- a config that is a JSON object whose known settings have their RunConfig types (their values
  are RunConfig's to judge, when a run is loaded);
- epoch records and reports that are JSON objects;
- metrics that are numbers or missing, and the row's own fields.
"""

from __future__ import annotations

import json
import types
import typing
from functools import lru_cache
from typing import Any

from ..core.config import RunConfig
from .check import StoreError
from .run_writer import FINAL_STATUSES, KINDS, METRICS

STATUSES = ("running", *FINAL_STATUSES)


class UnreadableRun(StoreError):
    """One stored run whose cells are not what wdtui wrote.

    The line says which, and how to remove it (`run_id`). The store and its other runs are fine."""

    def __init__(self, run_id: int, what: str) -> None:
        super().__init__(f"run {run_id} cannot be read: {what}; `wdtui runs delete {run_id}` removes it")
        self.run_id, self.what = run_id, what


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


@lru_cache(maxsize=None)
def _setting_types() -> dict[str, tuple[type, ...]]:
    """Each RunConfig setting's JSON types, from its annotation.

    A tuple is stored as a list. `hidden` may also be one size or "64,32", as RunConfig.from_dict reads it."""
    out: dict[str, tuple[type, ...]] = {}
    for name, hint in typing.get_type_hints(RunConfig).items():
        parts = hint.__args__ if isinstance(hint, types.UnionType) else (hint,)
        out[name] = tuple(type(None) if p is type(None) else list if typing.get_origin(p) is tuple else p
                          for p in parts)
    out["hidden"] += (int, str)
    return out


def _fits(value: Any, kinds: tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return bool in kinds
    if isinstance(value, list):
        return list in kinds and all(isinstance(v, int) and not isinstance(v, bool) for v in value)
    return isinstance(value, kinds) or (float in kinds and isinstance(value, int))


def json_cell(run_id: int, what: str, text: Any, optional: bool = False) -> Any:
    """A JSON object kept as text (None allowed when `optional`)."""
    if text is None and optional:
        return None
    if not isinstance(text, str):
        raise UnreadableRun(run_id, f"its {what} is {type(text).__name__}, not JSON text")
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise UnreadableRun(run_id, f"its {what} is not JSON ({str(exc)[:60]})") from None
    if not isinstance(value, dict):
        raise UnreadableRun(run_id, f"its {what} is a JSON {type(value).__name__}, not an object")
    return value


def config_cell(run_id: int, text: Any) -> dict[str, Any]:
    config = json_cell(run_id, "config", text)
    kinds = _setting_types()
    for name, value in config.items():
        if name in kinds and not _fits(value, kinds[name]):
            raise UnreadableRun(run_id, f"its setting {name} is {json.dumps(value)[:40]}, not a "
                                        f"{' or '.join(k.__name__ for k in kinds[name])}")
    return config


def metric(run_id: int, name: str, value: Any) -> float | None:
    if value is None:
        return None
    if not _number(value):
        raise UnreadableRun(run_id, f"its {name} is {str(value)[:40]!r}, not a number")
    return float(value)


def finals(run_id: int, record: dict[str, Any]) -> dict[str, float | None]:
    """The four numbers of an epoch record (or of a run's row)."""
    return {m: metric(run_id, m, record.get(m)) for m in METRICS}


def text_cell(run_id: int, what: str, value: Any, optional: bool = False,
              among: tuple[str, ...] | None = None) -> Any:
    if value is None and optional:
        return None
    if not isinstance(value, str) or (among is not None and value not in among):
        expected = f"one of {', '.join(among)}" if among else "text"
        raise UnreadableRun(run_id, f"its {what} is {str(value)[:40]!r}, not {expected}")
    return value


def row_cells(row: tuple) -> tuple:
    """A runs row (database.py's _COLUMNS) checked: the values RunSummary takes, in order."""
    (id_, created, ended, status, kind, group_id, group_label, version, config, epochs_done, *metrics) = row
    if not isinstance(epochs_done, int) or isinstance(epochs_done, bool) or epochs_done < 0:
        raise UnreadableRun(id_, f"its epochs_done is {str(epochs_done)[:40]!r}, not a whole number")
    return (id_, text_cell(id_, "created", created), text_cell(id_, "ended", ended, optional=True),
            text_cell(id_, "status", status, among=STATUSES), text_cell(id_, "kind", kind, among=KINDS),
            text_cell(id_, "group", group_id, optional=True), text_cell(id_, "group label", group_label, optional=True),
            text_cell(id_, "version", version), config_cell(id_, config), epochs_done,
            finals(id_, dict(zip(METRICS, metrics))))


def report_cell(run_id: int, text: Any) -> dict[str, Any]:
    """A report: a JSON object whose epochs, if it keeps them, are a list of objects."""
    report = json_cell(run_id, "report", text)
    epochs = report.get("epochs")
    if epochs is not None and not (isinstance(epochs, list) and all(isinstance(e, dict) for e in epochs)):
        raise UnreadableRun(run_id, "its report's epochs are not a list of records")
    return report
