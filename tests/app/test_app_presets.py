"""Presets in the app: picked in the Train form or the command palette, they start over."""

from __future__ import annotations

from textual.widgets import Select

from wdtui.core.config import RunConfig
from wdtui.core.presets import preset_config
from wdtui.ui.app import create_app

from app_helpers import SIZE, wait_for
from wdtui.ui.session import RunState


async def test_the_train_form_offers_the_presets_and_picking_one_starts_over():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        select = app.screen.query_one("#cfg-preset", Select)
        assert select.value == "seed"
        run = app.run_id
        select.value = "overfit"
        await pilot.pause()
        await wait_for(pilot, RunState.READY)
        assert app.run_id == run + 1
        assert app.session.config == preset_config("overfit")
        assert app.session.setup.n_rows == 250 and app.session.setup.architecture == "20 → 256 (ReLU) → 2"


async def test_the_palette_has_a_command_per_preset():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Preset: overfit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_for(pilot, RunState.READY)
        assert app.session.config.preset == "overfit" and app.session.config.hidden == (256,)
