"""The vectorised sweep: each point equals a separate `train()` with that λ; `wdtui sweep`."""

from __future__ import annotations

import json
import threading

import pytest

from helpers import loaded_by, run_cli as run, trained_epochs
from wdtui.core.config import ConfigError, RunConfig
from wdtui.core.lambda_grid import POINTS, RANGES, parse_weight_decays, weight_decay_grid
from wdtui.core.jsonable import to_json
from wdtui.core.records import Diverged, EpochRecord, SweepProgress, SweepResult
from wdtui.core.sweep_engine import sweep
from wdtui.core.control import Control
from wdtui.core.engine import train
from wdtui.core.presets import preset_config
from wdtui.present.columns import PARTING, STACKED

METRICS = ("train_loss", "val_loss", "train_acc", "val_acc", "weight_norm")
POINT_KEYS = {"weight_decay", *METRICS, "diverged", "boundary_length", "gradient_norm"}


def result_of(config: RunConfig, weight_decays=None, **kwargs) -> SweepResult:
    records = list(sweep(config, weight_decays, **kwargs))
    assert isinstance(records[-1], SweepResult)
    return records[-1]


def separate_run(config: RunConfig) -> EpochRecord | Diverged:
    """The last epoch record of a whole `train()`, or its Diverged record."""
    last = None
    for record in train(config):
        if isinstance(record, (EpochRecord, Diverged)):
            last = record
    return last


@pytest.mark.parametrize("decay_bias", [False, True], ids=["weights-only", "decay-bias"])
@pytest.mark.parametrize("optimizer, lr", [("sgd", 0.05), ("adam", 0.01), ("adamw", 0.01)])
def test_each_point_equals_a_separate_train_run(optimizer, lr, decay_bias):
    # Two hidden layers and 800 training rows in batches of 48 (the last one short).
    config = RunConfig(optimizer=optimizer, lr=lr, decay_bias=decay_bias, epochs=2, batch_size=48,
                       hidden=(16, 8))
    weight_decays = (0.0, 1e-3, 0.1, 1.0) if optimizer != "adamw" else (0.0, 0.1, 3.0, 20.0)
    result = result_of(config, weight_decays)
    assert [p.weight_decay for p in result.points] == list(weight_decays)
    for point in result.points:
        record = separate_run(config.replace(weight_decay=point.weight_decay))
        assert isinstance(record, EpochRecord) and not point.diverged
        for name in METRICS:
            assert getattr(point, name) == pytest.approx(getattr(record, name), abs=1e-5, rel=0), name
    # λ changes the weights: the sweep is not K copies of one run.
    norms = [p.weight_norm for p in result.points]
    assert norms == sorted(norms, reverse=True) and norms[0] > norms[-1] * 1.5


def test_default_grid_is_zero_then_log_spaced_per_optimizer():
    for optimizer, (low, high) in RANGES.items():
        grid = weight_decay_grid(optimizer)
        assert len(grid) == POINTS + 1 and grid[0] == 0.0
        assert grid[1] == low and grid[-1] == high and list(grid) == sorted(set(grid))
        ratios = [b / a for a, b in zip(grid[1:], grid[2:])]
        assert max(ratios) / min(ratios) < 1.01  # evenly spaced on a log axis (to the rounding)
    assert weight_decay_grid("sgd", 1) == (0.0, 1.0)
    assert weight_decay_grid("sgd", lr=10.0) == weight_decay_grid("sgd")  # only AdamW's depends on γ
    with pytest.raises(ConfigError):
        weight_decay_grid("sgd", 0)


def test_adamw_grid_stops_where_one_step_would_more_than_halve_the_weights():
    assert weight_decay_grid("adamw", lr=1e-3)[-1] == RANGES["adamw"][1]
    grid = weight_decay_grid("adamw", lr=0.02)
    assert grid[-1] == 25.0 and grid[1] == RANGES["adamw"][0]
    assert weight_decay_grid("adamw", 3, lr=1000.0) == (0.0, 5e-07, 1.58e-05, 0.0005)


def test_sweep_defaults_to_the_optimizer_grid_and_marks_the_best():
    config = RunConfig(epochs=1, optimizer="adamw")
    result = result_of(config)
    assert tuple(p.weight_decay for p in result.points) == weight_decay_grid("adamw", lr=config.lr)
    assert result.best == min(result.points, key=lambda p: p.val_loss)
    assert result.baseline is result.points[0]
    assert result.improvement == pytest.approx(1 - result.best.val_loss / result.points[0].val_loss)
    assert result.config == config.to_dict()


def test_a_diverging_value_is_marked_and_the_others_still_match():
    # SGD with γλ = 1000 multiplies the weights by about −1000 per step: it must blow up.
    config = RunConfig(lr=0.1, epochs=2)
    result = result_of(config, (0.0, 1e4))
    kept, gone = result.points
    assert gone.diverged and all(getattr(gone, name) is None for name in METRICS)
    assert json.loads(to_json(gone))["val_loss"] is None
    assert isinstance(separate_run(config.replace(weight_decay=1e4)), Diverged)
    record = separate_run(config.replace(weight_decay=0.0))
    assert not kept.diverged
    for name in METRICS:
        assert getattr(kept, name) == pytest.approx(getattr(record, name), abs=1e-5, rel=0), name
    assert result.best is kept


def test_all_diverged_has_no_best():
    result = result_of(RunConfig(lr=0.1, epochs=1), (1e4, 1e5))
    assert all(p.diverged for p in result.points) and result.best is None and result.improvement is None


