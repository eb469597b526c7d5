"""Which values of λ a sweep trains: the default grid, or a list the user gives.

Torch-free, like config.py: the CLI checks `--weight-decays` and the app shows the grid
before torch is imported.
"""

from __future__ import annotations

import math

from .config import ConfigError, RunConfig, check_sweep, parse_number

# The default grid: λ = 0, then POINTS values log-spaced over the optimizer's range. AdamW's
# decoupled decay competes with an adaptive step of size about γ, not with the raw gradient.
# So its useful λ sit about two decades higher than those of SGD and (coupled) Adam.
POINTS = 16
RANGES = {"sgd": (1e-5, 1.0), "adam": (1e-5, 1.0), "adamw": (1e-3, 100.0)}


def weight_decay_grid(optimizer: str = "sgd", points: int = POINTS, lr: float | None = None) -> tuple[float, ...]:
    """λ = 0 and `points` log-spaced values over the optimizer's range (both ends included).

    For AdamW, given the learning rate γ, the range stops at γλ = 0.5. Each step multiplies the
    weights by 1 − γλ, which past γλ = 1 flips their sign instead of shrinking them. The values
    are rounded to three significant digits. So the λ a table shows is the λ that ran, and the
    one a user applies to the Train mode.
    """
    if points < 1:
        raise ConfigError(f"a sweep needs at least one log-spaced point, not {points}", "points")
    check_sweep(points + 1)  # before a single value is made: --points 2**70 is one line, at once
    low, high = RANGES[optimizer]
    if optimizer == "adamw" and lr is not None:
        high = min(high, 0.5 / lr)
        low = min(low, high / 1e3)  # at least three decades, whatever γ
    a, b = math.log10(low), math.log10(high)
    exponents = [b] if points == 1 else [a + (b - a) * i / (points - 1) for i in range(points)]
    return (0.0, *(float(f"{10 ** e:.3g}") for e in exponents))


def parse_weight_decays(text: str) -> tuple[float, ...]:
    """`"0,1e-4,1e-3"` → (0.0, 0.0001, 0.001): sorted, no repeats, each a λ RunConfig accepts."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    try:
        values = [parse_number(p, float, "a weight decay") for p in parts]
        if not values:
            raise ValueError
        for value in values:
            RunConfig(weight_decay=value)  # RunConfig is the one judge of a λ
    except (ValueError, ConfigError) as exc:
        why = f" ({exc})" if isinstance(exc, ConfigError) else ""
        raise ConfigError(f"weight decays must be a comma-separated list of numbers ≥ 0 like 0,1e-4,1e-3, "
                          f"not {text[:60]!r}{why}", "weight_decay") from None
    check_sweep(len(set(values)))
    return tuple(sorted(set(values)))
