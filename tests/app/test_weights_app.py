"""Mode 8 in the real app: the anatomy shown is the one core.anatomy makes from the state the
worker copied, its parts add up to the weight's real change, the keys pick the weight, and
the λ = 0 twin's histograms appear beside the run's once Compare has one."""

from __future__ import annotations

from textual.widgets import Static
from textual_plotext import PlotextPlot

from wdtui.core.anatomy import anatomy
from wdtui.core.config import RunConfig
from wdtui.ui.app import create_app
from wdtui.ui.screens.weights import WeightsScreen
from wdtui.ui.session import RunState

from app_helpers import SIZE, text_of, trained, wait_for
from decay_reference import torch_decay
from test_compare_app import compared

CONFIG = RunConfig(seed=0, epochs=3, lr=0.05, weight_decay=0.05)


def shown(app, selector: str) -> str:
    return " ".join(text_of(app.screen.query_one(selector, Static)).split())


def drawn(app) -> list:
    """The weights the histograms were drawn from, as the very objects (a list compared by identity)."""
    return [Same(w) for w in app.screen._histograms]


class Same:
    def __init__(self, thing) -> None:
        self.thing = thing

    def __eq__(self, other) -> bool:
        return self.thing is (other.thing if isinstance(other, Same) else other)


def _expected(app, layer: str, index: tuple[int, int]):
    s = app.session
    return anatomy(s.last_update, layer, index, after=s.view.weights)


async def test_before_training_it_says_when_the_anatomy_appears():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("8")
        assert isinstance(app.screen, WeightsScreen)
        assert "untrained (press space to train)" in shown(app, "#weights-about")
        assert "appears after the first epoch" in shown(app, "#weights-anatomy")
        assert len(app.screen.query(".weights-histogram")) == 2  # the untrained model's layers
        await pilot.press("right", "l")  # nothing to move yet: no error
        app.session.state = RunState.TRAINING  # space pressed, no epoch back yet (at pace instant, for half a second)
        app.screen.refresh_view()
        assert "Your run as it trains:" in shown(app, "#weights-about")


async def test_the_anatomy_is_the_real_update_and_the_keys_pick_the_weight():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("8")
        u = app.session.last_update
        assert (u.epoch, u.step) == (3, 3 * app.session.setup.steps_per_epoch)
        a = _expected(app, "hidden1", (0, 0))
        text = shown(app, "#weights-anatomy")
        assert f"Step {a.step} (the last of epoch 3), SGD: hidden1.weight[0, 0] of 32×10" in text
        for value in (a.gradient_part, a.decay_part, a.momentum_part, a.change):
            assert f"{value:+.9f}" in text
        assert f"−0.05 × 0.05 × {a.theta:+.4g}" in text and "× 0.997500" in text  # 1 − γλ, this step's own
        long_run = torch_decay(0.05, 0.05, CONFIG.momentum, 1).long_run  # torch's SGD, decay alone, far along
        assert "Direct decay factor" in text and "Long-run factor" in text and f"× {long_run:.6f}" in text
        assert abs(a.change - (a.after - a.theta)) < 1e-6 and f"{a.after:+.9f}" in text and f"{a.theta:+.9f}" in text

        await pilot.press("right", "right", "down")
        assert "hidden1.weight[1, 2]" in shown(app, "#weights-anatomy")
        assert f"{_expected(app, 'hidden1', (1, 2)).change:+.9f}" in shown(app, "#weights-anatomy")
        await pilot.press("l")  # output is 2×32: the row stays, the column stays
        assert "output.weight[1, 2] of 2×32" in shown(app, "#weights-anatomy")
        await pilot.press("down", "left", "left", "left")  # rows wrap 1 → 0, columns 2 → 31
        text = shown(app, "#weights-anatomy")
        assert "output.weight[0, 31]" in text and f"{_expected(app, 'output', (0, 31)).change:+.9f}" in text
        await pilot.press("L")
        assert "hidden1.weight[0, 9]" in shown(app, "#weights-anatomy")  # column clamped to 10 inputs


