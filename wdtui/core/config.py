"""Run configuration: one frozen, validated dataclass shared by the CLI, the app and export.

This module must not import torch: the app validates a configuration (and the CLI reports a
bad option) before the first frame, long before `import torch` would finish.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

OPTIMIZERS = ("sgd", "adam", "adamw")
OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}


class ConfigError(ValueError):
    """A bad option: the message is one line a user can act on."""


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a run. Same config (and data) ⇒ the same numbers, exactly."""

    epochs: int = 5
    weight_decay: float = 1e-3
    lr: float = 0.02
    optimizer: str = "sgd"
    momentum: float = 0.9
    batch_size: int = 64
    hidden: tuple[int, ...] = (32,)
    seed: int = 0
    val_fraction: float = 0.2
    decay_bias: bool = False
    data: str | None = None
    target: str | None = None
    row: int | None = None
    preset: str = "seed"
    # Synthetic data (used when `data` is None); presets change these.
    rows: int = 1000
    features: int = 10
    label_noise: float = 0.1

    def __post_init__(self) -> None:
        validate(self)

    def replace(self, **changes: Any) -> "RunConfig":
        """A copy with `changes` applied and validated again."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every option, JSON-ready (tuples become lists)."""
        out = asdict(self)
        out["hidden"] = list(self.hidden)
        return out

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> "RunConfig":
        """The inverse of `to_dict`; unknown keys are refused so typos do not pass silently."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown option(s): {', '.join(unknown)}")
        values = dict(values)
        if "hidden" in values:
            values["hidden"] = parse_hidden(values["hidden"])
        return cls(**values)


def parse_hidden(value: Any) -> tuple[int, ...]:
    """`32`, `"64,32"` or `[64, 32]` → (64, 32); each size a positive integer."""
    if isinstance(value, int):
        parts: list[Any] = [value]
    elif isinstance(value, str):
        parts = [p.strip() for p in value.split(",") if p.strip()]
    else:
        parts = list(value)
    try:
        sizes = tuple(int(p) for p in parts)
    except (TypeError, ValueError):
        raise ConfigError(f"hidden sizes must be whole numbers like 32 or 64,32, not {value!r}") from None
    if not sizes or any(s < 1 for s in sizes):
        raise ConfigError(f"hidden sizes must be positive whole numbers like 32 or 64,32, not {value!r}")
    return sizes


def _finite(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value!r}")
    return float(value)


def _whole(name: str, value: Any, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be a whole number ≥ {minimum}, not {value!r}")
    return value


def validate(config: RunConfig) -> None:
    """Raise ConfigError naming the first bad option; checks only what needs no data."""
    if _finite("weight decay (λ)", config.weight_decay) < 0:
        raise ConfigError(f"weight decay (λ) must be ≥ 0, not {config.weight_decay!r}")
    if _finite("learning rate", config.lr) <= 0:
        raise ConfigError(f"learning rate must be > 0, not {config.lr!r}")
    momentum = _finite("momentum", config.momentum)
    if not 0 <= momentum < 1:
        raise ConfigError(f"momentum must be in [0, 1), not {config.momentum!r}")
    if config.optimizer not in OPTIMIZERS:
        raise ConfigError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {config.optimizer!r}")
    _whole("epochs", config.epochs, 1)
    _whole("batch size", config.batch_size, 1)
    _whole("seed", config.seed, 0)
    _whole("rows", config.rows, 10)
    _whole("features", config.features, 1)
    if not isinstance(config.hidden, tuple) or not config.hidden or any(
        isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in config.hidden
    ):
        raise ConfigError(f"hidden sizes must be positive whole numbers, not {config.hidden!r}")
    fraction = _finite("validation fraction", config.val_fraction)
    if not 0 < fraction < 1:
        raise ConfigError(f"validation fraction must be between 0 and 1, not {config.val_fraction!r}")
    noise = _finite("label noise", config.label_noise)
    if not 0 <= noise < 0.5:
        raise ConfigError(f"label noise must be in [0, 0.5), not {config.label_noise!r}")
    if config.row is not None:
        _whole("row", config.row, 0)
    if (config.data is None) != (config.target is None):
        raise ConfigError("--data and --target go together: give the CSV file and its target column")
