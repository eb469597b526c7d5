"""Rounds of three questions, graded as they are answered, with a score per round and in total.

Bank questions are dealt from a seeded, shuffled deck. So every question comes up once before
any comes up twice, and never twice in one round. Once the run has epochs, one question per
round is made from it, with the run's latest numbers. The templates take turns the same way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Sequence

from .questions import Answer, Question

PER_ROUND = 3


class Deck:
    """Ids dealt in seeded random order; reshuffled when used up, never repeating within a deal."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.pile: list[str] = []

    def deal(self, ids: Sequence[str], n: int) -> list[str]:
        """`n` different ids from `ids` (fewer if there are not enough); ids no longer offered drop out."""
        available = list(ids)
        self.pile = [i for i in self.pile if i in available]
        dealt: list[str] = []
        while len(dealt) < min(n, len(available)):
            if not self.pile:
                self.pile = [i for i in available if i not in dealt]
                self.rng.shuffle(self.pile)
            dealt.append(self.pile.pop())
        return dealt


@dataclass
class Round:
    """One round: the questions in order, and the option chosen for each so far."""

    number: int
    questions: tuple[Question, ...]
    answers: list[Answer] = field(default_factory=list)

    @property
    def position(self) -> int:
        """Index of the next question to answer (== len(questions) once the round is over)."""
        return len(self.answers)

    @property
    def finished(self) -> bool:
        return len(self.answers) == len(self.questions)

    @property
    def score(self) -> int:
        return sum(a.correct for a in self.answers)

    def answer(self, choice: int) -> Answer:
        """Grade `choice` (0–3) for the current question; a question is answered once only."""
        if self.finished:
            raise ValueError(f"round {self.number} is over: start the next one")
        graded = self.questions[self.position].grade(choice)
        self.answers.append(graded)
        return graded


class Quiz:
    """All rounds so far; `new_round` deals the next one."""

    def __init__(self, bank: Sequence[Question], seed: int = 0, per_round: int = PER_ROUND) -> None:
        if len(bank) < per_round:
            raise ValueError(f"a round needs {per_round} questions; the bank has {len(bank)}")
        self.bank = {q.id: q for q in bank}
        self.per_round = per_round
        self.rng = random.Random(seed)
        self.bank_deck = Deck(self.rng)
        self.run_deck = Deck(self.rng)
        self.rounds: list[Round] = []

    @property
    def current(self) -> Round | None:
        return self.rounds[-1] if self.rounds else None

    def new_round(self, run_questions: Sequence[Question] = (), fixed: Sequence[Question] = ()) -> Round:
        """Deal a round: one of `run_questions` when there are any, the rest from the bank.

        Given `fixed` questions (the lesson's round), it deals exactly those, in that order."""
        if fixed:
            self.rounds.append(Round(len(self.rounds) + 1, tuple(fixed)))
            return self.rounds[-1]
        made = {q.id: q for q in run_questions}
        picked = [made[i] for i in self.run_deck.deal(list(made), 1 if made else 0)]
        picked += [self.bank[i] for i in self.bank_deck.deal(list(self.bank), self.per_round - len(picked))]
        self.rng.shuffle(picked)
        self.rounds.append(Round(len(self.rounds) + 1, tuple(picked)))
        return self.rounds[-1]

    @property
    def score(self) -> int:
        return sum(r.score for r in self.rounds)

    @property
    def answered(self) -> int:
        return sum(len(r.answers) for r in self.rounds)
