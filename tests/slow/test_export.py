"""Exports: the same numbers as the records, atomic writes, and `wdtui trace --export`."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.engine import Engine
from wdtui.core.jsonable import to_json
from wdtui.present.codegen import script_for
from wdtui.store import export
from wdtui.store.export import CSV_COLUMNS, ExportError, export_run, run_targets, save_script, targets, write_atomically

CONFIG = RunConfig(epochs=3, rows=200)


@pytest.fixture(scope="module")
def report():
    engine = Engine(CONFIG)
    for _ in engine.run():
        pass
    return engine.report()


def test_round_trip_gives_the_numbers_of_the_records(report, tmp_path):
    json_path, csv_path = export_run(report, run_targets(tmp_path))
    assert json_path.parent == csv_path.parent == tmp_path
    assert json.loads(json_path.read_text(encoding="utf-8")) == json.loads(to_json(report))
    with csv_path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert tuple(rows[0]) == CSV_COLUMNS and len(rows) == len(report.epochs) == 4  # epoch 0, then 3
    for row, record in zip(rows, report.epochs):
        assert int(row["epoch"]) == record.epoch and row["observation"] == record.observation
        for column in CSV_COLUMNS[1:-1]:
            assert float(row[column]) == getattr(record, column), column  # exactly: floats in full


def test_where_the_files_go(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "default_dir", lambda: tmp_path / "data")
    now = datetime(2025, 1, 2, 3, 4, 5)
    assert targets(None, (".json", ".csv"), "run", now) == {
        ".json": tmp_path / "data" / "run-20250102-030405.json", ".csv": tmp_path / "data" / "run-20250102-030405.csv"}
    (tmp_path / "data" / "run-20250102-030405.csv").write_text("taken")  # never overwrite an older export
    assert targets(None, (".json", ".csv"), "run", now)[".json"].name == "run-20250102-030405-2.json"
    assert run_targets(tmp_path / "a" / "mine.json") == (tmp_path / "a" / "mine.json", tmp_path / "a" / "mine.csv")
    assert run_targets(tmp_path / "new")[0].parent == tmp_path / "new"  # a new folder
    assert save_script(script_for(CONFIG), tmp_path / "train.py") == tmp_path / "train.py"
    assert "torch.optim.SGD" in (tmp_path / "train.py").read_text(encoding="utf-8")
    assert save_script(script_for(CONFIG)).parent == tmp_path / "data"


def test_an_unwritable_target_is_one_clear_error(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    for where in (blocker, blocker / "sub", blocker / "sub" / "run.json"):
        with pytest.raises(ExportError, match="file.txt is a file, not a folder"):
            run_targets(where)
    with pytest.raises(ExportError, match="file.txt is a file, not a folder"):
        save_script(script_for(CONFIG), blocker / "train.py")


@pytest.mark.parametrize("failing, named", [("replace", "run.json"), ("fsync", "run.json"), ("write", "run.csv")])
def test_a_failure_while_writing_keeps_the_previous_files(report, tmp_path, monkeypatch, failing, named):
    paths = run_targets(tmp_path / "run.json")
    for path in paths:
        path.write_text("previous " + path.suffix, encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError(28, "No space left on device")

    if failing == "write":  # half-way through the second file, with some bytes already written
        real = os.fdopen

        class HalfWritten:
            def __init__(self, f):
                self.f = f

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.f.close()

            def write(self, data):
                self.f.write(data[:10])
                self.f.flush()
                boom()

        def fdopen(fd, *args, **kwargs):
            f = real(fd, *args, **kwargs)
            return HalfWritten(f) if len(list(tmp_path.glob(".*.tmp"))) == 2 else f
        monkeypatch.setattr(os, "fdopen", fdopen)
    else:
        monkeypatch.setattr(os, failing, boom)
    with pytest.raises(ExportError, match=f"cannot write .*{named}: No space left on device"):
        export_run(report, paths)
    assert [p.read_text(encoding="utf-8") for p in paths] == ["previous .json", "previous .csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.csv", "run.json"]  # no temporary file left


def test_write_atomically_replaces_whole_files(tmp_path):
    path = tmp_path / "x.txt"
    path.write_text("old")
    write_atomically({path: "new ✓"})
    assert path.read_text(encoding="utf-8") == "new ✓" and [p.name for p in tmp_path.iterdir()] == ["x.txt"]


def wdtui(*args: str, data_home: Path, data_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m wdtui ARGS` with platformdirs' data home at `data_home`, and WDTUI_DATA_DIR
    at `data_dir` (unset when None)."""
    env = {k: v for k, v in os.environ.items() if k != "WDTUI_DATA_DIR"} | {"XDG_DATA_HOME": str(data_home)}
    if data_dir is not None:
        env["WDTUI_DATA_DIR"] = str(data_dir)
    return subprocess.run([sys.executable, "-m", "wdtui", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_trace_export_writes_both_files(tmp_path):
    done = wdtui("trace", "--epochs", "2", "--json", "--export", str(tmp_path / "out"),
                 data_home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    (json_path,), (csv_path,) = (tmp_path / "out").glob("run-*.json"), (tmp_path / "out").glob("run-*.csv")
    assert json.loads(json_path.read_text(encoding="utf-8")) == json.loads(done.stdout)
    assert len(csv_path.read_text(encoding="utf-8").splitlines()) == 4  # the header, epoch 0, 2 epochs
    assert str(json_path) in done.stderr
    # --export alone: the user data directory, or WDTUI_DATA_DIR when it is set.
    done = wdtui("trace", "--epochs", "1", "--export", data_home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "home" / "wdtui").glob("run-*.csv"))) == 1
    done = wdtui("trace", "--epochs", "1", "--export", data_home=tmp_path / "home", data_dir=tmp_path / "mine")
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "mine").glob("run-*.csv"))) == 1
    assert len(list((tmp_path / "home" / "wdtui").glob("run-*.csv"))) == 1


def test_trace_export_to_an_unwritable_path_is_one_line_and_status_2(tmp_path):
    (tmp_path / "file.txt").write_text("not a folder")
    done = wdtui("trace", "--export", str(tmp_path / "file.txt" / "out.json"), data_home=tmp_path)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("wdtui: error: ")
    assert "file.txt is a file, not a folder" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_diverged_trace_still_exports_its_good_epochs(tmp_path):
    done = wdtui("trace", "--lr", "50", "--epochs", "3", "--export", str(tmp_path / "run.json"),
                 data_home=tmp_path)
    assert done.returncode == 1 and "diverged" in done.stderr
    document = json.loads((tmp_path / "run.json").read_text(encoding="utf-8"))
    assert document["diverged"]["epoch"] == 2 and [e["epoch"] for e in document["epochs"]] == [0, 1]
    assert len((tmp_path / "run.csv").read_text(encoding="utf-8").splitlines()) == 3
