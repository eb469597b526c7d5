"""Mode 5 in the real app: before a run it says how to start one; after a run every number
it shows equals the one worked out here from the epoch records."""

from __future__ import annotations

from textual.widgets import Static

from wdtui.core.config import RunConfig
from wdtui.present.insight import CLAIM
from wdtui.ui.app import create_app
from wdtui.ui.screens.insight import InsightScreen

from wdtui.ui.session import RunState

from app_helpers import ready_in, SIZE, text_of, trained, wait_for
from decay_reference import torch_decay


def shown(app, selector: str) -> str:
    return " ".join(text_of(app.screen.query_one(selector, Static)).split())


async def test_before_a_run_it_says_so_and_names_the_key():
    app = create_app(RunConfig(seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("5")
        assert isinstance(app.screen, InsightScreen)
        assert " ".join(CLAIM.split()) in shown(app, "#insight-claim")
        status = shown(app, "#insight-status")
        assert "No run yet" in status and "press space to start it" in status
        assert not app.screen.query_one("#insight-norms").display
        await wait_for(pilot, RunState.READY)  # the settings alone already give the shrink factor
        numbers = shown(app, "#insight-numbers")
        reference = torch_decay(0.02, 0.001, 0.9, 65)  # what torch's SGD does with decay alone
        assert f"× {reference.long_run:.6f}" == "× 0.999800" and "× 0.999800" in numbers  # the long-run factor
        assert "Direct decay part" in numbers and "× 0.999980" in numbers  # 1 − γλ: one step's own
        assert f"{reference.half_life:,} steps" in numbers and "34,658 steps" in numbers  # with momentum; without
        assert "Penalty share" not in numbers


async def test_after_a_run_the_numbers_are_the_records_own():
    config = RunConfig(seed=0, epochs=3, lr=0.05, weight_decay=0.01)
    app = create_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("5")
        epochs, setup = app.session.all_epochs, app.session.setup
        last = epochs[-1]
        steps = 3 * setup.steps_per_epoch
        reference = torch_decay(last.lr, last.weight_decay, config.momentum, steps)  # torch's SGD, decay alone
        plain = torch_decay(last.lr, last.weight_decay, 0.0, steps)  # ≈ 1,386 without momentum
        half_life = reference.half_life
        share = last.penalty / (last.train_loss + last.penalty)
        numbers = shown(app, "#insight-numbers")
        assert f"× {reference.long_run:.6f}" in numbers and f"× {1 - last.lr * last.weight_decay:.6f}" in numbers
        assert f"{half_life:,} steps ≈ {half_life / setup.steps_per_epoch:,.1f} epochs" in numbers
        assert f"{plain.half_life:,} steps" in numbers
        assert f"{steps} steps, {steps / half_life:.1%} of a half-life" in numbers
        assert f"{100 * reference.left:.3g}%" in numbers  # what decay alone leaves over the run
        assert f"{last.penalty:.4f}" in numbers and f"{last.train_loss + last.penalty:.4f}" in numbers
        assert f"{share:.2%}" in numbers
        assert " → ".join(f"{e.weight_norm:.3f}" for e in epochs) in numbers  # from epoch 0
        assert f"{app.session.view.gradient_norm:.4f}" in numbers  # the smoothness of the latest model
        assert f"after epoch {last.epoch}: SGD · μ 0.9 · γ 0.05 · λ 0.01 · 3 epochs" in shown(app, "#insight-status")
        assert app.screen.query_one("#insight-norms").display
        assert "SGD ◀ your run" in shown(app, "#insight-optimizers")


async def test_adam_at_lambda_zero():
    app = create_app(RunConfig(seed=0, epochs=1, optimizer="adam", lr=0.01, weight_decay=0.0))
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("5")
        numbers = shown(app, "#insight-numbers")
        assert "λ = 0: nothing is decayed" in numbers and "never (λ = 0)" in numbers and "momentum" not in numbers
        assert "0.0000" in numbers and "0.00%" in numbers  # no penalty at λ = 0
        assert "Adam (coupled) ◀ your run" in shown(app, "#insight-optimizers")


async def test_adam_shows_its_per_weight_decay_measured_from_the_run():
    app = create_app(RunConfig(seed=0, epochs=2, optimizer="adam", lr=0.01, weight_decay=0.01))
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("5")
        numbers = shown(app, "#insight-numbers")
        adam = app.session.view.adam
        assert adam is not None and adam.step == 2 * app.session.setup.steps_per_epoch
        assert f"γλ × {adam.p5_factor:,.3g}–{adam.p95_factor:,.3g}" in numbers
        assert f"{adam.median_half_life:,.0f} steps" in numbers and "per weight" in numbers
        assert adam.p5_factor < adam.median_factor < adam.p95_factor


async def test_lambda_changed_mid_run_uses_the_latest():
    config = RunConfig(seed=0, epochs=2, weight_decay=0.001)
    app = create_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("5", "n")  # one epoch at λ = 0.001, then pause
        await wait_for(pilot, RunState.PAUSED)
        app.apply_config(config.replace(weight_decay=0.01))  # what the Train controls do
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED)
        assert [e.weight_decay for e in app.session.epochs] == [0.001, 0.01]
        status = shown(app, "#insight-status")
        assert "λ 0.01 ·" in status and "(λ changed during the run: the figures use the one in force)" in status
        numbers = shown(app, "#insight-numbers")
        long_run = torch_decay(0.02, 0.01, 0.9, 1).long_run  # the λ in force, with momentum
        assert "1 − 0.02 × 0.01" in numbers and "× 0.999800" in numbers and f"× {long_run:.6f}" in numbers


async def test_a_diverged_run_says_so_and_a_reset_starts_over():
    app = create_app(RunConfig(seed=0, epochs=3, lr=50.0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("5", "space")
        await wait_for(pilot, RunState.DIVERGED)
        status = shown(app, "#insight-status")
        assert "Your run after epoch 1" in status and "Diverged: training diverged at epoch 2" in status
        await pilot.press("r")
        await wait_for(pilot, RunState.READY)
        assert "No run yet" in shown(app, "#insight-status")
        assert not app.screen.query_one("#insight-norms").display


def test_snapshot_before_a_run(snap_compare):
    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=ready_in("5"))


def test_snapshot_after_a_run(snap_compare):
    async def run(pilot):
        await trained(pilot)
        await pilot.press("5")

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=run)
