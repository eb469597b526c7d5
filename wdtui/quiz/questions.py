"""A quiz question and the answer to it: plain frozen data, shared by the bank and the templates."""

from __future__ import annotations

from dataclasses import dataclass

LETTERS = "abcd"


@dataclass(frozen=True)
class Question:
    """Four options shown as a–d; `answer` is the index of the right one."""

    id: str
    topic: str
    prompt: str
    options: tuple[str, str, str, str]
    answer: int
    explanation: str
    from_run: bool = False  # made from the user's own run (wdtui.quiz.templates)

    @property
    def answer_letter(self) -> str:
        return LETTERS[self.answer]

    def grade(self, choice: int) -> "Answer":
        """Grade option `choice` (0–3); anything else is refused rather than counted wrong."""
        if not 0 <= choice < len(self.options):
            raise ValueError(f"choose one of {', '.join(LETTERS)}, not option {choice}")
        return Answer(self, choice)


@dataclass(frozen=True)
class Answer:
    question: Question
    choice: int

    @property
    def correct(self) -> bool:
        return self.choice == self.question.answer
