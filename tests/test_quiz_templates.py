"""Questions made from a run: answers checked against arithmetic done here, by hand."""

from __future__ import annotations

import dataclasses
import math
import random
import re
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from wdtui.core.config import RunConfig
from wdtui.core.insight import key_insight
from wdtui.quiz import run_questions
from wdtui.quiz.templates import shrink_factor

from quiz_data import CONFIG, epochs, setup


def made(config=CONFIG, setup_=None, records=None, seed=0):
    records = epochs() if records is None else records
    return {q.id: q for q in run_questions(config, setup_ or setup(), records, random.Random(seed))}


def right(q):
    return q.options[q.answer]


def test_every_run_question_has_four_different_options():
    questions = made()
    assert set(questions) == {"run:best-val-epoch", "run:shrink-factor", "run:half-life", "run:penalty-share",
                              "run:decayed-parameters", "run:steps-per-epoch"}
    for q in questions.values():
        assert q.from_run and len(set(q.options)) == 4 and q.explanation


def test_lowest_validation_loss_epoch():
    q = made()["run:best-val-epoch"]
    assert right(q) == "Epoch 3"  # val 0.70, 0.50, 0.45, 0.48, 0.52
    assert "Epoch 4" in q.options  # the lowest *training* loss, the tempting slip
    assert "went on falling to 0.4000" not in q.explanation and "Later epochs never beat it" in q.explanation


def test_shrink_factor_is_one_minus_gamma_lambda():
    q = made()["run:shrink-factor"]
    assert right(q) == "× 0.999000"  # 1 − 0.1 × 0.01
    assert {"× 0.990000", "× 0.900000", "× 0.999500"} == set(q.options) - {right(q)}  # 1−λ, 1−γ, 1−γλ/2


def test_half_life_in_steps():
    q = made()["run:half-life"]
    assert right(q) == "693 steps"  # ln 2 / −ln(0.999) = 692.8
    assert "1,000 steps" in q.options  # 1/(γλ): forgetting ln 2
    assert "53.3 epochs of 13 steps" in q.explanation  # 692.8 / ⌈800/64⌉


def test_penalty_share_of_the_total_loss():
    q = made()["run:penalty-share"]
    assert right(q) == "20%"  # 0.1 / (0.40 + 0.1)
    assert "25%" in q.options  # penalty / data loss, not / total


def test_decayed_parameters_exclude_biases_unless_bias_decay_is_on():
    assert right(made()["run:decayed-parameters"]).startswith("384:")  # 320 + 64 weights
    on = made(CONFIG.replace(decay_bias=True), setup(decay_bias=True))["run:decayed-parameters"]
    assert right(on).startswith("418:")


def test_steps_per_epoch():
    q = made()["run:steps-per-epoch"]
    assert right(q) == "13"  # ⌈800 / 64⌉
    assert "12" in q.options and "the 32 rows left over" in q.explanation


def test_nothing_before_the_first_epoch_and_no_decay_questions_at_lambda_zero():
    assert made(records=[]) == {}
    assert run_questions(CONFIG, None, epochs(), random.Random(0)) == []
    zero = made(CONFIG.replace(weight_decay=0.0), records=epochs(weight_decay=0.0, penalty=0.0))
    assert set(zero) == {"run:best-val-epoch", "run:steps-per-epoch"}
    assert "run:best-val-epoch" not in made(records=epochs(n=3))


def test_the_lambda_in_force_is_the_one_asked_about():
    q = made(CONFIG.replace(weight_decay=0.05))["run:shrink-factor"]  # λ changed during the run
    assert "λ = 0.05" in q.prompt and right(q) == "× 0.995000"


def test_with_momentum_the_long_run_figures_are_asked_and_forgetting_it_is_a_distractor():
    config = CONFIG.replace(momentum=0.9, lr=0.02, weight_decay=0.001)  # the seed's optimizer
    q = made(config)
    shrink, half = q["run:shrink-factor"], q["run:half-life"]
    assert "SGD with momentum μ = 0.9" in shrink.prompt and "in the long run" in shrink.prompt
    assert right(shrink) == "× 0.999800"  # 1 − 0.02 × 0.001 / 0.1
    assert "× 0.999980" in shrink.options  # 1 − γλ: the momentum forgotten
    assert right(half) == "3,465 steps"  # ln 2 / −ln(1 − 0.0002)
    assert "34,657 steps" in half.options  # without momentum


def test_no_single_shrink_or_half_life_question_for_adam():
    q = made(CONFIG.replace(optimizer="adam"))
    assert "run:shrink-factor" not in q and "run:half-life" not in q and "run:penalty-share" in q


def test_the_answer_moves_with_the_seed():
    places = {made(seed=s)["run:shrink-factor"].answer for s in range(20)}
    assert len(places) > 1


@settings(max_examples=200, deadline=None)
@given(lr=st.floats(1e-4, 1.0), lam=st.floats(1e-6, 1.0), optimizer=st.sampled_from(["sgd", "adam", "adamw"]))
def test_shrink_question_for_any_gamma_and_lambda(lr, lam, optimizer):
    config = RunConfig(lr=lr, weight_decay=lam, optimizer=optimizer)
    records = epochs(weight_decay=lam)
    insight = key_insight(config, records, 13)
    q = shrink_factor(config, setup(), records, insight, random.Random(0))
    if optimizer == "adam":
        assert q is None  # Adam's decay differs per weight: no single factor to ask about
    elif lr * lam / (1 - config.momentum) < 1:
        assert q is not None and len(set(q.options)) == 4
        expected = 1 - lr * lam / (1 - config.momentum if optimizer == "sgd" else 1)
        assert math.isclose(float(right(q).removeprefix("× ")), expected, abs_tol=10 ** -6)


NUMBER = r"(\d+(?:\.\d+)?(?:e-?\d+)?)"


@settings(max_examples=300, deadline=None)
@given(loss=st.floats(0.001, 5.0), penalty=st.floats(1e-7, 5.0), seed=st.integers(0, 99))
def test_penalty_share_follows_from_the_numbers_shown_and_every_distractor_is_told_apart(loss, penalty, seed):
    """The answer is the share of the operands as the prompt prints them, to the answer's own
    three digits; each distractor is further from it than the operands' rounding could move it."""
    records = [dataclasses.replace(e, train_loss=loss, penalty=penalty) for e in epochs()]
    q = made(records=records, seed=seed).get("run:penalty-share")
    if q is None:  # fewer than three slips could be told apart from the answer
        return
    texts = re.findall(rf"was {NUMBER}", q.prompt)
    (t, dt), (p, dp) = ((float(x), 0.5 * 10.0 ** Decimal(x).as_tuple().exponent) for x in texts)
    shown = p / (t + p)
    assert f"{100 * shown:.3g}%" == right(q)
    low, high = (p - dp) / (t + dt + p - dp), (p + dp) / (t - dt + p + dp)  # all the operands allow
    for option in q.options:
        if option != right(q):
            value = float(option.removesuffix("%")) / 100
            assert not low <= value <= high and f"{100 * value:.3g}%" != right(q), option


def test_the_seeds_rounding_trap_is_gone():
    """0.0007 and 0.4212 gave 0.166 %, the answer said 0.169 % and a distractor 0.17 %."""
    records = [dataclasses.replace(e, train_loss=0.42125, penalty=0.000713) for e in epochs()]
    q = made(records=records)["run:penalty-share"]
    assert "0.000713" in q.prompt and right(q) == "0.169%"
    assert "0.17%" not in q.options
