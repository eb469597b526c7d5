"""Twin runs for the Compare mode: λ = 0 and λ, alike in everything else.

Both Trainers come from the same config but for λ, so the seed gives them the same initial
weights and the same batch order, and they share one Dataset; whatever differs between
them afterwards is the weight decay's doing. They train in turns, an epoch each, so a
chart of the two fills in step.
"""

from __future__ import annotations

import threading
from typing import Iterator

from .config import RunConfig
from .records import Diverged, EpochRecord, StepRecord
from .training import Trainer


class Twins:
    """`zero` trains with λ = 0, `decayed` with the config's λ."""

    def __init__(self, config: RunConfig) -> None:
        self.config = config
        self.zero = Trainer(config.replace(weight_decay=0.0))
        self.decayed = Trainer(config, dataset=self.zero.data)

    @property
    def trainers(self) -> tuple[Trainer, Trainer]:
        return self.zero, self.decayed

    def run(self, stop: threading.Event | None = None) -> Iterator[tuple[int, StepRecord | EpochRecord | Diverged]]:
        """(0 for λ = 0 or 1 for λ, record) for every record of both runs, epoch by epoch in
        turns; a twin that diverges stops while the other goes on. Returns when `stop` is set."""
        for _ in range(self.config.epochs):
            for which, trainer in enumerate(self.trainers):
                for record in trainer.run_epoch(stop):
                    yield which, record
                if stop is not None and stop.is_set():
                    return
