"""The Observation rules on real recorded runs and on hand-made sequences.

tests/data/observed_runs.json holds the epoch numbers of real runs, recorded once with the CLI
(each run's command is in the file): the overfit preset at seeds 0–3 with λ = 0 and λ = 0.1,
the default run, and 30 epochs on scikit-learn's breast-cancer data (tests/data/breast_cancer.csv).
The numbers a sentence prints are checked against an independent reading of RULES: the
standard library's least-squares fit and standard deviation, then the rule on the printed text.
"""

from __future__ import annotations

import json
import math
import random
import re
import statistics
from pathlib import Path

import pytest

from wdtui.core.observe import RULES, WINDOW, observe

RUNS = json.loads((Path(__file__).parent / "data" / "observed_runs.json").read_text())["runs"]
LABELS = ("at chance", "learning", "overfitting", "unstable", "improving", "converged")


def _observations(train, val, n_classes=2, train_acc=None, val_acc=None):
    """observe() epoch by epoch, as the engine calls it: each epoch with the ones before."""
    train_acc = train_acc or [0.9] * len(train)
    val_acc = val_acc or [0.8] * len(train)
    rows = list(zip(train, val, train_acc, val_acc))
    return [observe(*row, rows[:i], n_classes) for i, row in enumerate(rows)]


def _run(name):
    run = RUNS[name]
    columns = list(zip(*run["epochs"]))
    return _observations(*columns[1:3], run["n_classes"], *columns[3:5])


def _label(sentence):
    return sentence.split(":")[0]


def _overfitting_epochs(observations):
    return [epoch for epoch, o in enumerate(observations, start=1) if _label(o) == "overfitting"]


# -- recorded runs ---------------------------------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_overfit_preset_without_decay_is_overfitting_over_its_last_epochs(seed):
    observations = _run(f"overfit_s{seed}_w0")
    assert all(_label(o) == "overfitting" for o in observations[10:]), observations


@pytest.mark.parametrize("seed", range(4))
def test_overfit_preset_at_its_best_lambda_is_rarely_called_overfitting(seed):
    observations = _run(f"overfit_s{seed}_w0.1")
    assert len(observations) == 40
    assert len(_overfitting_epochs(observations)) <= 2, observations


def test_the_default_run_is_learning_then_improving():
    observations = _run("default")
    assert [_label(o) for o in observations] == ["learning"] * (WINDOW - 1) + ["improving"]


def test_the_issues_examples_are_no_longer_called_overfitting():
    """Overfit preset λ = 0.1, epoch 13: val loss fell (0.5300 → 0.5264) yet was "overfitting";
    breast-cancer data, epoch 15: "val loss +0.000 while train loss −0.002"."""
    assert _label(_run("overfit_s0_w0.1")[12]) != "overfitting"
    assert _label(_run("breast_cancer")[14]) == "improving"


def test_every_overfitting_call_on_a_real_run_has_val_up_and_train_down_across_the_window():
    for name, run in RUNS.items():
        rows = run["epochs"]
        for epoch in _overfitting_epochs(_run(name)):
            first, last = rows[epoch - WINDOW], rows[epoch - 1]
            assert last[2] > first[2] and last[1] < first[1], (name, epoch)


# -- hand-made sequences ---------------------------------------------------------------------

def test_u_shaped_validation_loss_is_overfitting_once_the_trend_turns():
    epochs = range(1, 41)
    train = [0.6 * math.exp(-e / 10) + 0.05 for e in epochs]
    val = [0.5 + 0.002 * (e - 15) ** 2 for e in epochs]  # lowest at epoch 15
    overfitting = _overfitting_epochs(_observations(train, val))
    assert overfitting[0] > 15  # never while the validation loss still falls
    assert overfitting == list(range(overfitting[0], 41))  # and from the turn on, every epoch
    assert overfitting[0] <= 15 + WINDOW - 1  # within a window of the turn


def test_flat_noisy_losses_are_converged_not_overfitting():
    noise = random.Random(4)
    train = [0.40 * (1 + 0.02 * noise.gauss(0, 1)) for _ in range(40)]
    val = [0.55 * (1 + 0.03 * noise.gauss(0, 1)) for _ in range(40)]
    labels = [_label(o) for o in _observations(train, val)[WINDOW - 1:]]
    assert "overfitting" not in labels
    assert labels.count("converged") >= 0.8 * len(labels), labels


