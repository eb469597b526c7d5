"""The generated script: standalone, readable, and giving the numbers wdtui's own run gives."""

from __future__ import annotations

import ast
import dataclasses
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wdtui.present.codegen import script_for
from wdtui.core.config import RunConfig
from wdtui.core.presets import preset_config
from wdtui.core.records import EpochRecord
from wdtui.core.engine import train

from decay_reference import torch_decay

# What the script prints per epoch, and the tolerance each number must meet.
PRINTED = {"train_loss": 1e-5, "val_loss": 1e-5, "train_acc": 1e-4, "val_acc": 1e-4,
           "penalty": 1e-5, "weight_norm": 1e-5}


def run_script(config: RunConfig, where: Path) -> list[dict[str, float]]:
    """Save the script for `config`, run it with a fresh interpreter, parse its epoch lines."""
    path = where / "reproduce.py"
    path.write_text(script_for(config), encoding="utf-8")
    done = subprocess.run([sys.executable, str(path)], cwd=where, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stdout.splitlines() if line.startswith("epoch ")]
    return [{k: float(v) for k, v in re.findall(r"(\w+) (-?[\d.]+)", line)} for line in lines]


def small_csv(path: Path) -> Path:
    """Three classes whose labels sort differently as numbers and as text, and a constant column."""
    rng = random.Random(7)
    lines = ["size,kind,weight,flat"]
    for _ in range(90):
        label = rng.choice(["2", "10", "9"])
        size = rng.gauss(int(label), 3)
        lines.append(f"{size:.3f},{label},{rng.uniform(100, 900) + 40 * int(label):.2f},1.5")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def configs(tmp: Path) -> dict[str, RunConfig]:
    return {
        "default": RunConfig(),
        "overfit-preset": preset_config("overfit"),  # 40 epochs: any small difference would grow
        "csv-adamw-decay-bias": RunConfig(data=str(small_csv(tmp / "small.csv")), target="kind",
                                          optimizer="adamw", decay_bias=True, weight_decay=0.05,
                                          lr=0.01, epochs=4, batch_size=16),
        "adam-deep-uneven-batches": RunConfig(optimizer="adam", weight_decay=0.01, lr=0.005, hidden=(16, 8),
                                              rows=300, features=4, label_noise=0.2, val_fraction=0.3,
                                              batch_size=50, epochs=3, seed=11),
        # A 2-D preset's network, cut short (the script is run in full), and another shape.
        "moons-preset": preset_config("moons", epochs=8, seed=3),
        "xor-adamw-noise": RunConfig(dataset="xor", noise=0.4, rows=150, optimizer="adamw", weight_decay=0.5,
                                     lr=0.01, hidden=(24, 24), batch_size=16, epochs=4, seed=2),
    }


@pytest.mark.parametrize("name", ["default", "overfit-preset", "csv-adamw-decay-bias", "adam-deep-uneven-batches",
                                  "moons-preset", "xor-adamw-noise"])
def test_the_script_reproduces_the_run(name, tmp_path):
    config = configs(tmp_path)[name]
    expected = [r for r in train(config) if isinstance(r, EpochRecord)]  # epoch 0 first, as the script prints
    printed = run_script(config, tmp_path)
    assert len(printed) == len(expected) == config.epochs + 1
    assert printed[-1]["train_loss"] == pytest.approx(expected[-1].train_loss, abs=1e-5, rel=0)
    for got, record in zip(printed, expected):
        for key, tolerance in PRINTED.items():
            assert got[key] == pytest.approx(getattr(record, key), abs=tolerance, rel=0), (record.epoch, key)


def test_the_script_needs_only_torch_and_the_standard_library(tmp_path):
    for config in configs(tmp_path).values():
        tree = ast.parse(script_for(config))
        imported = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import)
                    for alias in node.names}
        imported |= {node.module.split(".")[0] for node in ast.walk(tree)
                     if isinstance(node, ast.ImportFrom) and node.module}
        assert imported <= {"torch", "csv", "math"}, imported


def test_it_teaches_the_decay_and_the_groups():
    sgd, adamw = script_for(RunConfig()), script_for(RunConfig(optimizer="adamw", decay_bias=True))
    assert "g ← ∇L(θ) + λθ" in sgd and "p.grad += WEIGHT_DECAY * p" in sgd
    assert "θ ← θ − γλθ" in adamw and "p.mul_(1 - LR * WEIGHT_DECAY)" in adamw
    assert '"weight_decay": 0.0' in sgd  # biases in their own group
    assert '"weight_decay": 0.0' not in adamw and "one group" in adamw


def test_its_comment_says_what_decay_alone_does_as_torch_sgd_does_it():
    """The overfit preset: one step's own factor, the long-run factor, the half-life and what is
    left after the run's 400 steps, each what torch's SGD does to a weight with decay alone."""
    config = preset_config("overfit")
    reference = torch_decay(config.lr, config.weight_decay, config.momentum, 400)
    comment = " ".join(line.removeprefix("# ") for line in script_for(config).splitlines() if line.startswith("#"))
    assert "1 − γλ = 0.998;" in comment and f"shrinks by {reference.long_run:.6f} a step" in comment
    assert f"halves a weight in {reference.half_life} steps" in comment
    assert f"after this run's 400 steps, {100 * reference.left:.3g}% of it is left" in comment
    assert "torch.set_num_threads(1)" in script_for(config)


# A value for every option that changes the run; a new RunConfig field fails here until the
# script learns about it (and the field is added to this table, or to NOT_IN_THE_RUN).
CHANGED = {
    "epochs": 7, "weight_decay": 0.25, "lr": 0.5, "optimizer": "adam", "momentum": 0.5,
    "batch_size": 10, "hidden": (8, 8), "seed": 3, "val_fraction": 0.5, "decay_bias": True,
    "preset": "overfit", "rows": 50, "features": 3, "label_noise": 0.3, "dataset": "moons",
}
ON_2D_DATA = {"noise": 0.45}  # changes only what the 2-D shapes are made with
NOT_IN_THE_RUN = {"row"}  # which row the app follows through the stages; training ignores it


def test_every_option_reaches_the_script(tmp_path):
    base = RunConfig()
    script = script_for(base)
    assert script_for(base.replace(data=str(tmp_path / "a.csv"), target="y")) != script
    covered = set(CHANGED) | set(ON_2D_DATA) | NOT_IN_THE_RUN | {"data", "target"}
    assert {f.name for f in dataclasses.fields(RunConfig)} == covered
    for name, value in CHANGED.items():
        assert script_for(base.replace(**{name: value})) != script, f"{name} does not change the script"
    moons = base.replace(dataset="moons")
    for name, value in ON_2D_DATA.items():
        assert script_for(moons.replace(**{name: value})) != script_for(moons), f"{name} does not change the script"


def test_making_a_script_imports_no_torch():
    code = ("import sys; from wdtui.present.codegen import script_for; from wdtui.core.config import RunConfig; "
            "script_for(RunConfig()); print(sorted(m for m in ('torch', 'rich', 'textual') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
