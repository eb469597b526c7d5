"""Named starting points: a preset sets RunConfig fields, and options the user types win.

`seed` is the RunConfig defaults (the 1000 × 10 synthetic task, 5 epochs). `overfit` is a
network far larger than its data, trained long on noisy labels: with λ = 0 it learns the
training rows by heart (training accuracy 100 %, validation loss doubling from its best
epoch), which is the situation weight decay is for. Its λ = 0.1 sits at the bottom of the
sweep's U-curve for most seeds; the Compare mode's λ = 0 twin, or `--wd 0`, shows the
overfitting it prevents.

The four 2-D presets (moons, circles, xor, spiral) are TensorFlow Playground's pictures with
a network far too large for the few rows it trains on (80 of 400, 160 for the spiral):
2 → 128 → 128 → 2, SGD with momentum, 300 epochs. At λ = 0 the decision boundary bends around
the noisy training points and the validation loss climbs; with the preset's λ it stays smooth.
At seeds 0–3 the sweep's best λ lowers the validation loss by a third or more against λ = 0,
with a shorter boundary and a smaller smoothness number (tests/test_presets.py checks seed 0,
benchmarks/check_presets.py all four).

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
    *(Preset(name, f"2-D {name} (noise {noise:g}), {train} training rows, hidden 128,128, 300 epochs: λ = 0 "
                   f"bends the boundary around noisy points, λ = {lam:g} smooths it", dict(
        dataset=name, noise=noise, rows=400, val_fraction=val_fraction, hidden=(128, 128), epochs=300,
        lr=0.05, momentum=0.9, batch_size=10, weight_decay=lam, optimizer="sgd", decay_bias=False,
    )) for name, noise, val_fraction, train, lam in (
        ("moons", 0.35, 0.8, 80, 0.01), ("circles", 0.25, 0.8, 80, 0.01), ("xor", 0.25, 0.8, 80, 0.01),
        ("spiral", 0.12, 0.7, 120, 0.005))),
)}
DEFAULT = "seed"


def preset_config(preset: str = DEFAULT, **typed: Any) -> RunConfig:
    """The preset's configuration with the options the user typed applied on top.

    Takes RunConfig's own field names, so `preset_config(**typed_options)` is the whole rule.
    """
    if preset not in PRESETS:
        raise ConfigError(f"preset must be one of {', '.join(PRESETS)}, not {preset!r}")
    values = dict(PRESETS[preset].values)
    if typed.get("data") is not None:  # a CSV replaces the preset's data; the rest of it applies
        values.pop("dataset", None)
    return RunConfig(**{**values, **typed, "preset": preset})
