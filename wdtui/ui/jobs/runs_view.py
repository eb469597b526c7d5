"""The Runs view's jobs: listing the stored runs, loading whole runs for its chart, deleting and
exporting them; and what the app keeps of them.

Each job is a worker function that touches the store and only posts messages. SQLite never runs
on the UI thread, where a file another process holds locked could stall the screen for seconds.
A listing's table cells are made on the worker too (present.runs_table.RunsTable). So filtering
and sorting thousands of runs as the user types costs the UI thread next to nothing.
`RunsState` lives on the app and is changed on the UI thread, from the messages.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable

from ...present.runs_table import RunsTable
from ..messages import JobMessage, RunsChanged, RunsListed, RunsLoaded

if TYPE_CHECKING:
    from ...store.database import StoredRun
    from ...store.recording import Recorder

Post = Callable[[JobMessage], object]


def list_runs(post: Post, recorder: Recorder, job: int, cancelled: threading.Event) -> None:
    """Post the stored runs, newest first, their cells made; or why they cannot be read.

    `job` is the listing's number, so that a slow older one arriving late is dropped."""
    from ...store.database import StoreError

    store = recorder.store()
    if store is None:
        post(RunsListed(None, recorder.why, job=job))
        return
    try:
        runs = store.list()
    except StoreError as exc:
        post(RunsListed(None, str(exc), job=job))
        return
    if not cancelled.is_set():
        post(RunsListed(RunsTable(runs), job=job))


def load_runs(post: Post, recorder: Recorder, ids: tuple[int, ...], cancelled: threading.Event) -> None:
    """Post the whole runs `ids` (epochs and all): the chart overlays their curves."""
    from ...store.database import StoreError

    store = recorder.store()
    if store is None:
        return
    try:
        post(RunsLoaded({run_id: store.get(run_id) for run_id in ids}))
    except StoreError as exc:
        post(RunsChanged("", str(exc)))


def delete_runs(post: Post, recorder: Recorder, ids: tuple[int, ...], cancelled: threading.Event) -> None:
    """Delete runs and say so (the app lists the runs again when it hears)."""
    from ...store.database import StoreError

    store = recorder.store()
    if store is None:
        return
    try:
        deleted = store.delete(ids)
    except StoreError as exc:
        post(RunsChanged("", str(exc)))
        return
    post(RunsChanged(f"Deleted {_runs(deleted)}.", deleted=tuple(deleted)))


def export_runs(post: Post, recorder: Recorder, ids: tuple[int, ...], as_sweep: bool, folder: str | None,
                cancelled: threading.Event) -> None:
    """Write runs as `--export` wrote them: each as JSON and CSV or, for a sweep's runs
    (`as_sweep`), the sweep as `wdtui sweep --export` wrote it."""
    from ...core.decode import RecordError, sweep_result
    from ...store import export
    from ...store.database import StoreError

    store = recorder.store()
    if store is None:
        return
    try:
        runs = [run for run in (store.get(i) for i in ids) if run is not None]
        if as_sweep:
            result = sweep_result([(r.config, r.epochs, r.status == "diverged") for r in runs])
            written = [export.export_sweep(result, export.run_targets(folder, "sweep"))]
        else:
            written = [export.export_document(r.document, export.run_targets(folder, f"run-{r.id}")) for r in runs]
    except (StoreError, export.ExportError) as exc:
        post(RunsChanged("", str(exc)))
        return
    except RecordError as exc:  # a stored cell the sweep's points cannot be made of
        post(RunsChanged("", f"The sweep of {_runs(list(ids))} cannot be read back: {exc}."))
        return
    files = "\n".join(str(path) for pair in written for path in pair)
    post(RunsChanged(f"Wrote {'the sweep of ' if as_sweep else ''}{_runs([r.id for r in runs])}:\n{files}"))


def _runs(ids: list[int]) -> str:
    return f"run {ids[0]}" if len(ids) == 1 else f"{len(ids)} runs ({', '.join(map(str, ids))})"


@dataclass
class RunsState:
    """What the app knows of the stored runs; the Runs view shows it."""

    table: RunsTable | None = None  # the latest listing (None before the first)
    asked: int = 0  # listings asked for; the latest one's number (0: none yet)
    error: str | None = None  # why the store cannot be read
    listed: int = 0  # how many listings have arrived: the view redraws its table on a new one
    stored: dict[int, StoredRun] = field(default_factory=dict)  # whole runs loaded for the chart
    gone: set[int] = field(default_factory=set)  # asked for, but not in the store
    loading: set[int] = field(default_factory=set)  # asked for, on their way

    def wanted(self, ids: tuple[int, ...]) -> tuple[int, ...]:
        """Of `ids`, those to ask the store for: neither loaded, nor on their way, nor gone."""
        missing = tuple(i for i in ids if i not in self.stored and i not in self.gone and i not in self.loading)
        self.loading.update(missing)
        return missing

    def listing(self, message: RunsListed) -> None:
        """A new listing; a loaded run it shows further on (still training then) is loaded anew."""
        self.table, self.error = message.table, message.error
        self.listed += 1
        now = {r.id: (r.status, r.epochs_done) for r in (message.table.runs if message.table else ())}
        for run_id, run in list(self.stored.items()):
            if now.get(run_id) != (run.status, run.epochs_done):
                del self.stored[run_id]

    def loaded(self, message: RunsLoaded) -> None:
        self.loading.difference_update(message.runs)
        for run_id, run in message.runs.items():
            if run is None:
                self.gone.add(run_id)
            else:
                self.stored[run_id] = run

    def forget(self, ids: tuple[int, ...]) -> None:
        for run_id in ids:
            self.stored.pop(run_id, None)
