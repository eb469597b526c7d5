"""Twin runs, λ = 0 against λ, and the verdict of their comparison.

Both twins are runs of the one engine, built from the same config but for λ. So the seed gives
them the same initial weights and the same batch order, and they share one Dataset. Whatever
differs between them afterwards is the weight decay's doing. They train in turns, an epoch
each, so a chart of the two fills in step. The verdict is torch-free, like insight.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterator, Sequence

from .config import RunConfig
from .records import EpochRecord, Record

if TYPE_CHECKING:
    from .control import Control
    from .engine import Engine

# Final validation losses closer than this (relative to λ = 0's) are called a tie: a
# difference that small is no reason to call either twin better.
TIE = 0.005


def twin_engines(config: RunConfig, control: "Control") -> tuple["Engine", "Engine"]:
    """(λ = 0, λ) engines alike in everything else, sharing one Dataset and `control`.

    They take turns, so a spread pace spreads the pair, not each twin, over its time."""
    from .engine import Engine

    zero = Engine(config.replace(weight_decay=0.0), control)
    engines = zero, Engine(config, control, dataset=zero.data)
    for engine in engines:
        engine.sharing = 2
    return engines


def twins(engines: tuple["Engine", "Engine"],
          runs: Sequence[Iterator[Record]] | None = None) -> Iterator[tuple[int, Record]]:
    """(0 for λ = 0 or 1 for λ, record) for every record of both runs after their Setup.

    The twins run an epoch each, in turn. A twin that diverges drops out while the other goes
    on. It ends when both have finished, or at once when their control is cancelled. `runs`
    are the twins' records, each engine's `run()` unless given (a RecordedRun's, say)."""
    runs = [engine.run() for engine in engines] if runs is None else list(runs)
    for run in runs:
        next(run)  # the Setup: the caller has the engines themselves
    going = [0, 1]
    while going:
        for which in list(going):
            for record in runs[which]:
                yield which, record
                if isinstance(record, EpochRecord):
                    break
            else:  # this run ended: finished, diverged or cancelled
                going.remove(which)
                if engines[which].control.cancelled.is_set():
                    return


@dataclass(frozen=True)
class Verdict:
    epoch: int  # the last epoch both twins reached
    zero: EpochRecord  # λ = 0 at that epoch
    decayed: EpochRecord  # λ > 0 at that epoch
    val_change: float  # (val loss with λ − val loss at λ = 0) / val loss at λ = 0
    winner: str  # "decayed", "zero" or "tie"


def verdict(zero: Sequence[EpochRecord], decayed: Sequence[EpochRecord]) -> Verdict | None:
    """Which twin generalizes better (lower validation loss) at the last epoch both reached,
    and by how much; None before both have an epoch."""
    n = min(len(zero), len(decayed))
    if n == 0:
        return None
    a, b = zero[n - 1], decayed[n - 1]
    change = (b.val_loss - a.val_loss) / a.val_loss
    winner = "tie" if abs(change) < TIE else "decayed" if change < 0 else "zero"
    return Verdict(n, a, b, change, winner)
