"""Mode 1 in the real app: six stage cards with one real row's values, and each stage's detail."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.screens.pipeline import PipelineScreen
from wdtui.ui.session import RunState
from wdtui.ui.widgets.stages import StageCard, StageDetail

from app_helpers import SIZE, text_of, trained, wait_for

NAMES = ["Data in", "Preprocessing", "Feature Engineering", "Model Trains", "Metrics", "Prediction"]


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces made single spaces (cards wrap lines)."""
    return " ".join(text.split())


def detail(screen: PipelineScreen) -> str:
    switcher = screen.query_one(StageDetail)
    return flat(text_of(switcher.query_one(f"#{switcher.current}-body", Static)))


async def test_cards_show_every_stage_with_shapes_and_the_example_row_before_training():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await wait_for(pilot, RunState.READY)
        cards = list(app.screen.query(StageCard))
        stages = app.session.stages
        assert [s.name for s in stages] == NAMES
        for card, stage in zip(cards, stages):
            assert card.border_title == f"{stages.index(stage) + 1} {stage.name}"
            shown = flat(text_of(card))
            assert flat(f"{stage.input_shape} → {stage.output_shape}") in shown
            assert flat(stage.example) in shown and flat(stage.description) in shown
        row = app.session.prediction.row
        assert f"row {row} (validation)" in flat(text_of(cards[0]))
        assert "untrained model" in flat(text_of(app.screen.query_one("#pipeline-intro", Static)))


async def test_arrows_select_a_stage_and_its_detail_holds_the_setup_numbers():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await wait_for(pilot, RunState.READY)
        screen, setup = app.screen, app.session.setup
        assert isinstance(screen, PipelineScreen)

        head = screen.query_one("#detail-data", DataTable)  # Data in: the first raw rows
        assert head.row_count == len(setup.head)
        assert [str(c) for c in head.get_row_at(1)[1:]] == [f"{v:g}" for v in setup.head[1]] + [setup.head_labels[1]]

        await pilot.press("right")  # Preprocessing: mean, std, raw and normalized row
        assert screen.selected == 1 and screen.query(StageCard)[1].has_focus
        text = detail(screen)
        first = app.session.prediction.layers[0]
        for j, name in enumerate(setup.feature_names):
            assert (f"{name} {setup.mean[j]:.3f} {setup.std[j]:.3f} {first.extra['raw'][j]:.3f} "
                    f"{first.values[j]:+.3f}") in text

        await pilot.press("down")  # Model Trains, below: architecture, count, param groups
        assert screen.selected == 4
        await pilot.press("left", "left", "right")
        assert screen.selected == 3
        text = detail(screen)
        assert setup.architecture in text and f"{setup.parameter_count} parameters" in text
        for group in setup.param_groups:
            assert f"{', '.join(group.names)} {group.weight_decay:g} {group.size}" in text

        await pilot.press("enter")  # the detail full screen: arrows browse it; esc comes back
        assert screen.maximized is screen.query_one(StageDetail) and screen.selected == 3
        await pilot.press("right")
        assert screen.selected == 4 and screen.query_one(StageDetail).current == "detail-metrics"
        await pilot.press("escape")
        assert screen.maximized is None and screen.query(StageCard)[4].has_focus


async def test_lambda_changed_mid_run_is_the_model_stages_lambda_in_its_sentence_and_its_groups():
    config = RunConfig(seed=0, epochs=2, weight_decay=0.001)
    app = create_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("n")  # one epoch at λ = 0.001, then pause
        await wait_for(pilot, RunState.PAUSED)
        app.apply_config(config.replace(weight_decay=0.01))  # what the Train controls do
        await pilot.press("space")  # the second epoch runs with the new λ
        await wait_for(pilot, RunState.FINISHED)
        await pilot.press("1", "down")  # Pipeline, then Model Trains
        screen, setup = app.screen, app.session.setup
        assert screen.selected == 3
        text = detail(screen)
        assert "λ = 0.01;" in text
        decayed, biases = setup.param_groups
        assert f"{', '.join(decayed.names)} 0.01 {decayed.size}" in text
        assert f"{', '.join(biases.names)} 0 {biases.size}" in text


async def test_after_training_the_stages_show_the_trained_model_and_latest_metrics():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("1")
        await trained(pilot)
        screen, last = app.screen, app.session.epochs[-1]
        assert f"after epoch {last.epoch}" in flat(text_of(screen.query_one("#pipeline-intro", Static)))
        for card, stage in zip(screen.query(StageCard), app.session.stages):
            assert flat(stage.example) in flat(text_of(card))
        assert f"after epoch {last.epoch}" in app.session.stages[4].description

        await pilot.press("down", "right")  # Metrics
        text = detail(screen)
        assert f"train {last.train_loss:.4f} {last.train_acc:.1%}" in text
        assert f"validation {last.val_loss:.4f} {last.val_acc:.1%}" in text
        assert f"penalty (λ/2)‖θ‖² = {last.penalty:.5f}" in text

        await pilot.press("right")  # Prediction: the latest probabilities
        p = app.session.prediction
        text = detail(screen)
        for name, prob in zip(p.class_names, p.probabilities):
            assert f"{name} {prob:.4f}" in text
