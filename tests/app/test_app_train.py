"""Mode 2 in the real app: the table and chart fill from the records, bad settings are refused
inline, λ changes apply from the next epoch and are marked, other changes wait for r."""

from __future__ import annotations

import pytest
from textual.widgets import Input, ProgressBar, Select, Static, Switch

from wdtui.commands.trace import epoch_table
from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.screens.train import TrainScreen
from wdtui.ui.session import RunState
from wdtui.ui.widgets.epoch_table import EpochTable
from wdtui.ui.widgets.loss_chart import LossChart

from app_helpers import SIZE, text_of, trained, wait_for


async def type_into(pilot, field: str, text: str) -> None:
    """Go to a settings field (which selects its text), type over it and press enter."""
    pilot.app.screen.query_one(f"#cfg-{field}", Input).focus()
    await pilot.pause()
    await pilot.press(*text, "enter")
    await pilot.pause()


def shown(screen, selector: str) -> str:
    """A Static's text with its line breaks made spaces (messages wrap in the narrow form)."""
    return " ".join(text_of(screen.query_one(selector, Static)).split())


async def test_a_run_fills_the_table_chart_progress_and_status_from_the_records():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await trained(pilot)
        screen, epochs = app.screen, app.session.all_epochs
        assert isinstance(screen, TrainScreen) and len(app.session.epochs) == 5 and epochs[0].epoch == 0
        table = screen.query_one(EpochTable)
        assert table.row_count == 6  # epoch 0, the model before any step, then 5 epochs
        for i, e in enumerate(epochs):
            assert [str(c) for c in table.get_row_at(i)] == [
                str(e.epoch), f"{e.train_loss:.4f}", f"{e.train_acc:.1%}", f"{e.val_loss:.4f}",
                f"{e.val_acc:.1%}", f"{e.penalty:.5f}", f"{e.weight_norm:.3f}", e.observation]
        # The same columns as `wdtui trace` prints, in the same order.
        cli = [str(c.header) for c in epoch_table(epochs).columns]
        assert [str(c.label) for c in table.columns.values()] == cli
        assert cli == ["Epoch", "Loss ↓", "Accuracy ↑", "Val loss", "Val acc", "Penalty", "‖θ‖", "Observation"]
        assert screen.query_one(LossChart)._shown is epochs[-1]
        bar = screen.query_one(ProgressBar)
        assert bar.progress == bar.total == 5
        assert text_of(screen.query_one("#run-state", Static)).startswith("epoch 5 of 5 · finished")
        steps = app.session.setup.steps_per_epoch
        assert f"{steps / epochs[-1].seconds:,.0f} steps/s" in text_of(screen.query_one("#timing", Static))


@pytest.mark.parametrize("field, text, says", [
    ("weight_decay", "abc", "weight decay (λ) must be a number, not 'abc'"),
    ("weight_decay", "-1", "weight decay (λ) must be ≥ 0"),
    ("lr", "0", "learning rate must be > 0"),
    ("epochs", "0", "epochs must be a whole number ≥ 1"),
    ("epochs", "2.5", "epochs must be a whole number, not '2.5'"),
    ("batch_size", "-3", "batch size must be a whole number ≥ 1"),
    ("hidden", "64,x", "hidden sizes must be whole numbers"),
    ("hidden", "0", "hidden sizes must be positive whole numbers"),
    ("hidden", "100000,100000", "wdtui builds networks of at most 5,000,000"),
    ("seed", "99999999999999999999", "seed must be at most 9,223,372,036,854,775,807"),
    ("seed", "one", "seed must be a whole number, not 'one'"),
])
async def test_bad_settings_are_refused_inline_and_nothing_changes(field, text, says):
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        before, run = app.session.config, app.run_id
        await type_into(pilot, field, text)
        screen = app.screen
        assert says in shown(screen, "#config-error")
        box = screen.query_one(f"#cfg-{field}", Input)
        assert box.has_class("-refused") and box.value == text  # what was typed stays, to fix
        assert app.session.config == before and app.run_id == run and app.session.state == RunState.READY
        await pilot.press("tab", "escape", "space")  # leaving the field applies nothing either
        await wait_for(pilot, RunState.FINISHED)
        assert app.session.config == before and len(app.session.epochs) == before.epochs


