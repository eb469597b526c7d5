"""Messages the training worker posts to the app: small dataclasses, one per event.

The worker thread only ever posts these (as toolong does); the app applies them to the
`Session` on the UI thread and bumps `WdtuiApp.run_version`, which every screen watches.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from ..core.records import Diverged, EpochRecord, Prediction, Setup, Stage, StepRecord


@dataclass
class SetupReady(Message):
    """The worker built the data, model and optimizer (torch is loaded from here on)."""

    setup: Setup
    stages: list[Stage]
    prediction: Prediction


@dataclass
class StepDone(Message):
    record: StepRecord


@dataclass
class EpochDone(Message):
    """One epoch ended; `stages` and `prediction` come from the model as it is now."""

    record: EpochRecord
    stages: list[Stage]
    prediction: Prediction


@dataclass
class RunDiverged(Message):
    record: Diverged


@dataclass
class RunStopped(Message):
    """The worker returned: `reason` is "finished", "paused" or "cancelled"."""

    reason: str
