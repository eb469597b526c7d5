"""The core run: preprocessing statistics, determinism, the default story, divergence, stopping."""

from __future__ import annotations

import dataclasses
import math

import pytest
import torch

from wdtui.core.config import RunConfig
from wdtui.core.data import prepare, synthetic_table
from wdtui.core.control import Control
from wdtui.core.engine import Engine, train
from wdtui.core.records import ConfigChanged, Diverged, EpochRecord, Setup, StepRecord, Stopped

from helpers import trained_epochs


def _epochs(config: RunConfig) -> list[EpochRecord]:
    return trained_epochs(train(config))


def test_zscore_statistics_come_from_the_training_split_only():
    config = RunConfig()
    data = prepare(config)
    train_raw = data.raw()[data.train_idx]
    torch.testing.assert_close(data.mean, train_raw.mean(0))
    torch.testing.assert_close(data.std, train_raw.std(0, unbiased=False))
    # Changing every validation row changes nothing about the statistics.
    table = synthetic_table(config)
    rows = [list(r) for r in table.rows]
    for i in data.val_idx.tolist():
        rows[i] = [v * 1000 + 7 for v in rows[i]]
    other = prepare(config, dataclasses.replace(table, rows=rows))
    assert torch.equal(other.mean, data.mean) and torch.equal(other.std, data.std)
    assert not torch.equal(other.x_val, data.x_val)
    # The normalized training columns have mean 0 and std 1; validation ones only roughly.
    torch.testing.assert_close(data.x_train.mean(0), torch.zeros(10), atol=1e-5, rtol=0)


def test_raw_columns_sit_on_different_scales():
    data = prepare(RunConfig())
    assert float(data.std.max() / data.std.min()) > 100
    assert float(data.mean.abs().max()) > 10


def test_same_seed_gives_the_same_numbers_exactly():
    strip = lambda e: dataclasses.replace(e, seconds=0.0)  # noqa: E731 - wall time is not a result
    a, b = _epochs(RunConfig(seed=4)), _epochs(RunConfig(seed=4))
    assert [strip(e) for e in a] == [strip(e) for e in b]
    assert [strip(e) for e in _epochs(RunConfig(seed=5))] != [strip(e) for e in a]


def test_default_run_tells_the_seed_story():
    epochs = _epochs(RunConfig())
    assert len(epochs) == 5
    losses = [e.train_loss for e in epochs]
    assert all(b < a for a, b in zip(losses, losses[1:])), losses
    assert epochs[-1].train_acc >= 0.80 and epochs[-1].val_acc >= 0.78
    assert epochs[0].train_acc <= epochs[-1].train_acc - 0.1


def test_epoch_record_penalty_and_norm_are_over_the_decayed_weights():
    config = RunConfig(weight_decay=0.01, epochs=1)
    engine = Engine(config)
    record = trained_epochs(engine.run())[0]
    weights = [p for p in engine.model.parameters() if p.dim() >= 2]
    norm_sq = sum(float((p.detach().double() ** 2).sum()) for p in weights)
    assert record.weight_norm == pytest.approx(math.sqrt(norm_sq), rel=1e-6)
    assert record.penalty == pytest.approx(0.01 / 2 * norm_sq, rel=1e-6)
    assert set(record.layer_norms) == {"hidden1", "output"}
    # The data loss is the plain mean cross-entropy of the model, penalty excluded.
    with torch.no_grad():
        ce = torch.nn.functional.cross_entropy(engine.model(engine.data.x_train), engine.data.y_train)
    assert record.train_loss == pytest.approx(float(ce), rel=1e-6)


def test_records_arrive_in_order_and_steps_are_throttled():
    records = list(train(RunConfig(epochs=2)))
    assert isinstance(records[0], Setup)
    assert [r.epoch for r in records if isinstance(r, EpochRecord)] == [0, 1, 2]
    steps = [r for r in records if isinstance(r, StepRecord)]
    assert len(steps) <= 2 * records[0].steps_per_epoch


