"""Whatever a stored cell holds (text that is not JSON, JSON of the wrong shape, a number where
text was written, a blob), `wdtui runs` answers or ends with one line and status 2, and the Runs
view's jobs list, load, chart and export what they can or post the one line: never a traceback.
Hypothesis spoils one cell of a small store at a time."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

import plotext
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from wdtui.core.config import RunConfig
from wdtui.core.jsonable import to_jsonable
from wdtui.store.database import open_store
from wdtui.store.recording import Recorder

from helpers import run_cli
from runs_data import epoch, record

TEMPLATE = Path(tempfile.mkdtemp(prefix="wdtui-cells-")) / "runs.sqlite3"


def template() -> Path:
    """Runs 1–5 once: a run with its report, two twins, a sweep of two, written as wdtui writes them."""
    if TEMPLATE.exists():
        return TEMPLATE
    store = open_store(TEMPLATE)
    config = RunConfig(epochs=3)
    writer = store.begin(config.to_dict())
    epochs = [to_jsonable(epoch(n, config.weight_decay)) for n in range(1, 4)]
    for e in epochs:
        writer.epoch(e, {"hidden1": {"min": -1.0, "max": 1.0, "counts": [1, 2]}})
    writer.finish("finished", {"config": config.to_dict(), "setup": None, "stages": [], "epochs": epochs,
                                 "prediction": None, "diverged": None})
    for kind, lams in (("twin", (0.0, 0.05)), ("sweep-point", (0.0, 0.01))):
        for lam in lams:
            record(store, RunConfig(weight_decay=lam), 2, kind=kind, group=kind, label=f"the {kind}s")
    store.close()
    return TEMPLATE


JSON = st.recursive(st.none() | st.booleans() | st.integers(-2 ** 70, 2 ** 70) | st.floats() | st.text(max_size=6),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
                    max_leaves=6)
RAW = st.one_of(st.none(), st.integers(-2 ** 63, 2 ** 63 - 1), st.floats(allow_nan=False), st.text(max_size=20),
                st.binary(max_size=8), JSON.map(json.dumps))
COLUMNS = ("created", "ended", "status", "kind", "group_id", "group_label", "version", "config", "epochs_done",
           "train_loss", "val_loss", "train_acc", "val_acc")


@st.composite
def spoiled(draw) -> tuple[str, tuple]:
    """One UPDATE that spoils a cell: raw, or one key of a JSON cell given another value."""
    run = draw(st.integers(1, 5))
    where = draw(st.sampled_from(["runs", "epochs", "weights", "reports"]))
    if where == "runs":
        column = draw(st.sampled_from(COLUMNS))
        if column == "config" and draw(st.booleans()):
            key = draw(st.sampled_from(sorted(RunConfig.__dataclass_fields__)))
            return (f"UPDATE runs SET config = json_set(config, '$.{key}', json(?)) WHERE id = ?",
                    (json.dumps(draw(JSON)), run))
        return f"UPDATE runs SET {column} = ? WHERE id = ?", (draw(RAW), run)
    if where == "reports":
        if draw(st.booleans()):
            return "UPDATE reports SET report = ?", (draw(RAW),)
        key = draw(st.sampled_from(["epochs", "config", "setup", "stages", "prediction", "diverged"]))
        return f"UPDATE reports SET report = json_set(report, '$.{key}', json(?))", (json.dumps(draw(JSON)),)
    column = "record" if where == "epochs" else "weights"
    seq = draw(st.integers(1, 3))
    if where == "epochs" and draw(st.booleans()):
        key = draw(st.sampled_from(["epoch", "train_loss", "val_loss", "train_acc", "val_acc", "weight_norm",
                                    "layer_norms", "observation", "global_step", "seconds"]))
        return (f"UPDATE epochs SET record = json_set(record, '$.{key}', json(?)) WHERE run_id = ? AND seq = ?",
                (json.dumps(draw(JSON)), run, seq))
    return f"UPDATE epochs SET {column} = ? WHERE run_id = ? AND seq = ?", (draw(RAW), run, seq)


@contextmanager
def store_with(update: tuple[str, tuple]):
    """A copy of the template store with one cell spoiled, as WDTUI_DATA_DIR; None when SQLite
    itself refuses the value (a NOT NULL column, say): nothing to read back then."""
    folder = Path(tempfile.mkdtemp(prefix="wdtui-cell-"))
    shutil.copy(template(), folder / "runs.sqlite3")
    before = os.environ.get("WDTUI_DATA_DIR")
    os.environ["WDTUI_DATA_DIR"] = str(folder)
    try:
        conn = sqlite3.connect(folder / "runs.sqlite3")
        try:
            with conn:
                conn.execute(*update)
        except sqlite3.Error:
            yield None
        else:
            yield folder
        finally:
            conn.close()
    finally:
        os.environ["WDTUI_DATA_DIR"] = before or ""
        shutil.rmtree(folder, ignore_errors=True)


ARGV = (("runs",), ("runs", "--json"), ("runs", "--expand"), ("runs", "show", "1"), ("runs", "show", "1", "--json"),
        ("runs", "show", "4"), ("runs", "compare", "1", "2", "4"), ("runs", "export", "1", "{folder}/out"),
        ("runs", "delete", "1-5", "--yes"))


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(update=spoiled())
def test_wdtui_runs_answers_or_says_why_in_one_line(capsys, update):
    with store_with(update) as folder:
        if folder is None:
            return
        for argv in ARGV:
            status, out, err = run_cli(capsys, *(a.format(folder=folder) for a in argv))
            assert status in (0, 2), (argv, err)
            assert "Traceback" not in err
            if status == 2:
                assert err.count("\n") == 1 and (out == "" or argv[1] == "delete"), (argv, out, err)


def run_jobs(ids: tuple[int, ...]) -> list:
    """The Runs view's jobs, as its worker runs them, over the store: the messages they post."""
    from wdtui.ui.jobs.runs_view import export_runs, list_runs, load_runs

    posted: list = []
    recorder = Recorder(posted.append)
    never = threading.Event()
    try:
        list_runs(posted.append, recorder, 1, never)
        load_runs(posted.append, recorder, ids, never)
        export_runs(posted.append, recorder, ids[:1], False, os.environ["WDTUI_DATA_DIR"], never)
        export_runs(posted.append, recorder, (4, 5), True, os.environ["WDTUI_DATA_DIR"], never)
    finally:
        recorder.close()
    return posted


