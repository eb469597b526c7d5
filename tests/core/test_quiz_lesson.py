"""The lesson's quiz questions made from the learner's own runs: their answers are the numbers
an earlier step was concluded on, their options distinct, and a skipped step's question is
replaced by its spare from the bank."""

from __future__ import annotations

import random

from wdtui.lesson.steps import load_lesson
from wdtui.quiz import LESSON_QUESTIONS, load_bank, lesson_round

BANK = {q.id: q for q in load_bank()}
OVERFIT = {"val_min_epoch": 7, "val_min": 0.5213, "val_loss": 1.0348, "epochs_done": 40, "train_loss": 0.007}
SWEEP = {"best_lam": 0.01, "best_val": 0.2987, "sweep_zero_val": 0.6681, "improvement": 0.553}
NUMBERS = {"overfit": 4, "sweep": 7}
IDS = ("lesson:overfit-epoch", "lesson:best-lambda", "adamw-decoupled")


def test_the_questions_answer_with_the_runs_numbers():
    overfit, sweep, bank = lesson_round(IDS, BANK, {"overfit": OVERFIT, "sweep": SWEEP}, NUMBERS, random.Random(0))
    assert overfit.from_run and overfit.options[overfit.answer] == "Epoch 7"
    assert "(step 4, 40 epochs)" in overfit.prompt and "0.5213" in overfit.explanation
    assert "1.0348 by epoch 40" in overfit.explanation
    assert sweep.options[sweep.answer] == "λ = 0.01" and "(step 7)" in sweep.prompt
    assert "0.2987, 55% below λ = 0's 0.6681" in sweep.explanation
    assert bank is BANK["adamw-decoupled"]
    for question in (overfit, sweep):
        assert len(set(question.options)) == 4


def test_the_wrong_options_are_values_the_run_could_have_given():
    for seed in range(20):
        overfit, sweep, _ = lesson_round(IDS, BANK, {"overfit": OVERFIT, "sweep": SWEEP}, NUMBERS, random.Random(seed))
        epochs = [int(o.removeprefix("Epoch ")) for o in overfit.options]
        assert all(1 <= e <= 40 for e in epochs)
        lams = [float(o.removeprefix("λ = ")) for o in sweep.options]
        assert all(lam == 0 or 1e-5 <= lam <= 1 for lam in lams)


def test_a_step_that_was_skipped_gives_its_spare():
    made = lesson_round(IDS, BANK, {"overfit": {}}, NUMBERS, random.Random(0))
    assert made[0] is BANK[LESSON_QUESTIONS["lesson:overfit-epoch"].spare]
    assert made[1] is BANK[LESSON_QUESTIONS["lesson:best-lambda"].spare]
    # A run whose validation loss was lowest at its last epoch did not overfit: no question to ask.
    flat = {**OVERFIT, "val_min_epoch": 40}
    assert lesson_round(IDS, BANK, {"overfit": flat}, NUMBERS, random.Random(0))[0].from_run is False


def test_the_installed_lesson_names_steps_and_spares_that_exist():
    steps = {s.id for s in load_lesson().steps}
    for question in LESSON_QUESTIONS.values():
        assert question.step in steps and question.spare in BANK
