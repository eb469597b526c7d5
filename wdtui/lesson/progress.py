"""A learner's way through the lesson, kept under the data directory so it resumes after a
restart: the step reached, the predictions made and the outcomes seen. Written atomically (a
whole new file renamed over the old), so a crash leaves the previous progress, never half."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..store.export import write_atomically
from ..store.paths import data_dir, make_folder

FILE = "lesson.json"


@dataclass
class Progress:
    step: int = 0  # index of the step on screen
    predictions: dict[str, int] = field(default_factory=dict)  # step id → the option chosen
    outcomes: dict[str, dict] = field(default_factory=dict)  # step id → {"text", "held", "verdict"}

    def reset(self) -> None:
        self.step, self.predictions, self.outcomes = 0, {}, {}


def progress_path() -> Path:
    return data_dir() / FILE


def load_progress(steps: int) -> Progress:
    """The saved progress, or a fresh start when there is none or it cannot be read (a damaged
    file is not an error worth stopping a lesson for: the learner starts over)."""
    try:
        saved = json.loads(progress_path().read_text(encoding="utf-8"))
        progress = Progress(int(saved["step"]), dict(saved["predictions"]), dict(saved["outcomes"]))
    except (OSError, ValueError, KeyError, TypeError):
        return Progress()
    progress.step = min(max(progress.step, 0), steps - 1)
    return progress


def save_progress(progress: Progress) -> None:
    """Write it atomically; a folder that cannot be written raises OSError for the caller to say."""
    path = progress_path()
    make_folder(path.parent)
    write_atomically({path: json.dumps(asdict(progress), indent=1, ensure_ascii=False) + "\n"})
