"""Messages the jobs' workers post to the app: small dataclasses, one per event.

The workers only ever post these, as toolong's do. The app applies them to the job's state on
the UI thread, and bumps `WdtuiApp.run_version`, which every screen watches. A training job's
worker posts each event its task in the trainer sent, as a TaskEvent. The Runs view's jobs,
which read the store, post their own. Nothing in them changes once posted: records are frozen.

Every message carries `job`, the number of the job that posted it. After a reset (or a new
comparison, a new sweep) the old worker may still have a message in flight. The app drops it by
that number.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..core.records import Prediction
    from ..present.runs_table import RunsTable
    from ..store.database import StoredRun
    from ..trainer.events import Event


@dataclass
class JobMessage(Message):
    """Base of the workers' messages; `job` says which job posted it (see the module docstring)."""

    job: int = field(default=0, kw_only=True)


@dataclass
class TaskEvent(JobMessage):
    """What a job's task in the trainer sent (trainer/events.py): the host applies it to the
    state of the job its type belongs to (ui/jobs/host.py)."""

    event: Event


@dataclass
class RowTraced(JobMessage):
    """The trainer's answer to "follow row `row` through the model behind view `key`": the
    Prediction, or the one line why not."""

    key: int
    row: int
    prediction: Prediction | None
    error: str | None = None


@dataclass
class RecordingTrouble(JobMessage):
    """Runs are not being recorded (or not written to TensorBoard), and why: said once."""

    line: str


@dataclass
class RunsListed(JobMessage):
    """The stored runs, newest first, with the table's cells made (on the worker).

    `table` is None when the store cannot be read, and `error` says why."""

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
