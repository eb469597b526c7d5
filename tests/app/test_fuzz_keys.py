"""Key fuzzing: random sequences of the app's keys, while training runs, never break it.

The keys are every binding of the app and of every mode screen (read from their BINDINGS,
so a new key is fuzzed without editing this file), plus the keys a user types into the
Train settings and the row and folder fields. Quit keys are left out: they end the app.
"""

from __future__ import annotations

import asyncio

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdtui.core.config import RunConfig
from wdtui.ui.app import WdtuiApp, create_app
from wdtui.ui.modes import MODE_LIST

QUIT = {"q", "ctrl+c"}
TYPED = ["0", "1", "5", "9", "minus", "full_stop", "comma", "e", "x", "backspace", "tab", "shift+tab",
         "enter", "escape", "up", "down", "left", "right", "home", "end"]


def _keys() -> list[str]:
    bindings = list(WdtuiApp.BINDINGS)
    for mode in MODE_LIST:
        bindings += vars(mode.screen).get("BINDINGS", [])
    keys = {key.strip() for b in bindings for key in b.key.split(",")}
    return sorted((keys | set(TYPED)) - QUIT)


KEYS = _keys()


async def _drive(keys: list[str]) -> None:
    app = create_app(RunConfig(epochs=3, rows=300))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("enter", "space")  # leave the welcome, start training
        for key in keys:
            await pilot.press(key)
        await pilot.pause()
        # Still answering: a mode switch lands, and the session is intact.
        await pilot.press("escape", "escape", "1")
        await pilot.pause()
        assert app.current_mode == "pipeline"
        assert app.session.config.epochs >= 1
    assert app._exception is None


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(KEYS), min_size=5, max_size=40))
def test_random_keys_never_break_the_app(keys):
    asyncio.run(_drive(keys))  # `s` and `e` in Code mode write under WDTUI_DATA_DIR (conftest)


def test_every_binding_is_fuzzed():
    assert {"1", "9", "space", "n", "r", "question_mark", "a", "d", "s", "l"} <= set(KEYS)
    assert not QUIT & set(KEYS)
