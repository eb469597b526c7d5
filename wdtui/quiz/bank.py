"""The question bank: `assets/quiz.toml` (installed as `wdtui.assets`) read into Questions.

Loading validates every entry, so a broken bank fails with the question's id at start-up
and in the tests, not halfway through somebody's round.
"""

from __future__ import annotations

import sys
from importlib.resources import files

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from .questions import LETTERS, Question

FIELDS = ("id", "topic", "prompt", "options", "answer", "explanation")


class BankError(ValueError):
    """A malformed quiz bank; the message names the question."""


def read_bank_text() -> str:
    return (files("wdtui.assets") / "quiz.toml").read_text(encoding="utf-8")


def parse_bank(text: str) -> tuple[Question, ...]:
    """Questions from the TOML text of a bank: `[[question]]` tables with the keys in FIELDS."""
    try:
        entries = tomllib.loads(text).get("question", [])
    except tomllib.TOMLDecodeError as error:
        raise BankError(f"quiz bank is not valid TOML: {error}") from None
    questions: list[Question] = []
    seen: set[str] = set()
    for n, entry in enumerate(entries, start=1):
        qid = entry.get("id", f"#{n}")
        missing = [f for f in FIELDS if not entry.get(f)]
        unknown = sorted(set(entry) - set(FIELDS))
        if missing or unknown:
            raise BankError(f"question {qid}: missing {missing or 'nothing'}, unknown {unknown or 'nothing'}")
        options = entry["options"]
        if len(options) != len(LETTERS) or len(set(options)) != len(options):
            raise BankError(f"question {qid}: needs {len(LETTERS)} different options, has {options!r}")
        letter = str(entry["answer"]).lower()
        if len(letter) != 1 or letter not in LETTERS:
            raise BankError(f"question {qid}: answer must be one of A–D, not {entry['answer']!r}")
        if qid in seen:
            raise BankError(f"question {qid}: the id is used twice")
        seen.add(qid)
        questions.append(Question(qid, entry["topic"], entry["prompt"], tuple(options),
                                  LETTERS.index(letter), entry["explanation"]))
    return tuple(questions)


def load_bank() -> tuple[Question, ...]:
    """The installed bank."""
    return parse_bank(read_bank_text())
