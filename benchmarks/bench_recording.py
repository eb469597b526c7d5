"""What recording a run into the run store adds to `train()`.

Side A is a run as `wdtui trace --no-record` makes it: `train()` to the end, then its report.
Side B is the same run recorded as `wdtui trace` records it, through store.recording: the run
begun in the store, every epoch with its weight histograms, the finish with the report. Its
time is the training thread's, until the run and its report are done (the figure the target
is for: what recording adds to `train()`); then, apart, the wait until every write has landed
in the file, which the store's writing thread does while the CLI prints, or the app goes on.
The store is opened once beforehand, as the app keeps one open; opening it is timed apart.
The two sides alternate in one process, so machine noise hits both alike; the ratios of
medians are printed. Target: ≤ 1.03.

    python benchmarks/bench_recording.py [--repeats 40] [--epochs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time

import torch

# One torch thread, as every run trains (core/threads.py; the engine sets it): with two,
# OpenMP's threads spin on a 2-core machine's cores, and any other work there (the writing
# thread's too) makes a run swing from 40 to 400 ms, drowning a 3 % effect in noise.
from wdtui.core.config import RunConfig
from wdtui.core.engine import Engine
from wdtui.core.recorded import RecordedRun
from wdtui.store.recording import Recorder


def plain(config: RunConfig) -> float:
    start = time.perf_counter()
    engine = Engine(config)
    for _ in engine.run():
        pass
    engine.report()
    return time.perf_counter() - start


def recorded(config: RunConfig, recorder: Recorder) -> tuple[float, float]:
    """(seconds until the run and its report are done, recorded as `wdtui trace` records them;
    seconds more until every write has landed in the file)."""
    start = time.perf_counter()
    engine = Engine(config)
    with RecordedRun(engine, lambda: recorder.begin(config.to_dict())) as run:
        for _ in run.run():
            pass
    done = time.perf_counter()
    recorder.store().flush()
    return done - start, time.perf_counter() - done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--epochs", type=int, default=5)
    args = parser.parse_args()
    config = RunConfig(epochs=args.epochs)
    with tempfile.TemporaryDirectory() as folder:
        os.environ["WDTUI_DATA_DIR"] = folder
        said: list[str] = []
        recorder = Recorder(said.append)
        opened = time.perf_counter()
        store = recorder.store()
        opened = time.perf_counter() - opened
        for _ in range(3):  # warm-up: torch's first calls, the first optimizer's imports
            plain(config), recorded(config, recorder)
        a, b, tail = [], [], []
        for _ in range(args.repeats):
            a.append(plain(config))
            trained, landed = recorded(config, recorder)
            b.append(trained)
            tail.append(trained + landed)
        runs = len(store.list())
        recorder.close()
        assert not said, said
    pa, pb, pt = (statistics.median(x) for x in (a, b, tail))
    print(f"train() + report      {pa * 1000:7.2f} ms   ({args.epochs} epochs, median of {args.repeats}, "
          f"{torch.get_num_threads()} torch thread)")
    print(f"the same, recorded    {pb * 1000:7.2f} ms   (the training thread's time; opening the store "
          f"{opened * 1000:.1f} ms, once per process)")
    print(f"  and written         {pt * 1000:7.2f} ms   (until the last write has landed; {runs} runs stored)")
    print(f"ratio recorded/plain = {pb / pa:.3f}  (target ≤ 1.03)")
    print(f"ratio until written/plain = {pt / pa:.3f}  (the writing thread's tail included)")


if __name__ == "__main__":
    main()
