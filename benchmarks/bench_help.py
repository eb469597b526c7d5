"""`wdtui --help` over `python -c "import torch"`: help must answer long before torch loads.

    python benchmarks/bench_help.py [--repeats 10]        target: ratio ≤ 0.5
"""

from __future__ import annotations

import argparse

from common import IMPORT_TORCH, PYTHON, time_commands


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    t = time_commands({"help": [PYTHON, "-m", "wdtui", "--help"], "torch": IMPORT_TORCH}, args.repeats)
    print(f"wdtui --help     {t['help'] * 1000:7.0f} ms   (median of {args.repeats})")
    print(f"import torch     {t['torch'] * 1000:7.0f} ms")
    print(f"ratio help/torch = {t['help'] / t['torch']:.3f}  (target ≤ 0.5)")


if __name__ == "__main__":
    main()
