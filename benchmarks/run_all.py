"""Run every benchmark and print their figures as one table (docs/performance.md).

Each benchmark measures its own figure side by side in one run and prints it as a ratio
(or a percentile); this script only runs them one after another and gathers those lines.

    python benchmarks/run_all.py
"""

from __future__ import annotations

import platform
import re
import subprocess
import sys
from pathlib import Path

import torch

HERE = Path(__file__).parent
BENCHMARKS = [
    ("train() over a bare PyTorch loop", "bench_training.py", ["--repeats", "30"]),
    ("vectorised sweep over 16 × train()", "bench_sweep.py", []),
    ("app: first frame, key latency, in-app throughput", "bench_app.py", []),
    ("decision boundary: grid evaluation, one redraw", "bench_boundary.py", []),
    ("wdtui --help over import torch", "bench_help.py", []),
    ("recording a run over train()", "bench_recording.py", ["--repeats", "60"]),
    ("2,000 stored runs: wdtui runs --json, the Runs view", "bench_runs.py", []),
    ("a 200 MB CSV: wdtui trace's peak memory and first epoch", "bench_csv.py", []),
]
FIGURE = re.compile(r"ratio|speed-up|p99|first paint|first epoch", re.IGNORECASE)


def main() -> int:
    print(f"# {platform.node()} · {platform.processor() or platform.machine()} · Python "
          f"{platform.python_version()} · torch {torch.__version__} · {torch.get_num_threads()} threads")
    rows = []
    for title, script, args in BENCHMARKS:
        print(f"\n## {title}  (python benchmarks/{script} {' '.join(args)})", flush=True)
        result = subprocess.run([sys.executable, str(HERE / script), *args], capture_output=True, text=True, cwd=HERE)
        print(result.stdout, end="")
        if result.returncode:
            print(result.stderr, end="")
            rows.append((title, f"FAILED (exit {result.returncode})"))
            continue
        rows += [(title, line.strip()) for line in result.stdout.splitlines() if FIGURE.search(line)]
    width = max(len(t) for t, _ in rows)
    print(f"\n{'benchmark'.ljust(width)}  figure")
    for title, figure in rows:
        print(f"{title.ljust(width)}  {figure}")
    return 1 if any(f.startswith("FAILED") for _, f in rows) else 0


if __name__ == "__main__":
    raise SystemExit(main())
