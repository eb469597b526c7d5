"""The lesson's steps, read from assets/lesson.toml and checked whole when it is loaded.

Each step has:
- a short text, and the mode it opens;
- the region of that mode it is about (its focus, which the app keeps whole);
- the run it sets up;
- a prediction the learner makes before running, each option with the outcome that makes it right;
- what to do, and when the step is done;
- outcome texts, each with the condition it applies under.
All the conditions are expressions over the run's facts (lesson.expr, lesson.facts). Every text
is a template of them. So a malformed file fails at load with the step and the field named,
never mid-lesson.
"""

from __future__ import annotations

import ast
import string
import sys
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from ..core.config import ConfigError, RunConfig
from ..core.presets import preset_config
from .expr import ExpressionError, check
from .facts import FACTS
from .regions import PANEL, REGIONS

MODES = tuple(REGIONS)
MAX_WORDS = 90  # "about 80 words": a step is read in well under a minute
LETTERS = "abcd"


class LessonError(ValueError):
    """A malformed lesson file: the message names the step and the field."""


@dataclass(frozen=True)
class Option:
    text: str
    right: ast.Expression  # the outcome that makes this prediction right
    source: str


@dataclass(frozen=True)
class PredictionQuestion:
    question: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class Outcome:
    when: ast.Expression | None  # None: the text for every other case
    text: str


@dataclass(frozen=True)
class Step:
    id: str
    title: str
    mode: str
    text: str
    do: str
    setup: RunConfig | None  # the run the step starts from (None: keep the run as it is)
    prediction: PredictionQuestion | None
    done: ast.Expression | None  # None: a step with nothing to wait for (the summary)
    outcomes: tuple[Outcome, ...]
    quiz: tuple[str, ...]  # the lesson's quiz round: bank question ids, and `lesson:` ones (quiz/lesson.py)
    focus: tuple[str, ...]  # the regions of its mode the step is about (lesson.regions), kept whole


@dataclass(frozen=True)
class Lesson:
    title: str
    minutes: int
    steps: tuple[Step, ...]


def _template(text: Any, where: str) -> str:
    """A text whose {fact:format} fields all name facts."""
    if not isinstance(text, str) or not text.strip():
        raise LessonError(f"{where}: must be a text")
    try:
        fields = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise LessonError(f"{where}: {exc}") from None
    unknown = [name for name in fields if name not in FACTS]
    if unknown:
        raise LessonError(f"{where}: no fact named {unknown[0]!r}")
    return " ".join(text.split())


def _expression(text: Any, where: str) -> ast.Expression:
    if not isinstance(text, str):
        raise LessonError(f"{where}: must be an expression in quotes")
    try:
        return check(text, FACTS)
    except ExpressionError as exc:
        raise LessonError(f"{where}: {exc}") from None


