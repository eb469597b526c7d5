"""How long each run the lesson starts takes, at the app's default pace, as a learner waits for it.

The app is driven headless as a learner drives it (the real trainer process, the default pace,
a fresh data folder): each step's prediction, then the step's run key, timed until the step
is concluded. The target is at most 5 s for every run on two cores; the first step's time
includes the trainer's start (its `import torch`), which the line beside it gives.

    python benchmarks/bench_lesson.py
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import tempfile
import time

from common import IMPORT_TORCH
from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState

# Each step that starts a run: the prediction the learner picks and the key that runs it.
PLAN = {"train": ("b", "space"), "small-lambda": ("a", "c"), "overfit": ("b", "space"), "lambda-helps": ("c", "c"),
        "boundary": ("c", "c"), "sweep": ("c", "s"), "update": ("a", "n"), "optimizer": ("b", "n")}
TARGET = 5.0


async def walk() -> list[tuple[str, float]]:
    """The lesson from the welcome to the quiz, each run's seconds from its key to its outcome."""
    app = create_app(RunConfig())
    times = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter")
        for step in app.lesson.steps:
            if step.id == "quiz":
                break
            while step.setup is not None and app.session.state != RunState.READY:
                await pilot.pause(0.05)
            if step.id in PLAN:
                prediction, key = PLAN[step.id]
                await pilot.press(prediction)
                start = time.perf_counter()
                await pilot.press(key)
                if step.id == "sweep":
                    while app.sweep is None or app.sweep.result is None:
                        await pilot.pause(0.02)
                    times.append((step.id, time.perf_counter() - start))
                    await pilot.press("a")  # the step ends on its best λ applied
                while step.id not in app.progress.outcomes:
                    await pilot.pause(0.02)
                if step.id != "sweep":
                    times.append((step.id, time.perf_counter() - start))
            else:
                await pilot.pause(0.5)
            await pilot.press("right_square_bracket")
    return times


def main() -> None:
    start = time.perf_counter()
    subprocess.run(IMPORT_TORCH, check=True)
    torch_import = time.perf_counter() - start
    print(f"import torch: {torch_import:.2f} s (the first run waits for the trainer's)")
    for step, seconds in asyncio.run(walk()):
        mark = "" if seconds <= TARGET else f"  ✗ over {TARGET:g} s"
        print(f"{step:14} {seconds:6.2f} s{mark}")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as folder:
        os.environ["WDTUI_DATA_DIR"] = folder  # lesson.json and the runs, in a folder of their own
        main()
