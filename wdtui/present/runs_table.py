"""The stored runs as a table: its columns and cells, the rows a group makes, filtering and sorting.

`wdtui runs` lays them out with Rich, and the Runs view as a DataTable. Both take every cell from here.

Twins (Compare) and a sweep's points are groups. One row stands for the group, showing its best
run (the lowest final validation loss), its λ starred. Expanded, its runs follow it, indented.
Filtering keeps a group whose row or any of whose runs match. Sorting orders the top rows, and a
group's runs among themselves, by the same column.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, Iterable, Sequence

from ..core.config import OPTIMIZER_NAMES
from .columns import Column

if TYPE_CHECKING:
    from ..store.database import RunSummary

GROUP_KINDS = {"sweep-point": "sweep", "twin": "twins"}
# One colour per marked run, the same in the table's ● and in the chart's lines: (plotext, Rich).
# Okabe and Ito's eight colours, told apart with every kind of colour vision, given as RGB so
# that a terminal's palette (or Textual's theme) cannot turn one into another.
_OKABE_ITO = ((86, 180, 233), (230, 159, 0), (0, 158, 115), (204, 121, 167), (240, 228, 66), (0, 114, 178),
              (213, 94, 0), (153, 153, 153))
RUN_COLORS = tuple((rgb, "#{:02x}{:02x}{:02x}".format(*rgb)) for rgb in _OKABE_ITO)


def local_time(created: str) -> str:
    """A stored UTC time as local time to the minute: `2026-12-02 14:32`."""
    try:
        return datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created


def data_name(config: dict[str, Any]) -> str:
    """The CSV's file name, or the preset whose synthetic data the run trained on."""
    return PurePath(config["data"]).name if config.get("data") else str(config.get("preset", "seed"))


def optimizer_name(config: dict[str, Any]) -> str:
    return OPTIMIZER_NAMES.get(config.get("optimizer", ""), str(config.get("optimizer", "?")))


def number(value: Any, spec: str) -> str:
    return "—" if value is None else format(value, spec)


def epochs_cell(run: RunSummary) -> str:
    """Epochs trained; `3/5` for a run that ended before the epochs it was set to train."""
    planned = run.config.get("epochs")
    short = run.status != "finished" and isinstance(planned, int) and planned > run.epochs_done
    return f"{run.epochs_done}/{planned}" if short else str(run.epochs_done)


def run_label(run: RunSummary) -> str:
    """`#12 SGD λ 0.001`: a run in a chart's legend or a sentence."""
    return f"#{run.id} {optimizer_name(run.config)} λ {run.config.get('weight_decay', 0):g}"


def sweep_label(grid: Sequence[float]) -> str:
    """What a stored sweep's group is called: `λ sweep: 17 values, 0 … 1`."""
    return f"λ sweep: {len(grid)} values, {min(grid):g} … {max(grid):g}"


def twins_label(weight_decay: float) -> str:
    return f"twins: λ = 0 and λ = {weight_decay:g}"


@dataclass(frozen=True)
class RunRow:
    """A row of the runs table: one run, a group (`runs` are its runs), or a group's run."""

    key: str  # the run's id, or "group:<group id>"
    runs: tuple[RunSummary, ...]
    member: bool = False  # a group's run, shown under the group's row
    last: bool = False  # the group's last run shown (drawn └ rather than ├)

    @property
    def group(self) -> str | None:
        return self.key.removeprefix("group:") if self.key.startswith("group:") else None

    @property
    def run(self) -> RunSummary:
        """The run whose numbers the row shows: the run itself, or the group's best."""
        finite = [r for r in self.runs if r.final.get("val_loss") is not None]
        return min(finite, key=lambda r: r.final["val_loss"]) if finite else self.runs[0]


def _lambda(row: RunRow) -> str:
    """The run's λ; a group's best run's, starred (the row's numbers are that run's)."""
    lam = f"{row.run.config.get('weight_decay', 0):g}"
    return f"★ {lam}" if row.group is not None else lam


def _id(row: RunRow) -> str:
    if row.group is not None:
        ids = sorted(r.id for r in row.runs)
        return f"{ids[0]}–{ids[-1]}"
    return f"{'└' if row.last else '├'} {row.run.id}" if row.member else str(row.run.id)


def _status(row: RunRow) -> str:
    if row.group is None:
        return row.run.status
    kind = GROUP_KINDS.get(row.runs[0].kind, row.runs[0].kind)
    text = kind if kind == "twins" else f"{kind} of {len(row.runs)}"
    unfinished = [r.status for r in row.runs if r.status != "finished"]
    if unfinished:
        counts = {s: unfinished.count(s) for s in dict.fromkeys(unfinished)}
        text += " · " + ", ".join(f"{n} {s}" for s, n in counts.items())
    return text


def _final(name: str, metric: str, spec: str) -> Column:
    """A column of the last epoch's numbers (`metric` of RunSummary.final)."""
    return Column(name, True, lambda row: number(row.run.final.get(metric), spec),
                  key=lambda row: row.run.final.get(metric))


