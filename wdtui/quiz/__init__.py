"""The quiz: a bank of questions (assets/quiz.toml), questions made from the user's own run,
and rounds of three graded as they are answered. Torch-free and Textual-free, like the core."""

from .bank import BankError, load_bank, parse_bank
from .lesson import LESSON_QUESTIONS, lesson_round
from .questions import LETTERS, Answer, Question
from .rounds import PER_ROUND, Quiz, Round
from .templates import TEMPLATES, run_questions

__all__ = ["LESSON_QUESTIONS", "LETTERS", "PER_ROUND", "TEMPLATES", "Answer", "BankError", "Question", "Quiz",
           "Round", "lesson_round", "load_bank", "parse_bank", "run_questions"]
