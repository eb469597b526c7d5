"""Questions made from the learner's own runs in the lesson: the answers are the numbers those runs gave.

The numbers are kept with each step's outcome: the facts it was concluded on, in lesson.json.
The lesson's quiz step names them beside bank questions (`lesson:…` ids in assets/lesson.toml).
Each is made from one earlier step's facts. When that step was skipped (no facts), its spare, a
bank question, replaces it. So the round always has its three questions.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from .questions import Question
from .templates import _question

Facts = Mapping[str, Any]


@dataclass(frozen=True)
class LessonQuestion:
    step: str  # the lesson step whose facts it is made from
    spare: str  # the bank question that stands in when that step has none
    make: Callable[[Facts, int, random.Random], Question | None]  # (its facts, its step's number, rng)


def overfit_epoch(f: Facts, step: int, rng: random.Random) -> Question | None:
    """At which epoch the λ = 0 run that overfits had its lowest validation loss."""
    best, last = f.get("val_min_epoch"), f.get("epochs_done")
    if not best or not last or best == last:
        return None
    wrong = [last, 1, last // 2, min(last - 1, 2 * best), max(2, best // 2), best + 1]
    climbed = (f" then climbed to {f['val_loss']:.4f} by epoch {last}" if f.get("val_loss") is not None else "")
    fell = f" while the training loss fell to {f['train_loss']:.4f}" if f.get("train_loss") is not None else ""
    return _question(
        "lesson-overfit-epoch", "overfitting",
        f"In your λ = 0 run of the network that overfits (step {step}, {last} epochs), at which epoch was the "
        "validation loss lowest?",
        f"Epoch {best}", [f"Epoch {e}" for e in wrong if 1 <= e <= last],
        f"It was lowest at epoch {best} ({f['val_min']:.4f}),{climbed}{fell}: every epoch after {best} "
        "fitted the noisy training rows a little more closely, and the validation rows a little worse.", rng)


def best_lambda(f: Facts, step: int, rng: random.Random) -> Question | None:
    """Which λ of the sweep gave the lowest validation loss."""
    best = f.get("best_lam")
    if best is None:
        return None
    # Values of the sweep's grid (0, then decades 1e-5 … 1) around the best, the tempting ones first.
    wrong = [0.0, 1.0, best * 10, best / 10, best * 100, best / 100]
    options = [lam for lam in wrong if lam == 0 or 1e-5 <= lam <= 1]
    below = (f", {f['improvement']:.0%} below λ = 0's {f['sweep_zero_val']:.4f}"
             if f.get("improvement") is not None and f.get("sweep_zero_val") is not None else "")
    return _question(
        "lesson-best-lambda", "weight decay",
        f"Your sweep (step {step}) trained many values of λ from the same start. Which one ended with the "
        "lowest validation loss?",
        f"λ = {best:g}", [f"λ = {lam:g}" for lam in options],
        f"λ = {best:g}: validation loss {f['best_val']:.4f}{below}. Less decay left the network free to bend "
        "around noisy points; more held its weights too small to fit the moons at all: the bottom of the U.", rng)


LESSON_QUESTIONS: dict[str, LessonQuestion] = {
    "lesson:overfit-epoch": LessonQuestion("overfit", "momentum", overfit_epoch),
    "lesson:best-lambda": LessonQuestion("sweep", "purpose", best_lambda),
}


def lesson_round(ids: tuple[str, ...], bank: Mapping[str, Question], facts: Mapping[str, Facts],
                 numbers: Mapping[str, int], rng: random.Random) -> tuple[Question, ...]:
    """The quiz step's questions in order: bank ids as they are, `lesson:` ids made, or their spares.

    A `lesson:` id is made from the facts of its step. `facts` maps a step id to its facts, and
    `numbers` a step id to its number in the lesson."""
    made = []
    for qid in ids:
        lesson = LESSON_QUESTIONS.get(qid)
        if lesson is None:
            made.append(bank[qid])
            continue
        question = lesson.make(facts[lesson.step], numbers[lesson.step], rng) if facts.get(lesson.step) else None
        made.append(question or bank[lesson.spare])
    return tuple(made)
