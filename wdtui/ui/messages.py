"""Messages the jobs' workers post to the app: small dataclasses, one per event.

The workers only ever post these (as toolong does); the app applies them to the job's state on
the UI thread and bumps `WdtuiApp.run_version`, which every screen watches. Nothing in them is
still changed by a worker: records are frozen, and a ModelView holds a model copy of its own.

Every message carries `job`, the number of the job that posted it: after a reset (or a new
comparison, a new sweep) the old worker may still have a message in flight, and the app drops
it by that number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from textual.message import Message

from ..core.records import (ConfigChanged, Diverged, EpochRecord, Setup, Snapshot, StepRecord, Stopped, SweepProgress,
                             SweepResult)

if TYPE_CHECKING:
    from ..core.anatomy import LastUpdate
    from ..core.measures import Boundary
    from ..core.view import ModelView
    from ..present.runs import RunsTable
    from ..store.runs import StoredRun


@dataclass
class JobMessage(Message):
    """Base of the workers' messages; `job` says which job posted it (see the module docstring)."""

    job: int = field(default=0, kw_only=True)


@dataclass
class SetupReady(JobMessage):
    """The worker built the data, model and optimizer (torch is loaded from here on)."""

    setup: Setup
    view: ModelView  # the untrained model


@dataclass
class StepDone(JobMessage):
    record: StepRecord


@dataclass
class EpochDone(JobMessage):
    """Epochs ended: their records, oldest first (one, or at pace instant those of the last
    few hundredths of a second, see ui/jobs/run.py), and (at most every FOLLOW_EVERY seconds, core/pace.py)
    the model as it is after the last of them and what that epoch's last optimizer step read,
    for the Weights mode's anatomy; None between two views."""

    records: tuple[EpochRecord, ...]
    view: ModelView | None
    last_update: LastUpdate | None


@dataclass
class BoundaryTaken(JobMessage):
    """The run's Watch took a look at the model: `record.value` is its Boundary (None for data
    of one feature), taken after `record.global_step` steps."""

    record: Snapshot


@dataclass
class ViewTaken(JobMessage):
    """The model at the latest epoch end, and what its last optimizer step read: sent when the
    run stops after epochs whose EpochDone came without them (see ui/jobs/run.py)."""

    view: ModelView
    last_update: LastUpdate | None


@dataclass
class ConfigApplied(JobMessage):
    """New settings (λ, epochs) are in force from `record.epoch` on."""

    record: ConfigChanged


@dataclass
class RunDiverged(JobMessage):
    record: Diverged


@dataclass
class RunStopped(JobMessage):
    """Training stopped: finished, paused, or stopped by a rule (`record.reason`)."""

    record: Stopped


@dataclass
class TwinRecord(JobMessage):
    """A record of one of the Compare mode's twins: `which` is 0 for λ = 0, 1 for λ; `view` is
    the λ = 0 twin's model at an epoch end, for the Weights mode's histograms."""

    which: int
    record: Any  # StepRecord | EpochRecord | Snapshot (of its boundary) | Diverged | Stopped
    view: ModelView | None = None


@dataclass
class SweepBoundaries(JobMessage):
    """Every λ's decision boundary after `epoch` epochs, over one plane (None: diverged)."""

    epoch: int
    boundaries: tuple[Boundary | None, ...]


@dataclass
class SweepProgressed(JobMessage):
    """Every λ's numbers after one more epoch."""

    record: SweepProgress


@dataclass
class SweepDone(JobMessage):
    record: SweepResult


@dataclass
class RecordingTrouble(JobMessage):
    """Runs are not being recorded (or not written to TensorBoard), and why: said once."""

    line: str


@dataclass
class RunsListed(JobMessage):
    """The stored runs, newest first, with the table's cells made (on the worker); `table` is
    None when the store cannot be read, and `error` says why."""

    table: RunsTable | None
    error: str | None = None


@dataclass
class RunsLoaded(JobMessage):
    """Whole stored runs (epochs included), by id, for the Runs view's chart; None for a run
    that is gone."""

    runs: dict[int, StoredRun | None]


@dataclass
class RunsChanged(JobMessage):
    """A runs job is done: `what` it did, in a sentence, or `error`, the one line why not."""

    what: str
    error: str | None = None
    deleted: tuple[int, ...] = ()
