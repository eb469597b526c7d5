"""The app's state of the current run, read by every screen; changed on the UI thread only.

Everything a screen shows comes from here: the records the worker posted, never a number
computed a second time. `model_snapshot` is a copy of the model taken at the end of the
latest epoch, so Inspect can follow any row through it while training goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..core.config import RunConfig
from ..core.records import Diverged, EpochRecord, Prediction, Setup, Stage, StepRecord


@dataclass
class Session:
    config: RunConfig
    setup: Setup | None = None
    stages: list[Stage] = field(default_factory=list)
    epochs: list[EpochRecord] = field(default_factory=list)
    last_step: StepRecord | None = None
    prediction: Prediction | None = None  # of the configured / default row
    diverged: Diverged | None = None
    lambda_changes: set[int] = field(default_factory=set)  # epochs that ran with a new λ
    trainer: Any = None  # core.training.Trainer, built in the worker (it imports torch)
    model_snapshot: Any = None  # torch.nn.Module copied at the latest epoch end
    running: bool = False
