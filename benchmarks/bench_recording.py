"""What recording a run into the run store adds to `train()`.

Side A is a run as `wdtui trace --no-record` makes it: `train()` to the end, then its report.
Side B is the same run recorded as `wdtui trace` records it, through store.recording: the run
begun in the store, every epoch with its weight histograms, the finish with the report, and
then a wait until every write has landed in the file (nothing is left in the writing thread's
queue when the clock stops). The store is opened once beforehand, as the app keeps one open;
opening it is timed apart. The two sides alternate in one process, so machine noise hits both
alike; the ratio of medians is printed. Target: ≤ 1.03.

    python benchmarks/bench_recording.py [--repeats 40] [--epochs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import torch

from wdtui.core.config import RunConfig
from wdtui.core.engine import Engine
from wdtui.core.histograms import histograms_later
from wdtui.core.records import EpochRecord
from wdtui.store.recording import Recording


def plain(config: RunConfig) -> float:
    start = time.perf_counter()
    engine = Engine(config)
    for _ in engine.run():
        pass
    engine.report()
    return time.perf_counter() - start


def recorded(config: RunConfig, recording: Recording) -> float:
    start = time.perf_counter()
    engine = Engine(config)
    run = recording.run(config.to_dict())
    for record in engine.run():
        if isinstance(record, EpochRecord):
            run.epoch(record, histograms_later(engine.model))
    run.finish("finished", engine.report())
    run.close()
    recording.store().flush()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    config = RunConfig(epochs=args.epochs)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["WDTUI_DATA_DIR"] = folder
        said: list[str] = []
        recording = Recording(said.append)
        opened = time.perf_counter()
        store = recording.store()
        opened = time.perf_counter() - opened
        for _ in range(3):  # warm-up: torch's first calls, the first optimizer's imports
            plain(config), recorded(config, recording)
        a, b = [], []
        for _ in range(args.repeats):
            a.append(plain(config))
            b.append(recorded(config, recording))
        runs = len(store.list())
        recording.close()
        assert not said, said
    pa, pb = statistics.median(a), statistics.median(b)
    print(f"train() + report      {pa * 1000:7.2f} ms   ({args.epochs} epochs, median of {args.repeats}, "
          f"{torch.get_num_threads()} torch threads)")
    print(f"the same, recorded    {pb * 1000:7.2f} ms   ({runs} runs stored; opening the store "
          f"{opened * 1000:.1f} ms, once per process)")
    print(f"ratio recorded/plain = {pb / pa:.3f}  (target ≤ 1.03)")


if __name__ == "__main__":
    main()
