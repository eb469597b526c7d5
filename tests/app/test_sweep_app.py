"""Mode 7 in the real app: the sweep it shows is the one core.sweep_engine computes, and its best λ
reaches the Train mode the way typing it into the λ field would."""

from __future__ import annotations

from textual.widgets import DataTable, Input, Static

from wdtui.core.config import RunConfig
from wdtui.core.lambda_grid import weight_decay_grid
from wdtui.core.records import SweepResult
from wdtui.core.sweep_engine import sweep
from wdtui.present.columns import point_cells
from wdtui.ui.app import create_app
from wdtui.ui.screens.sweep import SweepScreen
from wdtui.ui.widgets.boundary import BoundaryStrip
from wdtui.ui.session import RunState

from app_helpers import ready_in, settled, SIZE, text_of, wait_for

CONFIG = RunConfig(seed=0)  # 5 epochs: the best λ is 0.0464, not 0


def expected_result(config: RunConfig) -> SweepResult:
    """The sweep worked out here, apart from the app: the optimizer's default grid, every
    boundary measured (the app's table shows their lengths and smoothness numbers)."""
    *_, result = sweep(config, weight_decay_grid(config.optimizer, lr=config.lr), measure=True)
    return result


def shown(screen, selector: str) -> str:
    return " ".join(text_of(screen.query_one(selector, Static)).split())


def notes(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def swept(pilot, timeout: float = 60.0) -> SweepScreen:
    """Press 7 and s, then wait for the sweep's result."""
    await pilot.press("7", "s")
    screen = pilot.app.screen
    assert isinstance(screen, SweepScreen)
    waited = 0.0
    while pilot.app.sweep.result is None:
        state = pilot.app.sweep.state
        assert waited < timeout and state == RunState.TRAINING, f"the sweep ended without a result: {state}"
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()
    return screen


def table_rows(table: DataTable) -> list[list[str]]:
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def test_the_table_and_best_lambda_are_the_core_sweep():
    expected = expected_result(CONFIG)
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("7")
        assert "17 values of λ" in shown(app.screen, "#sweep-about")
        assert "Press s to start the sweep" in shown(app.screen, "#sweep-about")
        assert not app.screen.query_one("#sweep-table").display
        screen = await swept(pilot)
        assert app.sweep.result == expected  # the same numbers, exactly: same operations, same order
        table = screen.query_one(DataTable)
        assert table_rows(table) == [[str(c) for c in point_cells(p, p is expected.best)] for p in expected.points]
        best = expected.best
        assert table.cursor_row == expected.points.index(best)
        assert table_rows(table)[table.cursor_row][-1] == "★ best"
        verdict = shown(screen, "#sweep-verdict")
        assert f"Best λ = {best.weight_decay:g}: validation loss {best.val_loss:.4f}" in verdict
        assert f"{expected.improvement:.1%} below λ = 0's {expected.baseline.val_loss:.4f}" in verdict
        assert shown(screen, "#sweep-epochs") == f"epoch {CONFIG.epochs} of {CONFIG.epochs} · done"
        # The U-curve drawn again at another size, from the same data (plotext's log scale
        # once took the log of a log here, and the app ended).
        await pilot.resize_terminal(SIZE[0] + 10, SIZE[1] + 2)
        await pilot.pause()
        assert "best λ" in screen.query_one("#sweep-chart").plt.build()


async def test_the_strip_holds_as_many_pictures_as_its_width_after_any_resize():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        screen = await swept(pilot)
        strip = screen.query_one(BoundaryStrip)

        def tiles() -> int:
            return sum(1 for tile in strip.query(".tile") if tile.display)

        for width in (SIZE[0], 80, 160, SIZE[0]):
            await pilot.resize_terminal(width, SIZE[1])
            for _ in range(20):
                await pilot.pause(0.05)
                if tiles() == min(strip.fits, len(app.sweep.points)):
                    break
            assert tiles() == min(strip.fits, len(app.sweep.points)) == min(strip.size.width // 13, 12), width


async def test_apply_best_before_training_rebuilds_the_run_with_it():
    best = expected_result(CONFIG).best.weight_decay
    assert best != CONFIG.weight_decay
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await swept(pilot)
        await pilot.press("a")
        assert app.session.config == CONFIG.replace(weight_decay=best)
        assert f"Best λ applied: λ = {best:g} is now the λ of 2 Train; a new model was built" in notes(app)[-1]
        await wait_for(pilot, RunState.READY)
        await pilot.press("2")
        assert app.screen.query_one("#cfg-weight_decay", Input).value == f"{best:g}"
        assert f"λ {best:g}" in shown(app.screen, "#config-now")
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED)
        assert {e.weight_decay for e in app.session.epochs} == {best}


async def test_apply_best_mid_run_takes_effect_from_the_next_epoch():
    best = expected_result(CONFIG).best.weight_decay
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("n")  # one epoch at the configured λ, then pause
        await wait_for(pilot, RunState.PAUSED)
        session = app.session
        await swept(pilot)
        await pilot.press("a")
        assert app.session is session and session.target.weight_decay == best
        assert session.config.weight_decay == CONFIG.weight_decay  # in force from the next epoch
        assert "the run takes it on from epoch 2" in notes(app)[-1]
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED)
        assert [e.weight_decay for e in session.epochs] == [CONFIG.weight_decay] + [best] * (CONFIG.epochs - 1)


