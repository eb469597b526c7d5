"""What the trainer's tasks send the app: small frozen dataclasses, one per event.

Torch-free and Textual-free: they are pickled in the trainer and read in the app. There a job
posts each, with its job number, as one Textual message (ui/messages.py). Every field is a
record of the core (frozen, made of numbers, tuples and NumPy arrays), never a live model.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..core.records import (ConfigChanged, Diverged, EpochRecord, Look, Setup, StepRecord, Stopped, SweepProgress,
                            SweepResult)

if TYPE_CHECKING:
    from ..core.anatomy import LastUpdate
    from ..core.measures import Boundary
    from ..core.view import ModelView


@dataclass(frozen=True)
class SetupReady:
    """The trainer built the data, model and optimizer."""

    setup: Setup
    view: ModelView  # the untrained model


@dataclass(frozen=True)
class StepDone:
    record: StepRecord


@dataclass(frozen=True)
class EpochDone:
    """Epochs ended: their records, oldest first, and now and then the model after the last of them.

    There is one record, or at pace instant those of the last few hundredths of a second (see
    trainer/outbox.py). At most every FOLLOW_EVERY seconds (core/pace.py), it also holds the model
    as it is after the last of them. With it comes what that epoch's last optimizer step read,
    for the Weights mode's anatomy. Both are None between two views."""

    records: tuple[EpochRecord, ...]
    view: ModelView | None
    last_update: LastUpdate | None


@dataclass(frozen=True)
class LookTaken:
    """The run's Watch took a look at the model: `record.value` is its Boundary (None for data
    of one feature), taken after `record.global_step` steps."""

    record: Look


@dataclass(frozen=True)
class ViewTaken:
    """The model at the latest epoch end, and what its last optimizer step read.

    It is sent when the run stops after epochs whose EpochDone came without them."""

    view: ModelView
    last_update: LastUpdate | None


@dataclass(frozen=True)
class ConfigApplied:
    """New settings (λ, epochs) are in force from `record.epoch` on."""

    record: ConfigChanged


@dataclass(frozen=True)
class RunDiverged:
    record: Diverged


@dataclass(frozen=True)
class RunStopped:
    """Training stopped: finished, paused, or stopped by a rule (`record.reason`).

    `steered` counts the app's go, pause and step requests the run had taken then. A stop the
    app has since overruled (space pressed again while this was on its way) is not a pause."""

    record: Stopped
    steered: int


@dataclass(frozen=True)
class TwinRecord:
    """A record of one of the Compare mode's twins: `which` is 0 for λ = 0, 1 for λ.

    `view` comes now and then at the twin's latest epoch end, and at its last (its smoothness
    number). `weights` comes at every epoch end of the λ = 0 twin, for the Weights mode's
    histograms beside the run's."""

    which: int
    record: Any  # StepRecord | EpochRecord | Look (of its boundary) | Diverged | Stopped
    view: ModelView | None = None
    weights: dict[str, Any] | None = None


@dataclass(frozen=True)
class TwinRecords:
    """The twins' records held back a moment and sent together, in order (trainer/outbox.py)."""

    records: tuple[TwinRecord, ...]


@dataclass(frozen=True)
class SweepBoundaries:
    """Every λ's decision boundary after `epoch` epochs, over one plane (None: diverged)."""

    epoch: int
    boundaries: tuple[Boundary | None, ...]


@dataclass(frozen=True)
class SweepProgressed:
    """Every λ's numbers after one more epoch."""

    record: SweepProgress


@dataclass(frozen=True)
class SweepDone:
    record: SweepResult


Event = (SetupReady | StepDone | EpochDone | LookTaken | ViewTaken | ConfigApplied | RunDiverged | RunStopped
         | TwinRecord | TwinRecords | SweepBoundaries | SweepProgressed | SweepDone)
