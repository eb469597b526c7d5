"""The columns of the epoch table and the sweep table: names, sides and cell formats, once.

`wdtui trace` lays them out as Rich tables, and the app as DataTables. Both take the header and
every cell from here, so the two tables show the same numbers the same way.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

from ..core.records import EpochRecord, SweepPoint


class Column(NamedTuple):
    name: str
    numeric: bool  # a number: right-aligned in the app's tables
    cell: Callable
    wide: bool = False  # text that takes the width left over (and wraps in the CLI)
    key: Callable | None = None  # what sorting by this column compares (default: the cell's text)


EPOCH_COLUMNS: tuple[Column, ...] = (
    Column("Epoch", False, lambda e: str(e.epoch)),
    Column("Loss ↓", True, lambda e: f"{e.train_loss:.4f}"),
    Column("Accuracy ↑", True, lambda e: f"{e.train_acc:.1%}"),
    Column("Val loss", True, lambda e: f"{e.val_loss:.4f}"),
    Column("Val acc", True, lambda e: f"{e.val_acc:.1%}"),
    Column("Penalty", True, lambda e: f"{e.penalty:.5f}"),
    Column("‖θ‖", True, lambda e: f"{e.weight_norm:.3f}"),
    Column("Observation", False, lambda e: e.observation, wide=True),
)

EPOCH_CAPTION = ("Loss = mean cross-entropy (data loss, penalty excluded); penalty = (λ/2)‖θ‖² over the "
                 "decayed weights; ‖θ‖ their norm.")


def epoch_cells(e: EpochRecord) -> tuple[str, ...]:
    return tuple(c.cell(e) for c in EPOCH_COLUMNS)


SWEEP_COLUMNS: tuple[Column, ...] = (
    Column("λ", True, lambda p: f"{p.weight_decay:g}"),
    Column("Loss ↓", True, lambda p: f"{p.train_loss:.4f}"),
    Column("Accuracy ↑", True, lambda p: f"{p.train_acc:.1%}"),
    Column("Val loss", True, lambda p: f"{p.val_loss:.4f}"),
    Column("Val acc", True, lambda p: f"{p.val_acc:.1%}"),
    Column("Gap", True, lambda p: f"{p.val_loss - p.train_loss:.4f}"),
    Column("‖θ‖", True, lambda p: f"{p.weight_norm:.3f}"),
    Column("Length", True, lambda p: "…" if p.boundary_length is None else f"{p.boundary_length}"),
    Column("‖∂p/∂x‖", True, lambda p: "…" if p.gradient_norm is None else f"{p.gradient_norm:.4f}"),
)
BEST, DIVERGED = "★ best", "diverged"
# How far a sweep's point and a run of its own parted in validation loss: (median, largest), at
# λ = 0 and at the preset's λ. benchmarks/sweep_vs_runs.py measured it over the 2-D presets at
# seeds 0–3. tests/slow/test_sweep.py holds moons at seed 0 to them.
PARTING = {"zero": (0.152, 0.843), "preset": (0.002, 0.022)}
STACKED = ("Stacked, the sums add in another order than in a run of its own: each point equals its run to 1e-5 on a "
           "short run, but long chaotic runs part (2-D presets, seeds 0–3: validation loss "
           f"{PARTING['zero'][0]:.0%} apart in the median, up to {PARTING['zero'][1]:.0%}, at λ = 0; "
           f"{PARTING['preset'][0]:.1%}, up to {PARTING['preset'][1]:.1%}, at the preset's λ).")
SWEEP_CAPTION_MEASURES = ("length = cells of the 160 × 96 grid where the predicted class changes; ‖∂p/∂x‖ = the "
                          "smoothness number, mean over the validation rows (smaller is smoother).")


def point_cells(p: SweepPoint, best: bool) -> tuple[str, ...]:
    """One row of the sweep's table and its mark (BEST, DIVERGED or ""); a diverged λ has no numbers."""
    if p.diverged:
        return (SWEEP_COLUMNS[0].cell(p), *["—"] * (len(SWEEP_COLUMNS) - 1), DIVERGED)
    return (*(c.cell(p) for c in SWEEP_COLUMNS), BEST if best else "")
