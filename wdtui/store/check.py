"""Whether a run store file may be written to, checked on a read-only connection before any write.

It must be whole (SQLite's own check), and have every table and column this wdtui writes.

A damaged file is never written to. A write on a damaged page can spread the damage. A run
inserted into a file missing a table is lost at its first epoch. `verify` raises StoreError,
one line naming the file and what is wrong, and has changed nothing. A read-only connection
neither writes nor folds the write-ahead log into the file when it closes.

SQLite's check reads every page: tens of milliseconds for thousands of runs, seconds for a store
of gigabytes. So it runs once per state of the file. A pass is remembered beside the store
(`runs.sqlite3-checked`), with what `os.stat` says of the file and of its write-ahead log.
That is its device, inode, size, modification and change times. A later open whose stats are the same skips
the check. Any write, by wdtui or anything else, changes the change time. Timestamps are coarse,
and a write in the same tick would keep them. So a pass is only trusted when the file had not
changed in the last RACY_NS before it was checked. (Damage the operating system never hears of,
a failing disk's, is not seen until the file changes again. SQLite reports it when it reads the page.)
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from functools import lru_cache
from pathlib import Path

RACY_NS = 2_000_000_000  # coarser file timestamps (FAT's) are 2 s apart
_MOVE_ASIDE = "move it aside and wdtui will start a new one"


class StoreError(Exception):
    """The run store cannot be used: one line naming the file and why.

    A caller shows it as "runs are not being recorded: …" and carries on without the store."""


@lru_cache(maxsize=None)
def expected_tables(migrations: tuple[tuple[str, ...], ...]) -> dict[str, tuple[tuple, ...]]:
    """Each table the migrations make, and its columns: the schema a file at that version must have.

    The columns are as `PRAGMA table_info` gives them: name, type, not null, default, primary key."""
    conn = sqlite3.connect(":memory:")
    try:
        for statements in migrations:
            for statement in statements:
                conn.execute(statement)
        return {name: _columns(conn, name) for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")}
    finally:
        conn.close()


def _columns(conn: sqlite3.Connection, table: str) -> tuple[tuple, ...]:
    return tuple(tuple(row[1:]) for row in conn.execute(f"PRAGMA table_info({table})"))


def check_tables(conn: sqlite3.Connection, path: Path, migrations: tuple[tuple[str, ...], ...]) -> None:
    """Refuse a file that lacks a table or a column the migrations made, or whose columns differ."""
    for table, columns in expected_tables(migrations).items():
        found = _columns(conn, table)
        if not found:
            raise StoreError(f"{path} has no table {table!r}, where wdtui keeps its runs; {_MOVE_ASIDE}")
        if found != columns:
            names = [c[0] for c in found]
            missing = [c[0] for c in columns if c[0] not in names]
            what = f"no column {missing[0]!r}" if missing else "columns this wdtui did not make"
            raise StoreError(f"{path} has {what} in its table {table!r}; {_MOVE_ASIDE}")


def _state(path: Path) -> list[list[int] | None]:
    """What os.stat says of the file and of its write-ahead log (None: none, or empty)."""
    out: list[list[int] | None] = []
    for part in (path, path.with_name(path.name + "-wal")):
        try:
            st = os.stat(part)
        except FileNotFoundError:
            out.append(None)
            continue
        out.append(None if part != path and st.st_size == 0 else
                   [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns])
    return out


def _memo(path: Path) -> Path:
    return path.with_name(path.name + "-checked")


def _passed_before(path: Path, state: list[list[int] | None]) -> bool:
    """Whether this very state of the file passed the check before (see the module's docstring)."""
    try:
        memo = json.loads(_memo(path).read_text(encoding="utf-8"))
        return memo["state"] == state and all(
            part is None or max(part[3], part[4]) + RACY_NS < memo["at"] for part in state)
    except (OSError, ValueError, TypeError, KeyError, IndexError):
        return False


def _remember(path: Path, state: list[list[int] | None], at: int) -> None:
    """Keep the pass for the next open; best effort (a folder that cannot be written just means
    the next open checks again). Replaced whole, so a reader never sees half of it."""
    memo = _memo(path)
    tmp = memo.with_name(f".{memo.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps({"state": state, "at": at}), encoding="utf-8")
        os.replace(tmp, memo)
    except OSError:
        try:
            tmp.unlink()
        except OSError:
            pass


def check_pages(conn: sqlite3.Connection, path: Path) -> None:
    """SQLite's quick_check of every page (skipped when this state of the file passed it)."""
    at = time.time_ns()
    state = _state(path)
    if _passed_before(path, state):
        return
    problems = [row[0] for row in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        lines = [line for text in problems for line in str(text).splitlines() if not line.startswith("***")]
        first = (lines or ["it failed SQLite's check"])[0]
        raise StoreError(f"{path} is damaged ({first[:120]}); {_MOVE_ASIDE}")
    _remember(path, state, at)
