"""The anatomy of an update against the real thing: the parts must add up to the change that
one actual `optimizer.step()` makes, for every weight, with every optimizer the app builds."""

from __future__ import annotations

import copy
import math

import pytest
import torch
import torch.nn.functional as F

from wdtui.core.anatomy import anatomy
from wdtui.core.capture import LastUpdates, Taken
from wdtui.core.config import RunConfig
from wdtui.core.model import linear_layers, weights_of
from wdtui.core.engine import Engine

from helpers import each_epoch

CONFIGS = {
    "sgd": RunConfig(optimizer="sgd", lr=0.1, momentum=0.9, weight_decay=0.05),
    "sgd, no momentum": RunConfig(optimizer="sgd", lr=0.1, momentum=0.0, weight_decay=0.05),
    "adam": RunConfig(optimizer="adam", lr=0.01, weight_decay=0.05),
    "adamw": RunConfig(optimizer="adamw", lr=0.01, weight_decay=0.05),
    "adam, biases decayed": RunConfig(optimizer="adam", lr=0.01, weight_decay=0.05, decay_bias=True),
}


def _backward(engine: Engine, batch: int) -> None:
    """The gradient of one training batch, as the training loop computes it."""
    bs = engine.config.batch_size
    x, y = engine.data.x_train[batch * bs:(batch + 1) * bs], engine.data.y_train[batch * bs:(batch + 1) * bs]
    engine.optimizer.zero_grad(set_to_none=True)
    F.cross_entropy(engine.model(x), y).backward()


def _every_weight(model):
    for name, linear in linear_layers(model):
        rows, cols = linear.weight.shape
        for i in range(rows):
            for j in range(cols):
                yield name, (i, j)


def _weight(model, name: str) -> torch.Tensor:
    return dict(linear_layers(model))[name].weight.detach()


def _check_against_a_real_step(engine: Engine, batch: int) -> list:
    """Capture, then step a copy of the model and optimizer: the parts must sum to its change."""
    _backward(engine, batch)
    update = Taken(engine.optimizer, engine.model).retake(engine.optimizer, epoch=1, step=batch + 1).update()
    model, optimizer = copy.deepcopy((engine.model, engine.optimizer))
    for mine, theirs in zip(model.parameters(), engine.model.parameters()):
        mine.grad = theirs.grad.clone()  # deepcopy leaves gradients behind
    before = copy.deepcopy(model)
    optimizer.step()
    results = []
    for name, index in _every_weight(model):
        a = anatomy(update, name, index, after=weights_of(model))
        actual = float(_weight(model, name)[index]) - float(_weight(before, name)[index])
        assert a.change == pytest.approx(actual, abs=1e-6), (name, index)
        assert a.after - a.theta == pytest.approx(actual, abs=1e-7)
        results.append(a)
    engine.optimizer.step()  # the engine goes on as the copy did
    return results


@pytest.mark.parametrize("name", CONFIGS)
def test_parts_add_up_to_one_real_step_on_the_first_and_later_steps(name):
    engine = Engine(CONFIGS[name])
    first = _check_against_a_real_step(engine, 0)  # no momentum buffer / moments yet
    assert all(a.momentum_part == 0 for a in first)
    for batch in range(1, 4):
        later = _check_against_a_real_step(engine, batch)
    if CONFIGS[name].momentum or CONFIGS[name].optimizer != "sgd":
        assert any(abs(a.momentum_part) > 1e-6 for a in later)


@pytest.mark.parametrize("name", CONFIGS)
def test_the_decay_part_is_what_each_optimizer_does_with_lambda(name):
    config = CONFIGS[name]
    engine = Engine(config)
    for batch in range(3):
        results = _check_against_a_real_step(engine, batch)
    lr, lam = config.lr, config.weight_decay
    for a in results:
        assert a.shrink == pytest.approx(1 - lr * lam)
        if config.optimizer == "adam":  # λθ joins g and is divided by √v̂ + ε with it
            assert a.decay_part == pytest.approx(-a.scale * lam * a.theta, rel=1e-12, abs=1e-15)
            assert a.effective_shrink == pytest.approx(1 - a.scale * lam)
            assert a.gradient_part == pytest.approx(-a.scale * a.grad)
        else:  # SGD before momentum, AdamW apart from the adaptive step: −γλθ exactly
            assert a.decay_part == pytest.approx(-lr * lam * a.theta, rel=1e-12, abs=1e-15)
            assert a.effective_shrink == pytest.approx(1 - lr * lam)
        if config.optimizer == "sgd":
            assert a.scale == lr and a.denominator is None
            assert a.gradient_part == pytest.approx(-lr * a.grad)
        else:
            assert a.denominator > 0
    if config.optimizer == "adam":  # coupled: the real shrink differs per weight, and from 1 − γλ
        shrinks = {round(a.effective_shrink, 9) for a in results}
        assert len(shrinks) > 10 and 1 - lr * lam not in shrinks


