"""Records as JSON: what `wdtui trace --json`, the exports and the run store write.

Torch-free and generic: any frozen record (a dataclass) becomes a dict, a tuple a list. The
reverse, a stored document back into records, is decode.py.
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from typing import Any


def _fields(cls: type) -> tuple[str, ...]:
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = tuple(f.name for f in fields(cls))
    return names


_FIELDS: dict[type, tuple[str, ...]] = {}


def to_jsonable(value: Any) -> Any:
    """Dataclasses → dicts, tuples → lists, recursively; what `json.dumps` can write.

    It walks the fields rather than call `dataclasses.asdict`, which deep-copies every leaf.
    A run's report converts four times faster. That matters because recording a run pays for it
    (the run store's ≤ 3 % budget, benchmarks/bench_recording.py)."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: to_jsonable(getattr(value, name)) for name in _fields(type(value))}
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


def json_default(value: Any) -> Any:
    """`json.dumps(…, default=json_default)` writes records as `to_jsonable` would.

    It takes one pass of the C encoder, to which tuples are lists already. Only each dataclass
    comes back here."""
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in _fields(type(value))}
    raise TypeError(f"{type(value).__name__} is not a record")


# A list of numbers (and nothing else), which `indent` would spread over one line per number.
_NUMBER_LIST = re.compile(r"\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]")


def to_json(value: Any, indent: int | None = 2) -> str:
    """JSON of a record; with `indent`, a list of plain numbers stays on one line (a boundary's
    grid is 96 lines of numbers, not 15,360)."""
    text = json.dumps(value, indent=indent, ensure_ascii=False, default=json_default)
    if indent is None:
        return text
    return _NUMBER_LIST.sub(lambda m: "[" + ", ".join(n.strip() for n in m.group(1).split(",")) + "]", text)
