"""Questions made from a run: answers checked against arithmetic done here, by hand."""

from __future__ import annotations

import math
import random

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


def test_the_latest_lambda_is_the_one_asked_about():
    q = made(records=epochs(weight_decay=0.05))["run:shrink-factor"]  # λ changed during the run
    assert "λ = 0.05" in q.prompt and right(q) == "× 0.995000"


def test_the_answer_moves_with_the_seed():
    places = {made(seed=s)["run:shrink-factor"].answer for s in range(20)}
    assert len(places) > 1


@settings(max_examples=200, deadline=None)
@given(lr=st.floats(1e-4, 1.0), lam=st.floats(1e-6, 1.0), optimizer=st.sampled_from(["sgd", "adam", "adamw"]))
def test_shrink_question_for_any_gamma_and_lambda(lr, lam, optimizer):
    config = RunConfig(lr=lr, weight_decay=lam, optimizer=optimizer)
    records = epochs(weight_decay=lam)
    insight = key_insight(config, records, 13, lam)
    q = shrink_factor(config, setup(), records, insight, random.Random(0))
    if lr * lam < 1:
        assert q is not None and len(set(q.options)) == 4
        assert math.isclose(float(right(q).removeprefix("× ")), 1 - lr * lam, abs_tol=10 ** -6)
