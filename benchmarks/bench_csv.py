"""A real-sized CSV: the peak memory of `wdtui trace` on a ~200 MB file, and its time to the end
of the first epoch.

`wdtui trace --data F --target label --epochs 1 --json` runs as users run it (recorded, into a
temporary WDTUI_DATA_DIR), beside `python -c "import torch"`, alternating in one run. Each
process's own peak RSS comes from wait4() as it ends (the kernel's high-water mark for that
child); its wall time is from start to exit, so it includes reading the file, the split and
the z-score, one epoch, its evaluation, the JSON and the store's last write.

Targets: the peak of trace at most that of `import torch` plus 3× the file's size; the first
epoch done within 30 s.

The file is made here from a seed: 20 numeric feature columns on different scales (as written
by a spreadsheet or pandas: up to six significant digits) and a class label of three names,
about 200 MB (`--megabytes`).

    python benchmarks/bench_csv.py [--megabytes 200] [--repeats 1]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from common import IMPORT_TORCH, PYTHON

FEATURES = 20
CLASSES = ("setosa", "versicolor", "virginica")


def make_csv(path: Path, megabytes: float, seed: int = 0) -> int:
    """Write about `megabytes` MB of CSV to `path`, a block of rows at a time; its row count."""
    rng = np.random.default_rng(seed)
    scales = 10.0 ** rng.uniform(-2, 3, FEATURES)
    weights = rng.normal(size=FEATURES)
    header = ",".join([*(f"x{j}" for j in range(FEATURES)), "label"]) + "\n"
    line = ",".join(["%.6g"] * FEATURES) + ",%s\n"
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write(header)
        while out.tell() < megabytes * 1e6:
            z = rng.normal(size=(20_000, FEATURES))
            score = z @ weights + rng.normal(scale=0.5, size=len(z))
            labels = np.digitize(score, np.quantile(score, [1 / 3, 2 / 3]))
            out.write("".join(line % (*(z[i] * scales), CLASSES[labels[i]]) for i in range(len(z))))
            rows += len(z)
    return rows


def measure(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """(peak RSS in MB, wall seconds, stdout) of one run of `argv`, which must succeed."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        child = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own high-water mark, not all children's
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        err = child.stderr.read().decode()
        child.stderr.close()
        if child.returncode:
            raise SystemExit(f"{' '.join(argv)} exited {child.returncode}: {err.strip()}")
        out.seek(0)
        return usage.ru_maxrss / 1024, seconds, out.read().decode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=float, default=200)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "big.csv"
        rows = make_csv(data, args.megabytes)
        size = data.stat().st_size / 1e6
        env = {**os.environ, "WDTUI_DATA_DIR": str(Path(folder) / "store")}
        trace = [PYTHON, "-m", "wdtui", "trace", "--data", str(data), "--target", "label", "--epochs", "1", "--json"]
        runs: dict[str, list[tuple[float, float]]] = {"trace": [], "torch": []}
        for _ in range(args.repeats):  # alternating: trace, then import torch
            peak, seconds, out = measure(trace, env)
            assert json.loads(out)["epochs"][-1]["epoch"] == 1, "trace did not report its epoch"
            runs["trace"].append((peak, seconds))
            runs["torch"].append(measure(IMPORT_TORCH)[:2])
    peak, seconds = (statistics.median(v) for v in zip(*runs["trace"]))
    torch_peak = statistics.median(p for p, _ in runs["torch"])
    print(f"the CSV          {size:7.0f} MB   ({rows:,} rows × {FEATURES} features + a label of {len(CLASSES)} classes)")
    print(f"wdtui trace      {peak:7.0f} MB peak RSS, {seconds:5.1f} s to the end of epoch 1  "
          f"(median of {args.repeats})")
    print(f"import torch     {torch_peak:7.0f} MB peak RSS")
    print(f"ratio peak RSS/file = {peak / size:.2f}; (peak − import torch)/file = {(peak - torch_peak) / size:.2f}"
          "  (target ≤ 3)")
    print(f"first epoch: {seconds:.1f} s to the end of `trace --epochs 1`  (target ≤ 30 s)")


if __name__ == "__main__":
    main()
