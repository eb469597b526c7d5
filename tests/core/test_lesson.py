"""The lesson room, UI-free: its expression language, the file's checks (each naming the step
and the field), the facts read from records, and grading against the run's numbers."""

from __future__ import annotations

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.insight import key_insight
from wdtui.lesson.expr import ExpressionError, check, evaluate, holds
from wdtui.lesson.facts import FACTS, Facts, Observed
from wdtui.lesson.judge import conclude, is_done
from wdtui.lesson.steps import LessonError, load_lesson, parse_lesson
from wdtui.quiz import load_bank

from decay_reference import torch_decay
from quiz_data import epochs

BANK = {q.id for q in load_bank()}
GOOD = '''
[[step]]
id = "one"
title = "One"
mode = "train"
focus = "table"
setup = { preset = "seed", weight_decay = 0.01 }
text = "Train it."
done = "run_finished"
[step.prediction]
question = "How far?"
options = [{ text = "Far", right = "val_loss < 0.5" }, { text = "Near", right = "val_loss >= 0.5" }]
[[step.outcome]]
when = "val_loss < 0.5"
text = "Low: {val_loss:.2f}."
[[step.outcome]]
text = "High: {val_loss:.2f}."
'''


def test_the_installed_lesson_loads_and_is_a_lesson():
    lesson = load_lesson()
    assert 9 <= len(lesson.steps) <= 12 and lesson.minutes == 12
    assert sum(step.prediction is not None for step in lesson.steps) >= 6
    assert all(len(step.text.split()) <= 90 for step in lesson.steps)
    quiz = next(s for s in lesson.steps if s.quiz).quiz
    assert sum(q.startswith("lesson:") for q in quiz) >= 1  # made from the learner's own runs


def test_expressions_compute_over_facts_and_none_is_never_true():
    facts = {"a": 2.0, "b": None, "name": "seed"}
    assert holds(check("a > 1 and name == 'seed'", set(facts)), facts)
    assert evaluate(check("abs(a - 5) / 3", set(facts)), facts) == 1.0
    assert not holds(check("b < 1", set(facts)), facts) and not holds(check("b >= 1", set(facts)), facts)
    assert evaluate(check("b * 2", set(facts)), facts) is None


@pytest.mark.parametrize("text, says", [
    ("__import__('os')", "only abs, min, max may be called"),
    ("a.real", "Attribute is not allowed"),
    ("x > 1", "no fact named 'x'"),
    ("a >", "is not an expression"),
    ("[a]", "List is not allowed"),
])
def test_anything_else_is_refused(text, says):
    with pytest.raises(ExpressionError, match=says.replace("(", r"\(").replace(")", r"\)")):
        check(text, {"a"})


@pytest.mark.parametrize("change, says", [
    (('mode = "train"', 'mode = "trian"'), "step 1 ('one'): field 'mode': 'trian' is not one of"),
    (('done = "run_finished"', 'done = "run_finishd"'), "step 1 ('one'): field 'done': 'run_finishd': no fact named"),
    (('text = "Train it."', 'text = "Train {it}."'), "step 1 ('one'): field 'text': no fact named 'it'"),
    (('weight_decay = 0.01', 'weight_decay = -1'), "step 1 ('one'): field 'setup': weight decay (λ) must be ≥ 0"),
    (('title = "One"\n', ''), "step 1 ('one'): field 'title' is missing"),
    (('right = "val_loss < 0.5"', 'right = "val_loss <"'), "step 1 ('one'): prediction option a 'right'"),
    (('[[step.outcome]]\ntext = "High', '[[step.outcome]]\nwhen = "val_loss >= 0.5"\ntext = "High'),
     "the last outcome needs no 'when'"),
    (('when = "val_loss < 0.5"\n', ''), "only the last outcome may go without a 'when'"),
    (('mode = "train"', 'mode = "train"\nquiz = ["nope"]'), "field 'quiz': no question 'nope'"),
    (('mode = "train"', 'mode = "train"\ncolour = "red"'), "unknown field 'colour'"),
    (('focus = "table"\n', ''), "step 1 ('one'): field 'focus' is missing: name the region of train"),
    (('focus = "table"', 'focus = "twins"'), "field 'focus': train has no region 'twins' (it has chart, table, panel)"),
    (('focus = "table"', 'focus = ["panel", "chart"]'), "field 'focus': the panel is a focus of its own"),
    (('[[step]]', '[[step]'), "not valid TOML"),
])
def test_a_malformed_lesson_names_the_step_and_the_field(change, says):
    with pytest.raises(LessonError) as error:
        parse_lesson(GOOD.replace(*change), BANK)
    assert says in str(error.value) and "\n" not in str(error.value)


def test_a_step_of_too_many_words_is_refused():
    with pytest.raises(LessonError, match="has 100 words"):
        parse_lesson(GOOD.replace("Train it.", " ".join(["word"] * 100)), BANK)


def observed(records, config=RunConfig(lr=0.1, weight_decay=0.01, momentum=0.0), **more):
    insight = key_insight(config, records, 13)
    return Observed(config=config, target=config, finished=True, epochs=records, insight=insight, **more)


def test_facts_are_the_records_numbers():
    records = epochs()  # val 0.70, 0.50, 0.45, 0.48, 0.52: lowest at epoch 3
    facts = Facts(observed(records))
    assert set(facts) == FACTS
    assert facts["val_min"] == 0.45 and facts["val_min_epoch"] == 3 and facts["val_loss"] == 0.52
    assert facts["val_rise"] == pytest.approx(0.52 / 0.45 - 1)
    assert facts["epochs_done"] == 5 and facts["half_life"] == 693  # ln 2 / −ln(0.999) = 692.8, a whole step on
    assert facts["run_steps"] == 5 * 13 and facts["run_left"] == pytest.approx(0.999 ** 65)
    assert facts["long_run"] == pytest.approx(0.999)  # no momentum: the long-run factor is 1 − γλ itself


def test_with_momentum_the_facts_are_what_torch_sgd_does():
    """The small-λ step's outcome: the overfit preset's settings, 400 steps of decay alone."""
    config = RunConfig(lr=0.02, weight_decay=0.1, momentum=0.9, epochs=40)
    facts = Facts(observed(epochs(), config))
    reference = torch_decay(0.02, 0.1, 0.9, 40 * 13)
    assert facts["half_life"] == reference.half_life == 40
    assert facts["run_left"] == pytest.approx(reference.left, rel=1e-9)
    assert facts["long_run"] == pytest.approx(reference.long_run, rel=1e-9)
    assert facts["val_change"] is None and facts["best_lam"] is None  # no twins, no sweep: not yet known


def test_a_step_is_graded_by_the_run_and_its_outcome_quotes_it():
    step = parse_lesson(GOOD, BANK).steps[0]
    low = Facts(observed(epochs()))  # last val loss 0.52
    assert is_done(step, low)
    result = conclude(step, low, choice=0)
    assert result.text == "High: 0.52." and result.held is False
    assert "did not hold; the run says b) Near" in result.verdict
    assert conclude(step, low, choice=1).held is True
    assert conclude(step, low, choice=None).held is None
    not_finished = Facts(Observed(config=RunConfig(), target=RunConfig(), finished=False))
    assert not is_done(step, not_finished)
