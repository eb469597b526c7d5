"""Questions made from a run: answers checked against arithmetic done here, by hand, and the
decay figures against torch.optim stepping a weight with decay alone (decay_reference.py)."""

from __future__ import annotations

import dataclasses
import math
import random
import re
from decimal import Decimal

import numpy
from hypothesis import given, settings
from hypothesis import strategies as st

from wdtui.core.config import RunConfig
from wdtui.core.insight import key_insight
from wdtui.quiz import run_questions
from wdtui.quiz.templates import shrink_factor

from decay_reference import torch_decay
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
    reference = torch_decay(0.02, 0.001, 0.9, 65)
    assert "SGD with momentum μ = 0.9" in shrink.prompt and "(the long-run factor)" in shrink.prompt
    assert right(shrink) == f"× {reference.long_run:.6f}" == "× 0.999800"
    assert "× 0.999980" in shrink.options  # 1 − γλ: the momentum forgotten
    assert "1 − γλ = 0.999980 is one step's own decay part" in shrink.explanation
    assert right(half) == f"{reference.half_life:,} steps" == "3,469 steps"
    assert "34,658 steps" in half.options  # without momentum
    # 1 − γλ/(1 − μ) = 0.9998 is right here to six places: never offered as a wrong answer.
    assert not any(o.startswith("3,46") for o in half.options if o != right(half))


def test_where_momentum_decay_is_not_its_approximation_the_exact_factor_is_the_answer():
    """The overfit preset's γ = 0.02, λ = 0.1, μ = 0.9: torch's SGD shrinks a weight by 0.9735 a
    step in the long run and halves it in 40 steps; 1 − γλ/(1 − μ) = 0.98 is off there."""
    config = CONFIG.replace(momentum=0.9, lr=0.02, weight_decay=0.1)
    reference = torch_decay(0.02, 0.1, 0.9, 65)
    q = made(config, records=epochs(weight_decay=0.1))
    shrink, half = q["run:shrink-factor"], q["run:half-life"]
    assert right(shrink) == f"× {reference.long_run:.6f}" and right(half) == f"{reference.half_life} steps" == "40 steps"
    assert "× 0.998000" in shrink.options and "one step's own decay part" in shrink.explanation
    for past in (0.3, 1.0):  # complex roots: the size shrinks by √μ a step, swinging through zero
        reference = torch_decay(0.02, past, 0.9, 65)
        q = made(config.replace(weight_decay=past), records=epochs(weight_decay=past))
        assert right(q["run:shrink-factor"]) == f"× {reference.long_run:.6f}" == "× 0.948683"
        assert "swings through zero" in q["run:shrink-factor"].explanation
        assert right(q["run:half-life"]) == f"{reference.half_life} steps"


def test_no_single_shrink_or_half_life_question_for_adam():
    q = made(CONFIG.replace(optimizer="adam"))
    assert "run:shrink-factor" not in q and "run:half-life" not in q and "run:penalty-share" in q


def test_the_answer_moves_with_the_seed():
    places = {made(seed=s)["run:shrink-factor"].answer for s in range(20)}
    assert len(places) > 1


@settings(max_examples=200, deadline=None)
@given(lr=st.floats(1e-4, 1.0), lam=st.floats(1e-6, 1.0), mu=st.sampled_from([0.0, 0.5, 0.9, 0.99]),
       optimizer=st.sampled_from(["sgd", "adam", "adamw"]))
def test_shrink_question_for_any_gamma_lambda_and_momentum(lr, lam, mu, optimizer):
    """The answer is the size of the larger root of r² − (1 + μ − γλ)r + μ (numpy's roots,
    μ = 0 for AdamW); every option a factor in (0, 1), none within 20 % of the answer's rate."""
    config = RunConfig(lr=lr, weight_decay=lam, optimizer=optimizer, momentum=mu)
    records = epochs(weight_decay=lam)
    q = shrink_factor(config, setup(), records, key_insight(config, records, 13), random.Random(0))
    if optimizer == "adam":
        assert q is None  # Adam's decay differs per weight: no single factor to ask about
        return
    m = mu if optimizer == "sgd" else 0.0
    if lr * lam > (1 - math.sqrt(m)) ** 2 and m == 0:
        assert q is None  # one step flips the weight's sign: no factor to ask about
        return
    if (m > 0 and lr * lam < min(0.005, lam / 3, lr / 3)) or (m == 0 and lr < 0.4 and lam < 0.4):
        assert q is not None  # the slips are far enough from the answer
    if q is None:
        return
    expected = max(abs(r) for r in numpy.roots([1, -(1 + m - lr * lam), m]))
    assert math.isclose(float(right(q).removeprefix("× ")), expected, abs_tol=10 ** -6)
    assert len(set(q.options)) == 4
    for option in q.options:
        assert not option.startswith("× -") and 0 < float(option.removeprefix("× ")) < 1, option
        if option != right(q):
            assert abs(float(option.removeprefix("× ")) - expected) >= 0.2 * (1 - expected) * 0.99, option


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


def _number(option: str) -> float:
    return float(option.removeprefix("× ").removesuffix(" steps").replace(",", ""))


def test_at_every_preset_and_seed_the_run_questions_are_true_and_their_distractors_meaningful():
    """Real runs (five epochs each) of every preset at seeds 0–7, at its λ, none, and ten times
    more and less: four distinct options, no "× -0.000000", every factor in (0, 1) and every
    slip at least 20 % from the answer; the decay answers are what torch's SGD does."""
    from wdtui.core.engine import Engine
    from wdtui.core.presets import PRESETS, preset_config
    from wdtui.core.records import EpochRecord

    for name in PRESETS:
        lam = preset_config(name).weight_decay
        for seed in range(8):
            for weight_decay in (lam, 0.0, 10 * lam, lam / 10):
                config = preset_config(name, seed=seed, epochs=5, weight_decay=weight_decay)
                engine = Engine(config)
                records = [r for r in engine.run() if isinstance(r, EpochRecord) and r.epoch > 0]
                for q in run_questions(config, engine.setup(), records, random.Random(seed)):
                    assert len(set(q.options)) == 4, (name, seed, q.id, q.options)
                    assert not any("-0.0" in o or o.startswith(("-", "× -")) for o in q.options), q.options
                    if q.id in ("run:shrink-factor", "run:half-life"):
                        answer = _number(right(q))
                        for option in q.options:
                            value = _number(option)
                            assert 0 < value < 1 if q.id == "run:shrink-factor" else value >= 1, option
                            if option != right(q):
                                rate = (1 - value, 1 - answer) if q.id == "run:shrink-factor" else (value, answer)
                                assert abs(rate[0] - rate[1]) >= 0.19 * rate[1], (name, weight_decay, q.options)
        preset = preset_config(name)
        reference = torch_decay(preset.lr, lam, preset.momentum, 65)
        q = made(preset, records=epochs(weight_decay=lam))
        assert right(q["run:shrink-factor"]) == f"× {reference.long_run:.{len(right(q['run:shrink-factor'])) - 4}f}"
        assert right(q["run:half-life"]) == f"{reference.half_life:,} steps"
