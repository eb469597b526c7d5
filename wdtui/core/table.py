"""Reading a user's CSV into plain Python lists, with one-line errors.

Torch-free on purpose: `wdtui --data f.csv` checks the file before the app draws its first
frame, and a bad file must end with one clear line, not a traceback from deep in torch.
"""

from __future__ import annotations

import csv
import math
import os
import stat
from dataclasses import dataclass
from pathlib import Path


class DataError(ValueError):
    """A bad data file: the message is one line that says what is wrong and where."""


@dataclass(frozen=True)
class Table:
    """Numeric features and class labels read from a CSV (or made up for the synthetic data)."""

    feature_names: tuple[str, ...]
    rows: list[list[float]]
    labels: list[int]
    class_names: tuple[str, ...]
    source: str

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def _class_names(raw_labels: list[str]) -> tuple[str, ...]:
    """Sort labels numerically when they all are numbers (so "10" comes after "9")."""
    unique = set(raw_labels)
    try:
        return tuple(sorted(unique, key=float))
    except ValueError:
        return tuple(sorted(unique))


def split_sizes(n: int, val_fraction: float) -> tuple[int, int]:
    """(training, validation) rows of `n` with `val_fraction` held out; DataError when either
    side is too small to train or to measure on (torch-free: the app checks before it opens)."""
    n_val = round(n * val_fraction)
    if n_val < 1 or n - n_val < 2:
        raise DataError(f"{n} rows with validation fraction {val_fraction} leaves "
                        f"{n - n_val} training and {n_val} validation rows; give more rows")
    return n - n_val, n_val


def memory_bytes() -> int | None:
    """This machine's physical memory, where the system says (None where it does not)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def check_file(path: str | Path) -> int:
    """Refuse, from its name and size alone (nothing read), a file read_csv could not read: no
    such file, a folder, a device or pipe (it may never end), a name the system refuses (too
    long), or more bytes than the machine has memory (a sparse file of 100 GB, say). Its size."""
    path = Path(path)
    try:
        st = path.stat()
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(st.st_mode):
        raise DataError(f"{path}: is a directory, not a CSV file")
    if not stat.S_ISREG(st.st_mode):
        raise DataError(f"{path}: is not a regular file; give a CSV file")
    memory = memory_bytes()
    if memory is not None and st.st_size > memory:
        raise DataError(f"{path}: its {st.st_size / 1e9:,.1f} GB are more than this machine's memory "
                        f"({memory / 1e9:,.1f} GB); wdtui reads a CSV whole: give a smaller file")
    return st.st_size


def read_csv(path: str | Path, target: str, *, min_rows: int = 10) -> Table:
    """Load numeric feature columns and a `target` column of any labels (mapped to 0..K−1)."""
    try:
        return _read_csv(Path(path), target, min_rows)
    except MemoryError:
        raise DataError(f"{path}: not enough memory to read it ({Path(path).stat().st_size / 1e6:,.0f} MB)") from None


def _read_csv(path: Path, target: str, min_rows: int) -> Table:
    check_file(path)
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise DataError(f"{path}: cannot read it ({exc.strerror or exc})") from None
    if b"\x00" in text:
        raise DataError(f"{path}: looks like a binary file, not a CSV")
    try:
        decoded = text.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(f"{path}: is not UTF-8 text; save it as a UTF-8 CSV") from None
    try:
        records = [r for r in csv.reader(decoded.splitlines()) if any(c.strip() for c in r)]
    except csv.Error as exc:
        raise DataError(f"{path}: not a readable CSV ({exc})") from None
    if not records:
        raise DataError(f"{path}: the file is empty")
    header = [h.strip() for h in records[0]]
    if target not in header:
        more = f", … ({len(header):,} in all)" if len(header) > 20 else ""
        raise DataError(f"{path}: no column named {target!r} (columns: {', '.join(header[:20])}{more})")
    if header.count(target) > 1:
        where = ", ".join(str(i + 1) for i, h in enumerate(header) if h == target)
        raise DataError(f"{path}: {header.count(target)} columns are named {target!r} (columns {where}); "
                        "the target must be one column: rename the others")
    t = header.index(target)
    features = tuple(h for i, h in enumerate(header) if i != t)
    if not features:
        raise DataError(f"{path}: no feature columns besides the target {target!r}")
    body = records[1:]
    if len(body) < min_rows:
        raise DataError(f"{path}: {len(body)} data rows is too few to split into training and "
                        f"validation; give at least {min_rows}")
    rows: list[list[float]] = []
    raw_labels: list[str] = []
    for line, record in enumerate(body, start=2):
        if len(record) != len(header):
            raise DataError(f"{path}, line {line}: {len(record)} cells, expected {len(header)}")
        values = []
        for i, cell in enumerate(record):
            cell = cell.strip()
            if i == t:
                if not cell:
                    raise DataError(f"{path}, line {line}: empty cell in target column {target!r}")
                raw_labels.append(cell)
                continue
            if not cell:
                raise DataError(f"{path}, line {line}: empty cell in column {header[i]!r}")
            try:
                value = float(cell)
            except ValueError:
                raise DataError(f"{path}, line {line}: column {header[i]!r} holds {cell!r}, "
                                "not a number") from None
            if not math.isfinite(value):
                raise DataError(f"{path}, line {line}: column {header[i]!r} holds {cell!r}, "
                                "not a finite number")
            values.append(value)
        rows.append(values)
    class_names = _class_names(raw_labels)
    if len(class_names) < 2:
        raise DataError(f"{path}: target column {target!r} has one class ({class_names[0]!r}); "
                        "classification needs at least two")
    index = {name: k for k, name in enumerate(class_names)}
    return Table(features, rows, [index[label] for label in raw_labels], class_names, str(path))
