"""`wdtui trace`: the JSON schema, the printed story, and one-line errors for every bad input."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.data import prepare

from decay_reference import torch_decay
from helpers import run_cli as run

EPOCH_KEYS = {"epoch", "train_loss", "val_loss", "train_acc", "val_acc", "penalty", "weight_norm",
              "layer_norms", "seconds", "observation"}




def write_csv(tmp_path: Path, text: str, name: str = "data.csv") -> str:
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def good_csv(rows: int = 40) -> str:
    lines = ["a,b,label"] + [f"{i},{(i * 7) % 11},{'cat' if i % 3 else 'dog'}" for i in range(rows)]
    return "\n".join(lines) + "\n"


def test_json_schema(capsys):
    status, out, err = run(capsys, "trace", "--json", "--epochs", "3", "--weight-decay", "0.01")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["config"]["weight_decay"] == 0.01 and doc["config"]["epochs"] == 3
    assert {"lr", "optimizer", "momentum", "batch_size", "hidden", "seed", "val_fraction", "decay_bias",
            "data", "target", "row"} <= set(doc["config"])
    assert [s["name"] for s in doc["stages"]] == ["Data in", "Preprocessing", "Feature Engineering",
                                                  "Model Trains", "Metrics", "Prediction"]
    assert all({"name", "input_shape", "output_shape", "description", "example"} <= set(s) for s in doc["stages"])
    assert [e["epoch"] for e in doc["epochs"]] == [0, 1, 2, 3]  # epoch 0: the model before any step
    assert doc["epochs"][0]["global_step"] == 0 and doc["epochs"][0]["observation"].startswith("at chance")
    assert all(EPOCH_KEYS <= set(e) for e in doc["epochs"])
    last = doc["epochs"][-1]
    assert last["penalty"] == pytest.approx(0.01 / 2 * last["weight_norm"] ** 2)
    p = doc["prediction"]
    assert len(p["layers"]) == 4 and all({"name", "shape", "values"} <= set(x) for x in p["layers"])
    assert sum(p["probabilities"]) == pytest.approx(1.0)
    assert p["predicted_class"] == max(range(2), key=lambda k: p["probabilities"][k])
    assert p["true_class"] in (0, 1)


def test_trace_prints_the_five_parts(capsys):
    status, out, _ = run(capsys, "trace", "--epochs", "2")
    assert status == 0
    for part in ("Data flow — 6 stages", "Training trace", "Loss per epoch", "Prediction trace — 4 layers",
                 "Key insight", "Feature Engineering", "Softmax", "1 − γλ/(1 − μ)"):
        assert part in out, part


def test_json_insight_states_the_key_numbers(capsys):
    """The half-life for the optimizer in force (the default is SGD with μ = 0.9) and the
    smoothness number, named for what they are."""
    status, out, err = run(capsys, "trace", "--json")
    assert status == 0, err
    insight = json.loads(out)["insight"]
    with_momentum, plain = torch_decay(0.02, 0.001, 0.9, 65), torch_decay(0.02, 0.001, 0.0, 65)
    assert insight["half_life_steps"] == with_momentum.half_life == 3469
    assert insight["plain_half_life_steps"] == plain.half_life == 34658
    assert insight["left_after_run"] == pytest.approx(with_momentum.left, rel=1e-9)
    assert insight["shrink"] == pytest.approx(with_momentum.long_run, rel=1e-9)
    assert insight["direct_shrink"] == pytest.approx(1 - 0.02 * 0.001) and not insight["oscillates"]
    assert insight["steps_trained"] == 65 and 0 < insight["gradient_norm"] < 10
    assert insight["penalty_share"] == pytest.approx(insight["penalty"] / (insight["penalty"] + insight["data_loss"]))


def test_csv_data_with_string_labels_and_row(capsys, tmp_path):
    path = write_csv(tmp_path, good_csv())
    status, out, err = run(capsys, "trace", "--json", "--data", path, "--target", "label", "--row", "3",
                           "--epochs", "2", "--hidden", "8,4")
    assert status == 0, err
    doc = json.loads(out)
    assert doc["prediction"]["row"] == 3 and len(doc["prediction"]["probabilities"]) == 2
    assert [layer["name"] for layer in doc["prediction"]["layers"]] == [
        "Input", "Hidden 1 (ReLU)", "Hidden 2 (ReLU)", "Output (Linear)", "Softmax"]
    assert doc["stages"][0]["input_shape"] == "40 × 2"


BAD_OPTIONS = [
    (["--weight-decay", "-1"], "weight decay"),
    (["--weight-decay", "abc"], "weight decay"),
    (["--lr", "0"], "learning rate"),
    (["--lr", "fast"], "learning rate"),
    (["--epochs", "0"], "epochs"),
    (["--optimizer", "rmsprop"], "optimizer"),
    (["--hidden", "32,x"], "hidden"),
    (["--momentum", "1.5"], "momentum"),
    (["--val-fraction", "1"], "validation fraction"),
    (["--data", "x.csv"], "--target"),
]


@pytest.mark.parametrize("argv,word", BAD_OPTIONS)
def test_bad_option_is_one_line_and_status_2(capsys, argv, word):
    status, out, err = run(capsys, "trace", *argv)
    assert status == 2
    assert err.count("\n") == 1 and word in err and "Traceback" not in err, err


BAD_FILES = [
    ("missing", None, "no such file"),
    ("empty", "", "empty"),
    ("binary", b"\x00\x01\x02PK\x03", "binary"),
    ("no_target", "a,b,c\n" + "1,2,3\n" * 20, "no column named 'label'"),
    ("non_numeric", "a,label\n" + "1,x\n" * 10 + "oops,y\n" + "2,x\n" * 10, "not a number"),
    ("empty_cell", "a,b,label\n" + "1,2,x\n" * 10 + "1,,y\n" + "1,2,y\n" * 10, "empty cell"),
    ("one_class", "a,label\n" + "1,x\n" * 30, "one class"),
    ("too_few", "a,label\n1,x\n2,y\n", "too few"),
    ("ragged", "a,b,label\n" + "1,2,x\n" * 10 + "1,y\n", "cells"),
]


@pytest.mark.parametrize("name,content,word", BAD_FILES, ids=[b[0] for b in BAD_FILES])
def test_bad_file_is_one_line_and_status_2(capsys, tmp_path, name, content, word):
    path = tmp_path / f"{name}.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    status, _, err = run(capsys, "trace", "--data", str(path), "--target", "label")
    assert status == 2
    assert err.count("\n") == 1 and word in err and "Traceback" not in err, err


def test_unreadable_file_is_one_line(capsys, tmp_path, monkeypatch):
    path = write_csv(tmp_path, good_csv())

    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "open", refuse)
    status, _, err = run(capsys, "trace", "--data", path, "--target", "label")
    assert status == 2 and "cannot read it (Permission denied)" in err and err.count("\n") == 1


def test_row_out_of_range(capsys):
    status, _, err = run(capsys, "trace", "--row", "5000")
    assert status == 2 and "out of range" in err and err.count("\n") == 1


def test_divergence_exits_1_with_one_message():
    result = subprocess.run([sys.executable, "-m", "wdtui", "trace", "--lr", "1e6", "--epochs", "3"],
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.strip().startswith("wdtui: error: training diverged at epoch 1, step")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_a_divergence_weight_decay_caused_names_lambda_not_the_learning_rate(capsys):
    """γ = 0.02, μ = 0.9: from λ = 2(1 + μ)/γ = 190 on, decay alone swings the weights wider each
    step (tests/core/test_decay.py holds the bound against torch's SGD)."""
    status, out, err = run(capsys, "trace", "--weight-decay", "200", "--epochs", "20", "--no-record")
    assert status == 1 and out == "" and err.count("\n") == 1
    assert "is no longer a finite number; weight decay did it" in err and "choose λ below 190" in err
    assert "lower learning rate than" not in err


def test_a_divergence_a_csv_value_caused_names_the_value(capsys, tmp_path):
    """A value past float32's range diverges from the first step; one that float32 holds but
    that lies far outside the training rows overflows the validation loss alone."""
    lines = good_csv(60).splitlines()
    lines[5] = "1e39,3,cat"
    status, _, err = run(capsys, "trace", "--data", write_csv(tmp_path, "\n".join(lines) + "\n"), "--target", "label",
                         "--no-record")
    assert status == 1 and err.count("\n") == 1
    assert "the training loss is no longer a finite number; column 'a' of data row 5 holds 1e+39" in err
    assert "beyond what float32 holds" in err and "learning rate" not in err

    rng = random.Random(0)  # two columns of standard deviation about 1, so 3e38 lies 3e38 of them out
    lines = ["a,b,label"] + [f"{rng.gauss(y, 1):.3f},{rng.gauss(-y, 1):.3f},{y}" for y in (i % 2 for i in range(200))]
    config = RunConfig(data=write_csv(tmp_path, "\n".join(lines) + "\n", "good.csv"), target="label")
    row = int(prepare(config).val_idx[0])  # a validation row of the seed's split
    lines[row + 1] = "3e38,-3e38,1"
    status, _, err = run(capsys, "trace", "--data", write_csv(tmp_path, "\n".join(lines) + "\n", "far.csv"),
                         "--target", "label", "--no-record")
    assert status == 1 and "the validation loss is no longer a finite number" in err
    assert f"of data row {row + 1}, a validation row, holds" in err and "learning rate" not in err


def test_help_explains_every_option():
    result = subprocess.run([sys.executable, "-m", "wdtui", "trace", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for option in ("--epochs", "--weight-decay", "--lr", "--optimizer", "--momentum", "--batch-size", "--hidden",
                   "--seed", "--val-fraction", "--decay-bias", "--no-decay-bias", "--data", "--target", "--row",
                   "--json"):
        assert option in result.stdout, option
