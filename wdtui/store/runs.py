"""Every run remembered: one SQLite database of runs, their epoch records and final reports.

    store = open_store()                       # StoreError: say so in one line, train anyway
    recorder = store.begin(config.to_dict(), kind="run")
    for record in epochs: recorder.epoch(to_jsonable(record))      # one transaction each
    recorder.finish("finished", report=to_jsonable(report))

Records go in and come out as JSON-able dicts (what `to_jsonable` makes), so this module needs
neither torch nor the record classes: `wdtui runs` answers without importing either.

A `Recorder` (see recorder.py) never stops training: its first failure raises StoreError once,
then it goes quiet. It writes through its store's connection, so keep the store open while it
records (in the app: one store for the session, closed at exit). A run whose writer died
(kill -9, a crash, a power cut) stays "running" in the file until the next open finds its
writer gone and marks it "incomplete". Nothing is ever deleted except by `delete`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .paths import database_path
from .recorder import FINAL_STATUSES, KINDS, METRICS, Recorder, writer_alive
from .schema import StoreError, connect, describe

__all__ = ["FINAL_STATUSES", "KINDS", "Recorder", "RunSummary", "Store", "StoreError", "StoredRun",
           "open_store"]

TIMEOUT = 5.0  # seconds a write waits for another process's transaction before giving up
_COLUMNS = ("id, created, ended, status, kind, group_id, group_label, version, config, epochs_done, "
            + ", ".join(METRICS))


@dataclass(frozen=True)
class RunSummary:
    """One stored run as the Runs view and `wdtui runs` list it: no epochs, no report.

    `final` holds the latest recorded epoch's four numbers (or what `finish` was given), so an
    incomplete run still shows how far it got; a value is None when nothing was recorded.
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
    """A whole stored run: its epoch records in the order recorded, and the report (the
    `wdtui trace --json` document) when it was given one at the end."""

    epochs: tuple[dict[str, Any], ...]
    report: dict[str, Any] | None


def _progress(conn: sqlite3.Connection, run_id: int) -> tuple[int, dict[str, float | None]]:
    """How far a run got: its number of epochs and the last one's four numbers. A run's row
    holds them from `finish` on; before that (running, or died) they are read from its epochs."""
    count, last = conn.execute("SELECT count(*), (SELECT record FROM epochs WHERE run_id = ?1 "
                               "ORDER BY seq DESC LIMIT 1) FROM epochs WHERE run_id = ?1", (run_id,)).fetchone()
    record = json.loads(last) if last else {}
    return count, {m: record.get(m) for m in METRICS}


def _summary(conn: sqlite3.Connection, row: tuple, cls: type = RunSummary, **extra: Any) -> Any:
    (id_, created, ended, status, kind, group_id, group_label, version, config, epochs_done,
     *metrics) = row
    final = dict(zip(METRICS, metrics))
    if status == "running":
        epochs_done, final = _progress(conn, id_)
    return cls(id_, created, ended, status, kind, group_id, group_label, version, json.loads(config),
               epochs_done, final, **extra)


class Store:
    """An open run store: one connection, shared with the Recorders it begins. Safe to use from
    any thread: a lock orders the calls. Keep it open while its recorders write, and close it
    once, at the end (the last close of the file folds the WAL back into it: a disk sync)."""

    def __init__(self, path: Path, conn: sqlite3.Connection, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._conn = conn
        self._lock = threading.Lock()

    @contextmanager
    def _using(self, write: bool = False) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock, inside one transaction when writing; any SQLite
        error becomes a StoreError."""
        with self._lock:
            try:
                if write:
                    self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                except BaseException:
                    if write and self._conn.in_transaction:
                        self._conn.execute("ROLLBACK")
                    raise
                if write:
                    self._conn.execute("COMMIT")
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
              label: str | None = None) -> Recorder:
        """Start recording a run ("running" until finished) with its config (a JSON-able dict,
        RunConfig.to_dict()). Twins, or a sweep's points, pass the same `group` (any string
        unique to them, e.g. uuid4().hex) and may `label` it ("λ sweep 0 … 0.1")."""
        return Recorder(self.path, self.timeout, self._conn, self._lock, config, kind, group, label)

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

    def get(self, run_id: int) -> StoredRun | None:
        """The whole run, or None when there is no run `run_id` (never stored, or deleted)."""
        with self._using() as conn:
            conn.execute("BEGIN")  # one snapshot: a writer's next epoch cannot land half-way
            try:
                row = conn.execute(f"SELECT {_COLUMNS} FROM runs WHERE id = ?", (run_id,)).fetchone()
                if row is None:
                    return None
                records = tuple(json.loads(text) for text, in conn.execute(
                    "SELECT record FROM epochs WHERE run_id = ? ORDER BY seq", (run_id,)))
                stored = conn.execute("SELECT report, epochs_in_table FROM reports WHERE run_id = ?",
                                      (run_id,)).fetchone()
                report = None if stored is None else json.loads(stored[0])
                if stored is not None and stored[1]:
                    report["epochs"] = list(records)
                return _summary(conn, row, StoredRun, epochs=records, report=report)
            finally:
                conn.execute("COMMIT")

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

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_store(path: str | os.PathLike[str] | None = None, timeout: float = TIMEOUT) -> Store:
    """Open (creating or migrating it if need be) the run store at `path`, by default
    `database_path()`, and mark incomplete the runs whose writer died. Raises StoreError,
    without changing the file, when it is damaged, unreadable or from a newer wdtui."""
    path = Path(path) if path is not None else database_path()
    store = Store(path, connect(path, timeout), timeout)
    try:
        store.mark_incomplete()
    except BaseException:
        store.close()
        raise
    return store
