"""The app's three performance targets, each printed as a ratio or a percentile.

1. Time to first frame (headless) over `python -c "import torch"`: the app must not wait
   for torch (the worker imports it after the first frame). Target ≤ 0.5.
2. Key-press latency while training runs at pace instant, switching between Train (its
   decision boundary redrawn as the run's Watch sends it) and Inspect: a mode key posted to
   the app as the terminal driver posts it, timed until its action starts. Target p99 ≤ 50 ms.
3. Training throughput inside the app (Train screen on display, redrawing, the boundary with
   it; pace instant) over `train()` alone, same config, alternating in one process, one torch
   thread for both (the trainer trains with one). Target ≥ 0.9. Also for the moons preset,
   whose 300 epochs of 8 steps make every epoch's cost in the app count. Timed as the issue
   measured it, "after a first run in Train": the app's next three runs (r, then space), in a
   trainer whose first run has opened the store and warmed its threads, as the alone side is
   warmed by a first train(). The first runs' ratio is printed too.

    python benchmarks/bench_app.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import time
from collections.abc import Callable

from textual import events

from common import IMPORT_TORCH, PYTHON, time_commands
from wdtui.core.config import RunConfig
from wdtui.core.pace import INSTANT
from wdtui.core.presets import preset_config
from wdtui.ui.app import WdtuiApp, create_app
from wdtui.ui.session import RunState

# Starts the app headless and leaves at once when its first frame has been composed.
FIRST_FRAME = """
import os
from wdtui.ui.app import create_app

async def first_frame(pilot):
    pilot.app.call_after_refresh(os._exit, 0)

create_app().run(headless=True, auto_pilot=first_frame)
"""

# Long enough (about two seconds of training alone) that the few milliseconds the UI takes
# to see the last message are noise, short enough to repeat.
RUN = RunConfig(rows=20_000, epochs=40)
MOONS = preset_config("moons")


async def when(app: WdtuiApp, condition: Callable[[], bool]) -> None:
    """Wait until `condition()` holds, checked each time run_version moves (polling every 50 ms
    added 25 ms to each time on average, and took the app's thread many times a second)."""
    reached = asyncio.Event()

    def check() -> None:
        if condition():
            reached.set()

    app.watch(app, "run_version", check)
    await reached.wait()


async def until(app: WdtuiApp, state: RunState) -> None:
    """Wait for the session to reach `state`."""
    await when(app, lambda: app.session.state == state)


async def key_latencies(presses: int) -> list[float]:
    """Seconds from posting a mode key to its action starting, while a long run trains."""
    app = create_app(RunConfig(rows=50_000, batch_size=16, epochs=1000), INSTANT)
    started: list[float] = []
    switch = app.action_switch_mode

    def timed_switch(mode: str) -> None:
        started.append(time.perf_counter())
        switch(mode)

    app.action_switch_mode = timed_switch  # type: ignore[method-assign]
    latencies = []
    async with app.run_test(size=(120, 40)) as pilot:
        await until(app, RunState.READY)
        await pilot.press("2", "space")
        before = len(started)
        for i in range(presses):
            await asyncio.sleep(0.15)  # a fast typist: each press finds the last one handled
            key = "3" if i % 2 else "2"
            sent = time.perf_counter()
            app.post_message(events.Key(key, key))
            while len(started) == before + i:
                await asyncio.sleep(0)
            latencies.append(started[-1] - sent)
        assert app.session.running, "the run must still be training while keys are measured"
    return latencies


async def app_run(config: RunConfig, warm: int = 3) -> tuple[float, list[float]]:
    """Wall seconds from space to the last epoch, on the Train screen, at pace instant: of the
    app's first run, then of `warm` more in the same trainer (r, then space, each)."""
    app = create_app(config, INSTANT)
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        for _ in range(1 + warm):
            await until(app, RunState.READY)
            start = time.perf_counter()
            app.action_toggle_run()
            await until(app, RunState.FINISHED)
            times.append(time.perf_counter() - start)
            await pilot.press("r")
    return times[0], times[1:]


def train_alone(config: RunConfig) -> float:
    from wdtui.core.engine import train  # on one torch thread, as the app trains (core/threads.py)

    start = time.perf_counter()
    for _ in train(config):
        pass
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--presses", type=int, default=200)
    args = parser.parse_args()

    t = time_commands({"app": [PYTHON, "-c", FIRST_FRAME], "torch": IMPORT_TORCH}, args.repeats)
    print(f"first frame      {t['app'] * 1000:7.0f} ms   (median of {args.repeats}, headless)")
    print(f"import torch     {t['torch'] * 1000:7.0f} ms")
    print(f"ratio first frame/torch = {t['app'] / t['torch']:.3f}  (target ≤ 0.5)")

    lat = sorted(asyncio.run(key_latencies(args.presses)))
    p50, p99 = lat[len(lat) // 2] * 1000, lat[min(len(lat) - 1, int(len(lat) * 0.99))] * 1000
    print(f"key latency while training: p50 {p50:.1f} ms, p99 {p99:.1f} ms, max {lat[-1] * 1000:.1f} ms "
          f"over {len(lat)} presses  (target p99 ≤ 50 ms)")

    for name, config in (("", RUN), (" (moons preset)", MOONS)):
        train_alone(config)  # warm-up: torch's first calls are slow
        firsts, inside, alone = [], [], []
        for _ in range(args.repeats):
            first, warm = asyncio.run(app_run(config))
            firsts.append(first)
            inside += warm
            alone += [train_alone(config) for _ in warm]
        f, a, b = statistics.median(firsts), statistics.median(inside), statistics.median(alone)
        print(f"training in the app{name} {a:.2f} s (its first run {f:.2f} s), train() alone {b:.2f} s  "
              f"(medians of {len(inside)}, "
              f"{args.repeats} apps)")
        print(f"ratio throughput app/alone{name} = {b / a:.3f}  (target ≥ 0.9; the first run {b / f:.3f})")


if __name__ == "__main__":
    import os
    import tempfile

    subprocess.run([PYTHON, "-c", "import torch"], check=True)  # warm the file cache for both
    # The app records every run it trains, as it does for a user; into a folder of its own
    # here, so a benchmark never adds its runs to the user's.
    with tempfile.TemporaryDirectory() as folder:
        os.environ["WDTUI_DATA_DIR"] = folder
        main()
