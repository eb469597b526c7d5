"""The Runs view (h) in the real app: the stored runs as a table, marked runs overlaid in the
chart, a run's settings loaded into Train, deleting after a question, exporting, filtering and
sorting; and the app's own runs recorded as they train, or said once not to be."""

from __future__ import annotations

import json

from textual.widgets import Input, Static
from textual_plotext import PlotextPlot

from wdtui.core.config import RunConfig
from wdtui.core.jsonable import to_jsonable
from wdtui.store.database import open_store
from wdtui.ui.app import create_app
from wdtui.ui.screens.runs import RunsScreen
from wdtui.ui.session import RunState

from app_helpers import SIZE, text_of, trained, wait_for
from runs_data import seed_store, utc


async def opened(pilot) -> RunsScreen:
    """Press h and wait for the listing to fill the table."""
    await pilot.press("h")
    screen = pilot.app.screen
    assert isinstance(screen, RunsScreen)
    waited = 0.0
    while pilot.app.runs.table is None or not screen.table.row_count:
        assert waited < 60, "the runs were never listed"
        await pilot.pause(0.02)
        waited += 0.02
    await pilot.pause()
    return screen


def ids_shown(screen: RunsScreen) -> list[str]:
    return [row.key for row in screen.table.shown]


def chart_text(screen: RunsScreen) -> str:
    return screen.query_one(PlotextPlot).plt.build()


async def settle(pilot, screen: RunsScreen) -> None:
    """Let the jobs the view started (loading runs for the chart) come back."""
    for _ in range(100):
        await pilot.pause(0.02)
        if not pilot.app.runs.loading:
            break
    await pilot.pause()


async def test_the_table_lists_runs_newest_first_with_groups_as_one_row(data_dir, monkeypatch):
    utc(monkeypatch)
    seed_store(data_dir)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        assert ids_shown(screen)[:3] == ["11", "10", "9"]
        groups = [row for row in screen.table.shown if row.group]
        assert [len(g.runs) for g in groups] == [5, 2] and len(screen.table.shown) == 6
        assert "6 rows · newest first" in text_of(screen.query_one("#runs-info", Static))
        statuses = {row.key: row.run.status for row in screen.table.shown if not row.group}
        assert statuses == {"11": "incomplete", "10": "diverged", "9": "stopped", "1": "finished"}
        # enter on a group shows its runs under it; enter again hides them.
        screen.table.move_cursor(row=3)
        await pilot.press("enter")
        assert ids_shown(screen)[3:9] == [groups[0].key, "4", "5", "6", "7", "8"]
        await pilot.press("enter")
        assert len(screen.table.shown) == 6


async def test_marked_runs_are_overlaid_one_colour_each(data_dir):
    seed_store(data_dir)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("space")  # run 11
        await pilot.press("down", "down", "space")  # run 9
        await settle(pilot, screen)
        assert screen.marks == {11: 0, 9: 1}
        chart = chart_text(screen)
        assert "2 marked: validation loss solid, training dotted" in chart
        assert "#11 SGD λ 0.001" in chart and "#9 Adam λ 0.01" in chart
        assert "2 marked" in text_of(screen.query_one("#runs-info", Static))
        await pilot.press("down", "down", "space")  # the twins: both runs
        await settle(pilot, screen)
        assert set(screen.marks) == {11, 9, 2, 3} and sorted(screen.marks.values()) == [0, 1, 2, 3]
        await pilot.press("up", "space")  # a fifth: refused, said
        assert len(screen.marks) == 4
        assert any("At most 4 runs" in n.message for n in app._notifications)
        await pilot.press("up", "space")  # run 9 again: unmarked, and its colour free for the next
        assert 9 not in screen.marks and "#9 Adam" not in chart_text(screen)
        await pilot.press("escape")  # every mark off: the chart shows the run under the cursor (9)
        await settle(pilot, screen)
        assert screen.marks == {} and "Run 9: validation loss solid" in chart_text(screen)


async def test_enter_loads_a_runs_settings_into_train(data_dir):
    seed_store(data_dir)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await opened(pilot)
        await pilot.press("down", "down", "enter")  # run 9: Adam, λ 0.01, γ 0.001, 10 epochs
        assert "run 9's settings" in list(app._notifications)[-1].message  # before it times out, on a slow machine
        await wait_for(pilot, RunState.READY)
        assert app.current_mode == "train"
        assert app.session.config == RunConfig(optimizer="adam", weight_decay=0.01, lr=0.001, epochs=10)


async def test_delete_asks_first_then_deletes(data_dir):
    seed_store(data_dir)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("d", "n")  # asked; no
        await pilot.pause(0.1)
        assert ids_shown(screen)[0] == "11"
        await pilot.press("d")
        assert "Delete run 11?" in text_of(app.screen.query_one("#confirm-question", Static))
        await pilot.press("y")
        for _ in range(100):
            await pilot.pause(0.02)
            if ids_shown(screen)[0] != "11":
                break
        assert ids_shown(screen)[0] == "10"
        await pilot.press("down", "down", "d", "y")  # the sweep: its five runs
        for _ in range(100):
            await pilot.pause(0.02)
            if len(screen.table.shown) == 4:
                break
    with open_store() as store:
        assert sorted(r.id for r in store.list()) == [1, 2, 3, 9, 10]


