"""Mode 6 in the real app: the twins train on entering, the table and the verdict show their
records' own numbers, λ = 0 is refused with a way out, and a reset or new settings mark the
comparison stale."""

from __future__ import annotations

import dataclasses
import tempfile
from pathlib import Path

from textual.widgets import DataTable, Static

from wdtui.core.compare import verdict
from wdtui.core.config import RunConfig
from wdtui.core.records import Diverged, StepRecord
from wdtui.present.verdicts import smoothness_line, twins_verdict
from wdtui.ui.app import create_app
from wdtui.ui.jobs.twins_state import TwinsState
from wdtui.trainer.events import TwinRecord
from wdtui.ui.screens.compare import CompareScreen
from wdtui.ui.session import RunState

from app_helpers import SIZE, settled, text_of, trained, wait_for
from helpers import epoch_record as _epoch

CONFIG = RunConfig(seed=0, epochs=3, lr=0.05, weight_decay=0.05)


def shown(app, selector: str) -> str:
    return " ".join(text_of(app.screen.query_one(selector, Static)).split())


async def compared(pilot, timeout: float = 60.0) -> None:
    """Let the twins train to the end and the screens redraw."""
    waited = 0.0
    while pilot.app.twins is None or pilot.app.twins.state == RunState.TRAINING:
        assert waited < timeout, "the twins never finished"
        await pilot.pause(0.05)
        waited += 0.05
    await pilot.pause()


def _numbers(e) -> dict:
    return {k: v for k, v in dataclasses.asdict(e).items() if k != "seconds"}


async def test_entering_starts_the_twins_and_the_table_is_their_records():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("6")
        assert isinstance(app.screen, CompareScreen) and app.twins is not None
        await compared(pilot)
        c = app.twins
        assert c.state == RunState.FINISHED and len(c.zero) == len(c.decayed) == 3
        assert [e.weight_decay for e in c.zero] == [0.0] * 3 and [e.weight_decay for e in c.decayed] == [0.05] * 3
        # The λ twin is the run itself: same config, same seed, same numbers.
        assert [_numbers(e) for e in c.decayed] == [_numbers(e) for e in app.session.epochs]
        table = app.screen.query_one(DataTable)
        assert [str(col.label) for col in table.columns.values()] == [
            "Epoch", "Val loss\nλ = 0", "Val loss\nλ = 0.05", "Gap\nλ = 0", "Gap\nλ = 0.05", "‖θ‖\nλ = 0", "‖θ‖\nλ = 0.05"]
        for i, (a, b) in enumerate(zip(c.zero, c.decayed)):
            assert table.get_row_at(i) == [str(i + 1), f"{a.val_loss:.4f}", f"{b.val_loss:.4f}",
                                           f"{a.val_loss - a.train_loss:+.4f}", f"{b.val_loss - b.train_loss:+.4f}",
                                           f"{a.weight_norm:.3f}", f"{b.weight_norm:.3f}"]
        a, b = c.zero[-1], c.decayed[-1]
        assert b.weight_norm < a.weight_norm
        said = shown(app, "#compare-verdict")
        smooth = smoothness_line(c.views[0].gradient_norm, c.views[1].gradient_norm, 0.05)
        assert said == f"{twins_verdict(verdict(c.zero, c.decayed))} {smooth}"
        assert "0.05 twin learned the smoother function" in smooth  # decay made it smoother here
        change = (b.val_loss - a.val_loss) / a.val_loss
        assert f"val loss {b.val_loss:.4f} with λ = 0.05 vs {a.val_loss:.4f} at λ = 0 ({change:+.1%})" in said
        assert f"gap {b.gap:.4f} vs {a.gap:.4f}" in said and said.startswith(
            {"decayed": "λ = 0.05 generalizes better", "zero": "λ = 0 generalizes better",
             "tie": "No real difference"}[verdict(c.zero, c.decayed).winner])
        assert "done: 3 and 3 of 3 epochs" in shown(app, "#compare-state")
        assert "Stale" not in shown(app, "#compare-about")