def test_a_cancelled_control_ends_the_run_at_once():
    control = Control()
    seen = []
    for record in train(RunConfig(epochs=50), control):
        seen.append(record)
        if isinstance(record, EpochRecord):
            control.cancelled.set()
    assert sum(isinstance(r, EpochRecord) for r in seen) == 1
    assert not isinstance(seen[-1], Stopped)  # a cancelled run just ends


def test_divergence_names_epoch_and_step_and_suggests_a_lower_rate():
    records = list(train(RunConfig(lr=1e6, optimizer="sgd", momentum=0.9, epochs=3)))
    diverged = [r for r in records if isinstance(r, Diverged)]
    assert len(diverged) == 1 and records[-1] is diverged[0]
    assert f"epoch {diverged[0].epoch}, step {diverged[0].step}" in diverged[0].message
    assert "lower learning rate" in diverged[0].message


def test_lambda_changed_between_epochs_is_recorded_on_the_next_epoch():
    config = RunConfig(weight_decay=0.0, epochs=2)
    engine = Engine(config)
    records = []
    for record in engine.run():
        records.append(record)
        if isinstance(record, EpochRecord) and record.epoch == 1:
            engine.control.request(config.replace(weight_decay=0.05))
    first, second = trained_epochs(records)
    changed = next(r for r in records if isinstance(r, ConfigChanged))
    assert changed.epoch == 2 and changed.config.weight_decay == 0.05 and engine.config is changed.config
    assert (first.weight_decay, first.penalty) == (0.0, 0.0)
    assert second.weight_decay == 0.05 and second.penalty == pytest.approx(0.025 * second.weight_norm ** 2)
    assert {g["name"]: g["weight_decay"] for g in engine.optimizer.param_groups} == {"decay": 0.05, "no_decay": 0.0}
    assert {g.name: g.weight_decay for g in engine.setup().param_groups} == {"decay": 0.05, "no_decay": 0.0}


def test_prediction_trace_matches_the_model_output():
    engine = Engine(RunConfig(epochs=1))
    list(engine.run())
    p = engine.predict()
    assert [layer.name for layer in p.layers] == ["Input", "Hidden (ReLU)", "Output (Linear)", "Softmax"]
    assert p.split == "validation" and p.row == int(engine.data.val_idx[0])
    with torch.no_grad():
        logits = engine.model(engine.data.normalize(engine.data.raw(p.row)))
    torch.testing.assert_close(torch.tensor(p.layers[2].values), logits, rtol=0, atol=1e-6)
    torch.testing.assert_close(torch.tensor(p.probabilities, dtype=torch.float64),
                               torch.softmax(logits.double(), 0), rtol=0, atol=1e-9)
    hidden = p.layers[1]
    assert hidden.extra["active"] == sum(v > 0 for v in hidden.values)


def test_models_built_on_many_threads_at_once_get_their_seeds_weights():
    from concurrent.futures import ThreadPoolExecutor

    from wdtui.core.model import build_model

    torch.manual_seed(11)
    reference = torch.nn.Linear(10, 64)
    with ThreadPoolExecutor(8) as pool:
        models = list(pool.map(lambda _: build_model(10, (64, 64), 2, 11), range(32)))
    for model in models:
        assert torch.equal(model[0].weight, reference.weight) and torch.equal(model[0].bias, reference.bias)


def test_a_constant_column_has_std_0_and_z_scores_of_0():
    """Its std is 0, said as 0 (not the 1 it is divided by to keep the z-scores finite)."""
    table = synthetic_table(RunConfig(rows=100, features=3))
    rows = [[7.5, *row[1:]] for row in table.rows]  # column x0 is constant
    data = prepare(RunConfig(rows=100, features=3), dataclasses.replace(table, rows=rows))
    engine = Engine(RunConfig(rows=100, features=3, epochs=1), dataset=data)
    setup = engine.setup()
    assert setup.std[0] == 0 and setup.std[1] > 0
    assert torch.all(data.x_train[:, 0] == 0) and torch.all(data.x_val[:, 0] == 0)
    example = engine.stages()[1].example
    assert example.startswith("x0 is constant on the training rows (std 0): its z-score is 0")
