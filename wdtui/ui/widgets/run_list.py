"""The Runs view's table: a DataTable of stored runs that paints at once however many there are.

A DataTable measures every cell of the rows it is given before it paints them: half a second
for 2,000 runs. So the rows go in a screenful first, and the rest in batches after each paint.
The columns' widths come with the listing (present.runs_table.RunsTable.widths, made on a worker). So
the later batches, or a filter, never make the columns jump. The first column holds a marked
run's ● in its colour: the colour of its curves in the chart.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...present.runs_table import RUN_COLORS, RUN_COLUMNS, RunRow, RunsTable

FIRST = 60  # rows before the first paint: more than a screen holds
BATCH = 150  # rows per later batch, one per refresh: each takes the UI thread a few tens of ms
MARK = "mark"


class RunList(DataTable):
    """Rows of stored runs; `show` replaces them, `mark` colours one row's ●."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.shown: list[RunRow] = []
        self._filling = 0  # which `show` the batches still on their way belong to

    def show(self, table: RunsTable, rows: list[RunRow], marks: dict[int, int], sort: tuple[int, bool] | None,
             keep: str | None) -> None:
        """Show `rows` (cells from `table`), the sort column's header marked ▲ or ▼, the cursor
        on the row `keep` if it is among them."""
        self._filling += 1
        self.clear(columns=True)
        self.add_column(" ", key=MARK, width=1)
        for i, (column, width) in enumerate(zip(RUN_COLUMNS, table.widths)):
            arrow = (" ▼" if sort[1] else " ▲") if sort is not None and sort[0] == i else ""
            self.add_column(column.name + arrow, key=column.name, width=max(width, len(column.name + arrow)))
        self.shown = rows
        target = next((i for i, r in enumerate(rows) if r.key == keep), 0)
        self._add(table, marks, 0, max(FIRST, target + 1), target)

    def _add(self, table: RunsTable, marks: dict[int, int], start: int, stop: int, target: int | None = None,
             filling: int | None = None) -> None:
        if filling is not None and filling != self._filling:
            return  # a newer `show` replaced these rows
        for row in self.shown[start:stop]:
            cells = [Text(c, justify="right") if col.numeric else Text(c)
                     for c, col in zip(table.row_cells(row), RUN_COLUMNS)]
            self.add_row(self._mark(row, marks), *cells, key=row.key)
        if target:
            self.move_cursor(row=target, animate=False)
        if stop < len(self.shown):
            self.call_after_refresh(self._add, table, marks, stop, stop + BATCH, None, self._filling)

    @staticmethod
    def _mark(row: RunRow, marks: dict[int, int]) -> Text:
        if row.group is not None:
            return Text("▸" if not row.member else "")
        color = marks.get(row.run.id)
        return Text("●", style=f"bold {RUN_COLORS[color][1]}") if color is not None else Text("")

    def mark(self, row: RunRow, marks: dict[int, int]) -> None:
        """Redraw one row's ● (space marks and unmarks without rebuilding the table)."""
        if row.key in self.rows:
            self.update_cell(row.key, MARK, self._mark(row, marks))

    @property
    def current(self) -> RunRow | None:
        """The row under the cursor."""
        return self.shown[self.cursor_row] if 0 <= self.cursor_row < min(len(self.shown), self.row_count) else None
