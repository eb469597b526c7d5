"""The Observation rules on real recorded runs and on hand-made sequences.

tests/data/observed_runs.json holds the epoch numbers of real runs, recorded once with the CLI
and one torch thread, as the app trains (each run's command is in the file): the overfit
preset at seeds 0–3 with λ = 0 and λ = 0.1, the moons preset's 300 epochs at seeds 0–3 with
λ = 0 and its own λ = 0.01, the default run, and 30 epochs on scikit-learn's breast-cancer data
(tests/data/breast_cancer.csv). Each run is read epoch by epoch as the engine reads it (epoch 0
included). The numbers a sentence prints are checked against an independent reading of RULES:
the standard library's least-squares fit, its slope's standard error worked out from the
residuals, then the rule on the printed text.
"""

from __future__ import annotations

import functools
import json
import math
import random
import re
import statistics
from pathlib import Path

import pytest

from wdtui.core.observe import RULES, WINDOW, observe

RUNS = json.loads((Path(__file__).parents[1] / "data" / "observed_runs.json").read_text())["runs"]
LABELS = ("at chance", "untrained", "learning", "overfitting", "unstable", "improving", "converged", "noisy")


def _observations(train, val, n_classes=2, train_acc=None, val_acc=None):
    """observe() epoch by epoch from epoch 0, as the engine calls it: each epoch with the ones before."""
    train_acc = train_acc or [0.9] * len(train)
    val_acc = val_acc or [0.8] * len(train)
    rows = list(zip(train, val, train_acc, val_acc))
    return [observe(*row, rows[:i], n_classes, i) for i, row in enumerate(rows)]


@functools.lru_cache(maxsize=None)
def _run(name):
    """The run's sentences for epochs 1, 2, … (epoch 0 read, as the engine reads it, but left out)."""
    columns = list(zip(*RUNS[name]["epochs"]))
    return tuple(_observations(*columns[1:3], RUNS[name]["n_classes"], *columns[3:5])[1:])


def _label(sentence):
    return sentence.split(":")[0]


def _overfitting_epochs(observations):
    return [epoch for epoch, o in enumerate(observations, start=1) if _label(o) == "overfitting"]


# -- the targets, on recorded runs ----------------------------------------------------

@pytest.mark.parametrize("seed", range(4))
def test_moons_without_decay_is_overfitting_over_its_last_tenth(seed):
    """Its validation loss climbs for hundreds of epochs through jumps of ±30 %: the last 30 of
    300 epochs all say so."""
    observations = _run(f"moons_s{seed}_w0")
    assert len(observations) == 300
    assert all(_label(o) == "overfitting" for o in observations[-30:]), observations[-30:]


@pytest.mark.parametrize("seed", range(4))
def test_moons_at_the_presets_lambda_is_rarely_called_overfitting(seed):
    observations = _run(f"moons_s{seed}_w0.01")
    assert len(_overfitting_epochs(observations)) <= 0.02 * len(observations), _overfitting_epochs(observations)


@pytest.mark.parametrize("seed", range(4))
def test_overfit_preset_without_decay_is_overfitting_over_its_last_epochs(seed):
    observations = _run(f"overfit_s{seed}_w0")
    assert len(observations) == 40
    assert all(_label(o) == "overfitting" for o in observations[-3:]), observations


@pytest.mark.parametrize("seed", range(4))
def test_overfit_preset_at_its_lambda_is_rarely_called_overfitting(seed):
    observations = _run(f"overfit_s{seed}_w0.1")
    assert len(observations) == 40
    assert len(_overfitting_epochs(observations)) <= 2, observations


def test_the_default_run_is_learning_then_improving():
    observations = _run("default")
    assert [_label(o) for o in observations] == ["learning"] * (WINDOW - 2) + ["improving"] * 2


def test_the_breast_cancer_run_improves_after_its_first_epochs():
    """Epoch 15 once said "val loss +0.000 while train loss −0.002": a steady fall is improving."""
    assert _label(_run("breast_cancer")[14]) == "improving"


def test_no_loss_that_moved_a_lot_is_called_converged():
    """The issue saw "converged: train loss −43.6 % (±65.8)" on a loss that halved: converged
    now says the training loss moved less than NOISY % and its noise allows no more."""
    for name in RUNS:
        for sentence in _run(name):
            if _label(sentence) == "converged":
                [(change, noise)] = _printed(sentence)
                assert abs(change) <= 10 and noise <= 10, (name, sentence)


