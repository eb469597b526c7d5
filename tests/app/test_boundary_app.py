"""The decision boundary in the real app: Train draws the run's own, live and where it stops;
the pace and one step; the plane keys; and snapshots of Train, Compare and Sweep on moons."""

from __future__ import annotations


from textual.widgets import Select, Static

from wdtui.core.boundary import default_plane
from wdtui.core.config import RunConfig
from wdtui.core.engine import Engine
from wdtui.core.pace import AUTO, INSTANT, PACES
from wdtui.core.presets import preset_config
from wdtui.present.boundary import measures, taken_at
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState
from wdtui.ui.widgets.boundary import BoundaryPicture, BoundaryStrip
from wdtui.ui.widgets.epoch_table import EpochTable

from app_helpers import SIZE, settled, text_of, trained, wait_for

MOONS = preset_config("moons", epochs=40)  # the preset, shorter: the same network and data


def words(app) -> str:
    return " ".join(text_of(app.screen.query_one("#boundary-words", Static)).split())


async def test_train_draws_the_runs_own_boundary_where_it_ends():
    app = create_app(MOONS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2")
        untrained = app.session.boundary
        assert untrained is not None and app.session.look.global_step == 0 and app.session.untrained is untrained
        assert "the untrained model" in words(app)
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED)
        await pilot.pause(0.3)
        s = app.session
        b = s.boundary
        assert s.look.global_step == s.epochs[-1].global_step  # the model the table ends at
        assert app.screen.query_one(BoundaryPicture).boundary is b
        said = words(app)
        assert f"Decision boundary · after epoch {MOONS.epochs}" in said
        assert "plane x0 × x1, the whole input" in said and measures(b) in said
        assert f"(untrained: {measures(untrained)})" in said
        assert f"misclassified ({b.rows.misclassified})" in said
        # The record is the model's boundary: the same one the run's report (its export) holds.
        assert s.report(app.view_boundary).boundary is b


async def test_a_paced_run_shows_epochs_and_boundaries_before_its_last():
    config = RunConfig(seed=0)  # the seed's 5 epochs, spread over 2.5 s by the default pace
    app = create_app(config, AUTO)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2", "space")
        rows, looks = set(), set()
        while app.session.state != RunState.FINISHED:
            rows.add(app.screen.query_one(EpochTable).row_count)
            looks.add(app.session.look.global_step)
            await pilot.pause(0.05)
        final = app.session.epochs[-1].global_step
        assert len({r for r in rows if 1 < r < config.epochs + 1}) >= 2, rows  # epoch 0, then some, before all
        assert len({g for g in looks if 0 < g < final}) >= 3, looks  # the boundary redrawn as it trained
        assert 2.0 <= sum(e.seconds for e in app.session.epochs) <= 6.0


