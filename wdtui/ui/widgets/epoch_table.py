"""The epoch trace as a DataTable that grows one row per EpochRecord.

Its columns are the presentation room's EPOCH_COLUMNS, the ones `wdtui trace` prints.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...core.records import EpochRecord
from ...present.columns import EPOCH_COLUMNS, epoch_cells


class EpochTable(DataTable):
    """Epoch, losses, accuracies, penalty, ‖θ‖ and the observation; epochs whose λ changed are marked."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        for column in EPOCH_COLUMNS:  # the numbers to the right
            self.add_column(Text(column.name, justify="right") if column.numeric else column.name)

    def show(self, epochs: list[EpochRecord], lambda_changes: set[int]) -> None:
        """Add the epochs not shown yet; start over when the run was reset."""
        if self.row_count > len(epochs):
            self.clear()
        follow = self.cursor_row >= self.row_count - 1
        for e in epochs[self.row_count:]:
            epoch, *cells = epoch_cells(e)
            # Text, never str: a str cell is parsed as markup (emoji codes and all) each time the
            # table measures its rows, hundreds of them a second at pace instant.
            epoch = Text(f"{epoch} λ→{e.weight_decay:g}", style="bold yellow") if e.epoch in lambda_changes else Text(epoch)
            row = [Text(cell, justify="right") if column.numeric else Text(cell)
                   for column, cell in zip(EPOCH_COLUMNS[1:], cells)]
            self.add_row(epoch, *row, key=str(e.epoch))
        if follow and self.row_count:
            self.move_cursor(row=self.row_count - 1)
