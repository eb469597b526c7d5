"""Named starting points: a preset sets RunConfig fields, and options the user types win.

`seed` is the RunConfig defaults (the 1000 × 10 synthetic task, 5 epochs). `overfit` is a
network far larger than its data, trained long on noisy labels: with λ = 0 it learns the
training rows by heart (training accuracy 100 %, validation loss doubling from its best
epoch), which is the situation weight decay is for. Its λ = 0.1 sits at the bottom of the
sweep's U-curve for most seeds; the Compare mode's λ = 0 twin, or `--wd 0`, shows the
overfitting it prevents.

Torch-free, like config.py: the CLI applies a preset before torch is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import ConfigError, RunConfig


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str  # one line for the command palette and `--help`
    values: dict[str, Any]


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("seed", "1000 rows × 10 features, 32 hidden units, 5 epochs: the first run", {}),
    Preset("overfit", "100 training rows, 20 features, 15 % of labels flipped, 256 hidden units, 40 epochs: "
                      "λ = 0 overfits, λ = 0.1 helps", dict(
        rows=250, val_fraction=0.6, features=20, label_noise=0.15,
        hidden=(256,), epochs=40, batch_size=10, weight_decay=0.1,
    )),
)}
DEFAULT = "seed"


def preset_config(preset: str = DEFAULT, **typed: Any) -> RunConfig:
    """The preset's configuration with the options the user typed applied on top.

    Takes RunConfig's own field names, so `preset_config(**typed_options)` is the whole rule.
    """
    if preset not in PRESETS:
        raise ConfigError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    return RunConfig(**{**PRESETS[preset].values, **typed, "preset": preset})
