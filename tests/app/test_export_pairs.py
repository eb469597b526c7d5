"""An export's pair (JSON + CSV) is written whole or not at all, by every entry point (trace,
sweep, the Code mode, `wdtui runs export`, the Runs view), and the one line names the file that
failed: with pair.json there and pair.csv a folder, pair.json used to be replaced, then the
export failed naming pair.json."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.store import export
from wdtui.store.database import open_store
from wdtui.store.export import ExportError, write_atomically

from runs_data import record


@pytest.fixture
def blocked(tmp_path) -> Path:
    """pair.json holding an earlier export, and a folder where pair.csv would go."""
    (tmp_path / "pair.json").write_text("an earlier export\n")
    (tmp_path / "pair.csv").mkdir()
    return tmp_path / "pair.json"


def left_as_it_was(pair_json: Path) -> None:
    assert pair_json.read_text() == "an earlier export\n"
    assert sorted(p.name for p in pair_json.parent.iterdir()) == ["pair.csv", "pair.json"]  # nothing hidden left
    assert not any((pair_json.parent / "pair.csv").iterdir())


@pytest.mark.parametrize("command", [("trace",), ("sweep", "--points", "2")])
def test_trace_and_sweep_refuse_before_training_naming_the_file(blocked, command):
    done = subprocess.run([sys.executable, "-m", "wdtui", *command, "--epochs", "1", "--export", str(blocked)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == f"wdtui: error: cannot write {blocked.with_suffix('.csv')}: a folder of that name is in the way\n"
    left_as_it_was(blocked)


def test_runs_export_refuses_naming_the_file(blocked, data_dir):
    with open_store() as store:
        record(store, RunConfig(), 2)
    done = subprocess.run([sys.executable, "-m", "wdtui", "runs", "export", "1", str(blocked)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "pair.csv: a folder" in done.stderr
    left_as_it_was(blocked)


def test_the_runs_views_export_refuses_naming_the_file(blocked, data_dir):
    from wdtui.store.recording import Recorder
    from wdtui.ui.jobs.runs_view import export_runs
    from wdtui.ui.messages import RunsChanged

    with open_store() as store:
        record(store, RunConfig(), 2)
    posted: list = []
    recorder = Recorder(posted.append)
    export_runs(posted.append, recorder, (1,), False, str(blocked), threading.Event())
    recorder.close()
    (changed,) = [m for m in posted if isinstance(m, RunsChanged)]
    assert changed.error is not None and "pair.csv: a folder of that name is in the way" in changed.error
    left_as_it_was(blocked)


async def test_the_code_modes_export_refuses_naming_the_file(blocked):
    from app_helpers import SIZE, trained
    from test_code_app import into
    from wdtui.ui.app import create_app

    app = create_app(RunConfig(epochs=1), record=False)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("9")
        await into(pilot, blocked)  # a file name in the folder field: that pair
        await pilot.press("e")
        await pilot.pause()
        (said,) = [n for n in app._notifications if n.title == "Run not exported"]
        assert f"cannot write {blocked.with_suffix('.csv')}" in said.message
    left_as_it_was(blocked)


def test_a_second_rename_that_fails_puts_the_first_file_back(tmp_path, monkeypatch):
    """The rename itself fails (a file system that refuses it): the file already replaced gets
    its previous contents back, a new one goes, and the error names the file that failed."""
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text("previous json")
    real = os.replace

    def refuse_csv(src, dst):
        if str(dst).endswith(".csv"):
            raise OSError(1, "Operation not permitted")
        real(src, dst)

    monkeypatch.setattr(os, "replace", refuse_csv)
    for first in (old, new):
        second = first.with_suffix(".csv")
        with pytest.raises(ExportError, match=f"cannot write {second}: Operation not permitted"):
            write_atomically({first: "json", second: "csv"})
    assert old.read_text() == "previous json" and not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.json"]


def test_a_pair_that_can_be_written_replaces_both(tmp_path):
    paths = export.run_targets(tmp_path / "pair.json")
    for path in paths:
        path.write_text("old")
    write_atomically({paths[0]: "new json", paths[1]: "new csv"})
    assert [p.read_text() for p in paths] == ["new json", "new csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pair.csv", "pair.json"]
