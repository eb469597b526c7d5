"""The 2-D presets' promise at seeds 0–7, each measured with the app's numbers, not assumed.

Each 2-D preset (moons, circles, xor, spiral) promises that its λ, against λ = 0, gives

- a lower validation loss,
- a smaller smoothness number (mean ‖∂p/∂x‖ over the validation rows),
- a shorter decision boundary (grid cells on the plane of its two features): all but the
  spiral, whose boundary winds with its arms whatever λ does (core/presets.py says why).

For every preset and seed this trains both, as the Compare mode's twins train them: two runs of
the engine (one torch thread, as every entry point trains), alike but for λ, each to its last
epoch. It prints their numbers side by side, the seconds the preset's own run took (on this
machine, as it was loaded then: not a claim), and whether the promise held.

    python benchmarks/check_presets.py [--seeds 0-7] [--presets moons,spiral]

The test suite holds seeds 0 and 1 of every preset (tests/slow/test_presets.py). Exits 1 when a
promise fails.
"""

from __future__ import annotations

import argparse
import time

from common import seed_list
from wdtui.core.engine import trained
from wdtui.core.presets import LOWER_VAL_LOSS, PRESETS, SHORTER, SMOOTHER, preset_config

PLANAR = ("moons", "circles", "xor", "spiral")


def measure(name: str, seed: int, weight_decay: float | None = None) -> tuple[float, int, float, float]:
    """(validation loss, boundary length, smoothness number, seconds) of preset `name` at `seed`,
    at its own λ or `weight_decay`, trained to its last epoch."""
    config = preset_config(name, seed=seed)
    if weight_decay is not None:
        config = config.replace(weight_decay=weight_decay)
    start = time.perf_counter()
    engine = trained(config)
    seconds = time.perf_counter() - start
    look = engine.boundary()
    return engine.history[-1].val_loss, look.length, look.gradient_norm, seconds


def broken(name: str, zero: tuple, decayed: tuple) -> list[str]:
    """The parts of preset `name`'s promise the decayed run (against λ = 0's) does not keep."""
    return [what for what, i in ((LOWER_VAL_LOSS, 0), (SHORTER, 1), (SMOOTHER, 2))
            if what in PRESETS[name].promise and not decayed[i] < zero[i]]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-7")
    parser.add_argument("--presets", default=",".join(PLANAR))
    args = parser.parse_args()
    print("preset   seed       λ   val loss λ=0 → λ    length λ=0 → λ   ‖∂p/∂x‖ λ=0 → λ   its run  promise")
    failures = 0
    for name in args.presets.split(","):
        lam = preset_config(name).weight_decay
        for seed in seed_list(args.seeds):
            zero, decayed = measure(name, seed, 0.0), measure(name, seed)
            failed = broken(name, zero, decayed)
            failures += bool(failed)
            print(f"{name:8} {seed:4}  {lam:6g}   {zero[0]:7.4f} → {decayed[0]:6.4f}   {zero[1]:5} → {decayed[1]:4}"
                  f"     {zero[2]:6.3f} → {decayed[2]:5.3f}  {decayed[3]:6.1f} s  "
                  f"{'held' if not failed else 'FAILED: ' + ', '.join(failed)}"
                  f"{'' if SHORTER in PRESETS[name].promise else ' (length not promised)'}", flush=True)
    print(f"the promise held for {'every' if not failures else 'all but ' + str(failures)} preset and seed "
          "(its λ against λ = 0: lower validation loss, smaller ‖∂p/∂x‖, shorter boundary but the spiral's)")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
