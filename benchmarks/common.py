"""Side-by-side timing for the benchmarks: commands alternate in one run, medians compared
(and the seeds a check script runs at).

Alternating (A, B, A, B, …) rather than timing all of A then all of B means a noisy
neighbour on a shared machine slows both alike, so the printed ratio stays meaningful.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

PYTHON = sys.executable
IMPORT_TORCH = [PYTHON, "-c", "import torch"]


def time_commands(commands: dict[str, list[str]], repeats: int) -> dict[str, float]:
    """Median wall time of each command (seconds), run alternately `repeats` times each."""
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeats):
        for name, argv in commands.items():
            start = time.perf_counter()
            subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def seed_list(text: str) -> list[int]:
    """The seeds a check runs at: `0-7` (a range, both ends included) or `0,1,5`."""
    if "-" in text:
        first, last = text.split("-")
        return list(range(int(first), int(last) + 1))
    return [int(s) for s in text.split(",")]
