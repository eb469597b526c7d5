"""The twins of the Compare mode differ in λ alone: same data, initial weights and batch order,
so each twin is exactly the run `train()` gives for its λ; and the verdict quotes their records."""

from __future__ import annotations

import dataclasses
import threading

import pytest
import torch

from wdtui.core.compare import TIE, twin_engines, twins, verdict
from wdtui.core.config import RunConfig
from wdtui.core.control import Control
from wdtui.core.engine import train
from wdtui.core.model import build_model
from wdtui.core.records import EpochRecord
from wdtui.present.verdicts import twins_verdict

from helpers import epoch_record as _epoch, trained_epochs

CONFIG = RunConfig(seed=3, epochs=3, weight_decay=0.05, lr=0.05)


def _numbers(e: EpochRecord) -> dict:
    """An epoch record without its timing, the one field two identical runs do not share."""
    return {k: v for k, v in dataclasses.asdict(e).items() if k != "seconds"}


def test_same_initial_weights_data_and_batch_order():
    engines = twin_engines(CONFIG, Control())
    zero, decayed = engines
    assert zero.config.weight_decay == 0 and decayed.config.weight_decay == 0.05
    assert decayed.data is zero.data
    for a, b in zip(zero.model.parameters(), decayed.model.parameters()):
        assert torch.equal(a, b)
    states = []  # the shuffle generator's state as each twin starts each epoch: same state, same order
    for which, record in twins(engines):
        if isinstance(record, EpochRecord) and record.epoch > 0:
            states.append((which, record.epoch, engines[which].shuffle.get_state()))
    for epoch in (1, 2, 3):
        a, b = (s for w, e, s in states if e == epoch)
        assert torch.equal(a, b)
    # The generator is only ever used for the batch order, so equal states mean equal orders.
    assert [w for w, e, _ in states] == [0, 1, 0, 1, 0, 1]


def test_each_twin_is_the_run_its_own_lambda_gives():
    records: dict[int, list[EpochRecord]] = {0: [], 1: []}
    for which, record in twins(twin_engines(CONFIG, Control())):
        if isinstance(record, EpochRecord) and record.epoch > 0:
            records[which].append(record)
    for which, config in ((0, CONFIG.replace(weight_decay=0.0)), (1, CONFIG)):
        expected = trained_epochs(train(config))
        assert [_numbers(r) for r in records[which]] == [_numbers(r) for r in expected]
    assert records[1][-1].weight_norm < records[0][-1].weight_norm  # λ did shrink the weights


def test_stop_returns_at_once():
    control = Control()
    engines = twin_engines(CONFIG, control)
    seen = []
    for which, record in twins(engines):
        seen.append(record)
        if isinstance(record, EpochRecord) and record.epoch == 1:
            control.cancel()
    assert len(trained_epochs(seen)) == 1
    assert engines[1].epoch == 0


def test_a_diverging_twin_stops_and_the_other_goes_on():
    zero, decayed = engines = twin_engines(RunConfig(seed=0, epochs=3, lr=0.1, weight_decay=100.0), Control())
    records = list(twins(engines))  # γλ = 10 above: decay alone explodes
    assert decayed.diverged is not None and zero.diverged is None
    assert zero.epoch == 3 and decayed.epoch < 3
    assert sum(1 for w, r in records if w == 1 and type(r).__name__ == "Diverged") == 1


def test_models_built_on_many_threads_get_their_seeds_weights():
    """nn.Linear draws from torch's global generator: the run, the twins and a sweep all build
    models on their own threads, so build_model must not interleave their draws."""
    reference = {s: [p.detach().clone() for p in build_model(20, (256,), 2, s).parameters()] for s in (0, 1)}
    wrong = []

    def build(seed: int) -> None:
        for _ in range(100):
            model = build_model(20, (256,), 2, seed)
            if not all(torch.equal(a, b) for a, b in zip(model.parameters(), reference[seed])):
                wrong.append(seed)

    threads = [threading.Thread(target=build, args=(s,)) for s in (0, 1, 0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert wrong == []


def test_verdict_decayed_better():
    zero = [_epoch(1, 0.5, 0.7, 0.0), _epoch(2, 0.2, 0.8, 0.0)]
    decayed = [_epoch(1, 0.5, 0.6, 0.1), _epoch(2, 0.3, 0.6, 0.1)]
    v = verdict(zero, decayed)
    assert v.winner == "decayed" and v.epoch == 2 and v.val_change == pytest.approx(-0.25)
    assert twins_verdict(v) == ("λ = 0.1 generalizes better at epoch 2: val loss 0.6000 with λ = 0.1 vs 0.8000 at λ = 0 "
                      "(-25.0%); gap 0.3000 vs 0.6000.")


def test_verdict_zero_better_tie_and_unequal_lengths():
    zero = [_epoch(1, 0.3, 0.4, 0.0), _epoch(2, 0.3, 0.4, 0.0)]
    worse = [_epoch(1, 0.4, 0.5, 0.01)]  # diverged after epoch 1: compared at epoch 1
    v = verdict(zero, worse)
    assert v.winner == "zero" and v.epoch == 1 and twins_verdict(v).startswith("λ = 0 generalizes better at epoch 1")
    same = [_epoch(1, 0.3, 0.4 * (1 + TIE / 2), 0.01)]
    assert verdict(zero, same).winner == "tie"
    assert verdict(zero, []) is None
