"""Snapshots of the welcome, the help and modes 1–3 on the seed-0 data (same seed, same numbers).

The only values that differ between two runs of one seed are timings (steps/s, seconds):
they live in `#timing` alone, which the Train snapshots hide.
"""

from __future__ import annotations

from textual.widgets import Input

from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState

from app_helpers import SIZE, trained, wait_for


def snap(snap_compare, run_before, config: RunConfig | None = None) -> bool:
    return snap_compare(create_app(config or RunConfig(seed=0)), terminal_size=SIZE, run_before=run_before)


async def hide_timing(pilot) -> None:
    pilot.app.screen.query_one("#timing").display = False
    await pilot.pause()


def test_snapshot_welcome(snap_compare):
    async def ready(pilot):
        await wait_for(pilot, RunState.READY)

    assert snap(snap_compare, ready)


def test_snapshot_help(snap_compare):
    async def ready(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("1", "question_mark")

    assert snap(snap_compare, ready)


def test_snapshot_pipeline_untrained(snap_compare):
    async def ready(pilot):
        await pilot.press("1")
        await wait_for(pilot, RunState.READY)

    assert snap(snap_compare, ready)


def test_snapshot_pipeline_trained_metrics(snap_compare):
    async def run(pilot):
        await pilot.press("1")
        await trained(pilot)
        await pilot.press("down", "right")

    assert snap(snap_compare, run)


def test_snapshot_train_after_a_run(snap_compare):
    async def run(pilot):
        await pilot.press("2")
        await trained(pilot)
        await hide_timing(pilot)

    assert snap(snap_compare, run)


def test_snapshot_train_refuses_a_negative_lambda(snap_compare):
    async def refused(pilot):
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        await pilot.press("s", *"-0.5", "enter")
        pilot.app.screen.query_one(Input).cursor_blink = False

    assert snap(snap_compare, refused)


def test_snapshot_inspect_after_a_run(snap_compare):
    async def run(pilot):
        await pilot.press("3")
        await trained(pilot)
        await pilot.press("down")

    assert snap(snap_compare, run)
