"""Faults in the app: a diverging run and terminals of every size (too small ones say so).

Divergence (lr = 50 on the default data diverges in epoch 2) must stop training, say why
and what to do, keep the last good epochs in the table and chart, and leave the app working.
"""

from __future__ import annotations

import pytest
from textual.widgets import Static

from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.screens.too_small import TooSmallScreen, too_small
from wdtui.ui.session import RunState
from wdtui.ui.widgets.epoch_table import EpochTable
from wdtui.ui.widgets.loss_chart import LossChart

from app_helpers import SIZE, text_of, wait_for


async def test_divergence_stops_explains_and_keeps_the_good_epochs():
    app = create_app(RunConfig(lr=50.0, epochs=5))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        await pilot.press("space")
        await wait_for(pilot, RunState.DIVERGED)
        await pilot.pause(1.2)  # the table and chart follow at most once a second
        s, screen = app.session, app.screen
        assert (s.diverged.epoch, s.diverged.step) == (2, 8)
        assert len(s.epochs) == 1
        status = " ".join(text_of(screen.query_one("#run-state", Static)).split())
        assert "training diverged at epoch 2, step 8" in status and "lower learning rate than 50" in status
        assert screen.query_one(EpochTable).row_count == 2  # epoch 0 and epoch 1
        assert screen.query_one(LossChart)._shown is s.epochs[0]
        await pilot.press("space")  # refused with a reason, nothing breaks
        assert app.session.state == RunState.DIVERGED
        await pilot.press("3")  # the app keeps working: other modes, and a new run
        assert app.current_mode == "inspect"
        await pilot.press("r")
        await wait_for(pilot, RunState.READY)
        assert app.session.diverged is None and app.session.epochs == []


@pytest.mark.parametrize("size", [(40, 12), (80, 24), (200, 60)])
async def test_every_mode_renders_at_small_and_large_sizes(size):
    app = create_app(RunConfig(epochs=2, rows=200))
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("enter", "space")
        for key in "123456789":
            await pilot.press(key)
            await pilot.pause()
        assert app._exception is None
        if too_small(app.size):  # it says so, with the sizes, instead of drawing garbage
            assert isinstance(app.screen, TooSmallScreen)
            assert f"this one is {size[0]} × {size[1]}" in text_of(app.screen.query_one("#too-small", Static))
        else:
            assert app.current_mode == "code" and not isinstance(app.screen, TooSmallScreen)


async def test_growing_the_terminal_brings_the_modes_back():
    app = create_app(RunConfig(epochs=2, rows=200))
    async with app.run_test(size=(40, 12)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TooSmallScreen)
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert not isinstance(app.screen, TooSmallScreen)
        await pilot.press("enter")
        assert app.current_mode == "pipeline"
