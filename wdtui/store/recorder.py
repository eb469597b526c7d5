"""Recording one run as it trains, and telling later whether its writer is still alive.

A `Recorder` never stops training. Its first failure (a full disk, the file locked for longer
than the timeout, the run deleted meanwhile) raises StoreError once; from then on it is off
and every call does nothing, so the caller prints "runs are not being recorded: …" and goes on.

Each run row keeps its writer's pid and identity token (host, boot, pid, the process's start
time): a run still "running" whose writer is gone died mid-run, and a reused pid is not
mistaken for it, because the new process started at another time.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import __version__
from .schema import StoreError, describe

KINDS = ("run", "twin", "sweep-point")
FINAL_STATUSES = ("finished", "stopped", "diverged", "incomplete")
METRICS = ("train_loss", "val_loss", "train_acc", "val_acc")
# One statement, so one transaction of its own: it lands only while the run is still there.
_EPOCH_INSERT = ("INSERT INTO epochs (run_id, seq, epoch, record) SELECT ?1, ?2, ?3, ?4 "
                 "WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?1)")
_RUN_INSERT = ("INSERT INTO runs (created, status, kind, group_id, group_label, version, pid, writer, config) "
               "VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)")
_tokens: dict[int, str] = {}  # this process's token, by pid (a forked child has its own)


def now() -> str:
    """The current UTC time, ISO 8601 to the millisecond: what `created` and `ended` hold."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# The host's name, without `import socket` (slow to import; `wdtui runs` should answer at once).
_HOST = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "-")


def _proc_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None when there is no
    such process, it has already exited (a zombie, not yet reaped), or this is not Linux."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2:].split()  # the name in (…) may hold spaces and parentheses
    return None if fields[0] in ("Z", "X") else fields[19]  # fields 3 (state) and 22 (start time)


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return "-"


def writer_token(pid: int | None = None) -> str:
    """Who is writing: "host/boot/pid/start", with "-" for what this system cannot tell."""
    if pid is None:
        pid = os.getpid()
        if pid not in _tokens:
            _tokens[pid] = writer_token(pid)
        return _tokens[pid]
    return "/".join((_HOST, _boot_id(), str(pid), _proc_start(pid) or "-"))


def writer_alive(pid: int, token: str) -> bool:
    """Whether the process that wrote `token` may still be running. When it cannot be told (a
    run from another host; Windows, where os.kill(pid, 0) would send Ctrl-C) the answer is yes:
    a live run must never be marked incomplete."""
    host, boot, _, start = (token.split("/") + ["-"] * 4)[:4]
    if host != _HOST:
        return True
    if start != "-" and boot != "-":
        return boot == _boot_id() and _proc_start(pid) == start
    if os.name != "posix":
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # it exists, owned by someone else
    return True


class Recorder:
    """Writes one run as it trains: `epoch` once per epoch, then `finish` once.

    Use it from one thread at a time, any thread: it writes through its store's connection,
    under the store's lock. As a context manager, leaving the block without `finish` records
    the run as "incomplete". `failed` holds the line once it has failed.
    """

    def __init__(self, path: Path, timeout: float, conn: sqlite3.Connection, lock: threading.Lock,
                 config: Mapping[str, Any], kind: str = "run", group: str | None = None,
                 label: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        self.path, self.timeout = path, timeout
        self.failed: str | None = None
        self._written: list[str] = []  # each epoch's JSON, to tell whether a report repeats them
        self._conn: sqlite3.Connection | None = conn  # None once finished or failed: off
        self._lock = lock
        self._last: Mapping[str, Any] = {}  # the latest epoch's record
        self.id = 0
        row = (now(), kind, group, label, __version__, os.getpid(), writer_token(), dumps(dict(config)))
        self._write([(_RUN_INSERT, row)])

    def _write(self, statements: list[tuple[str, tuple]]) -> None:
        """Run `statements` in one transaction (a lone statement is one by itself), each of
        which must change a row; on failure go off and raise StoreError once."""
        conn = self._conn
        if conn is None:
            return
        many = len(statements) > 1
        try:
            with self._lock:
                if many:
                    conn.execute("BEGIN IMMEDIATE")
                try:
                    for sql, args in statements:
                        cursor = conn.execute(sql, args)
                        if cursor.rowcount == 0:
                            raise StoreError(f"run {self.id} was deleted from {self.path} while it was recording")
                        if sql is _RUN_INSERT:
                            self.id = cursor.lastrowid
                    if many:
                        conn.execute("COMMIT")
                except BaseException:
                    if conn.in_transaction:
                        conn.execute("ROLLBACK")
                    raise
        except (sqlite3.Error, StoreError) as exc:
            self.failed = describe(self.path, exc, self.timeout)
            self._conn = None
            raise StoreError(self.failed) from None

    def epoch(self, record: Mapping[str, Any]) -> None:
        """Store one epoch's record (a JSON-able dict: to_jsonable(EpochRecord)), in one
        transaction of one statement: the cheapest write SQLite has."""
        if self._conn is None:
            return
        text, seq = dumps(record), len(self._written) + 1
        self._write([(_EPOCH_INSERT, (self.id, seq, record.get("epoch"), text))])
        self._written.append(text)
        self._last = record

    def finish(self, status: str, report: Mapping[str, Any] | None = None,
               final: Mapping[str, float | None] | None = None) -> None:
        """End the run: `status` is finished, stopped, diverged or incomplete; `report` the
        `wdtui trace --json` document (to_jsonable(Report)); `final` overrides the four numbers
        of the latest epoch, which the run's row keeps. When no epoch was recorded, the
        report's epochs are."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status must be one of {', '.join(FINAL_STATUSES)}, not {status!r}")
        if self._conn is None:
            return
        statements: list[tuple[str, tuple]] = []
        if report is not None:
            report = dict(report)
            epochs = report.get("epochs")
            if isinstance(epochs, list) and epochs and not self._written:
                self._written, self._last = [dumps(r) for r in epochs], epochs[-1]
                statements += [(_EPOCH_INSERT, (self.id, seq, r.get("epoch"), text))
                               for seq, (r, text) in enumerate(zip(epochs, self._written), start=1)]
            # The same epochs as recorded? One dumps of the list: far quicker than one per epoch.
            shared = (isinstance(epochs, list) and len(epochs) == len(self._written)
                      and dumps(epochs) == f"[{','.join(self._written)}]")
            if shared:
                report["epochs"] = None  # one copy: Store.get puts the epochs table's rows back here
            statements.append(("INSERT OR REPLACE INTO reports (run_id, report, epochs_in_table) "
                               "VALUES (?, ?, ?)", (self.id, dumps(report), int(shared))))
        numbers = {m: self._last.get(m) for m in METRICS} | {m: final[m] for m in METRICS if m in (final or {})}
        sets = {"status": status, "ended": now(), "epochs_done": len(self._written), **numbers}
        statements.insert(0, ("UPDATE runs SET " + ", ".join(f"{k} = ?" for k in sets) + " WHERE id = ?",
                              (*sets.values(), self.id)))
        try:
            self._write(statements)
        finally:
            self._conn = None

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._conn is not None:
            try:
                self.finish("incomplete")
            except StoreError:
                pass  # already in `failed`; leaving the block must not raise a second error
