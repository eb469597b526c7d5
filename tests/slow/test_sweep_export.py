"""`wdtui sweep --export`: the sweep written as JSON + CSV, read back with the same numbers."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.jsonable import to_json
from wdtui.core.records import SweepResult
from wdtui.core.sweep_engine import sweep
from wdtui.store.export import SWEEP_CSV_COLUMNS, ExportError, export_sweep, run_targets

CONFIG = RunConfig(epochs=2, rows=200)
WEIGHT_DECAYS = (0.0, 1e-3, 0.1)


def wdtui(*args: str, data_home: Path) -> subprocess.CompletedProcess[str]:
    """`wdtui sweep ARGS` with the data directory (WDTUI_DATA_DIR) at `data_home`."""
    env = {**os.environ, "WDTUI_DATA_DIR": str(data_home)}
    return subprocess.run([sys.executable, "-m", "wdtui", "sweep", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def read_points(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert rows and tuple(rows[0]) == SWEEP_CSV_COLUMNS
    return rows


@pytest.mark.parametrize("measure", [False, True])
def test_round_trip_gives_the_numbers_of_the_result(tmp_path, measure):
    *_, result = sweep(CONFIG, WEIGHT_DECAYS, measure=measure)
    assert isinstance(result, SweepResult)
    assert all((p.boundary_length is not None) == measure for p in result.points)
    json_path, csv_path = export_sweep(result, run_targets(tmp_path / "out.json", "sweep"))
    assert (json_path, csv_path) == (tmp_path / "out.json", tmp_path / "out.csv")
    assert json.loads(json_path.read_text(encoding="utf-8")) == json.loads(to_json(result))
    rows = read_points(csv_path)
    assert len(rows) == len(result.points)
    for row, point in zip(rows, result.points):
        for column in SWEEP_CSV_COLUMNS[:-1]:
            value = getattr(point, column)  # exactly: floats in full; not measured: empty
            assert (float(row[column]) if row[column] else None) == value, column
        assert row["diverged"] == "False"


def test_a_diverged_point_has_empty_cells_and_null_numbers(tmp_path):
    *_, result = sweep(RunConfig(lr=0.1, epochs=2), (0.0, 1e4))  # γλ = 1000: the weights blow up
    assert [p.diverged for p in result.points] == [False, True]
    json_path, csv_path = export_sweep(result, run_targets(tmp_path, "sweep"))
    assert json_path.name.startswith("sweep-") and json_path.parent == tmp_path
    document = json.loads(json_path.read_text(encoding="utf-8"))
    for row, saved, point in zip(read_points(csv_path), document["points"], result.points):
        if point.diverged:
            assert row["val_loss"] == "" and row["diverged"] == "True" and saved["val_loss"] is None
        else:
            assert float(row["val_loss"]) == saved["val_loss"] == point.val_loss


def test_an_unwritable_target_fails_before_any_training(tmp_path):
    (tmp_path / "file.txt").write_text("not a folder")
    with pytest.raises(ExportError, match="file.txt is a file, not a folder"):
        run_targets(tmp_path / "file.txt" / "out.json", "sweep")


def test_sweep_export_writes_what_json_prints(tmp_path):
    done = wdtui("--epochs", "1", "--weight-decays", "0,0.01,0.1", "--json",
                 "--export", str(tmp_path / "out"), data_home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    (json_path,), (csv_path,) = (tmp_path / "out").glob("sweep-*.json"), (tmp_path / "out").glob("sweep-*.csv")
    document = json.loads(done.stdout)
    assert json.loads(json_path.read_text(encoding="utf-8")) == document
    assert [float(r["weight_decay"]) for r in read_points(csv_path)] == [0.0, 0.01, 0.1]
    assert f"wrote {json_path} and {csv_path}" in done.stderr
    # --export alone: the data directory; the table still goes to stdout.
    done = wdtui("--epochs", "1", "--points", "2", "--export", data_home=tmp_path / "home")
    assert done.returncode == 0, done.stderr
    assert "★ best" in done.stdout
    assert len(list((tmp_path / "home").glob("sweep-*.csv"))) == 1


def test_sweep_export_to_an_unwritable_path_is_one_line_and_status_2(tmp_path):
    (tmp_path / "file.txt").write_text("not a folder")
    done = wdtui("--export", str(tmp_path / "file.txt" / "out"), data_home=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("wdtui: error: ")
    assert "file.txt is a file, not a folder" in done.stderr and "Traceback" not in done.stderr
