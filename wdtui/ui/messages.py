"""Messages the training worker posts to the app: small dataclasses, one per event.

The worker thread only ever posts these (as toolong does); the app applies them to the
`Session` on the UI thread and bumps `WdtuiApp.run_version`, which every screen watches.

Every message carries `run`, the number of the run whose worker posted it: after a reset
the old worker may still have a message in flight, and the app drops it by that number.
The Sweep mode's worker posts the Sweep… messages below to the Sweep screen, numbered by `sweep`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.message import Message

from ..core.records import Diverged, EpochRecord, Prediction, Setup, Stage, StepRecord, SweepProgress, SweepResult


@dataclass
class RunMessage(Message):
    """Base of the worker's messages; `run` says which run (see the module docstring)."""

    run: int = field(default=0, kw_only=True)


@dataclass
class SetupReady(RunMessage):
    """The worker built the data, model and optimizer (torch is loaded from here on).

    `trainer` is the run's `core.training.Trainer` (its data is read-only from here on, so
    the UI thread may read it); `model` is a copy of the untrained model for Inspect.
    """

    setup: Setup
    stages: list[Stage]
    prediction: Prediction
    trainer: Any = field(default=None, kw_only=True)
    model: Any = field(default=None, kw_only=True)


@dataclass
class StepDone(RunMessage):
    record: StepRecord


@dataclass
class EpochDone(RunMessage):
    """One epoch ended; `stages` and `prediction` come from the model as it is now, and
    `model` is a copy of it (the worker trains on while the UI thread reads the copy), and
    `last_update` what the epoch's last optimizer step read, for the Weights mode's anatomy."""

    record: EpochRecord
    stages: list[Stage]
    prediction: Prediction
    model: Any = field(default=None, kw_only=True)
    last_update: Any = field(default=None, kw_only=True)  # core.anatomy.LastUpdate of the epoch's last step


@dataclass
class RunDiverged(RunMessage):
    record: Diverged


@dataclass
class RunStopped(RunMessage):
    """Training stopped: `reason` is "finished" (all epochs ran) or "paused" (the worker
    waits, mid-epoch or at an epoch end, for space or n)."""

    reason: str


@dataclass
class SweepMessage(Message):
    """Base of the Sweep mode's worker messages; `sweep` numbers the sweep that posted it, so
    the last messages of a stopped sweep are dropped like those of an old run."""

    sweep: int = field(default=0, kw_only=True)


@dataclass
class SweepProgressed(SweepMessage):
    """Every λ's numbers after one more epoch (throttled, as the core yields them)."""

    record: SweepProgress


@dataclass
class SweepDone(SweepMessage):
    record: SweepResult


@dataclass
class TwinRecord(Message):
    """A record of one of the Compare mode's twins: `which` is 0 for λ = 0, 1 for λ.

    `compare` numbers the comparison that posted it (older ones' late messages are dropped);
    `model` is a copy of the λ = 0 twin at an epoch end, for the Weights mode's histograms.
    """

    which: int
    record: StepRecord | EpochRecord | Diverged
    compare: int = field(default=0, kw_only=True)
    model: Any = field(default=None, kw_only=True)
