"""The epoch trace as a DataTable that grows one row per EpochRecord.

Its columns are the presentation room's EPOCH_COLUMNS, the ones `wdtui trace` prints. Below
WIDE, the table has too few columns for the Observation's sentences. That column then moves out
of it, to a line of its own under the table, for the row under the cursor (`RowObservation`).
So every cell stays whole, at any width, with nothing to scroll sideways.
"""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable

from ...core.records import EpochRecord
from ...present.columns import EPOCH_COLUMNS, epoch_cells

# Columns the mode needs for the Observation in the table. The numbers' columns take 63 with their
# padding. The sentences most epochs get take up to about 53; a longer one runs off 120 columns.
WIDE = 118


class EpochTable(DataTable):
    """Epoch, losses, accuracies, penalty, ‖θ‖ and the observation; epochs whose λ changed are marked."""

    class RowObservation(Message):
        """The observation of the row under the cursor, for the line under a narrow table."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.wide = True  # the Observation is a column of the table
        self._epochs: list[EpochRecord] = []
        self._changes: set[int] = set()

    def on_mount(self) -> None:
        self._columns()

    def _columns(self) -> None:
        for column in EPOCH_COLUMNS if self.wide else EPOCH_COLUMNS[:-1]:  # the numbers to the right
            self.add_column(Text(column.name, justify="right") if column.numeric else column.name)

    def set_wide(self, wide: bool) -> None:
        """With the Observation as a column, or without it (then said under the table)."""
        if wide == self.wide:
            return
        self.wide = wide
        self.clear(columns=True)
        self._columns()
        self.show(self._epochs, self._changes)

    def show(self, epochs: list[EpochRecord], lambda_changes: set[int]) -> None:
        """Add the epochs not shown yet; start over when the run was reset."""
        self._epochs, self._changes = epochs, lambda_changes
        if self.row_count > len(epochs):
            self.clear()
        follow = self.cursor_row >= self.row_count - 1
        shown = len(EPOCH_COLUMNS) - (0 if self.wide else 1)
        for e in epochs[self.row_count:]:
            epoch, *cells = epoch_cells(e)
            # Text, never str: a str cell is parsed as markup (emoji codes and all) each time the
            # table measures its rows, hundreds of them a second at pace instant.
            epoch = Text(f"{epoch} λ→{e.weight_decay:g}", style="bold yellow") if e.epoch in lambda_changes else Text(epoch)
            row = [Text(cell, justify="right") if column.numeric else Text(cell)
                   for column, cell in zip(EPOCH_COLUMNS[1:shown], cells)]
            self.add_row(epoch, *row, key=str(e.epoch))
        if follow and self.row_count:
            self.move_cursor(row=self.row_count - 1)
        self.observe()

    def observe(self) -> None:
        """Say the cursor row's observation, for the line under a table without its column."""
        if self.wide or not self._epochs:
            self.post_message(self.RowObservation(""))
            return
        e = self._epochs[min(max(self.cursor_row, 0), len(self._epochs) - 1)]
        self.post_message(self.RowObservation(f"Epoch {e.epoch}: {e.observation}"))

    def on_data_table_row_highlighted(self) -> None:
        self.observe()
