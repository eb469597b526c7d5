"""A whole session in the real app with its real trainer process, run as a script in a fresh
interpreter (tests/app/test_trainer_process.py): it trains, pauses, steps, changes λ mid-run,
runs Compare and Sweep, and visits Inspect, Weights, Code and Runs; then prints, as JSON,
whether torch was ever imported into the app's process and whether libtorch is mapped into it."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from wdtui.core.config import RunConfig
from wdtui.core.pace import INSTANT
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState


async def until(pilot, ready, timeout: float = 120.0) -> None:
    for _ in range(int(timeout / 0.05)):
        if ready():
            return
        await pilot.pause(0.05)
    raise AssertionError("the session never got there")


async def session() -> dict:
    app = create_app(RunConfig(rows=400, epochs=6, seed=1), INSTANT)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: app.session.state == RunState.READY)
        trainer = app.trainer.pid
        await pilot.press("2", "full_stop")  # one step
        await until(pilot, lambda: app.session.state == RunState.PAUSED)
        await pilot.press("n")  # one epoch
        await until(pilot, lambda: app.session.state == RunState.PAUSED and app.session.epochs)
        app.apply_config(app.session.target.replace(weight_decay=0.02))  # λ from the next epoch
        await pilot.press("space")
        await until(pilot, lambda: app.session.state == RunState.FINISHED)
        await pilot.press("3", "down", "down")
        await pilot.pause(0.3)
        await pilot.press("6", "c")
        await until(pilot, lambda: app.twins is not None and app.twins.state == RunState.FINISHED)
        await pilot.press("7", "s")
        await until(pilot, lambda: app.sweep is not None and app.sweep.state == RunState.FINISHED)
        await pilot.press("8", "l", "down")
        await pilot.press("9")
        await pilot.press("h")
        await pilot.pause(0.5)
        done = {
            "trainer": trainer,
            "lambda": app.session.config.weight_decay,
            "epochs": len(app.session.epochs),
            "twins": len(app.twins.decayed),
            "sweep": len(app.sweep.points),
            "traced": [p.row for p in app.session.traces.values() if p is not None],
        }
    with open(f"/proc/{os.getpid()}/maps") as maps:
        done["libtorch_mapped"] = "libtorch" in maps.read()
    done["torch_imported"] = "torch" in sys.modules
    return done


if __name__ == "__main__":
    print(json.dumps(asyncio.run(session())))