async def test_settings_before_training_rebuild_the_run_at_once():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        await type_into(pilot, "hidden", "16,8")
        await wait_for(pilot, RunState.READY)
        assert app.session.config.hidden == (16, 8)
        assert app.session.setup.architecture == "10 → 16 (ReLU) → 8 (ReLU) → 2"
        app.screen.query_one("#cfg-optimizer", Select).value = "adamw"
        app.screen.query_one("#cfg-decay_bias", Switch).value = True
        await pilot.pause()
        await wait_for(pilot, RunState.READY)
        assert app.session.config.optimizer == "adamw" and app.session.config.decay_bias
        assert [g.weight_decay for g in app.session.setup.param_groups] == [app.session.config.weight_decay]
        assert "AdamW · β 0.9, 0.999 · γ 0.02" in shown(app.screen, "#config-now")


async def test_lambda_changed_between_epochs_applies_to_the_next_and_is_marked():
    app = create_app(RunConfig(epochs=3))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        app.screen.query_one(EpochTable).focus()
        await pilot.press("n")
        await wait_for(pilot, RunState.PAUSED)
        await type_into(pilot, "weight_decay", "0.05")
        s = app.session
        assert s.target.weight_decay == 0.05 and s.config.weight_decay == 0.001 and s.pending is None
        assert "From epoch 2: weight decay 0.05" in shown(app.screen, "#config-pending")  # not in force yet
        await pilot.press("escape", "n")
        await wait_for(pilot, RunState.PAUSED)
        await pilot.pause()
        first, second = app.session.epochs
        assert (first.weight_decay, second.weight_decay) == (0.001, 0.05)
        assert app.session.lambda_changes == {2} and app.session.config.weight_decay == 0.05
        assert app.session.requested is None and shown(app.screen, "#config-pending") == ""
        assert second.penalty == pytest.approx(0.5 * 0.05 * second.weight_norm ** 2)
        table = app.screen.query_one(EpochTable)
        assert str(table.get_row_at(2)[0]) == "2 λ→0.05" and str(table.get_row_at(1)[0]) == "1"


async def test_after_training_other_settings_wait_for_r():
    app = create_app(RunConfig(epochs=2))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await trained(pilot)
        await type_into(pilot, "lr", "0.05")
        assert app.session.config.lr == 0.02 and app.session.pending.lr == 0.05
        assert "After r: lr 0.05" in shown(app.screen, "#config-pending")
        assert len(app.session.epochs) == 2  # nothing lost
        await type_into(pilot, "epochs", "3")  # more epochs: the run can go on
        assert app.session.target.epochs == 3 and app.session.state == RunState.PAUSED
        await pilot.press("escape", "r")
        await wait_for(pilot, RunState.READY)
        assert app.session.config.lr == 0.05 and app.session.config.epochs == 3
        assert app.session.epochs == [] and app.session.pending is None
        assert app.screen.query_one(EpochTable).row_count == 1  # the new model's epoch 0


async def test_a_refusal_stands_while_tabbing_and_gives_way_to_the_next_valid_change():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("2")
        await wait_for(pilot, RunState.READY)
        await type_into(pilot, "weight_decay", "abc")
        await pilot.press("tab", "tab")  # leave λ, pass over the learning rate unchanged
        screen = app.screen
        box = screen.query_one("#cfg-weight_decay", Input)
        assert box.value == "abc" and box.has_class("-refused")
        assert "not 'abc'" in shown(screen, "#config-error")
        await type_into(pilot, "lr", "0.05")
        await wait_for(pilot, RunState.READY)
        assert app.session.config.lr == 0.05 and app.session.config.weight_decay == 0.001
        assert box.value == "0.001" and not box.has_class("-refused") and shown(screen, "#config-error") == ""