def test_every_overfitting_call_is_what_the_rule_says():
    """Validation loss (the median of the window) more than 20 % above its best, its trend not
    falling, the training loss's falling: worked out again from the raw rows."""
    for name, run in RUNS.items():
        rows = run["epochs"]
        for epoch in _overfitting_epochs(_run(name)):
            window = rows[epoch + 1 - _window(epoch + 1):epoch + 1]
            val_change, val_noise = _reference_trend([r[2] for r in window])
            best = min(r[2] for r in rows[:epoch + 1])
            assert statistics.median(r[2] for r in window) > 1.2 * best, (name, epoch)
            assert not (val_change < -max(val_noise, 5)), (name, epoch)
            train_change, train_noise = _reference_trend([r[1] for r in window])
            assert train_change < -max(train_noise, 5), (name, epoch)


# -- hand-made sequences ---------------------------------------------------------------------

def test_u_shaped_validation_loss_is_overfitting_once_it_stands_well_above_its_best():
    epochs = range(0, 61)
    train = [0.6 * math.exp(-e / 10) + 0.05 for e in epochs]
    val = [0.5 + 0.002 * (e - 15) ** 2 for e in epochs]  # lowest at epoch 15, 20 % above it from epoch 23
    overfitting = _overfitting_epochs(_observations(train, val)[1:])
    # From the first epoch the window's median stands more than 20 % above the best (rounded as
    # printed), every epoch; never while the median lags behind the turn.
    first = next(e for e in epochs if e >= WINDOW - 1 and round(
        100 * (statistics.median(val[e + 1 - _window(e + 1):e + 1]) / min(val[:e + 1]) - 1)) > 20)
    assert 23 < first < 40
    assert overfitting == list(range(first, 61))


def test_a_slow_climb_through_big_jumps_is_seen_on_a_long_run():
    """The moons picture in miniature: over 300 epochs the validation loss triples and the
    training loss halves, each epoch jumping by ±25 % about its trend. A window of 5 epochs
    could not tell this from noise; the long window does."""
    noise = random.Random(7)
    train = [0.3 * 0.5 ** (e / 300) * math.exp(0.25 * noise.gauss(0, 1)) for e in range(301)]
    val = [0.3 * 3 ** (e / 300) * math.exp(0.25 * noise.gauss(0, 1)) for e in range(301)]
    labels = [_label(o) for o in _observations(train, val)]
    assert all(label == "overfitting" for label in labels[-30:]), labels[-30:]


def test_flat_noisy_losses_are_converged_not_overfitting():
    noise = random.Random(4)
    train = [0.40 * (1 + 0.02 * noise.gauss(0, 1)) for _ in range(41)]
    val = [0.55 * (1 + 0.03 * noise.gauss(0, 1)) for _ in range(41)]
    labels = [_label(o) for o in _observations(train, val)[WINDOW:]]
    assert "overfitting" not in labels
    assert labels.count("converged") >= 0.8 * len(labels), labels


def test_a_flat_loss_scattered_widely_is_noisy_not_converged():
    noise = random.Random(5)
    train = [0.2 * math.exp(0.5 * noise.gauss(0, 1)) for _ in range(41)]
    sentence = _observations(train, [0.5] * 41)[-1]
    assert _label(sentence) == "noisy", sentence


def test_a_single_noisy_uptick_is_not_overfitting():
    train = [0.5 * 0.97 ** e for e in range(21)]
    val = [0.6 - 0.001 * e for e in range(21)]
    val[12] *= 1.5  # one bad epoch
    assert _overfitting_epochs(_observations(train, val)) == []


@pytest.mark.parametrize("jump", [0.005, 0.03, 0.2, 1.0, 5.0, -0.5, -0.9])
@pytest.mark.parametrize("epochs", [WINDOW, 40])
def test_one_jump_at_the_end_of_a_flat_window_is_never_a_trend(jump, epochs):
    val = [0.5] * (epochs - 1) + [0.5 * (1 + jump)]
    last = _observations(val, val)[-1]
    assert _label(last) in ("converged", "noisy"), last


@pytest.mark.parametrize("acc, n_classes, label", [
    ((0.52, 0.49), 2, "at chance"),
    ((0.45, 0.46), 2, "at chance"),  # below chance, within 5 points: still chance
    ((0.40, 0.50), 2, "untrained"),  # 10 points below chance is not chance
    ((0.28, 0.26), 4, "at chance"),
    ((0.15, 0.26), 4, "untrained"),
])
def test_at_chance_is_within_five_points_either_side(acc, n_classes, label):
    assert _label(_observations([0.69], [0.69], n_classes, [acc[0]], [acc[1]])[0]) == label


