"""The vectorised sweep against K separate `train()` runs: the same points, how much faster.

Both sides train the same config on the same data with the same K values of λ (default 16:
λ = 0 and 15 log-spaced); the sequential side is what a user would do without the sweep, one
whole `train()` per λ. They alternate in one process, so machine noise hits both alike; the
ratio of medians is printed, with the largest difference between the two sides' numbers.
Target: ≥ 8× at K = 16 on the default data.

    python benchmarks/bench_sweep.py [--points 15] [--repeats 7] [--preset seed]

Both train on one torch thread, as every run does (core/threads.py).
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from wdtui.core.engine import train
from wdtui.core.lambda_grid import weight_decay_grid
from wdtui.core.presets import PRESETS, preset_config
from wdtui.core.records import EpochRecord, SweepResult
from wdtui.core.sweep_engine import sweep

METRICS = ("train_loss", "val_loss", "train_acc", "val_acc", "weight_norm")


def vectorised(config, weight_decays) -> list[tuple[float, ...]]:
    result = next(r for r in sweep(config, weight_decays) if isinstance(r, SweepResult))
    return [tuple(getattr(p, m) for m in METRICS) for p in result.points]


def sequential(config, weight_decays) -> list[tuple[float, ...]]:
    rows = []
    for wd in weight_decays:
        last = [r for r in train(config.replace(weight_decay=wd)) if isinstance(r, EpochRecord)][-1]
        rows.append(tuple(getattr(last, m) for m in METRICS))
    return rows


def timed(fn, *args) -> tuple[float, list[tuple[float, ...]]]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=15, help="log-spaced λ besides 0 (K = points + 1)")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--preset", choices=PRESETS, default="seed")
    args = parser.parse_args()
    config = preset_config(args.preset)
    weight_decays = weight_decay_grid(config.optimizer, args.points)
    vectorised(config, weight_decays), sequential(config, weight_decays[:2])  # warm-up
    vec_times, seq_times, diff = [], [], 0.0
    for _ in range(args.repeats):
        t_vec, a = timed(vectorised, config, weight_decays)
        t_seq, b = timed(sequential, config, weight_decays)
        vec_times.append(t_vec)
        seq_times.append(t_seq)
        diff = max(diff, max(abs(u - v) for ra, rb in zip(a, b) for u, v in zip(ra, rb)))
    vec, seq = statistics.median(vec_times), statistics.median(seq_times)
    print(f"preset {args.preset}: K = {len(weight_decays)} values of λ, {config.epochs} epochs, "
          f"torch threads {torch.get_num_threads()}, {args.repeats} alternating repeats")
    print(f"vectorised sweep   median {vec * 1e3:8.1f} ms")
    print(f"{len(weight_decays)} × train()      median {seq * 1e3:8.1f} ms")
    print(f"speed-up {seq / vec:.1f}×   max |difference| over {', '.join(METRICS)}: {diff:.2e}")


if __name__ == "__main__":
    main()
