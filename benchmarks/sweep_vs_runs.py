"""How far a sweep's point parts from a run of its own on the chaotic presets, measured.

A sweep trains its values of λ as one stacked network (core/sweep_engine.py): the same initial
weights, the same batches, the same decay, but batched products that round differently from
one network's. On a short, calm run the two agree to about 1e-7 (tests/slow/test_sweep.py holds them
to 1e-5); trained for hundreds of epochs at λ = 0 the rounding grows as any other perturbation
would, and the two end apart. For every 2-D preset and seed this sweeps λ = 0 and the preset's
λ, trains each as a run of its own (as `wdtui trace` and the app do), and prints the two
validation losses and how far they part; then the largest parting per λ over all of them, the
figures docs/cli.md ('wdtui sweep') and the Sweep screen quote.

    python benchmarks/sweep_vs_runs.py [--seeds 0,1,2,3] [--presets moons,spiral]
"""

from __future__ import annotations

import argparse

from wdtui.core.engine import train
from wdtui.core.presets import preset_config
from wdtui.core.records import EpochRecord, SweepResult
from wdtui.core.sweep_engine import sweep

PLANAR = ("moons", "circles", "xor", "spiral")


def parting(name: str, seed: int) -> tuple[float, float]:
    """Print one row for (preset, seed); (relative parting at λ = 0, at the preset's λ)."""
    config = preset_config(name, seed=seed)
    grid = (0.0, config.weight_decay)
    result = next(r for r in sweep(config, grid) if isinstance(r, SweepResult))
    cells, parts = [], []
    for point in result.points:
        last = [r for r in train(config.replace(weight_decay=point.weight_decay)) if isinstance(r, EpochRecord)][-1]
        part = abs(point.val_loss - last.val_loss) / last.val_loss
        parts.append(part)
        cells.append(f"λ = {point.weight_decay:<6g} sweep {point.val_loss:.4f} run {last.val_loss:.4f} ({part:6.1%})")
    print(f"{name:8} {seed:4}  " + "   ".join(cells), flush=True)
    return parts[0], parts[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3")
    parser.add_argument("--presets", default=",".join(PLANAR))
    args = parser.parse_args()
    print("preset   seed  validation loss after the last epoch: the sweep's point, the run of its own (parting)")
    zero, decayed = [], []
    for name in args.presets.split(","):
        for seed in map(int, args.seeds.split(",")):
            at_zero, at_lam = parting(name, seed)
            zero.append(at_zero)
            decayed.append(at_lam)
    print(f"largest parting: {max(zero):.1%} at λ = 0, {max(decayed):.1%} at the preset's λ "
          f"(median {sorted(zero)[len(zero) // 2]:.1%} and {sorted(decayed)[len(decayed) // 2]:.1%})")


if __name__ == "__main__":
    main()
