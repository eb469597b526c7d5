"""How fast the app trains: a pace is what the run engine's Control is told, nothing more.

Five epochs over in 0.03 s cannot be watched; three hundred at two a second cannot be waited
for. The default, `auto`, spreads any run over about RUN_SECONDS, an epoch taking at most half
a second. So the seed's 5 epochs take 2.5 s, and a 300-epoch preset about 4 s; the twins share
it. `instant` trains flat out, as the CLI does. A number is that many epochs a second. The
engine keeps the pace (Control.epoch_seconds and run_seconds); a screen only chooses one.

Torch-free, like config.py: the CLI checks `--pace` before torch is imported.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .control import Control

RUN_SECONDS = 4.0  # `auto` spreads a whole run over about this long: with its ends, within the lesson's 5 s

# How often (seconds) the app follows a training run: its screen redraws, and its job looks at
# the model (the boundary, the view of the latest epoch). Five times a second is smooth to watch.
# At pace instant, where the user asked for speed, it is twice. Each look and each redraw takes
# the GIL from the training thread. Measured with benchmarks/bench_app.py on the 10-feature run,
# in-app throughput was 0.74 of train() when following five times a second, and 0.89 at twice.
FOLLOW_EVERY = 0.2
FOLLOW_EVERY_INSTANT = 0.5


def follow_every(instant: bool) -> float:
    """Seconds between two looks at a run that trains at pace instant (`instant`) or not."""
    return FOLLOW_EVERY_INSTANT if instant else FOLLOW_EVERY


@dataclass(frozen=True)
class Pace:
    """A named pace: `epochs_per_second` fixed (0: no fixed rate), or the run spread over
    `run_seconds` (0: not spread). Neither: instant."""

    name: str
    epochs_per_second: float = 0.0
    run_seconds: float = 0.0

    def __str__(self) -> str:
        return self.name  # what --pace reads back (wdtui serve passes the option on)

    @property
    def instant(self) -> bool:
        return not (self.epochs_per_second or self.run_seconds)

    @property
    def label(self) -> str:
        """`auto (a run in about 4 s)`, `instant`, `10 epochs/s`: how the form and the status say it."""
        if self.run_seconds:
            return f"auto (a run in about {self.run_seconds:g} s)"
        if self.epochs_per_second:
            return f"{self.epochs_per_second:g} epoch{'s' * (self.epochs_per_second != 1)}/s"
        return "instant"

    @property
    def short(self) -> str:
        """`auto (4 s)`, `instant`, `10 epochs/s`: the label in a narrow form field."""
        return f"auto ({self.run_seconds:g} s)" if self.run_seconds else self.label

    def apply(self, control: "Control") -> None:
        """Tell the run engine this pace (it takes effect from its next step)."""
        control.set_pace(1 / self.epochs_per_second if self.epochs_per_second else 0.0, self.run_seconds)

    def rate(self, epochs: int) -> float:
        """Epochs a second at most, for a run of `epochs` epochs (inf: instant)."""
        from .control import MAX_SPREAD_EPOCH

        if self.run_seconds:
            return 1 / min(self.run_seconds / epochs, MAX_SPREAD_EPOCH)
        return self.epochs_per_second or math.inf


AUTO = Pace("auto", run_seconds=RUN_SECONDS)
DEFAULT_NAME = "auto"  # the app's default
INSTANT = Pace("instant")
PACES = (AUTO, Pace("2", 2.0), Pace("10", 10.0), Pace("50", 50.0), INSTANT)


def parse_pace(text: str) -> Pace:
    """`auto`, `instant`, or a number of epochs a second (`10`, `0.5`); ValueError otherwise."""
    text = text.strip().lower()
    named = next((p for p in PACES if p.name == text), None)
    if named is not None:
        return named
    try:
        rate = float(text)
    except ValueError:
        rate = math.nan
    if not (math.isfinite(rate) and 0 < rate <= 1000):
        raise ValueError(f"pace must be auto, instant or epochs per second between 0 and 1000 "
                         f"(like 10 or 0.5), not {text!r}")
    return next((p for p in PACES if p.epochs_per_second == rate), Pace(f"{rate:g}", rate))


def step_pace(pace: Pace, epochs: int, faster: bool) -> Pace:
    """The pace of PACES one step faster (or slower) than `pace`, for a run of `epochs` epochs.

    That is the nearest rate beyond its own. `auto` stands where its rate for that run puts it,
    and a fixed pace comes first when they tie. It is `pace` itself when there is none."""
    rate = pace.rate(epochs)
    beyond = [p for p in PACES if (p.rate(epochs) > rate if faster else p.rate(epochs) < rate)]
    if not beyond:
        return pace
    pick = min if faster else max
    best = pick(p.rate(epochs) for p in beyond)
    return min((p for p in beyond if p.rate(epochs) == best), key=lambda p: p.run_seconds)
