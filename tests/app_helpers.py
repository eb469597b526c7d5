"""Shared by the pilot tests of the real app: its size, waiting for its run to reach a state,
a snapshot's "run built, mode opened" start, and reading what a Static shows as plain text."""

from __future__ import annotations

import io

from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static

from wdtui.ui.session import RunState

SIZE = (120, 40)


async def wait_for(pilot: Pilot, state: RunState, timeout: float = 60.0) -> None:
    """Let the app run until its session reaches `state` (the worker trains on its own thread)."""
    waited = 0.0
    while pilot.app.session.state != state:
        assert waited < timeout, f"the run stayed {pilot.app.session.state!r}, never {state!r}"
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()


def ready_in(key: str):
    """A `snap_compare` run_before: the run built (untrained), then mode `key` opened."""

    async def run_before(pilot: Pilot) -> None:
        await wait_for(pilot, RunState.READY)
        await pilot.press(key)

    return run_before


async def trained(pilot: Pilot) -> None:
    """Build the run, train it to the end, and let the screens redraw."""
    await wait_for(pilot, RunState.READY)
    await pilot.press("space")
    await wait_for(pilot, RunState.FINISHED)


def text_of(widget: Static) -> str:
    """What the Static shows, as plain text at the width it is laid out at."""
    console = Console(width=widget.content_size.width or SIZE[0], file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def settled(pilot: Pilot, tries: int = 25) -> None:
    """Let the screen settle: a job's last messages repaint tables, charts and pictures, and a
    loaded machine may take a few frames to show them all. Done when two screenshots 0.2 s
    apart are the same (or after `tries` of them)."""
    shown = None
    for _ in range(tries):
        await pilot.pause(0.2)
        now = pilot.app.export_screenshot()
        if now == shown:
            return
        shown = now