async def test_adam_shows_the_decay_through_the_scaling_and_adamw_around_it():
    for optimizer, route in (("adam", "through the scaling"), ("adamw", "around the adaptive scaling")):
        app = create_app(CONFIG.replace(optimizer=optimizer, lr=0.01))
        async with app.run_test(size=SIZE) as pilot:
            await trained(pilot)
            await pilot.press("8")
            a = _expected(app, "hidden1", (0, 0))
            text = shown(app, "#weights-anatomy")
            assert f"{a.scale:.6g}" in text and f"{a.decay_part:+.9f}" in text and route in text
            ratio, factor = f"{a.scale / a.lr:.3g}", f"{1 / a.denominator:.3g}"
            if optimizer == "adam":
                assert f"× {a.effective_shrink:.6f}" in text and a.effective_shrink != a.shrink
                assert f"this step's own decay part is {ratio} × the nominal γλθ" in text
                assert f"γλ/D = {factor} × γλ" in text and f"× {1 - a.lr * a.weight_decay / a.denominator:.6f}" in text
            else:
                assert f"× {a.shrink:.6f}" in text and f"own decay part would be {ratio} × as large" in text
                assert f"in the long run about 1/D = {factor} × γλ" in text


async def test_norms_and_the_twins_histograms_beside_the_runs():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("8")
        assert "Press 6 (Compare) to train a λ = 0 twin" in shown(app, "#weights-about")
        await pilot.press("6")
        await compared(pilot)
        await pilot.press("8")  # the run is untrained: no epoch of the twin to set beside it yet
        assert "its histograms join these once your run has an epoch" in shown(app, "#weights-about")
        assert drawn(app) == [app.session.view.weights]
        norms = app.screen.query_one("#weights-norms", PlotextPlot)  # "drawn dotted in the ‖W‖ chart": it is
        assert [[e.layer_norms["hidden1"] for e in app.twins.zero]] == [list(y) for y in norms.plt.monitor.y][:1]
        await pilot.press("n")  # one epoch: the twin's first epoch joins it
        await wait_for(pilot, RunState.PAUSED)
        assert "the λ = 0 twin from 6 Compare at epoch 1" in shown(app, "#weights-about")
        assert drawn(app) == [app.session.view.weights, app.twins.zero_weights[0]]
        first, first_update = app.session.view, app.session.last_update
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED)
        assert "the λ = 0 twin from 6 Compare at epoch 3" in shown(app, "#weights-about")
        # At pace instant the view comes every half second, so while training it may stand an
        # epoch or more behind the records: the twin stands at the view's epoch, not the records'.
        latest = app.session.view, app.session.last_update
        app.session.view, app.session.last_update = first, first_update  # they come together
        app.screen.refresh_view()
        assert "Your run after epoch 3" in shown(app, "#weights-about")  # as the ‖W‖ chart counts
        lagging = "The histograms and the update below are of epoch 1, the latest copy taken."
        assert lagging in shown(app, "#weights-about")
        assert "the λ = 0 twin from 6 Compare at epoch 1" in shown(app, "#weights-about")
        assert drawn(app) == [first.weights, app.twins.zero_weights[0]]
        assert "(the last of epoch 1)" in shown(app, "#weights-anatomy")
        legend = {str(label) for plot in app.screen.query(".weights-histogram") for label in plot.plt.monitor.label}
        assert {"λ = 0.05 (epoch 1)", "λ = 0 twin (epoch 1)"} <= legend  # each line names its epoch
        app.session.view, app.session.last_update = latest
        app.screen.refresh_view()
        assert "the latest copy taken" not in shown(app, "#weights-about")  # said only while the copy lags
        hists = app.screen.query(".weights-histogram")
        assert len(hists) == 2
        assert drawn(app) == [app.session.view.weights, app.twins.zero_weights[2]]
        norms = app.screen.query_one("#weights-norms", PlotextPlot)
        # two layers, the run's and the twin's line each: the norms the records hold (plotext
        # keeps each line's y values in its figure's monitor)
        ys = [list(y) for y in norms.plt.monitor.y]
        for layer in ("hidden1", "output"):
            assert [e.layer_norms[layer] for e in app.session.epochs] in ys
            assert [e.layer_norms[layer] for e in app.twins.zero] in ys
        await pilot.press("r")
        await wait_for(pilot, RunState.READY)
        assert "is stale (the run was reset (r) since they trained)" in shown(app, "#weights-about")


def test_snapshot_sgd_with_a_twin(snap_compare):
    async def run(pilot):
        await trained(pilot)
        await pilot.press("6")
        await compared(pilot)
        await pilot.press("8", "right", "down")

    assert snap_compare(create_app(CONFIG), terminal_size=SIZE, run_before=run)


def test_snapshot_adam(snap_compare):
    async def run(pilot):
        await trained(pilot)
        await pilot.press("8", "l")

    assert snap_compare(create_app(CONFIG.replace(optimizer="adam", lr=0.01)), terminal_size=SIZE, run_before=run)
