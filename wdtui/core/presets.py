"""Named starting points: a preset sets RunConfig fields, and options the user types win.

`seed` is the RunConfig defaults (the 1000 × 10 synthetic task, 5 epochs). `overfit` is a
network far larger than its data, trained long on noisy labels. With λ = 0 it learns the
training rows by heart: training accuracy 100 %, validation loss doubling from its best
epoch. That is the situation weight decay is for. Its λ = 0.1 sits at the bottom of the
sweep's U-curve for most seeds. The Compare mode's λ = 0 twin, or `--wd 0`, shows the
overfitting it prevents.

The four 2-D presets (moons, circles, xor, spiral) are TensorFlow Playground's pictures. Each
has a network far too large for the few rows it trains on: 80 of 400, 120 for the spiral.
It is 2 → 128 → 128 → 2, SGD with momentum, 300 epochs. At λ = 0 the network overfits the
noisy training points and the validation loss climbs. With the preset's λ the learned
function stays smooth.

Each one's `promise` says what its λ gives against λ = 0. It was measured with the app's numbers
at seeds 0–7 (benchmarks/check_presets.py); tests/slow/test_presets.py holds seeds 0 and 1.
Every one gives a lower validation loss and a smaller ‖∂p/∂x‖. All but the spiral give a
shorter boundary. The spiral's boundary must wind with its arms whatever λ does. At λ = 0.01
it is the shorter at seven seeds of eight, but at seed 3 the λ = 0 twin's is (299 cells
against 320). So the spiral does not promise it.

Torch-free, like config.py: the CLI applies a preset before torch is imported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .config import ConfigError, RunConfig


# What a 2-D preset's λ can promise against λ = 0, each a number that goes down.
LOWER_VAL_LOSS, SMOOTHER, SHORTER = "validation loss", "‖∂p/∂x‖", "boundary length"


@dataclass(frozen=True)
class Preset:
    name: str
    summary: str  # one line for the command palette and `--help`
    values: dict[str, Any]
    promise: tuple[str, ...] = ()  # what its λ lowers against λ = 0, at seeds 0–7 (2-D presets)


PRESETS: dict[str, Preset] = {p.name: p for p in (
    Preset("seed", "1000 rows × 10 features, 32 hidden units, 5 epochs: the first run", {}),
    Preset("overfit", "100 training rows, 20 features, each label flipped with a 15 % chance, 256 hidden "
                      "units, 40 epochs: λ = 0 overfits, λ = 0.1 helps", dict(
        rows=250, val_fraction=0.6, features=20, label_noise=0.15,
        hidden=(256,), epochs=40, batch_size=10, weight_decay=0.1,
    )),
    *(Preset(name, f"2-D {name} (noise {noise:g}), {train} training rows, hidden 128,128, 300 epochs: λ = 0 "
                   f"{what}, λ = {lam:g} {smooths}", dict(
        dataset=name, noise=noise, rows=400, val_fraction=val_fraction, hidden=(128, 128), epochs=300,
        lr=0.05, momentum=0.9, batch_size=10, weight_decay=lam, optimizer="sgd", decay_bias=False,
    ), promise) for name, noise, val_fraction, train, lam, what, smooths, promise in (
        *((name, noise, 0.8, 80, 0.01, "bends the boundary around noisy points", "smooths it",
           (LOWER_VAL_LOSS, SMOOTHER, SHORTER)) for name, noise in (("moons", 0.35), ("circles", 0.25), ("xor", 0.25))),
        ("spiral", 0.14, 0.7, 120, 0.01, "overfits the noisy points",
         "smooths the function (the boundary still winds with the arms)", (LOWER_VAL_LOSS, SMOOTHER)))),
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
