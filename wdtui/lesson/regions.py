"""The parts of each mode a lesson step may name as its focus: what the step is about.

The app keeps that part whole (never cut, never under the panel) at any terminal size.

The names are the lesson file's; each mode screen maps them to its own widgets (a test holds
the two lists together). `panel` is the lesson panel itself: a step about the learner's own
predictions (the summary) is read there, whatever the mode behind it.
"""

from __future__ import annotations

PANEL = "panel"

REGIONS: dict[str, tuple[str, ...]] = {
    "pipeline": ("stages",),
    "train": ("chart", "table"),
    "inspect": ("layers",),
    "quiz": ("question",),
    "insight": ("claim",),
    "compare": ("chart", "twins", "verdict", "table"),
    "sweep": ("chart", "strip", "table"),
    "weights": ("norms", "anatomy"),
    "code": ("script",),
}
