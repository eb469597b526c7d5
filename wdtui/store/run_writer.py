"""Writing one run into the store as it trains, and telling later whether its writer is alive.

A `RunWriter` never stops training and never raises. Each write is queued for the store's
writing thread (writing_thread.py), and the call returns at once. The first write that fails
turns recording off: a full disk, or the file locked for longer than the timeout. That is said
once, in one line, through the store's `on_failure` ("runs are not being recorded: …"). A run
deleted by the user while it records just goes quiet.

Each run row keeps its writer's pid and identity token: host, boot, pid, the process's start
time. A run still "running" whose writer is gone died mid-run. A reused pid is not mistaken for
it, because the new process started at another time.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..core.jsonable import json_default
from .writing_thread import RunDeleted, despite_failure

if TYPE_CHECKING:
    from .database import Store

KINDS = ("run", "twin", "sweep-point")
FINAL_STATUSES = ("finished", "stopped", "diverged", "incomplete")
METRICS = ("train_loss", "val_loss", "train_acc", "val_acc")
# One statement, so one transaction of its own: it lands only while the run is still there.
_EPOCH_INSERT = ("INSERT INTO epochs (run_id, seq, epoch, record, weights) SELECT ?1, ?2, ?3, ?4, ?5 "
                 "WHERE EXISTS (SELECT 1 FROM runs WHERE id = ?1)")
_RUN_INSERT = ("INSERT INTO runs (created, status, kind, group_id, group_label, version, pid, writer, config) "
               "VALUES (?, 'running', ?, ?, ?, ?, ?, ?, ?)")
_tokens: dict[int, str] = {}  # this process's token, by pid (a forked child has its own)


def now() -> str:
    """The current UTC time, ISO 8601 to the millisecond: what `created` and `ended` hold."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def dumps(value: Any) -> str:
    """Compact JSON of a JSON-able value or of records (dataclasses), as the store keeps it."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=json_default)


def field_of(record: Any, name: str) -> Any:
    """A record's field, whether it is given as a record or as its JSON-able dict."""
    return record.get(name) if isinstance(record, Mapping) else getattr(record, name, None)


# The host's name, without `import socket` (slow to import; `wdtui runs` should answer at once).
_HOST = os.uname().nodename if hasattr(os, "uname") else os.environ.get("COMPUTERNAME", "-")


def _proc_start(pid: int) -> str | None:
    """The process's start time in clock ticks since boot (Linux), or None.

    None when there is no such process, when it has already exited (a zombie, not yet reaped),
    or when this is not Linux."""
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
    """Whether the process that wrote `token` may still be running.

    When it cannot be told, the answer is yes: a live run must never be marked incomplete. That is
    a run from another host, or Windows, where os.kill(pid, 0) would send Ctrl-C."""
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