RUN_COLUMNS: tuple[Column, ...] = (
    Column("ID", True, _id, key=lambda row: min(r.id for r in row.runs)),
    Column("When", False, lambda row: local_time(min(r.created for r in row.runs)),
           key=lambda row: min(r.created for r in row.runs)),
    Column("Data", False, lambda row: data_name(row.run.config)),
    Column("Optimizer", False, lambda row: optimizer_name(row.run.config)),
    Column("λ", True, _lambda, key=lambda row: row.run.config.get("weight_decay")),
    Column("γ", True, lambda row: f"{row.run.config.get('lr', 0):g}", key=lambda row: row.run.config.get("lr")),
    Column("Epochs", True, lambda row: epochs_cell(row.run), key=lambda row: row.run.epochs_done),
    _final("Loss", "train_loss", ".4f"), _final("Val loss", "val_loss", ".4f"), _final("Acc", "train_acc", ".1%"),
    _final("Val acc", "val_acc", ".1%"),
    Column("Status", False, _status),
)
RUNS_CAPTION = ("Loss = mean cross-entropy at the last epoch (data loss, penalty excluded). A group (twins, "
                "a sweep) shows its best run, ★: the lowest validation loss.")


def cells(row: RunRow) -> tuple[str, ...]:
    return tuple(column.cell(row) for column in RUN_COLUMNS)


def group_rows(runs: Iterable[RunSummary]) -> list[RunRow]:
    """Runs (newest first) as top rows: each run alone, each group once, where its newest run is."""
    rows: list[RunRow] = []
    groups: dict[str, list[RunSummary]] = {}
    for run in runs:
        if run.group_id is None:
            rows.append(RunRow(str(run.id), (run,)))
        elif run.group_id in groups:
            groups[run.group_id].append(run)
        else:
            groups[run.group_id] = [run]
            rows.append(RunRow(f"group:{run.group_id}", ()))
    return [RunRow(r.key, tuple(sorted(groups[r.group], key=lambda s: s.id))) if r.group else r for r in rows]


def members(row: RunRow) -> list[RunRow]:
    """A group's runs as rows under it."""
    return [RunRow(str(r.id), (r,), member=True, last=i == len(row.runs) - 1) for i, r in enumerate(row.runs)]


def sort_key(column: Column) -> Any:
    """What sorting by `column` compares: its key, or its cell's text; None for no value."""
    return column.key if column.key is not None else (lambda row: column.cell(row).lower())


def sorted_rows(rows: list[RunRow], column: int, descending: bool) -> list[RunRow]:
    """Rows sorted by a column, those without a value (a diverged run's loss) last either way."""
    key = sort_key(RUN_COLUMNS[column])
    have = [r for r in rows if key(r) is not None]
    return sorted(have, key=key, reverse=descending) + [r for r in rows if key(r) is None]


class RunsTable:
    """A listing's rows, every cell made once (the app makes them on a worker thread).

    So filtering and sorting as the user types cost next to nothing, even over thousands of runs."""

    def __init__(self, runs: Sequence[RunSummary]) -> None:
        self.runs = list(runs)
        self.top = group_rows(self.runs)
        self.cells: dict[str, tuple[str, ...]] = {}
        self._text: dict[str, str] = {}  # a row's cells, lower case, for filtering
        for row in self.top:
            for each in (row, *(members(row) if row.group else ())):
                self.cells[each.key] = cells(each)
                self._text[each.key] = " ".join(self.cells[each.key]).lower()
        from rich.cells import cell_len  # the width a terminal gives the text (λ, …, ├)

        # Each column as wide as its widest cell, over every row: a filter never moves them.
        self.widths = [max([cell_len(c.name), *(cell_len(made[i]) for made in self.cells.values())])
                       for i, c in enumerate(RUN_COLUMNS)]

    def matches(self, row: RunRow, terms: Sequence[str]) -> bool:
        """Every term appears in the row's cells, or (a group) in one of its runs' rows:
        searching "0.01" finds the sweep that trained it."""
        if all(t in self._text[row.key] for t in terms):
            return True
        return row.group is not None and any(all(t in self._text[str(r.id)] for t in terms) for r in row.runs)

    def rows(self, query: str = "", expanded: Iterable[str] = (), sort: tuple[int, bool] | None = None
             ) -> list[RunRow]:
        """The rows to show: filtered by `query`, sorted by (column index, descending) (default
        newest first), with the runs of the `expanded` groups under their rows."""
        terms = query.lower().split()
        rows = [r for r in self.top if self.matches(r, terms)] if terms else list(self.top)
        if sort is not None:
            rows = sorted_rows(rows, *sort)
        opened = set(expanded)
        out: list[RunRow] = []
        for row in rows:
            out.append(row)
            if row.group in opened:
                inside = [m for m in members(row) if self.matches(m, terms)] or members(row)
                if sort is not None:
                    inside = sorted_rows(inside, *sort)
                out += [RunRow(m.key, m.runs, True, i == len(inside) - 1) for i, m in enumerate(inside)]
        return out

    def row_cells(self, row: RunRow) -> tuple[str, ...]:
        """A row's cells as made once, but for its id.

        A group's run is drawn ├ or └ as it falls among the rows shown, and plain when shown alone."""
        return (_id(row), *self.cells[row.key][1:])
