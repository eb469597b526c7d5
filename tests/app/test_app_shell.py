"""The app shell: no torch at import, welcome → mode 1, mode keys, help, palette, quitting mid-run."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from textual.binding import Binding
from textual.command import CommandPalette

import wdtui.core.engine
from wdtui.core.config import RunConfig
from wdtui.core.observe import RULES
from wdtui.ui.app import WdtuiApp, create_app
from wdtui.ui.commands import WdtuiCommands
from wdtui.ui.modes import MODE_LIST
from wdtui.ui.screens.help import HelpScreen
from wdtui.ui.screens.pipeline import PipelineScreen
from wdtui.ui.screens.welcome import WelcomeScreen
from wdtui.ui.session import Job, RunState

from app_helpers import SIZE, text_of, wait_for

# 40 000 training rows at batch 4: epochs of 10 000 steps, seconds long, to stop inside one.
LONG_EPOCHS = RunConfig(rows=50_000, batch_size=4, epochs=50)
# 6 400 training rows at batch 4: epochs of 1 600 steps, long enough to pause in, short enough
# for two `n`s to each run one to its end; more epochs than a pause can come too late for.
SHORT_EPOCHS = RunConfig(rows=8_000, batch_size=4, epochs=50)


async def test_welcome_explains_and_enter_lands_on_mode_1():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, WelcomeScreen)
        text = text_of(app.screen.query_one("#welcome-what")) + text_of(app.screen.query_one("#welcome-keys"))
        assert "(λ/2)·‖θ‖²" in text and "(1 − γλ)" in text
        for mode in MODE_LIST:
            assert mode.title in text
        await pilot.press("enter")  # the lesson, whose first step is the Pipeline
        assert isinstance(app.screen, PipelineScreen)
        assert app.current_mode == "pipeline" and app.lesson_open and app.step.id == "pipeline"


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
        assert " ".join(RULES.split()) in shown  # the Observation's rules, as the code applies them
        await pilot.press("2")
        assert app.current_mode == "train" and not isinstance(app.screen, HelpScreen)
        await pilot.press("1")
        assert isinstance(app.screen, PipelineScreen)  # the help did not stay behind in mode 1


async def test_palette_offers_every_mode_and_action_and_runs_them():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
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
    app = create_app(SHORT_EPOCHS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("space")
        assert app.session.state == RunState.TRAINING
        while app.session.last_step is None and not app.session.epochs:
            await pilot.pause(0.02)
        await pilot.press("space")
        assert app.session.state == RunState.PAUSED
        per_epoch = app.session.setup.steps_per_epoch
        await pilot.pause(0.2)
        where = (len(app.session.epochs), app.session.last_step)
        await pilot.pause(0.3)  # a training worker posts a step record every 0.05 s
        assert (len(app.session.epochs), app.session.last_step) == where  # halted, mid-epoch or at an epoch end
        done = len(app.session.epochs)
        for _ in range(2):
            await pilot.press("n")
            await wait_for(pilot, RunState.PAUSED)
            done += 1
            assert len(app.session.epochs) == done and app.session.epochs[-1].global_step == done * per_epoch


def threads_in_the_engine() -> int:
    """How many threads are running the engine's code right now."""
    engine = str(Path(wdtui.core.engine.__file__))
    return sum(any(f.f_code.co_filename == engine for f in _stack(frame)) for frame in sys._current_frames().values())


def _stack(frame):
    while frame is not None:
        yield frame
        frame = frame.f_back


async def test_q_quits_at_once_mid_epoch_and_the_worker_stops():
    app = create_app(LONG_EPOCHS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("space")
        while app.session.last_step is None:
            await pilot.pause(0.02)
        worker = app.workers_of[Job.RUN]
        assert threads_in_the_engine() == 1
        await pilot.press("q")
    assert not app.is_running and worker.is_cancelled
    time.sleep(0.3)
    assert threads_in_the_engine() == 0  # the thread saw the cancel event and stopped training