def test_a_single_noisy_uptick_is_not_overfitting():
    train = [0.5 * 0.97 ** e for e in range(20)]
    val = [0.6 - 0.001 * e for e in range(20)]
    val[12] *= 1.08  # one bad epoch
    assert _overfitting_epochs(_observations(train, val)) == []


@pytest.mark.parametrize("jump", [0.005, 0.03, 0.2, 1.0, 5.0, -0.5, -0.9])
def test_one_jump_at_the_end_of_a_flat_window_is_never_a_trend(jump):
    val = [0.5] * (WINDOW - 1) + [0.5 * (1 + jump)]
    last = _observations(val, val)[-1]
    assert _label(last) == "converged", last


def test_at_chance_and_learning():
    assert _label(_observations([0.69], [0.69], 2, [0.52], [0.49])[0]) == "at chance"
    assert _label(_observations([0.69], [0.69], 4, [0.28], [0.26])[0]) == "at chance"
    firsts = _observations([0.6, 0.5, 0.45, 0.43], [0.6, 0.55, 0.5, 0.5])
    assert [_label(o) for o in firsts] == ["learning"] * 4


def test_non_finite_losses_do_not_raise():
    assert _label(_observations([0.5, 0.4, 0.3, 0.2, math.nan], [0.5] * 4 + [math.inf])[-1]) in LABELS


# -- the printed numbers agree with the rule as printed -------------------------------------

NUMBER = r"([+-]\d+\.\d)% \(±(\d+\.\d)\)"


def _printed(sentence):
    return [(float(c), float(n)) for c, n in re.findall(NUMBER, sentence)]


def _moves(change, noise):
    """RULES, read off the printed numbers: rising or falling when the change is bigger than
    both its noise and 1 %."""
    return 0 if not (abs(change) > noise and abs(change) > 1) else (1 if change > 0 else -1)


def _reference_trend(values):
    """RULES' change and noise, from the standard library: least squares on the logarithms."""
    logs = [math.log(v) for v in values]
    slope = statistics.linear_regression(range(len(logs)), logs).slope
    sd = statistics.stdev(b - a for a, b in zip(logs, logs[1:]))
    return 100 * (math.exp(slope * (len(logs) - 1)) - 1), 100 * (math.exp(2 * sd) - 1)


def _shown(change, noise):
    return f"{round(change, 1) + 0.0:+.1f}", f"{noise:.1f}"  # + 0.0: a rounded −0.0 prints +0.0


def _check(sentence, train_window, val_window):
    label, numbers = _label(sentence), _printed(sentence)
    train_ref = _reference_trend(train_window)
    if label == "overfitting":
        (vc, vn), (tc, tn) = numbers
        assert _moves(vc, vn) == 1 and _moves(tc, tn) == -1, sentence
        for (c, n), (rc, rn) in (((vc, vn), _reference_trend(val_window)), ((tc, tn), train_ref)):
            assert _shown(rc, rn) == _shown(c, n), sentence
    else:
        [(tc, tn)] = numbers
        assert _moves(tc, tn) == {"unstable": 1, "improving": -1, "converged": 0}[label], sentence
        assert _shown(*train_ref) == _shown(tc, tn), sentence


def test_printed_numbers_agree_with_the_rule_on_every_recorded_epoch():
    checked = 0
    for name, run in RUNS.items():
        rows = run["epochs"]
        for i, sentence in enumerate(_run(name)):
            if _label(sentence) in ("at chance", "learning"):
                continue
            window = rows[i + 1 - WINDOW:i + 1]
            _check(sentence, [r[1] for r in window], [r[2] for r in window])
            checked += 1
    assert checked > 250


@pytest.mark.parametrize("per_epoch, label, shown", [
    (0.99756, "converged", "-1.0%"),  # −0.975 % over the window: prints −1.0, not more than 1 %
    (0.99730, "improving", "-1.1%"),
    (1.00270, "unstable", "+1.1%"),
])
def test_a_change_near_one_percent_is_judged_as_printed(per_epoch, label, shown):
    train = [0.4 * per_epoch ** e for e in range(WINDOW)]  # a clean trend: noise ±0.0
    sentence = _observations(train, [0.5] * WINDOW)[-1]
    assert _label(sentence) == label and f"train loss {shown} (±0.0)" in sentence, sentence
    _check(sentence, train, [0.5] * WINDOW)


def test_rules_name_every_label_the_code_gives():
    for label in LABELS:
        assert f"- {label}:" in RULES
    seen = {_label(o) for name in RUNS for o in _run(name)}
    assert seen <= set(LABELS)
