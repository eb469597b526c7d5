"""The trainer process's targets: the app's heavy runs take about as long as the same work alone.

Training runs in a process of its own (wdtui/trainer): the app's UI thread, drawing and
recording no longer share one GIL with training. Measured side by side in one run, the two
sides alternating, one torch thread on both:

1. Compare on the moons preset at pace instant, from `c` until both twins are done, over the
   same two runs' `train()` alone. Target ≤ 1.2.
2. A sweep on the moons preset in the app, from `s` until it is done, over the same sweep's
   training alone (core.sweep_engine with its measures, as `wdtui sweep` trains it). Target ≤ 1.15.
3. Memory: the peak RSS of the app's process and of its trainer after a session that trains,
   compares and sweeps (each in a fresh interpreter), beside `import torch` alone's.

    python benchmarks/bench_trainer.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

from wdtui.core.pace import INSTANT
from wdtui.core.presets import preset_config
from wdtui.ui.app import WdtuiApp, create_app
from wdtui.ui.session import RunState

from common import PYTHON
from bench_app import until, when

MOONS = preset_config("moons")

# A session in a fresh interpreter, then each process's peak RSS (VmHWM, kB) as JSON.
SESSION = """
import asyncio, json, os
from wdtui.core.pace import INSTANT
from wdtui.core.presets import preset_config
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState

def hwm(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM"):
            return int(line.split()[1])

async def main():
    app = create_app(preset_config("moons"), INSTANT)
    async with app.run_test(size=(120, 40)) as pilot:
        async def until(check):
            while not check():
                await pilot.pause(0.05)
        await until(lambda: app.session.state == RunState.READY)
        await pilot.press("2", "space")
        await until(lambda: app.session.state == RunState.FINISHED)
        await pilot.press("6")
        await until(lambda: app.twins is not None and app.twins.state == RunState.FINISHED)
        await pilot.press("7", "s")
        await until(lambda: app.sweep is not None and app.sweep.state == RunState.FINISHED)
        print(json.dumps({"app": hwm(os.getpid()), "trainer": hwm(app.trainer.pid)}))

asyncio.run(main())
"""
TORCH_RSS = "import torch, resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


async def in_app(job: str) -> float:
    """Wall seconds of the twins ("c") or the sweep ("s") in the app, from the key until done."""
    app = create_app(MOONS, INSTANT)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(app, RunState.READY)
        await pilot.press("6" if job == "c" else "7")
        if job == "c":  # entering Compare trains the twins: a first pair warms the trainer up
            await _done(app, "twins")
        start = time.perf_counter()
        await pilot.press(job)
        await _done(app, "twins" if job == "c" else "sweep")
        return time.perf_counter() - start


async def _done(app: WdtuiApp, job: str) -> None:
    """Wait for the twins or the sweep to end."""
    await when(app, lambda: (state := getattr(app, job)) is not None and state.state != RunState.TRAINING)


def twins_alone() -> float:
    from wdtui.core.engine import train

    start = time.perf_counter()
    for config in (MOONS.replace(weight_decay=0.0), MOONS):
        for _ in train(config):
            pass
    return time.perf_counter() - start


def sweep_alone() -> float:
    from wdtui.core.lambda_grid import weight_decay_grid
    from wdtui.core.sweep_engine import Sweep

    start = time.perf_counter()
    for _ in Sweep(MOONS, weight_decay_grid(MOONS.optimizer, lr=MOONS.lr), measure=True).run():
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    twins_alone()  # warm-up: torch's first calls are slow
    for name, key, alone, target in (("Compare (moons twins)", "c", twins_alone, 1.2),
                                     ("Sweep (moons)", "s", sweep_alone, 1.15)):
        inside, by_itself = [], []
        for _ in range(args.repeats):
            inside.append(asyncio.run(in_app(key)))
            by_itself.append(alone())
        a, b = statistics.median(inside), statistics.median(by_itself)
        print(f"{name}: in the app {a:.2f} s, alone {b:.2f} s (medians of {args.repeats}); "
              f"ratio {a / b:.3f}  (target ≤ {target})")
    done = subprocess.run([PYTHON, "-c", SESSION], capture_output=True, text=True, check=True)
    peak = json.loads(done.stdout.strip().splitlines()[-1])
    torch_kb = int(subprocess.run([PYTHON, "-c", TORCH_RSS], capture_output=True, text=True, check=True).stdout)
    print(f"peak RSS after a moons run, its twins and a sweep: app {peak['app'] / 1024:.0f} MB, trainer "
          f"{peak['trainer'] / 1024:.0f} MB, together {(peak['app'] + peak['trainer']) / 1024:.0f} MB "
          f"(import torch alone: {torch_kb / 1024:.0f} MB)")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        os.environ["WDTUI_DATA_DIR"] = folder  # the app records its runs, as for a user: here, in a folder of its own
        main()