def test_learning_before_a_trend_can_be_read():
    firsts = _observations([0.7, 0.6, 0.5, 0.45], [0.7, 0.6, 0.55, 0.5], 2, [0.5] + [0.7] * 3, [0.5] + [0.7] * 3)
    assert [_label(o) for o in firsts] == ["at chance"] + ["learning"] * 3


def test_non_finite_losses_do_not_raise():
    assert _label(_observations([0.5, 0.4, 0.3, 0.2, math.nan], [0.5] * 4 + [math.inf])[-1]) in LABELS


# -- the printed numbers agree with the rule as printed -------------------------------------

NUMBER = r"([+-]\d+\.\d)% \(±(\d+\.\d)\)"


def _printed(sentence):
    return [(float(c), float(n)) for c, n in re.findall(NUMBER, sentence)]


def _window(records):
    """RULES: the last half of the epochs recorded so far, at least 5."""
    return min(records, max(5, math.ceil(records / 2)))


def _moves(change, noise):
    """RULES, read off the printed numbers: rising or falling when the change is bigger than
    both its noise and 5 %."""
    return 0 if not (abs(change) > noise and abs(change) > 5) else (1 if change > 0 else -1)


def _fit(values):
    logs = [math.log(v) for v in values]
    return logs, statistics.linear_regression(range(len(logs)), logs)


def _reference_trend(values):
    """RULES' change and noise, from the standard library: least squares on the logarithms,
    and the slope's standard error from the residuals."""
    logs, line = _fit(values)
    n = len(logs)
    residuals = [y - (line.intercept + line.slope * i) for i, y in enumerate(logs)]
    spread = sum((i - (n - 1) / 2) ** 2 for i in range(n))
    error = math.sqrt(sum(r * r for r in residuals) / (n - 2) / spread)
    return 100 * math.expm1(line.slope * (n - 1)), 100 * math.expm1(2 * error * (n - 1))


def _shown(change, noise):
    return f"{round(change, 1) + 0.0:+.1f}", f"{noise:.1f}"  # + 0.0: a rounded −0.0 prints +0.0


def _check(sentence, rows):
    """`sentence` against RULES worked out again from `rows`, the run's epochs up to this one."""
    label, numbers = _label(sentence), _printed(sentence)
    n = _window(len(rows))
    assert sentence.endswith(f"last {n} epochs"), sentence
    window = rows[-n:]
    train_ref = _reference_trend([r[1] for r in window])
    if label == "overfitting":
        (vc, vn), (tc, tn) = numbers
        assert _moves(vc, vn) >= 0 and _moves(tc, tn) == -1, sentence
        val_ref = _reference_trend([r[2] for r in window])
        for (c, m), (rc, rm) in (((vc, vn), val_ref), ((tc, tn), train_ref)):
            assert _shown(rc, rm) == _shown(c, m), sentence
        above = round(100 * (statistics.median(r[2] for r in window) / min(r[2] for r in rows) - 1))
        assert f"val loss {above}% above its best" in sentence and above > 20, sentence
    else:
        [(tc, tn)] = numbers
        moves = {"unstable": 1, "improving": -1, "converged": 0, "noisy": 0}[label]
        assert _moves(tc, tn) == moves, sentence
        assert label not in ("converged", "noisy") or (tn <= 10) == (label == "converged"), sentence
        assert _shown(*train_ref) == _shown(tc, tn), sentence


def test_printed_numbers_agree_with_the_rule_on_every_recorded_epoch():
    checked = 0
    for name, run in RUNS.items():
        rows = run["epochs"]
        for epoch, sentence in enumerate(_run(name), start=1):
            if _label(sentence) in ("at chance", "learning"):
                continue
            _check(sentence, rows[:epoch + 1])
            checked += 1
    assert checked > 2500


@pytest.mark.parametrize("per_epoch, label, shown", [
    (0.98735, "converged", "-5.0%"),  # −4.965 % over the window: prints −5.0, not more than 5 %
    (0.98700, "improving", "-5.1%"),
    (1.01250, "unstable", "+5.1%"),
])
def test_a_change_near_five_percent_is_judged_as_printed(per_epoch, label, shown):
    train = [0.4 * per_epoch ** e for e in range(WINDOW)]  # a clean trend: noise ±0.0
    sentence = _observations(train, [0.5] * WINDOW)[-1]
    assert _label(sentence) == label and f"train loss {shown} (±0.0)" in sentence, sentence
    _check(sentence, [(e, t, 0.5) for e, t in enumerate(train)])


def test_rules_name_every_label_the_code_gives():
    for label in LABELS:
        assert f"- {label}:" in RULES
    seen = {_label(o) for name in RUNS for o in _run(name)}
    assert seen <= set(LABELS)
