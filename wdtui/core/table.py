"""Reading a user's CSV into typed arrays, with one-line errors.

Torch-free on purpose. `wdtui --data f.csv` checks the file before the app draws its first
frame. A bad file must end with one clear line, not a traceback from deep in torch. NumPy
is imported only when a file is read, so the commands that read none (`--help`, `runs`) never
pay for it.

One pass, streaming, typed. The file's records come a block at a time (csvfile.py). Each block
becomes float64 values and class indices at once, written into one array grown in place. The
floats come from Python's own `float`, so they are the very numbers a cell-by-cell reader
gives. Neither the file's text nor a list of its rows is ever held whole. A 200 MB CSV peaked
at 16× its size that way (benchmarks/bench_csv.py). A block that fails the quick conversion is
read again cell by cell, to name the first bad cell. A file's faults are said in the order a
whole-file reader finds them. That is binary, then not UTF-8, then not a CSV, then its header,
then too few rows, then the first bad cell, then one class.
"""

from __future__ import annotations

import math
import os
import stat
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING

from .csvfile import DataError, Records, filled

if TYPE_CHECKING:
    import numpy as np

__all__ = ["DataError", "Table", "check_file", "memory_bytes", "read_csv", "split_sizes"]


@dataclass(frozen=True)
class Table:
    """Numeric features and class labels read from a CSV (or made up for the synthetic data)."""

    feature_names: tuple[str, ...]
    rows: np.ndarray  # (N, D) float64, as read: a value past float32's range stays what the file says
    labels: np.ndarray  # (N,) int64, classes 0..K−1
    class_names: tuple[str, ...]
    source: str

    def __post_init__(self) -> None:
        import numpy as np  # here, not above: see the module's docstring

        object.__setattr__(self, "rows", np.asarray(self.rows, dtype=np.float64))
        object.__setattr__(self, "labels", np.asarray(self.labels, dtype=np.int64))

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


def _class_names(raw_labels: list[str]) -> tuple[str, ...]:
    """Sort labels numerically when they all are numbers (so "10" comes after "9"). The Code
    mode's script carries this very function."""
    unique = set(raw_labels)
    try:
        return tuple(sorted(unique, key=float))
    except ValueError:
        return tuple(sorted(unique))