async def test_a_sweep_of_other_settings_is_not_applied():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        screen = await swept(pilot)
        app.apply_config(CONFIG.replace(lr=0.05))  # what the Train controls do
        await pilot.pause()
        assert "The settings changed since this sweep ran" in shown(screen, "#sweep-about")
        await pilot.press("a")
        assert app.session.config.weight_decay == CONFIG.weight_decay
        assert notes(app)[-1].startswith("Not applied: The settings changed since this sweep ran")


async def test_apply_before_a_sweep_says_what_to_do():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7", "a")
        assert notes(app)[-1] == "No best λ to apply: No sweep yet: press s to run one."


async def test_apply_best_from_the_command_palette():
    best = expected_result(CONFIG).best.weight_decay
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await swept(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"apply best")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.config.weight_decay == best


async def test_s_stops_a_long_sweep_and_says_at_which_epoch():
    config = RunConfig(seed=0, epochs=2000)
    app = create_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7", "s")
        screen = app.screen
        while not app.sweep.points:  # the first progress record: some epochs are done
            await pilot.pause(0.05)
        await pilot.press("s")
        while app.sweep.state != RunState.STOPPED:
            await pilot.pause(0.05)
        await pilot.pause()
        assert app.sweep.result is None
        epoch = int(shown(screen, "#sweep-epochs").split()[1])
        assert 1 <= epoch < config.epochs
        assert shown(screen, "#sweep-epochs") == f"epoch {epoch} of {config.epochs} · stopped"
        assert shown(screen, "#sweep-verdict") == "Stopped: press s to sweep again."
        assert "Sweep: Sweep stopped." in notes(app)


async def test_a_sweep_that_cannot_run_says_why(tmp_path):
    app = create_app(RunConfig(data=str(tmp_path / "missing.csv"), target="y"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("7", "s")
        screen = app.screen
        while app.sweep.state != RunState.FAILED:
            await pilot.pause(0.05)
        await pilot.pause()
        severity, title, message = [(n.severity, n.title, n.message) for n in app._notifications][-1]
        assert (severity, title) == ("error", "The sweep cannot run") and "missing.csv" in message
        assert shown(screen, "#sweep-verdict") == "Failed: press s to sweep again."


def test_snapshot_before_a_sweep(snap_compare):
    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=ready_in("7"))


def test_snapshot_after_a_sweep(snap_compare):
    async def run(pilot):
        await wait_for(pilot, RunState.READY)
        await swept(pilot)
        await settled(pilot)  # the strip of pictures repaints with the table

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=run)
