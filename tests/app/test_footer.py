"""The footer rebuilds its keys when they change, and only then: Textual's rebuilt every key
twice on every mode switch, which made a key pressed while training wait up to a second and a
half (benchmarks/bench_app.py measures the latency; this checks the rebuilds it came from)."""

from __future__ import annotations

from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState
from wdtui.ui.widgets.footer import ModeFooter

from app_helpers import SIZE, wait_for


def keys_shown(app) -> list[str]:
    return [str(key.description or key.key) for key in app.screen.query_one(ModeFooter).query("FooterKey")]


async def test_coming_back_to_a_mode_keeps_its_keys_and_new_keys_are_shown(data_dir, monkeypatch):
    rebuilt: list[str] = []
    recompose = ModeFooter.recompose

    async def counted(self):
        rebuilt.append(type(self.screen).__name__)
        return await recompose(self)

    monkeypatch.setattr(ModeFooter, "recompose", counted)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2", "3", "2", "3")  # each mode's first visit builds its footer
        for _ in range(50):  # until those builds are done (a loaded machine is slow to get there)
            rebuilt.clear()
            await pilot.pause(0.2)
            if not rebuilt:
                break
        train_keys = None
        for key in "23232323":
            await pilot.press(key)
            await pilot.pause()
            if key == "2":
                assert train_keys in (None, keys_shown(app))
                train_keys = keys_shown(app)
        assert rebuilt == [] and "Run/pause" in train_keys
        # The lesson's second step asks for a prediction (a–d) in Train: the keys change there,
        # and its footer follows.
        await pilot.press("0")
        await pilot.pause(0.2)
        assert not any("Predict" in k for k in keys_shown(app))
        await pilot.press("]")
        await pilot.pause(0.2)
        assert type(app.screen).__name__ == "TrainScreen" and "TrainScreen" in rebuilt
        assert any("Predict" in k for k in keys_shown(app))