async def test_lambda_zero_needs_decay_and_names_the_overfit_preset():
    app = create_app(RunConfig(seed=0, epochs=2, weight_decay=0.0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("6")
        about = shown(app, "#compare-about")
        assert "needs λ > 0" in about and "wdtui --preset overfit" in about
        await pilot.press("c")
        assert app.twins is None and not app.screen.query_one("#compare-progress-row").display


async def test_a_reset_or_new_settings_make_it_stale_and_c_compares_again():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("6")
        await compared(pilot)
        first = app.twins
        await pilot.press("r")
        await wait_for(pilot, RunState.READY)
        assert "Stale: the run was reset (r) since they trained" in shown(app, "#compare-about")
        assert app.twins is first  # kept, and still shown, until c
        assert app.screen.query_one(DataTable).row_count == 3
        await pilot.press("c")
        await compared(pilot)
        assert app.twins.number == 2 and "Stale" not in shown(app, "#compare-about")
        app.apply_config(app.session.config.replace(epochs=4))  # what the Train controls do
        await pilot.pause()
        assert "Stale: the settings changed since they trained (epochs)" in shown(app, "#compare-about")
        app.apply_config(app.session.config.replace(weight_decay=0.0))
        await pilot.pause()
        about = shown(app, "#compare-about")
        assert "(epochs, weight decay)" in about and "needs λ > 0" in about


async def test_c_restarts_and_the_old_twins_messages_are_dropped():
    app = create_app(CONFIG.replace(epochs=4))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6")
        await pilot.press("c", "c")
        await compared(pilot)
        c = app.twins
        assert c.number == 3 and c.state == RunState.FINISHED
        assert [e.epoch for e in c.zero] == [1, 2, 3, 4] == [e.epoch for e in c.decayed]
        assert len(c.zero_weights) == 4 and c.views[0].epoch == c.views[1].epoch == 4  # each twin's last view


async def test_the_twins_train_on_while_another_mode_is_shown():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("6", "2")
        await compared(pilot)
        assert app.twins.state == RunState.FINISHED and len(app.twins.decayed) == 3
        await pilot.press("6")
        assert app.screen.query_one(DataTable).row_count == 3
        assert shown(app, "#compare-verdict").startswith(twins_verdict(verdict(app.twins.zero, app.twins.decayed)))


async def test_twins_that_cannot_be_built_say_why():
    # Brackets: shown as typed, not read as markup. A short path: the status line is one line.
    missing = Path(tempfile.gettempdir()) / "[x]-not-there" / "missing.csv"
    assert not missing.exists()
    app = create_app(RunConfig(data=str(missing), target="y"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.FAILED)
        await pilot.press("6")
        assert app.twins is None
        assert f"The run could not be built ({missing}: no such file)" in shown(app, "#compare-about")
        await pilot.press("c")  # the twins are built from the same settings: they fail alike
        await compared(pilot)
        assert app.twins.state == RunState.FAILED and app.twins.error == f"{missing}: no such file"
        assert shown(app, "#compare-state") == f"failed: {missing}: no such file"


async def test_the_table_grows_row_by_row_keeps_its_cursor_and_redoes_only_rows_still_waiting():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("6")
        await compared(pilot)  # the real twins; then made-up ones stand in, a record at a time
        c = app.twins = TwinsState(app.twins.number + 1, CONFIG, app.run_id)
        screen, table = app.screen, app.screen.query_one(DataTable)

        def rows():
            screen.refresh_view()
            return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]

        c.add(TwinRecord(0, _epoch(1, 0.5, 0.61, 0.0)))
        assert rows() == [["1", "0.6100", "…", "+0.1100", "…", "1.000", "…"]]
        c.add(TwinRecord(1, _epoch(1, 0.5, 0.52, 0.05)))
        c.add(TwinRecord(0, _epoch(2, 0.4, 0.63, 0.0)))
        assert [r[:3] for r in rows()] == [["1", "0.6100", "0.5200"], ["2", "0.6300", "…"]]
        c.add(TwinRecord(1, _epoch(2, 0.4, 0.50, 0.05)))
        c.add(TwinRecord(0, _epoch(3, 0.3, 0.66, 0.0)))
        rows()
        table.move_cursor(row=1)  # the reader looks at epoch 2
        c.add(TwinRecord(1, Diverged(3, 4, 0.05)))
        assert [r[:3] for r in rows()] == [["1", "0.6100", "0.5200"], ["2", "0.6300", "0.5000"],
                                           ["3", "0.6600", "diverged"]]
        assert table.cursor_row == 1


def test_twins_state_takes_turns_counts_progress_and_knows_when_it_is_stale():
    c = TwinsState(1, CONFIG, run=7)
    epoch = _epoch(1, 0.5, 0.6, 0.0)
    assert (c.training_now, c.progress, c.zero_at(1)) == (0, 0.0, None)
    c.add(TwinRecord(0, StepRecord(1, 3, 12, 3, 0.7, 0.1)))
    assert c.progress == 0.25
    c.add(TwinRecord(0, epoch, None, "weights of epoch 1"))
    assert (c.training_now, c.progress, c.zero_at(1), c.zero_at(5)) == (1, 1.0, (1, "weights of epoch 1"),
                                                                        (1, "weights of epoch 1"))
    assert c.zero_at(0) is None  # an untrained run has no twin epoch to stand beside
    c.add(TwinRecord(1, Diverged(1, 4, 0.05)))
    assert c.training_now == 0 and c.decayed == [] and c.name(1) == "λ = 0.05"
    assert c.stale(CONFIG, 7) is None
    assert c.stale(CONFIG, 8) == "the run was reset (r) since they trained"
    assert c.stale(CONFIG.replace(lr=0.1, seed=2), 8) == "the settings changed since they trained (lr, seed)"


def test_snapshot_twins_done(snap_compare):
    async def run(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("6")
        await compared(pilot)
        await settled(pilot)  # the chart, the table and both pictures repaint together

    assert snap_compare(create_app(RunConfig(seed=0, epochs=8, lr=0.05, weight_decay=0.05)), terminal_size=SIZE,
                        run_before=run)


def test_snapshot_lambda_zero(snap_compare):
    async def run(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("6")

    assert snap_compare(create_app(RunConfig(seed=0, weight_decay=0.0)), terminal_size=SIZE, run_before=run)
