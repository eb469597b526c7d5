"""Every run remembered: one SQLite database of runs, their epoch records and final reports.

    store = open_store(on_failure=say)         # StoreError: say so in one line, train anyway
    writer = store.begin(config.to_dict(), kind="run")
    for record in epochs: writer.epoch(record, weights)     # queued: one transaction each
    writer.finish("finished", report=report)
    store.close()                              # waits for the writes, then closes the file

Records go in as records or as their JSON-able dicts, and come out as dicts. So `wdtui runs`
answers without importing torch; core.decode turns them back into records to print them.

A `RunWriter` (see run_writer.py) never stops training. It queues its writes for the store's
writing thread (writing_thread.py). The first failure is said once, through `on_failure`, and
turns recording off. Keep the store open while it records; in the app, one store serves the
session and is closed at exit. The store reads its own writes: a read waits for the queued ones.
A run whose writer died (kill -9, a crash, a power cut) stays "running" in the file. The next open
finds its writer gone and marks it "incomplete". Nothing is ever deleted except by `delete`.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from . import cells
from .paths import database_path
from .run_writer import FINAL_STATUSES, KINDS, METRICS, RunWriter, writer_alive
from .schema import StoreError, connect, describe
from .writing_thread import WritingThread

__all__ = ["FINAL_STATUSES", "KINDS", "RunSummary", "RunWriter", "Store", "StoreError", "StoredRun",
           "open_store"]

TIMEOUT = 5.0  # seconds a write waits for another process's transaction before giving up
_COLUMNS = ("id, created, ended, status, kind, group_id, group_label, version, config, epochs_done, "
            + ", ".join(METRICS))


@dataclass(frozen=True)
class RunSummary:
    """One stored run as the Runs view and `wdtui runs` list it: no epochs, no report.

    `final` holds the latest recorded epoch's four numbers, or what `finish` was given. So an
    incomplete run still shows how far it got. A value is None when nothing was recorded.
    """

    id: int
    created: str
    ended: str | None
    status: str
    kind: str
    group_id: str | None
    group_label: str | None
    version: str
    config: dict[str, Any]
    epochs_done: int
    final: dict[str, float | None]


@dataclass(frozen=True)
class StoredRun(RunSummary):
    """A whole stored run: its epoch records in the order recorded, and its report.

    The report (the `wdtui trace --json` document) is there when it was given one at the end.
    `weights`, when asked for, holds each epoch's weight histograms (None for an epoch recorded
    without)."""

    epochs: tuple[dict[str, Any], ...]
    report: dict[str, Any] | None
    weights: tuple[dict[str, Any] | None, ...] = ()

    @property
    def document(self) -> dict[str, Any]:
        """The run as `wdtui trace --json` printed it: its report.

        A run may have kept none: a sweep's point, a run stopped or killed mid-way. It then gets
        the same keys, with what was recorded."""
        if self.report is not None:
            return self.report
        return {"config": self.config, "setup": None, "stages": [], "epochs": list(self.epochs),
                "prediction": None, "diverged": None}


def _progress(conn: sqlite3.Connection, run_id: int) -> tuple[int, dict[str, float | None]]:
    """How far a run got: the epochs it trained (epoch 0, the untrained model, is not one) and
    the last one's four numbers. A run's row holds them from `finish` on; before that (running,
    or died) they are read from its epochs."""
    count, last = conn.execute("SELECT count(*), (SELECT record FROM epochs WHERE run_id = ?1 "
                               "ORDER BY seq DESC LIMIT 1) FROM epochs WHERE run_id = ?1 AND epoch > 0",
                               (run_id,)).fetchone()
    return count, cells.finals(run_id, cells.json_cell(run_id, "last epoch's record", last) if last else {})


def _summary(conn: sqlite3.Connection, row: tuple, cls: type = RunSummary, **extra: Any) -> Any:
    """The run of a runs row, its cells checked (cells.py: UnreadableRun, one line)."""
    values = cells.row_cells(row)
    if values[3] == "running":
        values = (*values[:9], *_progress(conn, values[0]))
    return cls(*values, **extra)


class Store:
    """An open run store: one connection, shared with the RunWriters it begins and its writing thread.

    It is safe to use from any thread: a lock orders the calls. Keep it open while its run
    writers write, and close it once, at the end. The last close of the file folds the WAL back
    into it, which is a disk sync."""

    def __init__(self, path: Path, conn: sqlite3.Connection, timeout: float,
                 on_failure: Callable[[str], object] | None = None) -> None:
        self.path = path
        self.timeout = timeout
        self.connection = conn
        self.lock = threading.Lock()
        self.writing_thread = WritingThread(partial(describe, path, timeout=timeout))
        self.writing_thread.on_failure = on_failure
        self.writers: set[RunWriter] = set()  # begun (or reopened) and not finished

    @property
    def failed(self) -> str | None:
        """Why runs are not being recorded any more (one line), once a write has failed."""
        return self.writing_thread.failed

    def flush(self) -> None:
        """Wait until every write queued so far has landed (or failed)."""
        self.writing_thread.flush()

    @contextmanager
    def _using(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, after the queued writes, under the lock, inside one transaction
        when writing; any SQLite error becomes a StoreError."""
        self.flush()
        with self.lock:
            conn = self.connection
            try:
                if write:
                    conn.execute("BEGIN IMMEDIATE")
                try:
                    yield conn
                except BaseException:
                    if write and conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
                if write:
                    conn.execute("COMMIT")
            except sqlite3.Error as exc:
                raise StoreError(describe(self.path, exc, self.timeout)) from None

    def mark_incomplete(self) -> list[int]:
        """Mark "incomplete" each run still "running" whose writer has died; their ids."""
        with self._using() as conn:
            running = conn.execute("SELECT id, pid, writer FROM runs WHERE status = 'running'").fetchall()
        dead = [id_ for id_, pid, token in running if not writer_alive(pid, token)]
        if dead:
            with self._using(write=True) as conn:
                for id_ in dead:
                    count, final = _progress(conn, id_)
                    conn.execute(f"UPDATE runs SET status = 'incomplete', epochs_done = ?, "
                                 f"{', '.join(f'{m} = ?' for m in METRICS)} WHERE id = ? AND status = 'running'",
                                 (count, *final.values(), id_))
        return dead

    def begin(self, config: Mapping[str, Any], kind: str = "run", group: str | None = None,
              label: str | None = None) -> RunWriter:
        """Start recording a run ("running" until finished) with its config (a JSON-able dict,
        RunConfig.to_dict()). Twins, or a sweep's points, pass the same `group` (any string
        unique to them, e.g. uuid4().hex) and may `label` it ("λ sweep 0 … 0.1")."""
        return RunWriter(self, config, kind, group, label)

    def list(self, limit: int | None = None, group: str | None = None) -> list[RunSummary]:
        """The stored runs, newest first (in the order they began), optionally only `group`'s.
        Reads no reports, and epochs only for the few runs still recording, so it stays fast
        with thousands of runs."""
        where, args = ("WHERE group_id = ?", [group]) if group is not None else ("", [])
        sql = f"SELECT {_COLUMNS} FROM runs {where} ORDER BY id DESC LIMIT ?"
        with self._using() as conn:
            conn.execute("BEGIN")  # one snapshot, for the runs still recording too
            try:
                rows = conn.execute(sql, [*args, -1 if limit is None else limit]).fetchall()
                return [_summary(conn, row) for row in rows]
            finally:
                conn.execute("COMMIT")

    def get(self, run_id: int, weights: bool = False) -> StoredRun | None:
        """The whole run, or None when there is no run `run_id` (never stored, or deleted);
        with `weights`, each epoch's weight histograms too."""
        with self._using() as conn:
            conn.execute("BEGIN")  # one snapshot: a writer's next epoch cannot land half-way
            try:
                row = conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
                if row is None:
                    return None
                rows = conn.execute(f"SELECT record{', weights' if weights else ''} FROM epochs "
                                    "WHERE run_id = ? ORDER BY seq", (run_id,)).fetchall()
                records = tuple(cells.json_cell(run_id, f"epoch record {seq}", row[0])
                                for seq, row in enumerate(rows, start=1))
                histograms = tuple(cells.json_cell(run_id, f"weights of epoch record {seq}", row[1], optional=True)
                                   for seq, row in enumerate(rows, start=1)) if weights else ()
                stored = conn.execute("SELECT report, epochs_in_table FROM reports WHERE run_id = ?",
                                      (run_id,)).fetchone()
                report = None if stored is None else cells.report_cell(run_id, stored[0])
                if stored is not None and stored[1]:
                    report["epochs"] = list(records)
                return _summary(conn, row, StoredRun, epochs=records, report=report, weights=histograms)
            finally:
                conn.execute("COMMIT")

    def first_missing(self, ranges: Iterable[tuple[int, int]]) -> int | None:
        """The first id of the ranges (first, last), in the order given, that names no stored
        run; None when every one does. Reads only the runs that are there, however wide a range."""
        with self._using() as conn:
            for first, last in ranges:
                expected = first
                for (id_,) in conn.execute("SELECT id FROM runs WHERE id BETWEEN ? AND ? ORDER BY id", (first, last)):
                    if id_ != expected:
                        return expected
                    expected += 1
                if expected <= last:
                    return expected
        return None

    def delete(self, run_ids: Iterable[int]) -> list[int]:
        """Delete runs, with their epochs and reports, in one transaction; the ids that existed."""
        deleted = []
        with self._using(write=True) as conn:
            for run_id in dict.fromkeys(run_ids):
                if conn.execute("DELETE FROM runs WHERE id = ?", (run_id,)).rowcount:
                    conn.execute("DELETE FROM epochs WHERE run_id = ?", (run_id,))
                    conn.execute("DELETE FROM reports WHERE run_id = ?", (run_id,))
                    deleted.append(run_id)
        return deleted

    def close(self, unfinished: str | None = None) -> None:
        """Wait for the queued writes, then close the file. Runs still recording are left
        "running" (marked incomplete once this process has gone), or given the status
        `unfinished`: the app, quitting mid-run, says "stopped"."""
        if unfinished is not None:
            for writer in list(self.writers):
                writer.finish(unfinished)
        self.writing_thread.stop()
        with self.lock:
            self.connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | os.PathLike[str] | None = None, timeout: float = TIMEOUT,
               on_failure: Callable[[str], object] | None = None) -> Store:
    """Open (creating or migrating it if need be) the run store at `path`, by default
    `database_path()`, and mark incomplete the runs whose writer died. Raises StoreError,
    without changing the file, when it is damaged, unreadable or from a newer wdtui.
    `on_failure` hears, once, the line saying why recording stopped, if it does."""
    path = Path(path) if path is not None else database_path()
    store = Store(path, connect(path, timeout), timeout, on_failure)
    try:
        store.mark_incomplete()
    except BaseException:
        store.close()
        raise
    return store