async def test_one_step_trains_one_step_and_shows_its_boundary():
    app = create_app(MOONS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2", "full_stop")
        await wait_for(pilot, RunState.PAUSED)
        await pilot.pause(0.2)
        s = app.session
        assert s.epochs == [] and s.last_step.step == 1 and s.look.global_step == 1
        assert f"Decision boundary · {taken_at(1, 1, s.setup.steps_per_epoch)}" in words(app)
        await pilot.press("full_stop")
        await wait_for(pilot, RunState.PAUSED)
        while app.session.look.global_step != 2:
            await pilot.pause(0.05)
        assert app.session.last_step.step == 2


async def test_plus_minus_and_the_form_set_the_engines_pace():
    app = create_app(RunConfig(epochs=300), AUTO)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2")
        assert app.control.run_seconds == AUTO.run_seconds
        await pilot.press("minus")  # auto runs 300 epochs at 60 a second: next slower is 50
        assert app.pace.name == "50" and app.control.epoch_seconds == 0.02 and app.control.run_seconds == 0
        await pilot.press("plus", "plus")
        assert app.pace is INSTANT and app.control.epoch_seconds == 0 and app.control.run_seconds == 0
        await pilot.press("plus")  # nothing faster: it stays, and says so
        assert app.pace is INSTANT
        await pilot.pause()
        assert app.screen.query_one("#cfg-pace", Select).value is INSTANT
        assert "pace instant" in text_of(app.screen.query_one("#run-state", Static))
        two = next(p for p in PACES if p.name == "2")
        app.screen.query_one("#cfg-pace", Select).value = two
        await pilot.pause()
        assert app.pace is two and app.control.epoch_seconds == 0.5
        await pilot.press("r")  # a new run keeps the pace
        await wait_for(pilot, RunState.READY)
        assert app.control.epoch_seconds == 0.5


async def test_x_y_and_v_choose_the_plane_of_a_slice():
    app = create_app(RunConfig(seed=0))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2")
        await pilot.pause(0.2)
        first = app.session.boundary
        assert first.features == default_plane(Engine(RunConfig(seed=0)).model) and first.n_features == 10  # untrained
        assert "the two features the first layer weighs most; x and y choose others" in words(app)
        await pilot.press("x")
        while app.session.boundary is first:
            await pilot.pause(0.05)
        chosen = app.session.boundary
        assert chosen.features[1] == first.features[1] and chosen.features[0] not in first.features
        assert chosen.features == app.plane.features and "chosen with x and y" in words(app)
        await pilot.press("v")
        while app.session.boundary is chosen:
            await pilot.pause(0.05)
        assert app.session.boundary.features == first.features and app.plane.features is None


async def test_the_plane_keys_do_nothing_on_2d_data():
    app = create_app(MOONS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("2", "x", "y")
        await pilot.pause(0.2)
        assert app.plane.features is None and app.session.boundary.features == (0, 1)


async def test_compare_shows_each_twins_boundary_with_its_own_numbers():
    app = create_app(MOONS)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("6")
        while app.twins.state == RunState.TRAINING:
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        c = app.twins
        for which in (0, 1):
            b, record = c.boundary(which)
            assert record.epoch == MOONS.epochs and c.looks[which].global_step == record.global_step
            shown = " ".join(text_of(app.screen.query_one(f"#twin-{which} .twin-numbers", Static)).split())
            assert shown == f"val loss {record.val_loss:.4f} · length {b.length} ‖∂p/∂x‖ {b.gradient_norm:.4f} · " \
                            f"after epoch {MOONS.epochs}"
            assert app.screen.query_one(f"#twin-{which} BoundaryPicture").boundary is b
        # The λ twin is the run itself: its boundary is the run's.
        assert c.boundary(1)[0].probabilities == app.session.boundary.probabilities


async def test_the_sweep_strip_shows_boundaries_across_lambda_and_marks_the_best():
    app = create_app(MOONS)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("7", "s")
        while app.sweep.state == RunState.TRAINING:
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        sweep = app.sweep
        assert len(sweep.boundaries) == len(sweep.points) and sweep.boundaries_epoch == MOONS.epochs
        for point, b in zip(sweep.points, sweep.boundaries):  # the table's numbers are the pictures'
            assert (point.boundary_length, point.gradient_norm) == (b.length, b.gradient_norm)
        tiles = [t for t in app.screen.query(".tile") if t.display]
        assert len(tiles) == app.screen.query_one(BoundaryStrip).fits == SIZE[0] // BoundaryStrip.TILE_WIDTH
        titles = [text_of(t.query_one(".tile-title", Static)).strip() for t in tiles]
        best = sweep.best
        assert f"★λ {best.weight_decay:g}" in titles and titles[0] == "λ 0"
        shown = {t.query_one(BoundaryPicture).boundary for t in tiles}
        assert sweep.boundaries[sweep.points.index(best)] in shown


def snap(snap_compare, config: RunConfig, run_before) -> bool:
    """A snapshot with the timings (the only values two runs of a seed differ in) hidden, taken
    once the screen has settled: a job's last messages repaint a table, a chart and a dozen
    pictures, and a loaded machine may take a few frames to show them all."""
    async def hidden_timing(pilot):
        await run_before(pilot)
        for timing in pilot.app.screen.query("#timing"):
            timing.display = False
        await settled(pilot)

    return snap_compare(create_app(config), terminal_size=SIZE, run_before=hidden_timing)


def test_snapshot_train_moons(snap_compare):
    async def run_before(pilot):
        await trained(pilot)
        await pilot.press("2")
        await pilot.pause(0.3)

    assert snap(snap_compare, preset_config("moons"), run_before)


def test_snapshot_compare_moons(snap_compare):
    async def run_before(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("6")
        while pilot.app.twins is None or pilot.app.twins.state == RunState.TRAINING:
            await pilot.pause(0.05)
        await pilot.pause(0.3)

    # The preset cut to 150 epochs (the suite's time): λ = 0's boundary already bends around
    # the noisy points, λ = 0.01's is already smooth.
    assert snap(snap_compare, preset_config("moons", epochs=150), run_before)


def test_snapshot_sweep_moons(snap_compare):
    async def run_before(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("7", "s")
        while pilot.app.sweep.state == RunState.TRAINING:
            await pilot.pause(0.05)
        await pilot.pause(0.3)

    # 17 values of λ, each a 2 → 128 → 128 → 2 network, for 100 of the preset's 300 epochs:
    # the U-curve and the smoothing are there, in a sixth of the full sweep's time.
    assert snap(snap_compare, preset_config("moons", epochs=100), run_before)


def test_snapshot_train_a_slice_of_ten_features(snap_compare):
    async def run_before(pilot):
        await trained(pilot)
        await pilot.press("2")
        await pilot.pause(0.3)

    assert snap(snap_compare, RunConfig(seed=0), run_before)
