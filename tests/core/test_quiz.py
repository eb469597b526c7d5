"""The quiz logic: the bank's contents, grading, rounds and their scores."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wdtui.quiz import BankError, Question, Quiz, load_bank, parse_bank, run_questions
from wdtui.quiz.bank import read_bank_text, tomllib  # tomllib, or tomli below Python 3.11

from quiz_data import CONFIG, epochs, setup

ROOT = Path(__file__).resolve().parents[2]
BANK = load_bank()


def test_bank_has_at_least_15_valid_questions():
    assert len(BANK) >= 15
    assert len({q.id for q in BANK}) == len(BANK)
    for q in BANK:
        assert len(q.options) == 4 and len(set(q.options)) == 4, q.id
        assert 0 <= q.answer < 4, q.id
        assert q.explanation.strip() and q.prompt.strip() and q.topic.strip(), q.id
        assert not q.from_run


def test_bank_has_the_required_question_exactly():
    q = next(q for q in BANK if q.prompt == "What is the main purpose of weight decay in this training pipeline?")
    assert q.options == ("To add more layers to the neural network", "To increase the learning rate during training",
                         "To keep model weights small and prevent overfitting", "To normalize the input data")
    assert q.answer_letter == "c"


def test_bank_covers_the_topics_of_the_issue():
    topics = {q.topic for q in BANK}
    assert {"L2 penalty", "SGD vs Adam vs AdamW", "biases", "normalization", "softmax", "overfitting"} <= topics


def test_bank_is_read_from_the_installed_assets_package():
    assert (ROOT / "assets" / "quiz.toml").read_text(encoding="utf-8") == read_bank_text()


def test_tomli_is_a_dependency_below_python_311():
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert "tomli; python_version < '3.11'" in deps


@pytest.mark.parametrize("entry, message", [
    ('options = ["a", "b", "c"]\nanswer = "A"', "4 different options"),
    ('options = ["a", "a", "c", "d"]\nanswer = "A"', "4 different options"),
    ('options = ["a", "b", "c", "d"]\nanswer = "E"', "answer must be one of"),
    ('options = ["a", "b", "c", "d"]', "missing ['answer']"),
])
def test_a_malformed_bank_names_the_question(entry, message):
    text = f'[[question]]\nid = "q1"\ntopic = "t"\nprompt = "p?"\nexplanation = "e"\n{entry}\n'
    with pytest.raises(BankError, match="q1") as error:
        parse_bank(text)
    assert message in str(error.value)


def test_a_repeated_id_is_refused():
    one = '[[question]]\nid = "q"\ntopic = "t"\nprompt = "p"\noptions = ["a","b","c","d"]\nanswer = "b"\nexplanation = "e"\n'
    assert parse_bank(one)[0].answer == 1
    with pytest.raises(BankError, match="used twice"):
        parse_bank(one + one)


def test_grading_right_wrong_and_out_of_range():
    q = Question("q", "t", "p", ("w", "x", "y", "z"), 2, "e")
    assert q.grade(2).correct and not q.grade(0).correct
    with pytest.raises(ValueError):
        q.grade(4)


def test_a_round_scores_its_answers_and_the_quiz_totals_them():
    quiz = Quiz(BANK, seed=1)
    first = quiz.new_round()
    for offset in (0, 1, 0):  # right, wrong, right
        first.answer((first.questions[first.position].answer + offset) % 4)
    assert first.finished and first.score == 2
    with pytest.raises(ValueError, match="round 1 is over"):
        first.answer(0)
    second = quiz.new_round()
    second.answer((second.questions[0].answer + 1) % 4)
    assert (second.number, second.score, second.position) == (2, 0, 1)
    assert (quiz.score, quiz.answered) == (2, 4)


def test_same_seed_same_rounds():
    def ids(seed):
        quiz = Quiz(BANK, seed=seed)
        return [[q.id for q in quiz.new_round().questions] for _ in range(5)]
    assert ids(3) == ids(3)
    assert ids(3) != ids(4)


@settings(max_examples=50, deadline=None)
@given(seed=st.integers(0, 2**32), rounds=st.integers(1, 30))
def test_no_repeats_within_a_round_and_the_whole_bank_before_any_repeat(seed, rounds):
    quiz = Quiz(BANK, seed=seed)
    dealt = [q.id for _ in range(rounds) for q in quiz.new_round().questions]
    for start in range(0, len(dealt), 3):
        assert len(set(dealt[start:start + 3])) == 3
    rounds_per_deck = len(BANK) // 3
    assert len(set(dealt[:3 * rounds_per_deck])) == len(dealt[:3 * rounds_per_deck])
    if rounds > rounds_per_deck:  # the round that finishes the deck brings the rest of it
        assert set(dealt[:3 * rounds_per_deck + 3]) == {q.id for q in BANK}


def test_run_questions_join_the_rounds_only_once_the_run_has_epochs():
    quiz = Quiz(BANK, seed=0)
    none = run_questions(CONFIG, setup(), [], random.Random(0))
    assert none == [] and not any(q.from_run for q in quiz.new_round(none).questions)
    made = run_questions(CONFIG, setup(), epochs(), random.Random(0))
    seen = set()
    for _ in range(len(made)):
        round_ = quiz.new_round(made)
        from_run = [q for q in round_.questions if q.from_run]
        assert len(from_run) == 1 and len(round_.questions) == 3
        seen.add(from_run[0].id)
    assert seen == {q.id for q in made}  # the templates take turns
