"""2-D data from the command line: --dataset, --noise, --rows and the presets, the boundary in
`wdtui trace` (picture and JSON) and in `wdtui sweep --json`, each number checked against the
same model's boundary worked out apart from the command."""

from __future__ import annotations

import json

import pytest

from wdtui.core.boundary import boundary, default_plane
from wdtui.core.config import DATASETS, RunConfig
from wdtui.core.engine import Engine
from wdtui.core.planar import PLANAR_KINDS
from wdtui.core.presets import PRESETS, preset_config

from helpers import run_cli as run

SMALL_2D = ("--dataset", "moons", "--noise", "0.3", "--rows", "120", "--epochs", "3", "--hidden", "16")


def trained(config: RunConfig) -> Engine:
    engine = Engine(config)
    list(engine.run())
    return engine


def test_the_config_knows_the_shapes_planar_makes():
    assert DATASETS == ("synthetic", *PLANAR_KINDS)
    assert {"moons", "circles", "xor", "spiral"} <= set(PRESETS)


def test_trace_json_has_the_runs_boundary(capsys):
    status, out, err = run(capsys, "trace", "--json", *SMALL_2D)
    assert status == 0, err
    doc = json.loads(out)
    assert (doc["config"]["dataset"], doc["config"]["noise"], doc["config"]["rows"]) == ("moons", 0.3, 120)
    assert doc["setup"]["feature_names"] == ["x0", "x1"] and doc["setup"]["n_rows"] == 120
    assert "moons data, noise 0.3, seed 0" in doc["stages"][0]["description"]
    got = doc["boundary"]
    config = RunConfig(dataset="moons", noise=0.3, rows=120, epochs=3, hidden=(16,))
    engine = trained(config)
    expected = boundary(engine.model, engine.data)
    assert got["features"] == [0, 1] and got["feature_names"] == ["x0", "x1"]
    assert got["extent"] == pytest.approx(list(expected.extent))
    rows, cols = len(got["probabilities"]), len(got["probabilities"][0])
    assert rows >= 20 and cols >= 40 and [rows, cols] == got["shape"]
    assert got["probabilities"] == [list(r) for r in expected.probabilities]
    assert got["length"] == expected.length and got["gradient_norm"] == pytest.approx(expected.gradient_norm)
    assert got["rows"]["total"] == 120 and sum(got["rows"]["training"]) == len(engine.data.y_train)


def test_every_run_has_a_boundary_a_slice_when_it_has_more_features(capsys):
    status, out, _ = run(capsys, "trace", "--json", "--epochs", "2")
    assert status == 0
    got = json.loads(out)["boundary"]
    engine = trained(RunConfig(epochs=2))
    assert tuple(got["features"]) == default_plane(engine.model) and got["n_features"] == 10
    assert got["held"] == 0 and got["length"] == boundary(engine.model, engine.data).length


def test_trace_draws_the_boundary_of_2d_data_only(capsys):
    status, out, _ = run(capsys, "trace", *SMALL_2D)
    assert status == 0
    assert "Decision boundary after epoch 3 — x0 × x1, the whole input" in out
    after = out.split("Decision boundary after epoch 3")[1]
    assert "length " in after and "misclassified" in after and "boundary █" in after  # no colour in a pipe
    assert after.index("misclassified") < after.index("Prediction trace")  # between the chart and the trace
    status, out, _ = run(capsys, "trace", "--epochs", "1")
    assert status == 0 and "Decision boundary" not in out


def test_sweep_points_carry_each_lambdas_boundary(capsys):
    status, out, err = run(capsys, "sweep", "--json", *SMALL_2D, "--weight-decays", "0,0.01,0.3")
    assert status == 0, err
    points = json.loads(out)["points"]
    for point in points:  # each λ as a run of its own draws the same boundary
        engine = trained(RunConfig(dataset="moons", noise=0.3, rows=120, epochs=3, hidden=(16,),
                                   weight_decay=point["weight_decay"]))
        expected = boundary(engine.model, engine.data)
        assert abs(point["boundary_length"] - expected.length) <= 2  # a cell on p = ½ may round either way
        assert point["gradient_norm"] == pytest.approx(expected.gradient_norm, rel=1e-4)


def test_a_preset_gives_the_2d_settings_and_a_csv_replaces_only_its_data(tmp_path):
    moons = preset_config("moons")
    assert (moons.dataset, moons.noise, moons.rows, moons.val_fraction, moons.hidden) == ("moons", 0.35, 400, 0.8,
                                                                                         (128, 128))
    csv = tmp_path / "d.csv"
    csv.write_text("a,b,y\n" + "".join(f"{i},{i % 3},{i % 2}\n" for i in range(30)))
    with_csv = preset_config("moons", data=str(csv), target="y")
    assert with_csv.dataset == "synthetic" and with_csv.hidden == (128, 128) and with_csv.epochs == 300


@pytest.mark.parametrize("argv, says", [
    (["--noise", "-0.1"], "--noise: noise must be between 0 and 10"),
    (["--noise", "lots"], "noise must be a number"),
    (["--dataset", "gaussian"], "invalid choice: 'gaussian'"),
    (["--rows", "5"], "--rows: rows must be a whole number ≥ 10"),
    (["--dataset", "moons", "--data", "x.csv", "--target", "y"], "--dataset: a CSV file and the moons data"),
    (["--pace", "10"], "unrecognized arguments: --pace 10"),
])
def test_bad_2d_options_are_one_line_and_status_2(capsys, argv, says):
    status, _, err = run(capsys, "trace", *argv)
    assert status == 2 and err.count("\n") == 1 and says in err, err


def test_a_bad_pace_for_the_app_is_one_line_and_trace_takes_none(capsys):
    status, _, err = run(capsys, "--pace", "fast")
    assert status == 2 and err.count("\n") == 1 and "pace must be auto, instant" in err
    status, _, err = run(capsys, "--pace", "10", "sweep")
    assert status == 2 and err.count("\n") == 1 and "--pace is the app's: wdtui sweep trains at full speed" in err
