"""Saving a run (JSON + CSV) and the generated script, atomically, and a pair as a pair.

A file is first written in full to a temporary file beside it, and flushed to disk. Only then
is it renamed over the target with `os.replace`. Whatever fails along the way (a full disk, an
exception, a killed process), the previous file stays whole, never half-written. A pair (JSON
and CSV) is written whole or not at all. If the second rename fails, the first file gets its
previous contents back (see `write_atomically`), and the error names the file that failed.
Temporary files are removed on any failure that lets Python run. A killed process can leave a
hidden `.NAME.xxxxxxxx.tmp` or `.old` beside the target, but never a partial target.

Where: by default the data directory (store.paths: WDTUI_DATA_DIR, else platformdirs'), with a
timestamped name. Or the folder or file name the user gives. Torch-free: it writes records, it
does not make them. A run and a sweep are each written as a pair: the JSON document and one CSV
table of it.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import uuid
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path

from ..core.jsonable import to_json
from ..core.records import EpochRecord, Report, SweepPoint, SweepResult
from .paths import data_dir, make_folder

# The epoch table as CSV: one row per epoch, the numbers of its EpochRecord.
CSV_COLUMNS = ("epoch", "train_loss", "val_loss", "train_acc", "val_acc", "penalty", "weight_norm",
               "weight_decay", "lr", "seconds", "observation")
# The sweep's points as CSV: one row per λ, the fields of its SweepPoint, `diverged` last. A
# diverged λ's numbers are empty, and so are the boundary's when the sweep did not measure it.
SWEEP_CSV_COLUMNS = (*(f for f in SweepPoint.__dataclass_fields__ if f != "diverged"), "diverged")
RUN_SUFFIXES = (".json", ".csv")


class ExportError(Exception):
    """A target that cannot be written: the message is one line naming the path and why."""


def default_dir() -> Path:
    """Where a file goes when no folder is given: the data directory (paths.data_dir)."""
    return data_dir()


@contextmanager
def _one_line(what: str) -> Iterator[None]:
    """Turn an OSError into an ExportError: `cannot <what>: <the system's reason>`."""
    try:
        yield
    except OSError as exc:
        raise ExportError(f"cannot {what}: {exc.strerror or exc}") from None


def _make_folder(folder: Path) -> None:
    try:
        make_folder(folder)
    except NotADirectoryError as exc:
        raise ExportError(str(exc)) from None


def targets(where: str | os.PathLike[str] | None, suffixes: Sequence[str], prefix: str,
            now: datetime | None = None) -> dict[str, Path]:
    """The file for each suffix, its folder created; called before the work, so a bad path fails first.

    `where` is None (the user data directory), or a folder, or a file name. A folder may exist,
    or be a new one for a name without one of `suffixes`. A file name ends in one of `suffixes`,
    and its stem then names every file. In a folder the names are `prefix-YYYYmmdd-HHMMSS`, never
    an existing one.
    """
    path = default_dir() if where is None else Path(where).expanduser()
    with _one_line(f"write to {path}"):
        if path.suffix.lower() in suffixes and not path.is_dir():
            _make_folder(path.parent)
            named = {s: path.with_suffix(s) for s in suffixes}
            for target in named.values():
                if target.is_dir():  # pair.json given, pair.csv a folder: said before the work, not after
                    raise ExportError(f"cannot write {target}: a folder of that name is in the way")
            return named
        _make_folder(path)
    stem = f"{prefix}-{(now or datetime.now()):%Y%m%d-%H%M%S}"
    candidate, n = stem, 1
    while any((path / f"{candidate}{s}").exists() for s in suffixes):
        n += 1
        candidate = f"{stem}-{n}"
    return {s: path / f"{candidate}{s}" for s in suffixes}


def write_atomically(contents: Mapping[Path, str]) -> None:
    """Write every file of `contents`, or none of them; ExportError names the file that failed.

    Each file is written in full beside its target first, all of them on disk before the first
    rename. So a failure while writing changes no target. Each target that exists is kept as a
    hidden hard link (or copy) beside it while the temporary files are renamed over the targets.
    If a rename fails (a folder in the way, say), the targets already replaced get their previous
    files back, and new ones are removed. Temporary files and kept copies go on any failure that
    lets Python run. A process killed between two renames can leave a pair half-replaced.
    """
    for path in contents:
        if path.is_dir():  # the commonest reason a rename fails: found before anything is written
            raise ExportError(f"cannot write {path}: a folder of that name is in the way")
    staged: dict[Path, Path] = {}  # target: its temporary file, written in full
    kept: dict[Path, Path | None] = {}  # target: its previous file, kept aside (None: there was none)
    replaced: list[Path] = []
    current: Path | None = None
    try:
        for current, text in contents.items():
            staged[current] = _hidden(current, "tmp")
            # 0o666 less the umask: the mode a plain open() would give the file.
            fd = os.open(staged[current], os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as f:
                f.write(text.encode("utf-8"))
                f.flush()
                os.fsync(f.fileno())
        for current, tmp in staged.items():
            kept[current] = _keep(current)
            os.replace(tmp, current)
            replaced.append(current)
    except BaseException as exc:
        for path in replaced:  # the pair goes back to what it was
            with suppress(OSError):
                if kept[path] is not None:
                    os.replace(kept[path], path)
                else:
                    os.unlink(path)
        for leftover in (*staged.values(), *kept.values()):
            if leftover is not None:
                with suppress(OSError):
                    os.unlink(leftover)
        if isinstance(exc, OSError):
            raise ExportError(f"cannot write {current}: {exc.strerror or exc}") from None
        raise
    for previous in kept.values():
        if previous is not None:
            with suppress(OSError):
                os.unlink(previous)
    if os.name == "posix":  # make the renames durable too; best effort, as some file systems refuse
        for folder in {p.parent for p in contents}:
            with suppress(OSError):
                fd = os.open(folder, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)


def _hidden(path: Path, kind: str) -> Path:
    """A hidden name beside `path`, never an existing file's: `.NAME.xxxxxxxx.KIND`."""
    return path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.{kind}")