def _step(entry: dict[str, Any], number: int, bank: set[str]) -> Step:
    where = f"step {number} ({entry.get('id', 'no id')!r})"
    known = {"id", "title", "mode", "text", "do", "setup", "prediction", "done", "outcome", "quiz", "focus"}
    unknown = sorted(set(entry) - known)
    if unknown:
        raise LessonError(f"{where}: unknown field {unknown[0]!r}")
    for name in ("id", "title", "mode", "text"):
        if not isinstance(entry.get(name), str) or not entry[name].strip():
            raise LessonError(f"{where}: field {name!r} is missing")
    if entry["mode"] not in MODES:
        raise LessonError(f"{where}: field 'mode': {entry['mode']!r} is not one of {', '.join(MODES)}")
    text = _template(entry["text"], f"{where}: field 'text'")
    if len(text.split()) > MAX_WORDS:
        raise LessonError(f"{where}: field 'text' has {len(text.split())} words; keep it under {MAX_WORDS}")
    setup = None
    if "setup" in entry:
        try:
            setup = preset_config(**entry["setup"])
        except (ConfigError, TypeError) as exc:
            raise LessonError(f"{where}: field 'setup': {exc}") from None
    prediction = None
    if "prediction" in entry:
        p = entry["prediction"]
        options = p.get("options", []) if isinstance(p, dict) else []
        if not isinstance(p, dict) or not isinstance(p.get("question"), str) or not 2 <= len(options) <= 4:
            raise LessonError(f"{where}: field 'prediction' needs a question and 2 to 4 options")
        made = tuple(Option(_template(o.get("text"), f"{where}: prediction option {LETTERS[i]}"),
                            _expression(o.get("right"), f"{where}: prediction option {LETTERS[i]} 'right'"),
                            o.get("right"))
                     for i, o in enumerate(options))
        prediction = PredictionQuestion(_template(p["question"], f"{where}: field 'prediction'"), made)
    done = _expression(entry["done"], f"{where}: field 'done'") if "done" in entry else None
    outcomes = tuple(Outcome(_expression(o["when"], f"{where}: outcome {i + 1} 'when'") if "when" in o else None,
                             _template(o.get("text"), f"{where}: outcome {i + 1} 'text'"))
                     for i, o in enumerate(entry.get("outcome", [])))
    if done is not None and (not outcomes or outcomes[-1].when is not None):
        raise LessonError(f"{where}: field 'outcome': the last outcome needs no 'when' (it covers every other case)")
    if any(o.when is None for o in outcomes[:-1]):
        raise LessonError(f"{where}: field 'outcome': only the last outcome may go without a 'when'")
    focus = _focus(entry.get("focus"), entry["mode"], where)
    quiz = tuple(entry.get("quiz", ()))
    missing = [q for q in quiz if q not in bank]
    if missing:
        raise LessonError(f"{where}: field 'quiz': no question {missing[0]!r} in the quiz bank")
    return Step(entry["id"], entry["title"], entry["mode"], text, " ".join(entry.get("do", "").split()), setup,
                prediction, done, outcomes, quiz, focus)


def _focus(value: Any, mode: str, where: str) -> tuple[str, ...]:
    """A region of the step's mode, or a list of them, or the panel (lesson.regions)."""
    names = (value,) if isinstance(value, str) else value
    if not isinstance(names, (list, tuple)) or not names or not all(isinstance(n, str) for n in names):
        raise LessonError(f"{where}: field 'focus' is missing: name the region of {mode} the step is about")
    known = (*REGIONS[mode], PANEL)
    unknown = [n for n in names if n not in known]
    if unknown:
        raise LessonError(f"{where}: field 'focus': {mode} has no region {unknown[0]!r} (it has {', '.join(known)})")
    if PANEL in names and len(names) > 1:
        raise LessonError(f"{where}: field 'focus': the panel is a focus of its own")
    return tuple(names)


def parse_lesson(text: str, bank: set[str]) -> Lesson:
    """The lesson in `text` (TOML); `bank` holds the ids of the questions its quiz may ask."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise LessonError(f"the lesson file is not valid TOML: {exc}") from None
    entries = document.get("step", [])
    if not entries:
        raise LessonError("the lesson file has no [[step]]")
    steps = tuple(_step(entry, n, bank) for n, entry in enumerate(entries, start=1))
    ids = [s.id for s in steps]
    twice = next((i for i in ids if ids.count(i) > 1), None)
    if twice:
        raise LessonError(f"step id {twice!r} is used twice")
    return Lesson(str(document.get("title", "Weight decay")), int(document.get("minutes", 12)), steps)


def load_lesson() -> Lesson:
    """The installed lesson (assets/lesson.toml)."""
    from ..quiz import LESSON_QUESTIONS, load_bank

    text = (files("wdtui.assets") / "lesson.toml").read_text(encoding="utf-8")
    return parse_lesson(text, {q.id for q in load_bank()} | set(LESSON_QUESTIONS))
