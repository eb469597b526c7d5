"""The run store's SQLite file: opening it without harm, its schema, and the migrations to it.

`PRAGMA user_version` is the schema version: 0 for a new, empty file, then the number of
migrations applied. A migration is a list of statements, run in one transaction together with
the version bump. So a file is always at one version or the next, never half-way: a process
killed mid-migration leaves the old version, whole. Never edit a migration that has shipped:
append the next one.

Before anything is written, `connect` makes sure the file is ours and one this code can read.
It needs an SQLite header, and `PRAGMA application_id` = wdtui's. It needs a schema version no
newer than this code's, every table and column of its version, and every page whole (check.py).
A file that fails is reported in one line (`StoreError`) and never modified. The checks only
read, on a read-only connection, and nothing writes before they pass.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from .check import StoreError, check_pages, check_tables
from .paths import make_folder

APPLICATION_ID = 0x77647475  # "wdtu": so wdtui never adopts another program's SQLite file
SQLITE_HEADER = b"SQLite format 3\x00"

MIGRATIONS: tuple[tuple[str, ...], ...] = (
    # 1 — runs, the epoch records of each, and each finished run's report.
    (
        f"PRAGMA application_id = {APPLICATION_ID}",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so "run 12" keeps its meaning
            created TEXT NOT NULL,      -- UTC, ISO 8601: when recording began
            ended TEXT,                 -- UTC, ISO 8601: when it finished, stopped or diverged
            status TEXT NOT NULL,       -- running, finished, stopped, diverged, incomplete
            kind TEXT NOT NULL,         -- run, twin, sweep-point
            group_id TEXT,              -- shared by twins, and by a sweep's points
            group_label TEXT,
            version TEXT NOT NULL,      -- wdtui's version
            pid INTEGER NOT NULL,       -- the writing process, to tell when it died mid-run
            writer TEXT NOT NULL,       -- that process's identity token (recorder.writer_token)
            config TEXT NOT NULL,       -- RunConfig.to_dict(), as JSON
            epochs_done INTEGER NOT NULL DEFAULT 0,  -- this and the last epoch's numbers: set when it ends
            train_loss REAL, val_loss REAL, train_acc REAL, val_acc REAL
        )""",
        """CREATE TABLE epochs (
            run_id INTEGER NOT NULL REFERENCES runs(id),
            seq INTEGER NOT NULL,       -- 1, 2, … in the order recorded
            epoch INTEGER,              -- the record's own epoch number
            record TEXT NOT NULL,       -- the EpochRecord, as JSON
            PRIMARY KEY (run_id, seq)
        )""",
        """CREATE TABLE reports (
            run_id INTEGER PRIMARY KEY REFERENCES runs(id),
            report TEXT NOT NULL,       -- the `wdtui trace --json` document
            epochs_in_table INTEGER NOT NULL DEFAULT 0  -- 1: its "epochs" are the epochs table's rows
        )""",
    ),
    # 2 — every open looks for runs still "running" and the Runs view lists a group's runs:
    # both without reading the whole table.
    (
        "CREATE INDEX runs_running ON runs(id) WHERE status = 'running'",
        "CREATE INDEX runs_by_group ON runs(group_id) WHERE group_id IS NOT NULL",
    ),
    # 3 — each epoch's weight histograms, per layer as TensorBoard keeps them (JSON), so
    # `wdtui runs tensorboard` can draw a stored run's weights as `--tensorboard` drew them live.
    (
        "ALTER TABLE epochs ADD COLUMN weights TEXT",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def describe(path: Path, exc: BaseException, timeout: float) -> str:
    """An SQLite or OS error as the one line a user can act on."""
    if isinstance(exc, StoreError):
        return str(exc)
    text = str(exc).lower()
    if isinstance(exc, PermissionError) or "readonly" in text or "permission" in text:
        return f"cannot read and write {path}: permission denied"
    if "not a database" in text:
        return f"{path} is not a wdtui run database; move it aside and wdtui will start a new one"
    if "malformed" in text or "corrupt" in text:
        return f"{path} is damaged ({exc}); move it aside and wdtui will start a new one"
    if "locked" in text or "busy" in text:
        return f"{path} stayed locked by another process for more than {timeout:g} s"
    if "full" in text:
        return f"the disk holding {path} is full"
    if "unable to open" in text:
        return f"cannot open {path}: check that its folder exists and can be written"
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
    return f"cannot use {path}: {reason}"


def _make_folder(folder: Path) -> None:
    try:
        make_folder(folder)
    except NotADirectoryError as exc:
        raise StoreError(f"cannot keep runs in {folder}: {exc}") from None


def _check_file(path: Path) -> None:
    """Refuse, before SQLite touches it, a file we cannot read and write or that is not SQLite."""
    if not path.exists():
        return
    if not path.is_file():
        raise StoreError(f"{path} is not a file; move it aside and wdtui will start a new run database")
    if not os.access(path, os.R_OK | os.W_OK):
        raise StoreError(f"cannot read and write {path}: permission denied")
    with open(path, "rb") as f:
        head = f.read(len(SQLITE_HEADER))
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is not a wdtui run database; move it aside and wdtui will start a new one")


def _check_schema(conn: sqlite3.Connection, path: Path) -> int:
    """The file's schema version, after making sure it is wdtui's and no newer than this code."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app = conn.execute("PRAGMA application_id").fetchone()[0]
    foreign = app != APPLICATION_ID if version else (
        app != 0 or conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] > 0)
    if foreign:
        raise StoreError(f"{path} is an SQLite file of another program, not wdtui's run database; "
                         f"move it aside and wdtui will start a new one")
    if version > SCHEMA_VERSION:
        raise StoreError(f"{path} was written by a newer wdtui (schema version {version}; this one knows "
                         f"up to {SCHEMA_VERSION}): upgrade wdtui, or set WDTUI_DATA_DIR to keep runs elsewhere")
    return version


def _verify(path: Path, timeout: float) -> int:
    """Refuse a file that is not wholly wdtui's: the checks of check.py, in one snapshot.

    They run on a read-only connection, which neither writes nor folds the write-ahead log into
    the file when it closes. One snapshot, as another process may be migrating the file right now."""
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=timeout, isolation_level=None)
    try:
        conn.execute("BEGIN")
        version = _check_schema(conn, path)
        if version:
            check_tables(conn, path, MIGRATIONS[:version])
            check_pages(conn, path)
        conn.execute("COMMIT")
    finally:
        conn.close()
    return version


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Put the file in WAL mode (once; it stays), where readers never wait for the writer.

    SQLite answers "locked" at once, without waiting, when another process holds the file while
    the mode changes (two first runs at once). So this waits itself, up to `timeout`.
    """
    deadline = time.monotonic() + timeout
    while True:
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")  # a file system without WAL keeps its mode
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.005)


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    """Apply the missing migrations in one transaction, under the write lock.

    A second process opening the same file at the same moment waits, then finds the work done."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = _check_schema(conn, path)  # again: another process may have migrated meanwhile
        for statements in MIGRATIONS[version:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
    except BaseException:  # Ctrl+C may come before BEGIN took hold: nothing to roll back then
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def connect(path: Path, timeout: float) -> sqlite3.Connection:
    """An open connection to the run store at `path`, at SCHEMA_VERSION, in WAL mode.

    It raises StoreError, having written nothing, for a file it must not use. Such a file is not
    SQLite, or is another program's, newer, damaged, or missing a table or column (see check.py)."""
    try:
        _make_folder(path.parent)
        _check_file(path)
        version = _verify(path, timeout) if path.exists() and path.stat().st_size else 0
        # isolation_level=None: no hidden transactions; every write says BEGIN and COMMIT itself.
        conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, check_same_thread=False)
    except (StoreError, OSError, sqlite3.Error) as exc:
        raise StoreError(describe(path, exc, timeout)) from None
    try:
        _use_wal(conn, timeout)
        if version < SCHEMA_VERSION:
            _migrate(conn, path)
        # In WAL, NORMAL syncs at checkpoints, not at every commit. A killed process loses nothing
        # committed. A power cut loses at worst the last commits, never the file.
        conn.execute("PRAGMA synchronous = NORMAL")
    except BaseException as exc:
        conn.close()
        if isinstance(exc, (StoreError, sqlite3.Error, OSError)):
            raise StoreError(describe(path, exc, timeout)) from None
        raise
    return conn