async def test_typing_filters_and_s_sorts(data_dir):
    seed_store(data_dir)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        screen = await opened(pilot)
        await pilot.press("a", "d", "a", "m")  # typed on the table: it goes to the filter
        assert screen.query_one("#runs-filter", Input).value == "adam"
        assert ids_shown(screen) == ["9"]
        await pilot.press("escape")
        assert len(ids_shown(screen)) == 6 and screen.table.has_focus
        await pilot.press("slash", *"0.1", "enter")  # a sweep's run matches: the group shows
        assert [r.group is not None for r in screen.table.shown] == [False, True] and ids_shown(screen)[0] == "10"
        await pilot.press("slash", "escape")
        await pilot.press("s")  # by ID, lowest first
        assert ids_shown(screen)[0] == "1" and "by ID ▲" in text_of(screen.query_one("#runs-info", Static))
        for _ in range(8):  # on to Val loss, the ninth column
            await pilot.press("s")
        await pilot.press("S")  # highest first; a diverged run's loss counts like any
        losses = [row.run.final["val_loss"] for row in screen.table.shown]
        assert losses == sorted(losses, reverse=True)


async def test_e_exports_the_run_and_a_sweep(data_dir):
    seed_store(data_dir)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await opened(pilot)
        await pilot.press("e")
        await pilot.press("down", "down", "down", "e")  # the sweep, as `wdtui sweep --export` writes one
        for _ in range(100):
            await pilot.pause(0.02)
            if len(list(data_dir.glob("sweep-*.json"))) == 1:
                break
    (run_json,) = data_dir.glob("run-11-*.json")
    assert [e["epoch"] for e in json.loads(run_json.read_text())["epochs"]] == [1, 2]
    (sweep_json,) = data_dir.glob("sweep-*.json")
    result = json.loads(sweep_json.read_text())
    assert [p["weight_decay"] for p in result["points"]] == [0.0, 0.001, 0.01, 0.1, 1.0]
    assert result["best"]["weight_decay"] == 0.001


async def test_the_apps_run_is_recorded_with_its_report(data_dir):
    app = create_app(RunConfig(epochs=2))
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        report = to_jsonable(app.session.report(app.view_boundary))
        await opened(pilot)
    with open_store() as store:
        (run,) = store.list()
        assert (run.status, run.epochs_done, run.kind) == ("finished", 2, "run")
        assert store.get(run.id).report == report


async def test_a_store_that_cannot_be_used_is_said_once_and_training_goes_on(data_dir):
    db = data_dir / "runs.sqlite3"
    db.write_bytes(b"not a database at all " * 200)
    before = db.read_bytes()
    app = create_app(RunConfig(epochs=2))
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        said = [n for n in app._notifications if n.title == "Not recorded"]
        assert len(said) == 1 and "not a wdtui run database" in said[0].message
        await pilot.press("h")
        for _ in range(100):
            await pilot.pause(0.02)
            if app.runs.error:
                break
        screen = app.screen
        assert "Runs are not being recorded" in text_of(screen.query_one("#runs-info", Static))
        assert len(app.session.epochs) == 2
    assert db.read_bytes() == before


def test_snapshot_runs_view(snap_compare, data_dir, monkeypatch):
    utc(monkeypatch)
    seed_store(data_dir)

    async def run_before(pilot) -> None:
        await wait_for(pilot, RunState.READY)
        await settle(pilot, await opened(pilot))

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=run_before)


def test_snapshot_runs_marked_and_a_sweep_opened(snap_compare, data_dir, monkeypatch):
    utc(monkeypatch)
    seed_store(data_dir)

    async def run_before(pilot) -> None:
        await wait_for(pilot, RunState.READY)
        screen = await opened(pilot)
        await pilot.press("down", "down", "space", "down", "enter")  # run 9 marked, the sweep opened
        await pilot.press("down", "space", "down", "down", "space")  # runs 4 (λ = 0) and 6 (λ = 0.01) marked
        await settle(pilot, screen)

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=run_before)


async def test_runs_cut_short_are_kept_stopped(data_dir):
    """r mid-run keeps the old run "stopped" (with its report); so does quitting mid-run."""
    app = create_app(RunConfig(epochs=10_000))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("space")
        while len(app.session.epochs) < 2:
            await pilot.pause(0.02)
        await pilot.press("r")
        await wait_for(pilot, RunState.READY)
        await pilot.press("space")
        while len(app.session.epochs) < 1:
            await pilot.pause(0.02)
    with open_store() as store:
        second, first = store.list()
        assert (first.status, second.status) == ("stopped", "stopped")
        assert first.epochs_done >= 2 and second.epochs_done >= 1
        assert store.get(first.id).report["epochs"] == list(store.get(first.id).epochs)


async def test_the_view_follows_a_run_to_its_end(data_dir, monkeypatch):
    import wdtui.ui.screens.runs as runs_screen

    monkeypatch.setattr(runs_screen, "RELIST_EVERY", 0.1)
    app = create_app(RunConfig(epochs=60, batch_size=16))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("space")
        while len(app.session.epochs) < 2:
            await pilot.pause(0.02)
        screen = await opened(pilot)
        if app.session.running:  # listed mid-run (a slow machine may have finished by now)
            assert screen.table.shown[0].run.status == "running"
        await wait_for(pilot, RunState.FINISHED)
        for _ in range(100):
            await pilot.pause(0.05)
            if screen.table.shown[0].run.status == "finished":
                break
        run = screen.table.shown[0].run
        assert (run.status, run.epochs_done) == ("finished", 60)


async def test_a_runs_job_that_fails_says_so(data_dir, monkeypatch):
    """A listing that raises is said in one line, not left as an empty table without a word."""
    from wdtui.ui.jobs import host

    def broken(*args):
        raise RuntimeError("the disk went away")

    monkeypatch.setitem(host.JOBS, host.Job.RUNS_LIST, broken)
    app = create_app(RunConfig())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        for _ in range(200):
            await pilot.pause(0.02)
            if len(app._notifications) and app.runs.asked > 1:  # the view's own listing failed too
                break
        said = {n.message for n in app._notifications if n.title == "Cannot list the runs"}
        assert said == {"the disk went away"}