class RunWriter:
    """Writes one run as it trains: `epoch` once per epoch, then `finish` once.

    Call `reopen` first if the run goes on after it finished: the app's runs can be given more
    epochs. Records may be given as records (EpochRecord, Report) or as their JSON-able dicts.
    They become JSON on the writing thread. Use a run writer from one thread at a time, any thread.
    As a context manager, leaving the block without `finish` records the run "incomplete".
    """

    def __init__(self, store: Store, config: Mapping[str, Any], kind: str = "run", group: str | None = None,
                 label: str | None = None) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        self._store = store
        self._id = 0  # 0: not recorded (recording was off, or the first write failed)
        self._begun = threading.Event()  # set once the run's row is written (or cannot be)
        self._records: list[Any] = []  # as given
        self._texts: list[str] = []  # their JSON, on the writing thread
        self._pending: list[tuple[int, Any, Any]] = []  # epochs given, not yet taken by the writing thread
        self._pending_queued = False  # the writing thread has been asked to take them
        self._pending_lock = threading.Lock()
        self._open = False  # between begin (or reopen) and finish
        self._gone = False  # deleted while recording
        if store.writing_thread.failed is not None:
            self._begun.set()
            return
        self._open = True
        store.writers.add(self)
        row = (now(), kind, group, label, __version__, os.getpid(), writer_token())
        store.writing_thread.put(despite_failure(partial(self._write_begin, row, config)))

    def _write_begin(self, row: tuple, config: Mapping[str, Any]) -> None:
        try:
            if self._store.writing_thread.failed is None:
                with self._store.lock:
                    self._id = self._store.connection.execute(_RUN_INSERT, (*row, dumps(dict(config)))).lastrowid
        finally:
            self._begun.set()

    @property
    def id(self) -> int:
        """The run's id in the store; 0 when it is not being recorded. Asked before the run's
        row is written, this has the writing thread write it now and waits (well under a ms)."""
        if not self._begun.is_set():
            self._store.writing_thread.hurry()
            self._begun.wait()
        return self._id

    @property
    def is_open(self) -> bool:
        """Begun (or reopened) and not finished yet."""
        return self._open

    @property
    def failed(self) -> str | None:
        """The one line saying why recording stopped, once it has."""
        return self._store.writing_thread.failed

    def _queue(self, job: Callable[..., None], *args: Any) -> None:
        self._store.writing_thread.put(partial(self._guarded, job, *args))

    def _guarded(self, job: Callable[..., None], *args: Any) -> None:
        if self._id and not self._gone:
            job(*args)

    def _execute(self, statements: list[tuple[str, tuple]]) -> None:
        """Run `statements` in one transaction (a lone statement is one by itself). The first
        one names the run's row and must change it: if it changes nothing, the run was
        deleted meanwhile, and nothing is written."""
        conn, many = self._store.connection, len(statements) > 1
        with self._store.lock:
            if many:
                conn.execute("BEGIN IMMEDIATE")
            try:
                for i, (sql, args) in enumerate(statements):
                    if conn.execute(sql, args).rowcount == 0 and i == 0:
                        self._gone = True
                        raise RunDeleted(self._id)
                if many:
                    conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def epoch(self, record: Any, weights: Any = None) -> None:
        """Store one epoch's record (an EpochRecord, or its dict).

        `weights` is its layers' histograms (core.histograms), or a function that makes them,
        called on the writing thread. The epochs queued while that thread lingers are written in
        one transaction. An instant run's 300 epochs took 300 commits that way, where a few do."""
        if not self._open:
            return
        self._records.append(record)
        with self._pending_lock:
            self._pending.append((len(self._records), record, weights))
            queued, self._pending_queued = self._pending_queued, True
        if not queued:
            self._store.writing_thread.put(self._write_epochs)

    def _write_epochs(self) -> None:
        """Take the epochs given so far, and write them if the run is still being recorded."""
        with self._pending_lock:
            pending, self._pending, self._pending_queued = self._pending, [], False
        self._guarded(self._write_pending, pending)

    def _write_pending(self, pending: list[tuple[int, Any, Any]]) -> None:
        statements, texts = [], []
        for seq, record, weights in pending:
            texts.append(dumps(record))
            if callable(weights):
                weights = weights()
            statements.append((_EPOCH_INSERT, (self._id, seq, field_of(record, "epoch"), texts[-1],
                                               None if weights is None else dumps(weights))))
        self._execute(statements)
        self._texts.extend(texts)

    def finish(self, status: str, report: Any = None, final: Mapping[str, float | None] | None = None) -> None:
        """End the run.

        `status` is finished, stopped, diverged or incomplete. `report` is the `wdtui trace --json`
        document (a Report, or its dict). `final` overrides the four numbers of the latest epoch,
        which the run's row keeps. When no epoch was recorded, the report's epochs are."""
        if status not in FINAL_STATUSES:
            raise ValueError(f"status must be one of {', '.join(FINAL_STATUSES)}, not {status!r}")
        if not self._open:
            return
        self._open = False
        self._store.writers.discard(self)
        self._queue(self._write_finish, status, report, dict(final or {}), now(), list(self._records))

    def _write_finish(self, status: str, report: Any, final: dict[str, float | None], ended: str,
                      records: list[Any]) -> None:
        statements: list[tuple[str, tuple]] = []
        texts = self._texts[:len(records)]  # the epochs recorded when it was asked to finish
        if report is not None:
            doc = dict(report) if isinstance(report, Mapping) else json_default(report)
            epochs = doc.get("epochs")
            if isinstance(epochs, (list, tuple)) and epochs and not texts:
                records, texts = list(epochs), [dumps(e) for e in epochs]
                statements += [(_EPOCH_INSERT, (self._id, seq, field_of(r, "epoch"), text, None))
                               for seq, (r, text) in enumerate(zip(records, texts), start=1)]
            # The very epochs recorded? Then the report keeps none of its own: Store.get puts
            # the epochs table's rows back in. The same objects need no comparing at all.
            shared = (isinstance(epochs, (list, tuple)) and len(epochs) == len(texts)
                      and (all(a is b for a, b in zip(epochs, records))
                           or dumps(list(epochs)) == f"[{','.join(texts)}]"))
            if shared:
                doc["epochs"] = None
            statements.append(("INSERT OR REPLACE INTO reports (run_id, report, epochs_in_table) VALUES (?, ?, ?)",
                               (self._id, dumps(doc), int(shared))))
        last = records[-1] if records else {}
        numbers = {m: final[m] if m in final else field_of(last, m) for m in METRICS}
        trained = sum(1 for r in records if (field_of(r, "epoch") or 0) > 0)  # epoch 0 was before any step
        sets = {"status": status, "ended": ended, "epochs_done": trained, **numbers}
        statements.insert(0, ("UPDATE runs SET " + ", ".join(f"{k} = ?" for k in sets) + " WHERE id = ?",
                              (*sets.values(), self._id)))
        self._execute(statements)

    def reopen(self) -> None:
        """The run goes on after `finish` (more epochs): "running" again until the next finish,
        its report dropped (it stopped at the old end)."""
        if self._open or self._store.writing_thread.failed is not None:
            return
        self._open = True
        self._store.writers.add(self)
        self._queue(self._write_reopen)

    def _write_reopen(self) -> None:
        self._execute([("UPDATE runs SET status = 'running', ended = NULL WHERE id = ?", (self._id,)),
                       ("DELETE FROM reports WHERE run_id = ?", (self._id,))])

    def __enter__(self) -> RunWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.finish("incomplete")
