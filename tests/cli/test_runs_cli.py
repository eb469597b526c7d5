"""`wdtui runs` and the recording of `wdtui trace` and `wdtui sweep`: what trace printed comes
back from the store unchanged, every action ends bad input with one line and status 2, and
listing never loads torch."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.engine import train
from wdtui.core.records import EpochRecord
from wdtui.store.database import open_store

from helpers import loaded_by, run_cli as run
from runs_data import made_newer


def stored_runs(capsys) -> list[dict]:
    status, out, err = run(capsys, "runs", "--json")
    assert status == 0, err
    return json.loads(out)["runs"]


def test_a_traced_run_comes_back_as_the_same_document(capsys, data_dir):
    status, traced, err = run(capsys, "trace", "--json", "--epochs", "3", "--wd", "0.01")
    assert status == 0 and err == ""
    (listed,) = stored_runs(capsys)
    assert listed["status"] == "finished" and listed["kind"] == "run" and listed["epochs_done"] == 3
    assert listed["config"] == json.loads(traced)["config"]
    last = json.loads(traced)["epochs"][-1]
    assert listed["final"] == {k: last[k] for k in ("train_loss", "val_loss", "train_acc", "val_acc")}
    status, shown, err = run(capsys, "runs", "show", str(listed["id"]), "--json")
    assert status == 0 and shown == traced  # the very bytes `wdtui trace --json` printed


def test_show_prints_what_trace_printed_without_training(capsys, monkeypatch):
    status, traced, _ = run(capsys, "trace", "--epochs", "2")
    (listed,) = stored_runs(capsys)
    import wdtui.core.engine as engine

    monkeypatch.setattr(engine.Engine, "run", lambda self: pytest.fail("runs show must not train"))
    status, shown, err = run(capsys, "runs", "show", str(listed["id"]))
    assert status == 0, err
    header, _, body = shown.partition("\n")
    assert header.startswith(f"Run {listed['id']} · finished · ")
    # The same tables, word for word, but for the seconds each epoch took (they are not shown).
    assert body == traced


def test_no_record_keeps_nothing(capsys, data_dir):
    assert run(capsys, "trace", "--epochs", "1", "--no-record")[0] == 0
    assert run(capsys, "sweep", "--epochs", "1", "--points", "2", "--no-record", "--json")[0] == 0
    assert not (data_dir / "runs.sqlite3").exists()
    status, out, err = run(capsys, "runs")
    assert status == 0 and "No runs yet" in out and err == ""
    assert stored_runs(capsys) == []
    assert not (data_dir / "runs.sqlite3").exists()  # a question creates no store


def test_a_sweep_is_one_group_listed_as_one_row(capsys):
    status, out, _ = run(capsys, "sweep", "--epochs", "2", "--weight-decays", "0,0.001,0.1", "--json")
    result = json.loads(out)
    runs = stored_runs(capsys)
    assert [r["kind"] for r in runs] == ["sweep-point"] * 3 and len({r["group"] for r in runs}) == 1
    assert runs[0]["group_label"] == "λ sweep: 3 values, 0 … 0.1"
    for point in result["points"]:  # each point's numbers are its run's final numbers
        run_ = next(r for r in runs if r["config"]["weight_decay"] == point["weight_decay"])
        assert run_["final"] == {k: point[k] for k in ("train_loss", "val_loss", "train_acc", "val_acc")}
    ids = sorted(r["id"] for r in runs)
    status, table, _ = run(capsys, "runs")
    best = result["best"]["weight_decay"]
    assert f"{ids[0]}–{ids[-1]}" in table and f"★ {best:g}" in table and "sweep of 3" in table
    assert "├" not in table
    status, table, _ = run(capsys, "runs", "--expand")
    assert table.count("├") == 2 and table.count("└") == 1
    status, shown, _ = run(capsys, "runs", "show", str(ids[0]))
    assert "one of the λ sweep" in shown and "Training trace" in shown and "Key insight" in shown
    assert json.loads(run(capsys, "runs", "show", str(ids[0]), "--json")[1])["prediction"] is None


def test_list_newest_first_with_a_limit(capsys):
    for wd in ("0.001", "0.002", "0.003"):
        assert run(capsys, "trace", "--epochs", "1", "--wd", wd, "--json")[0] == 0
    runs = stored_runs(capsys)
    assert [r["config"]["weight_decay"] for r in runs] == [0.003, 0.002, 0.001]
    assert len(json.loads(run(capsys, "runs", "--json", "--limit", "2")[1])["runs"]) == 2
    status, table, _ = run(capsys, "runs", "--limit", "1")
    assert "0.003" in table and "0.001" not in table and "2 more: --limit 0" in table


def test_compare_overlays_the_runs(capsys):
    for wd in ("0", "0.1"):
        run(capsys, "trace", "--epochs", "2", "--wd", wd, "--json")
    ids = sorted(r["id"] for r in stored_runs(capsys))
    status, out, err = run(capsys, "runs", "compare", *map(str, ids))
    assert status == 0, err
    assert f"#{ids[0]} SGD λ 0" in out and f"#{ids[1]} SGD λ 0.1" in out  # the legend
    assert "validation solid, training dotted" in out and out.count("■") == 2


def test_export_writes_what_trace_export_wrote(capsys, tmp_path):
    status, _, _ = run(capsys, "trace", "--epochs", "2", "--json", "--export", str(tmp_path / "live.json"))
    (listed,) = stored_runs(capsys)
    status, _, err = run(capsys, "runs", "export", str(listed["id"]), str(tmp_path / "stored.json"))
    assert status == 0 and "stored.json" in err
    for suffix in (".json", ".csv"):
        live, kept = (tmp_path / f"{name}{suffix}" for name in ("live", "stored"))
        assert kept.read_bytes() == live.read_bytes()


def test_delete_asks_first(capsys, monkeypatch):
    run(capsys, "trace", "--epochs", "1", "--json")
    run(capsys, "trace", "--epochs", "1", "--json")
    first, second = sorted(r["id"] for r in stored_runs(capsys))
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False, raising=False)
    status, _, err = run(capsys, "runs", "delete", str(first))
    assert status == 2 and "--yes" in err and err.count("\n") == 1
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert run(capsys, "runs", "delete", str(first))[1].endswith("Nothing deleted.\n")
    monkeypatch.setattr("builtins.input", lambda prompt: "y")
    assert run(capsys, "runs", "delete", str(first))[1].endswith("Deleted 1 run.\n")
    assert [r["id"] for r in stored_runs(capsys)] == [second]
    assert run(capsys, "runs", "delete", f"{second}-{second}", "--yes")[0] == 0
    assert stored_runs(capsys) == []


@pytest.mark.parametrize("argv, says", [
    (("runs", "show", "99"), "no run 99"),
    (("runs", "show", "x"), "a run is its id"),
    (("runs", "export", "3-5"), "one run id"),
    (("runs", "compare", "1"), "two runs or more"),
    (("runs", "compare", "1", "99"), "no run 99"),
    (("runs", "delete", "99", "--yes"), "no run 99"),
    (("runs", "--limit", "-1"), "argument --limit: a whole number"),
])
def test_bad_requests_are_one_line(capsys, argv, says):
    run(capsys, "trace", "--epochs", "1", "--json")
    status, out, err = run(capsys, *argv)
    assert status == 2 and says in err and err.count("\n") == 1 and "Traceback" not in err


def test_a_store_that_cannot_be_used_is_said_once_and_training_goes_on(capsys, data_dir):
    db = data_dir / "runs.sqlite3"
    db.write_bytes(b"these are someone's notes, not a database" * 100)
    before = db.read_bytes()
    status, out, err = run(capsys, "trace", "--epochs", "2", "--json")
    assert status == 0 and json.loads(out)["epochs"][-1]["epoch"] == 2
    assert err == f"wdtui: runs are not being recorded: {db} is not a wdtui run database; move it aside and " \
                  "wdtui will start a new one\n"
    status, out, err = run(capsys, "runs")
    assert status == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("wdtui runs: error: runs are not being recorded: ") and "not a wdtui run database" in err
    assert db.read_bytes() == before


def test_a_newer_store_is_refused_by_a_real_trace_and_left_alone(data_dir):
    db = made_newer(data_dir, 42)
    before = db.read_bytes()
    done = subprocess.run([sys.executable, "-m", "wdtui", "trace", "--epochs", "1", "--json"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and json.loads(done.stdout)["epochs"]
    assert done.stderr.count("\n") == 1 and "not being recorded" in done.stderr and "newer wdtui" in done.stderr
    assert db.read_bytes() == before


def test_listing_and_reading_runs_never_load_torch():
    assert loaded_by("wdtui.commands.runs", "wdtui.commands.runs_actions", among=("torch",)) == []
    code = ("import sys; from wdtui.commands.cli import main\n"
            "for argv in (['trace', '--epochs', '1', '--json', '--no-record'],): pass\n"
            "main(['runs', '--json']); main(['runs']); print('torch' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr.strip() == "False", done.stderr


def test_without_tensorboard_the_options_say_how_to_install_it(capsys, monkeypatch, tmp_path):
    import wdtui.core.tensorboard as tb

    monkeypatch.setattr(tb, "available", lambda: False)
    for argv in (("trace", "--tensorboard", str(tmp_path)), ("sweep", "--tensorboard", str(tmp_path)),
                 ("--tensorboard", str(tmp_path)), ("runs", "tensorboard", "1", str(tmp_path))):
        status, out, err = run(capsys, *argv)
        assert status == 2 and out == "" and err.count("\n") == 1, argv
        assert 'pip install "wdtui[tensorboard]"' in err
    assert stored_runs(capsys) == []  # nothing trained


def test_a_run_this_wdtui_cannot_read_is_one_line(capsys, data_dir):
    with open_store() as store:
        writer = store.begin({"lr": -1, "epochs": 3})  # as if written by a wdtui with other rules
        writer.epoch({"epoch": 1, "train_loss": 0.5})
        writer.finish("stopped")
    status, out, err = run(capsys, "runs", "show", "1")
    assert status == 2 and out == "" and err.count("\n") == 1 and "cannot be read here" in err
    assert json.loads(run(capsys, "runs", "show", "1", "--json")[1])["epochs"] == [{"epoch": 1, "train_loss": 0.5}]


def test_a_sweeps_stored_epochs_read_as_the_same_runs_alone(capsys, data_dir):
    """Each stored point starts at epoch 0, as a run does, and every epoch's Observation (read
    from the epochs before it, epoch 0 among them) is the one a run of that λ alone writes."""
    config = RunConfig(epochs=8)
    assert run(capsys, "sweep", "--epochs", "8", "--weight-decays", "0,0.01", "--json")[0] == 0
    with open_store(data_dir / "runs.sqlite3") as store:
        stored = {s.config["weight_decay"]: store.get(s.id) for s in store.list()}
    for lam, point in stored.items():
        alone = [r for r in train(config.replace(weight_decay=lam)) if isinstance(r, EpochRecord)]
        assert [e["epoch"] for e in point.epochs] == list(range(9))
        assert [e["observation"] for e in point.epochs] == [r.observation for r in alone]
