"""`wdtui sweep`: many values of λ trained at once, printed as a Rich table and a plotext chart
of the U-curve, or as one JSON document {config, points, best}."""

from __future__ import annotations

import sys
from typing import Sequence

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from .core.config import RunConfig
from .core.records import SweepPoint, SweepProgress, SweepResult, to_json
from .export import export_sweep, run_targets

# Exit status when every λ diverged (as `wdtui trace` for a diverged run).
DIVERGED_STATUS = 1


# The columns of a sweep's table, in the CLI and in the app's Sweep mode; the last marks the best.
COLUMNS = ("λ", "Loss ↓", "Accuracy ↑", "Val loss", "Val acc", "Gap", "‖θ‖", "")


def point_cells(p: SweepPoint, best: bool) -> tuple[str | Text, ...]:
    """One row of the sweep's table (see COLUMNS); a diverged λ says so instead of showing numbers."""
    if p.diverged:
        return (f"{p.weight_decay:g}", *["—"] * 6, Text("diverged", style="red"))
    return (f"{p.weight_decay:g}", f"{p.train_loss:.4f}", f"{p.train_acc:.1%}", f"{p.val_loss:.4f}",
            f"{p.val_acc:.1%}", f"{p.val_loss - p.train_loss:.4f}", f"{p.weight_norm:.3f}",
            Text("★ best", style="bold green") if best else "")


def sweep_table(result: SweepResult) -> Table:
    """One row per λ, the best one marked."""
    epochs = result.config["epochs"]
    table = Table(title=f"Sweep — {len(result.points)} values of λ, trained at once", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False,
                  caption=f"After {epochs} epoch{'s' * (epochs != 1)}, every λ from the same initial weights and "
                          "the same batches. Loss = mean cross-entropy (data loss, penalty excluded); "
                          "gap = val − train loss; ‖θ‖ over the decayed weights.", caption_justify="left")
    for name in COLUMNS:
        table.add_column(name, justify="right" if name else "left", no_wrap=True)
    for p in result.points:
        best = p is result.best
        table.add_row(*point_cells(p, best), style="bold" if best else None)
    return table


def sweep_chart_text(result: SweepResult, width: int) -> Text:
    import plotext as plt

    from .charts import sweep_chart

    plt.clear_figure()
    plt.plotsize(min(width, 100), 20)
    plt.theme("clear")
    sweep_chart(plt, result.points, result.best)
    return Text.from_ansi(plt.build())


def verdict(result: SweepResult) -> str:
    """The sweep's answer in one line: the best λ and how it compares with no decay."""
    best, base, gain = result.best, result.baseline, result.improvement
    assert best is not None  # run_sweep reports an all-diverged sweep before this
    if best is base:
        return f"Best λ = 0: none of the other values lowers the validation loss ({best.val_loss:.4f})."
    line = f"Best λ = {best.weight_decay:g}: validation loss {best.val_loss:.4f}"
    if gain is None:
        return line + "."
    return line + f", {gain:.1%} below λ = 0's {base.val_loss:.4f}."


def run_sweep(config: RunConfig, weight_decays: Sequence[float], as_json: bool = False,
              export: str | None = None) -> int:
    """Train every λ at once, then print; exit status 0, or 1 when every λ diverged.

    With `export` (a path, or "" for the user data directory) the sweep is also written as
    JSON and its points as CSV; a sweep where every λ diverged too, so the file says so.
    """
    from .core.sweep import sweep

    paths = None if export is None else run_targets(export or None, "sweep")  # a bad path fails first
    err = Console(stderr=True)
    result: SweepResult | None = None
    with Progress(TextColumn(f"training {len(weight_decays)} values of λ at once"), BarColumn(),
                  MofNCompleteColumn(), TextColumn("epochs"), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("sweep", total=config.epochs)
        for record in sweep(config, weight_decays):
            if isinstance(record, SweepProgress):
                bar.update(task, completed=record.epoch)
            else:
                result = record
    assert result is not None  # no stop event: the sweep always ends with its result
    if paths is not None:
        json_path, csv_path = export_sweep(result, paths)
        err.print(f"wdtui: wrote {json_path} and {csv_path}", highlight=False, markup=False, soft_wrap=True)
    if result.best is None:
        err.print(f"wdtui: error: training diverged for every value of λ; try a lower learning rate "
                  f"than {config.lr:g}", highlight=False, markup=False, soft_wrap=True)
        return DIVERGED_STATUS
    if as_json:
        sys.stdout.write(to_json(result) + "\n")
        return 0
    # A pipe or a CI log has no width of its own; 120 columns keeps each row on one line.
    out = Console(width=None if sys.stdout.isatty() else 120)
    out.print(sweep_table(result))
    out.print(sweep_chart_text(result, out.width))
    out.print(verdict(result), highlight=False)
    return 0
