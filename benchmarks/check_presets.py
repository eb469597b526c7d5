"""The 2-D presets' claims at seeds 0–3, each measured, not assumed.

For every 2-D preset (moons, circles, xor, spiral) and seed: the default sweep of λ (17 values,
every boundary measured), and one run of the preset as `wdtui trace` trains it (timed alone,
one torch thread). It prints, per seed, how far the best λ lowers the validation loss against
λ = 0, both boundaries' lengths and smoothness numbers, and the run's seconds; then whether
every claim held:

- the best λ lowers the validation loss by at least 30 % against λ = 0;
- its smoothness number (mean ‖∂p/∂x‖ over the validation rows) is lower than λ = 0's;
- its boundary is shorter than λ = 0's;
- one run of the preset takes at most 3 s.

    python benchmarks/check_presets.py [--seeds 0,1,2,3] [--presets moons,spiral]

The test suite checks moons at seed 0 (tests/test_presets.py); this script checks the rest.
Exits 1 when a claim fails.
"""

from __future__ import annotations

import argparse
import time

import torch

from wdtui.core.engine import train
from wdtui.core.presets import preset_config
from wdtui.core.records import SweepResult
from wdtui.core.sweep import sweep

PLANAR = ("moons", "circles", "xor", "spiral")
GAIN, SECONDS = 0.30, 3.0


def check(name: str, seed: int) -> list[str]:
    """Print one row for (preset, seed); return the claims that failed."""
    config = preset_config(name, seed=seed)
    result = next(r for r in sweep(config, measure=True) if isinstance(r, SweepResult))
    base, best = result.baseline, result.best
    start = time.perf_counter()
    for _ in train(config):
        pass
    seconds = time.perf_counter() - start
    failed = []
    if result.improvement is None or result.improvement < GAIN:
        failed.append("validation loss")
    if not best.gradient_norm < base.gradient_norm:
        failed.append("smoothness")
    if not best.boundary_length < base.boundary_length:
        failed.append("length")
    if seconds > SECONDS:
        failed.append("run time")
    print(f"{name:8} {seed:4}  {best.weight_decay:8g}  {base.val_loss:8.4f} → {best.val_loss:6.4f}"
          f"  {-(result.improvement or 0):+7.1%}  {base.boundary_length:5} → {best.boundary_length:4}"
          f"  {base.gradient_norm:6.3f} → {best.gradient_norm:5.3f}  {seconds:5.2f} s  "
          f"{'ok' if not failed else 'FAILED: ' + ', '.join(failed)}", flush=True)
    return failed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0,1,2,3")
    parser.add_argument("--presets", default=",".join(PLANAR))
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("preset   seed  best λ    val loss λ=0 → best   change  length λ=0 → best  ‖∂p/∂x‖ λ=0 → best  one run")
    failures = 0
    for name in args.presets.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            failures += bool(check(name, seed))
    print(f"claims held for {'every' if not failures else 'all but ' + str(failures)} preset and seed  "
          f"(best λ ≥ {GAIN:.0%} lower validation loss, smoother, shorter boundary; a run ≤ {SECONDS:g} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
