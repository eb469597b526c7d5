"""A learner's way through the lesson: the step reached, the predictions made, the outcomes seen.

It is kept under the data directory, so it resumes after a restart. It is written atomically (a
whole new file renamed over the old), so a crash leaves the previous progress, never half.

Whatever `lesson.json` holds, the lesson opens. The file is only ever read when it is a regular
file. A FIFO or a device in its place would block the app or never end. It is opened
non-blocking, and at most MAX_BYTES of it are read. What it holds is checked against the lesson
before anything uses it. A file that fails any of that is kept aside, renamed
`lesson.json.broken-<time>`: nothing is deleted but by the user. The caller says so once, and
the lesson starts over. Entries for steps the lesson no longer has (a newer wdtui renamed a
step) are dropped: they have nothing to show.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from ..store.export import write_atomically
from ..store.paths import data_dir, make_folder
from .steps import Lesson

FILE = "lesson.json"
MAX_BYTES = 1 << 20  # eleven steps' progress takes about 3 KB; a megabyte is not progress


@dataclass
class Progress:
    step: int = 0  # index of the step on screen
    predictions: dict[str, int] = field(default_factory=dict)  # step id → the option chosen
    outcomes: dict[str, dict] = field(default_factory=dict)  # step id → {"text", "held", "verdict", "facts"}

    def reset(self) -> None:
        self.step, self.predictions, self.outcomes = 0, {}, {}


class Unreadable(ValueError):
    """Why the saved progress cannot be used, in a few words."""


def progress_path() -> Path:
    return data_dir() / FILE


def load_progress(lesson: Lesson) -> tuple[Progress, str | None]:
    """The saved progress (a fresh start when there is none), and None.

    When the file cannot be used: a fresh start, and the one line to say why and where the file
    was kept."""
    path = progress_path()
    try:
        data = _read(path)
        return (Progress() if data is None else decode(data, lesson)), None
    except Unreadable as exc:
        return Progress(), _set_aside(path, str(exc))


def save_progress(progress: Progress) -> None:
    """Write it atomically; a folder that cannot be written raises OSError for the caller to say."""
    path = progress_path()
    make_folder(path.parent)
    write_atomically({path: json.dumps(asdict(progress), indent=1, ensure_ascii=False) + "\n"})


def _read(path: Path) -> bytes | None:
    """The file's bytes (None: there is none), read only from a regular file of at most MAX_BYTES.
    Checked before opening and again on the open descriptor, in case the file was swapped."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise Unreadable("it is not a regular file")
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise Unreadable("it is not a regular file")
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise Unreadable(exc.strerror or str(exc)) from None
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise Unreadable(f"it is larger than {MAX_BYTES:,} bytes")
    return b"".join(chunks)


def _describe(value: Any) -> str:
    """A value named in a few words: a short repr, or what kind of container it is."""
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 24 else text[:20] + "…"


def _no_constants(name: str) -> Any:
    raise Unreadable(f"it holds {name}, not a number JSON allows")


def decode(data: bytes, lesson: Lesson) -> Progress:
    """The progress `data` holds, every part checked against `lesson` (Unreadable: why not)."""
    try:
        saved = json.loads(data.decode("utf-8"), parse_constant=_no_constants)
    except UnicodeDecodeError:
        raise Unreadable("it is not UTF-8 text") from None
    except RecursionError:
        raise Unreadable("it is nested too deeply") from None
    except Unreadable:
        raise
    except ValueError as exc:  # json.JSONDecodeError, or an integer of too many digits
        raise Unreadable(f"it is not JSON ({exc})") from None
    if not isinstance(saved, dict):
        raise Unreadable("it does not hold a JSON object")
    step, predictions, outcomes = saved.get("step", 0), saved.get("predictions", {}), saved.get("outcomes", {})
    if type(step) is not int:  # noqa: E721 - a bool is an int, and no step number
        raise Unreadable(f"its step is {_describe(step)}, not a step number")
    if not isinstance(predictions, dict) or not isinstance(outcomes, dict):
        raise Unreadable("its predictions or outcomes are not JSON objects")
    steps = {s.id: s for s in lesson.steps}
    progress = Progress(min(max(step, 0), len(lesson.steps) - 1))  # a lesson may have grown shorter
    for sid, choice in predictions.items():
        if sid not in steps:
            continue
        options = steps[sid].prediction.options if steps[sid].prediction else ()
        if type(choice) is not int or not 0 <= choice < len(options):  # noqa: E721
            raise Unreadable(f"its prediction for step {sid!r} is {_describe(choice)}, not one of its "
                             f"{len(options)} options")
        progress.predictions[sid] = choice
    for sid, outcome in outcomes.items():
        if sid not in steps:
            continue
        if not _is_outcome(outcome):
            raise Unreadable(f"its outcome for step {sid!r} is {_describe(outcome)}, not a text, a verdict "
                             "and whether the prediction held")
        progress.outcomes[sid] = {"text": outcome["text"], "held": outcome["held"], "verdict": outcome["verdict"]}
        facts = outcome.get("facts")  # the plain values the step was concluded on (the quiz step's questions)
        if isinstance(facts, dict):
            progress.outcomes[sid]["facts"] = {name: value for name, value in facts.items()
                                               if value is None or isinstance(value, (bool, int, float, str))}
    return progress


def _is_outcome(value: Any) -> bool:
    """{"text": str, "held": true, false or null, "verdict": str}, as check_lesson writes it."""
    return (isinstance(value, dict) and isinstance(value.get("text"), str) and isinstance(value.get("verdict"), str)
            and "held" in value and (value["held"] is None or isinstance(value["held"], bool)))


def _set_aside(path: Path, why: str) -> str:
    """Rename the file that cannot be used beside itself, and the line that says so.

    If it cannot be renamed, its folder refuses writes. So the fresh progress will not be saved
    over it either (the app says that when it saves)."""
    stem = f"{path.name}.broken-{datetime.now():%Y%m%d-%H%M%S}"
    aside, n = path.with_name(stem), 1
    while os.path.lexists(aside):
        n += 1
        aside = path.with_name(f"{stem}-{n}")
    try:
        os.rename(path, aside)
    except OSError as exc:
        return f"{path} cannot be read ({why}) nor moved aside ({exc.strerror or exc}); the lesson starts over."
    return f"{path.name} cannot be read ({why}): kept as {aside}; the lesson starts over."