def _keep(path: Path) -> Path | None:
    """The file at `path`, kept under a hidden name beside it; None when there is none.

    It is a hard link, so no bytes are copied, or a copy where the file system has no hard links."""
    if not os.path.lexists(path):
        return None
    keep = _hidden(path, "old")
    try:
        os.link(path, keep, follow_symlinks=False)
    except OSError:
        shutil.copy2(path, keep, follow_symlinks=False)
    return keep


def _csv(records: Sequence[object], columns: Sequence[str]) -> str:
    """A header of `columns`, then each record's fields of those names.

    A field is a record's attribute, or a stored record's key. Floats are in full precision, so
    the file reads back exactly. None (a diverged λ's numbers) is an empty cell."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    for record in records:
        if isinstance(record, Mapping):
            writer.writerow([record.get(c) for c in columns])
        else:
            writer.writerow([getattr(record, c) for c in columns])
    return out.getvalue()


def epochs_csv(epochs: Sequence[EpochRecord] | Sequence[Mapping[str, object]]) -> str:
    """The epoch table as CSV text (from records, or from a stored run's epochs)."""
    return _csv(epochs, CSV_COLUMNS)


def points_csv(points: Sequence[SweepPoint]) -> str:
    """The sweep's points as CSV text, one row per λ."""
    return _csv(points, SWEEP_CSV_COLUMNS)


def run_targets(where: str | os.PathLike[str] | None = None, prefix: str = "run") -> tuple[Path, Path]:
    """(JSON path, CSV path) for exporting a run (or, with prefix "sweep", a sweep) to `where`
    (see `targets`)."""
    paths = targets(where, RUN_SUFFIXES, prefix)
    return paths[".json"], paths[".csv"]


def export_run(report: Report, paths: tuple[Path, Path]) -> tuple[Path, Path]:
    """Write the run as JSON (the `wdtui trace --json` document) and its epoch table as CSV."""
    json_path, csv_path = paths
    write_atomically({json_path: to_json(report) + "\n", csv_path: epochs_csv(report.epochs)})
    return json_path, csv_path


def export_document(document: Mapping[str, object], paths: tuple[Path, Path]) -> tuple[Path, Path]:
    """Write a stored run as `export_run` wrote it when it trained: its `wdtui trace --json`
    document (StoredRun.document) and its epoch table as CSV."""
    json_path, csv_path = paths
    epochs = document.get("epochs") or []
    write_atomically({json_path: to_json(document) + "\n", csv_path: epochs_csv(list(epochs))})  # type: ignore
    return json_path, csv_path


def export_sweep(result: SweepResult, paths: tuple[Path, Path]) -> tuple[Path, Path]:
    """Write the sweep as JSON (the `wdtui sweep --json` document) and its points as CSV."""
    json_path, csv_path = paths
    write_atomically({json_path: to_json(result) + "\n", csv_path: points_csv(result.points)})
    return json_path, csv_path


def save_script(script: str, where: str | os.PathLike[str] | None = None) -> Path:
    """Save a generated script (see `targets` for `where`); returns its path."""
    path = targets(where, (".py",), "train")[".py"]
    write_atomically({path: script})
    return path