@settings(max_examples=50, deadline=None)
@given(update=spoiled())
def test_the_runs_views_loading_shows_runs_or_the_one_line(update):
    from wdtui.ui.jobs.runs_view import RunsState
    from wdtui.ui.messages import RunsChanged, RunsListed, RunsLoaded
    from wdtui.ui.widgets.runs_chart import chart_runs, detail

    with store_with(update) as folder:
        if folder is None:
            return
        posted = run_jobs((1, 2, 3, 4, 5))
    state = RunsState()
    for message in posted:
        if isinstance(message, str):  # the recorder's own line
            assert "\n" not in message
        elif isinstance(message, RunsListed):
            state.listing(message)
            assert (message.table is None) == (message.error is not None)
            assert message.error is None or "\n" not in message.error
        elif isinstance(message, RunsLoaded):
            state.loaded(message)
        else:
            assert isinstance(message, RunsChanged)
            assert message.error is None or "\n" not in message.error
    if state.table is None:
        return
    for row in state.table.rows(expanded=[r.group for r in state.table.top if r.group]):
        state.table.row_cells(row)
        detail(row, {})
        chart_runs(plotext, state, row, {})
        plotext.build()
    marks = {run_id: i for i, run_id in enumerate(state.stored)}
    chart_runs(plotext, state, None, marks)
    plotext.build()


@pytest.mark.parametrize("update, says", [
    (("UPDATE runs SET config = 'not json' WHERE id = 2", ()), "run 2 cannot be read: its config is not JSON"),
    (("UPDATE runs SET val_loss = 'low' WHERE id = 1", ()), "run 1 cannot be read: its val_loss is 'low'"),
    (("UPDATE runs SET config = json_set(config, '$.lr', 'fast') WHERE id = 1", ()), "its setting lr is \"fast\""),
])
def test_a_run_that_cannot_be_read_is_named_and_can_be_deleted(capsys, update, says):
    with store_with(update) as folder:
        status, out, err = run_cli(capsys, "runs")
        assert status == 2 and out == "" and err.count("\n") == 1 and says in err
        assert "wdtui runs delete" in err
        status, out, err = run_cli(capsys, "runs", "delete", "1-2", "--yes")
        assert status == 0 and "cannot be read" in out and "Deleted 2 runs." in out, err
        status, out, err = run_cli(capsys, "runs", "--json")
        assert status == 0 and [r["id"] for r in json.loads(out)["runs"]] == [5, 4, 3]
        assert folder is not None


async def test_the_runs_view_shows_the_line_for_a_run_it_cannot_read():
    from textual.widgets import Static

    from app_helpers import SIZE, text_of
    from wdtui.ui.app import create_app

    with store_with(("UPDATE runs SET config = '{oops' WHERE id = 3", ())):
        app = create_app(RunConfig(epochs=1))
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("h")
            for _ in range(300):
                await pilot.pause(0.05)
                if app.runs.error:
                    break
            shown = text_of(app.screen.query_one("#runs-info", Static))
            assert "run 3 cannot be read: its config is not JSON" in " ".join(shown.split())
