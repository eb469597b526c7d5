"""Mode 3 in the real app: a row through the 4 layers of the latest model, rows picked by keys."""

from __future__ import annotations

from textual.widgets import Static

from wdtui.core.config import RunConfig
from wdtui.core.engine import Engine
from wdtui.core.probe import predict_row
from wdtui.present.prediction import layer_text, result_text
from wdtui.ui.app import create_app
from wdtui.ui.screens.inspect import InspectScreen
from wdtui.ui.session import RunState
from wdtui.ui.widgets.layers import LayerPanel

from app_helpers import SIZE, text_of, trained, wait_for


def flat(text: str) -> str:
    return " ".join(text.split())


def assert_shows(screen: InspectScreen, p) -> None:
    """Every layer panel shows its layer's numbers, as the shared formatter writes them."""
    panels = list(screen.query(LayerPanel))
    assert len(panels) == len(p.layers)
    for number, (panel, layer) in enumerate(zip(panels, p.layers), start=1):
        assert panel.border_title == f"Layer {number} · {layer.name}" and panel.border_subtitle == layer.shape
        assert flat(layer_text(p, layer)) in flat(text_of(panel))
    assert flat(result_text(p)) in flat(text_of(screen.query_one("#inspect-result", Static)))


async def traced(pilot, row: int) -> None:
    """Wait until Inspect shows `row`: a row other than the run's own is traced by the trainer."""
    for _ in range(200):
        shown = pilot.app.screen._shown
        if shown is not None and shown.row == row:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"row {row} was never shown")


async def test_four_layers_of_the_trained_model_for_the_default_row():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await trained(pilot)
        screen, p = app.screen, app.session.prediction
        assert isinstance(screen, InspectScreen)
        assert [layer.name for layer in p.layers] == ["Input", "Hidden (ReLU)", "Output (Linear)", "Softmax"]
        assert_shows(screen, p)
        hidden = screen.query(LayerPanel)[1]
        assert f"{p.layers[1].extra['active']} of 32 units active" in flat(text_of(hidden))
        softmax = flat(text_of(screen.query(LayerPanel)[3]))
        assert "p_k = e^(z_k −" in softmax and f"{p.probabilities[0]:.4f}" in softmax
        assert f"after epoch {len(app.session.epochs)}" in text_of(screen.query_one("#inspect-note", Static))


async def test_arrows_step_through_validation_rows_and_g_goes_to_any_row():
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await wait_for(pilot, RunState.READY)
        screen, s = app.screen, app.session
        untrained = Engine(RunConfig())  # the model the app's view is of: the same config, untrained
        val = s.view.validation_rows
        assert s.prediction.row == val[0]
        await pilot.press("down", "down")
        assert screen.row == val[2]
        await traced(pilot, val[2])
        assert_shows(screen, predict_row(untrained.model, untrained.data, val[2]))
        await pilot.press("up")
        assert screen.row == val[1]

        training_row = next(r for r in range(10) if r not in val)
        await pilot.press("g", *str(training_row), "enter")
        assert screen.row == training_row and not screen.query_one("#row-input").has_focus
        await traced(pilot, training_row)
        p = predict_row(untrained.model, untrained.data, training_row)
        assert p.split == "training"
        assert_shows(screen, p)

        await pilot.press("g", *"5000", "enter")  # no such row: said, and nothing changes
        assert screen.row == training_row
        assert any("5000" in n.title for n in app._notifications)
        await pilot.press("escape", "down")
        assert screen.row == min(r for r in val if r > training_row)


async def test_two_hidden_layers_give_five_layers():
    app = create_app(RunConfig(hidden=(16, 8)))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("3")
        await wait_for(pilot, RunState.READY)
        await pilot.pause()
        names = [panel.border_title for panel in app.screen.query(LayerPanel)]
        assert names == ["Layer 1 · Input", "Layer 2 · Hidden 1 (ReLU)", "Layer 3 · Hidden 2 (ReLU)",
                         "Layer 4 · Output (Linear)", "Layer 5 · Softmax"]