def test_progress_after_every_epoch_carries_each_lambdas_epoch_record():
    config = RunConfig(epochs=3)
    records = list(sweep(config, (0.0, 0.01)))
    progress = [r for r in records if isinstance(r, SweepProgress)]
    assert [(p.epoch, p.epochs) for p in progress] == [(1, 3), (2, 3), (3, 3)]
    assert all(len(p.points) == 2 and p.points[0].val_loss is not None for p in progress)
    assert isinstance(records[-1], SweepResult) and len(records) == 4
    # Each λ's records are the ones a separate run with that λ writes (timing and wording aside).
    alone = trained_epochs(train(config.replace(weight_decay=0.01)))
    swept = [p.records[1] for p in progress]
    for a, b in zip(swept, alone):
        assert (a.epoch, a.weight_decay, a.global_step, set(a.layer_norms)) == (b.epoch, b.weight_decay,
                                                                                b.global_step, set(b.layer_norms))
        for name in ("train_loss", "val_loss", "train_acc", "val_acc", "penalty", "weight_norm"):
            assert getattr(a, name) == pytest.approx(getattr(b, name), abs=1e-5), name
        assert a.layer_norms == pytest.approx(b.layer_norms, abs=1e-5)


def test_a_cancelled_control_returns_without_a_result():
    control = Control()
    control.cancel()
    assert list(sweep(RunConfig(epochs=50), (0.0, 0.1), control)) == []


def test_cancel_from_another_thread_ends_a_long_sweep():
    control = Control()
    records = []
    for record in sweep(RunConfig(epochs=10_000), (0.0, 0.1), control):
        records.append(record)
        threading.Thread(target=control.cancel).start()
    assert records and all(isinstance(r, SweepProgress) for r in records)


def test_bad_weight_decays_are_refused():
    assert parse_weight_decays("1e-3, 0,1e-4,0") == (0.0, 1e-4, 1e-3)
    for text in ("", "a,1", "-1", "nan", "inf", "0;1"):
        with pytest.raises(ConfigError):
            parse_weight_decays(text)
    with pytest.raises(ConfigError, match="weight decay"):
        list(sweep(RunConfig(), (0.0, -1.0)))


def test_sweep_modules_import_neither_textual_nor_rich_and_grid_needs_no_torch():
    assert loaded_by("wdtui.core.sweep_engine", "wdtui.core.lambda_grid", "wdtui.core.presets",
                     among=("textual", "rich")) == []
    assert loaded_by("wdtui.core.lambda_grid", "wdtui.core.presets") == []


# ── wdtui sweep ───────────────────────────────────────────────────────────────────────




def test_json_schema(capsys):
    status, out, err = run(capsys, "sweep", "--json", "--epochs", "2", "--points", "3", "--optimizer", "adam")
    assert status == 0, err
    doc = json.loads(out)
    assert set(doc) == {"config", "points", "best"}
    assert doc["config"]["epochs"] == 2 and doc["config"]["optimizer"] == "adam"
    assert doc["config"]["preset"] == "seed"
    assert [p["weight_decay"] for p in doc["points"]] == list(weight_decay_grid("adam", 3))
    assert all(set(p) == POINT_KEYS for p in doc["points"])
    assert doc["best"] == min(doc["points"], key=lambda p: p["val_loss"])


def test_explicit_weight_decays_and_the_table(capsys):
    status, out, err = run(capsys, "sweep", "--epochs", "1", "--weight-decays", "0.1,0,0.001")
    assert status == 0, err
    assert "3 values of λ" in out and "★ best" in out and "Best λ = " in out
    assert "val at λ = 0" in out and "λ (log scale)" in out


def test_explicit_weight_decays_json_are_sorted(capsys):
    status, out, _ = run(capsys, "sweep", "--json", "--epochs", "1", "--weight-decays", "0.1,0,0.001")
    assert status == 0
    assert [p["weight_decay"] for p in json.loads(out)["points"]] == [0.0, 0.001, 0.1]


@pytest.mark.parametrize("argv", [
    ["--weight-decays", "0,x"],
    ["--weight-decays", "-1e-3"],
    ["--weight-decays", ""],
    ["--weight-decays", "0,1", "--points", "4"],
    ["--points", "0"],
])
def test_bad_sweep_options_are_one_line_exit_2(capsys, argv):
    status, out, err = run(capsys, "sweep", *argv)
    assert status == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("wdtui sweep: error: ")


def test_every_value_diverged_is_one_line_exit_1(capsys):
    status, out, err = run(capsys, "sweep", "--lr", "0.1", "--epochs", "1", "--weight-decays", "1e4,1e5")
    assert status == 1 and out == ""
    assert err.count("\n") == 1 and "diverged for every value of λ" in err
    # γλ = 1000 ≥ 2(1 + μ): the decay itself, not the learning rate, is what to change.
    assert "weight decay did it" in err and "choose λ below 38" in err and "lower learning rate than" not in err


def test_on_the_chaotic_case_a_point_parts_from_its_run_as_the_screen_says():
    """Moons, seed 0, 300 epochs: at λ = 0 the stacked network and a run of its own end apart (a
    rounding grown chaotic), at the preset's λ within what the Sweep screen and docs/cli.md quote
    (benchmarks/sweep_vs_runs.py measures seeds 0–3 of every 2-D preset)."""
    config = preset_config("moons")
    result = next(r for r in sweep(config, (0.0, config.weight_decay)) if isinstance(r, SweepResult))
    parted = []
    for point in result.points:
        alone = trained_epochs(train(config.replace(weight_decay=point.weight_decay)))[-1]
        parted.append(abs(point.val_loss - alone.val_loss) / alone.val_loss)
    assert 0.01 < parted[0] <= PARTING["zero"][1] and parted[1] <= PARTING["preset"][1]
    assert f"up to {PARTING['zero'][1]:.0%}" in STACKED and f"up to {PARTING['preset'][1]:.1%}" in STACKED
