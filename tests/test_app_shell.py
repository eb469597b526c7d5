"""The app shell: no torch at import, welcome → mode 1, mode keys, help, palette, quitting mid-run."""

from __future__ import annotations

import subprocess
import sys
import time

from textual.binding import Binding
from textual.command import CommandPalette

from wdtui.core.config import RunConfig
from wdtui.ui.app import WdtuiApp, create_app
from wdtui.ui.commands import WdtuiCommands
from wdtui.ui.modes import MODE_LIST
from wdtui.ui.screens.help import HelpScreen
from wdtui.ui.screens.pipeline import PipelineScreen
from wdtui.ui.screens.welcome import WelcomeScreen
from wdtui.ui.session import PAUSED, READY, TRAINING

from app_helpers import SIZE, text_of, wait_for

# 40 000 training rows at batch 4: epochs of 10 000 steps, seconds long, to stop inside one.
LONG_EPOCHS = RunConfig(rows=50_000, batch_size=4, epochs=50)


def test_importing_the_app_does_not_import_torch():
    code = "import sys, wdtui.ui.app; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


async def test_welcome_explains_and_enter_lands_on_mode_1():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        text = text_of(app.screen.query_one("#welcome-what")) + text_of(app.screen.query_one("#welcome-keys"))
        assert "(λ/2)·‖θ‖²" in text and "(1 − γλ)" in text
        for mode in MODE_LIST:
            assert mode.title in text
        await pilot.press("enter")
        assert isinstance(app.screen, PipelineScreen)
        assert app.current_mode == "pipeline"


async def test_every_mode_key_opens_its_screen_and_a_key_without_a_mode_does_nothing():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        for mode in MODE_LIST:
            await pilot.press(mode.key)
            assert app.current_mode == mode.name
            assert isinstance(app.screen, mode.screen)  # type: ignore[arg-type]
        for key in sorted(set("123456789") - {m.key for m in MODE_LIST}):
            await pilot.press(key)
            assert app.current_mode == MODE_LIST[-1].name and app.is_running


async def test_help_lists_every_key_and_a_mode_key_closes_it():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        shown = " ".join(" ".join(text_of(s) for s in app.screen.query("Static")).split())
        for binding in WdtuiApp.BINDINGS:
            assert isinstance(binding, Binding) and " ".join(binding.tooltip.split()) in shown
        for mode in MODE_LIST:
            for binding in vars(mode.screen).get("BINDINGS", []):
                if not binding.action.startswith("app."):
                    assert " ".join(binding.tooltip.split()) in shown, binding
        await pilot.press("2")
        assert app.current_mode == "train" and not isinstance(app.screen, HelpScreen)
        await pilot.press("1")
        assert isinstance(app.screen, PipelineScreen)  # the help did not stay behind in mode 1


async def test_palette_offers_every_mode_and_action_and_runs_them():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, READY)
        provider = WdtuiCommands(app.screen)
        names = [hit.text async for hit in provider.discover()]
        for mode in MODE_LIST:
            assert f"Mode {mode.key}: {mode.title}" in names
        for action in ("Run/pause", "One epoch", "Reset", "Help", "Quit"):
            assert action in names
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"inspect")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "inspect"


async def test_space_pauses_where_it_is_and_n_runs_to_the_next_epoch_end():
    app = create_app(LONG_EPOCHS.replace(epochs=5))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, READY)
        await pilot.press("space")
        assert app.session.state == TRAINING
        while app.session.last_step is None and not app.session.epochs:
            await pilot.pause(0.02)
        await pilot.press("space")
        assert app.session.state == PAUSED
        trainer, per_epoch = app.session.trainer, app.session.setup.steps_per_epoch
        await pilot.pause(0.2)
        steps = trainer.global_step
        await pilot.pause(0.3)
        assert trainer.global_step == steps  # halted, mid-epoch (or at an epoch end)
        done = len(app.session.epochs)
        for _ in range(2):
            await pilot.press("n")
            await wait_for(pilot, PAUSED)
            done += 1
            assert len(app.session.epochs) == done and trainer.global_step == done * per_epoch


async def test_q_quits_at_once_mid_epoch_and_the_worker_stops():
    app = create_app(LONG_EPOCHS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, READY)
        await pilot.press("space")
        while app.session.last_step is None:
            await pilot.pause(0.02)
        trainer, worker = app.session.trainer, app.worker
        await pilot.press("q")
    assert not app.is_running and worker is not None and worker.is_cancelled
    steps = trainer.global_step
    time.sleep(0.3)
    assert trainer.global_step == steps  # the thread saw the cancel event and stopped training
    assert trainer.epoch < 50