def test_lambda_zero_has_no_decay_part():
    engine = Engine(RunConfig(optimizer="adamw", lr=0.01, weight_decay=0.0))
    for a in _check_against_a_real_step(engine, 0):
        assert a.decay_part == 0 and a.shrink == 1 and a.effective_shrink == 1


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
def test_the_engine_keeps_the_last_step_of_each_epoch(optimizer):
    """LastUpdates copies the state before an epoch's last step; the model at the epoch end
    is that step's result, so anatomy(..., after=its weights) closes the loop on a real run."""
    config = RunConfig(optimizer=optimizer, lr=0.01, weight_decay=0.01, epochs=2)
    engine = Engine(config)
    watch = LastUpdates(engine)
    epochs = each_epoch(engine)
    for epoch in (1, 2):
        next(epochs)
        update = watch.latest
        assert (update.epoch, update.step) == (epoch, epoch * engine.steps_per_epoch)
        assert update.weight_decay == config.weight_decay
        for name, index in [("hidden1", (0, 0)), ("hidden1", (31, 9)), ("output", (1, 17))]:
            a = anatomy(update, name, index, after=weights_of(engine.model))
            assert a.change == pytest.approx(a.after - a.theta, abs=1e-6)
            assert math.isfinite(a.change) and a.change != 0
    if optimizer != "sgd":
        assert update.adam_step == 2 * engine.steps_per_epoch


def test_lambda_changed_between_epochs_is_the_one_captured():
    engine = Engine(RunConfig(weight_decay=0.001, epochs=2))
    watch = LastUpdates(engine)
    epochs = each_epoch(engine)
    next(epochs)
    engine.control.request(engine.config.replace(weight_decay=0.1))
    next(epochs)
    assert watch.latest.weight_decay == 0.1
    a = anatomy(watch.latest, "hidden1", (2, 3), after=weights_of(engine.model))
    assert a.decay_part == pytest.approx(-0.02 * 0.1 * a.theta)
    assert a.change == pytest.approx(a.after - a.theta, abs=1e-6)


def test_the_copy_is_not_the_live_state():
    """Training on must not change an update already handed to the UI thread."""
    engine = Engine(RunConfig(epochs=2))
    watch = LastUpdates(engine)
    epochs = each_epoch(engine)
    next(epochs)
    update = watch.latest
    kept = {k: v.copy() for k, v in update.weights.items()}
    next(epochs)
    assert watch.latest is not update
    for name, w in update.weights.items():
        assert (w == kept[name]).all()


def test_the_latest_two_epochs_are_kept_and_each_is_what_its_step_read():
    """A run task shows an epoch's update after the next epoch has trained (a run that diverges
    at an epoch's end is viewed at the epoch before): the two latest epochs stay, each its own."""
    engine = Engine(RunConfig(weight_decay=0.01, epochs=3))
    watch = LastUpdates(engine)
    epochs = each_epoch(engine)
    next(epochs)
    first = {k: v.copy() for k, v in watch.latest.weights.items()}
    next(epochs)
    assert watch.of_epoch(1).epoch == 1 and watch.of_epoch(2) is watch.latest
    for name, w in watch.of_epoch(1).weights.items():  # not the copy's tensors retaken at epoch 2
        assert (w == first[name]).all()
    engine.control.request(engine.config.replace(weight_decay=0.1))
    next(epochs)
    assert watch.of_epoch(1) is None, "only the latest two are kept"
    assert (watch.of_epoch(2).weight_decay, watch.of_epoch(3).weight_decay) == (0.01, 0.1)