def split_sizes(n: int, val_fraction: float) -> tuple[int, int]:
    """(training, validation) rows of `n` with `val_fraction` held out.

    DataError when either side is too small to train or to measure on. Torch-free: the app checks
    before it opens."""
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
    """Refuse, from its name and size alone (nothing read), a file read_csv could not read. Its size.

    Refused are: no such file, a folder, a device or pipe (it may never end), and a name the
    system refuses (too long). So is more bytes than the machine has memory (a sparse file of
    100 GB, say)."""
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
    import numpy as np

    size = check_file(path)
    records = Records(path)
    header = records.header()
    if header is None:
        raise DataError(f"{path}: the file is empty")
    header = [h.strip() for h in header]
    problem = _header_problem(path, header, target)
    if problem:
        records.count_rest()  # the rest may be binary, not UTF-8 or not a CSV: that is said first
        raise DataError(problem)
    t = header.index(target)
    d = len(header) - 1
    x, y = np.empty((0, d)), np.empty(0, dtype=np.int64)  # grown in place (realloc): never two copies
    names: defaultdict[str, int] = defaultdict(lambda: len(names))  # each label → its number in the order met
    n = 0
    while block := records.take():
        if not n:  # room for about the whole file's rows: what is never written costs no memory
            x.resize((_rows_in(size, block), d), refcheck=False)
        rows = _quick(block, header, t)
        if rows is None:  # blank lines, or a bad cell to find
            block = [record for record in block if filled(record)]
            try:
                rows = _quick(block, header, t) or _slowly(path, header, t, block, n + 2)
            except DataError:
                _check_rows(path, n + len(block) + records.count_rest(), min_rows)
                raise
        values, labels = rows
        if n + len(labels) > len(x):
            x.resize((max(n + len(labels), len(x) * 3 // 2), d), refcheck=False)
        if len(y) < len(x):
            y.resize(len(x), refcheck=False)
        x[n:n + len(labels)] = values
        y[n:n + len(labels)] = np.fromiter(map(names.__getitem__, labels), np.int64, len(labels))
        n += len(labels)
    _check_rows(path, n, min_rows)
    x.resize((n, d), refcheck=False)
    y.resize(n, refcheck=False)
    class_names = _class_names(list(names))
    if len(class_names) < 2:
        raise DataError(f"{path}: target column {target!r} has one class ({class_names[0]!r}); "
                        "classification needs at least two")
    index = {name: k for k, name in enumerate(class_names)}
    classes = np.array([index[name] for name in names], dtype=np.int64)  # the order first met → sorted
    return Table(tuple(h for i, h in enumerate(header) if i != t), x, classes[y], class_names, str(path))


def _header_problem(path: Path, header: list[str], target: str) -> str | None:
    """What is wrong with the header for this target, or None."""
    if target not in header:
        more = f", … ({len(header):,} in all)" if len(header) > 20 else ""
        return f"{path}: no column named {target!r} (columns: {', '.join(header[:20])}{more})"
    if header.count(target) > 1:
        where = ", ".join(str(i + 1) for i, h in enumerate(header) if h == target)
        return (f"{path}: {header.count(target)} columns are named {target!r} (columns {where}); "
                "the target must be one column: rename the others")
    if len(header) < 2:
        return f"{path}: no feature columns besides the target {target!r}"
    return None


def _check_rows(path: Path, n: int, min_rows: int) -> None:
    if n < min_rows:
        raise DataError(f"{path}: {n} data rows is too few to split into training and "
                        f"validation; give at least {min_rows}")


def _rows_in(size: int, block: list[list[str]]) -> int:
    """About how many rows a file of `size` bytes holds, judged from a block of its records.

    It is a little over, as the file's characters may take more than a byte each."""
    chars = sum(map(len, chain.from_iterable(block))) + sum(map(len, block))  # cells, and a comma or break each
    return int(size * 1.05 * len(block) / max(chars, 1)) + len(block)


def _quick(block: list[list[str]], header: list[str], t: int) -> tuple[np.ndarray, list[str]] | None:
    """A block of well-formed rows as (float64 values of shape (rows, features), labels), at C speed.

    None when any row is not: blank, or bad, and then `_slowly` says which and why."""
    import numpy as np

    d = len(header) - 1
    if not block:
        return np.empty((0, d)), []
    if min(map(len, block)) != len(header) or max(map(len, block)) != len(header):
        return None
    picked = map(itemgetter(*(i for i in range(len(header)) if i != t)), block)
    cells = picked if d == 1 else chain.from_iterable(picked)  # one column: itemgetter gives the cell itself
    try:  # float() as the cell-by-cell reader calls it: it ignores the spaces strip() would remove
        x = np.fromiter(map(float, cells), np.float64, len(block) * d).reshape(len(block), d)
    except ValueError:
        return None
    labels = list(map(str.strip, map(itemgetter(t), block)))
    if not all(labels) or not np.isfinite(x).all():
        return None
    return x, labels


def _slowly(path: Path, header: list[str], t: int, block: list[list[str]], line: int) -> tuple[np.ndarray, list[str]]:
    """A block read cell by cell: DataError for its first bad cell (data row `line` is its first)."""
    import numpy as np

    rows: list[list[float]] = []
    labels: list[str] = []
    for line, record in enumerate(block, start=line):
        if len(record) != len(header):
            raise DataError(f"{path}, line {line}: {len(record)} cells, expected {len(header)}")
        values = []
        for i, cell in enumerate(record):
            cell = cell.strip()
            if i == t:
                if not cell:
                    raise DataError(f"{path}, line {line}: empty cell in target column {header[t]!r}")
                labels.append(cell)
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
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(header) - 1), labels
