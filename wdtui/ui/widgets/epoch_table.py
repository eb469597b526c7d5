"""The epoch trace as a DataTable that grows one row per EpochRecord."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import DataTable

from ...core.records import EpochRecord

COLUMNS = ("Epoch", "Loss ↓", "Accuracy ↑", "Val loss", "Val acc", "Penalty", "Observation")


class EpochTable(DataTable):
    """Epoch, losses, accuracies, penalty and the observation; epochs whose λ changed are marked."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)

    def on_mount(self) -> None:
        for i, name in enumerate(COLUMNS):  # the numbers (all but Epoch and Observation) to the right
            self.add_column(Text(name, justify="right") if 0 < i < len(COLUMNS) - 1 else name)

    def show(self, epochs: list[EpochRecord], lambda_changes: set[int]) -> None:
        """Add the epochs not shown yet; start over when the run was reset."""
        if self.row_count > len(epochs):
            self.clear()
        follow = self.cursor_row >= self.row_count - 1
        for e in epochs[self.row_count:]:
            changed = e.epoch in lambda_changes
            epoch = Text(f"{e.epoch} λ→{e.weight_decay:g}", style="bold yellow") if changed else str(e.epoch)
            numbers = (f"{e.train_loss:.4f}", f"{e.train_acc:.1%}", f"{e.val_loss:.4f}", f"{e.val_acc:.1%}",
                       f"{e.penalty:.5f}")
            self.add_row(epoch, *(Text(n, justify="right") for n in numbers), e.observation, key=str(e.epoch))
        if follow and self.row_count:
            self.move_cursor(row=self.row_count - 1)
