"""The run's progress bar and status line: epoch i of n, what the worker is doing, speed.

Timings (steps/s, elapsed) sit in their own widget, `#timing`: they are the only values
that differ between two runs of the same seed.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import ProgressBar, Static

from ...core.pace import Pace
from ..session import RunState, Session

SAYS = {
    RunState.BUILDING: "building the data and the model (torch is loading)…",
    RunState.READY: "ready — space trains, n trains one epoch",
    RunState.TRAINING: "training — space pauses",
    RunState.PAUSED: "paused — space goes on, n trains to the end of an epoch",
    RunState.FINISHED: "finished — raise Epochs to go on, r for a new model",
}


class RunStatus(Vertical):
    def compose(self) -> ComposeResult:
        with Horizontal():
            yield ProgressBar(total=1, show_eta=False, id="run-progress")
            yield Static(id="timing")
        yield Static(id="run-state")

    def show(self, s: Session, pace: Pace) -> None:
        total = s.target.epochs
        done = float(len(s.epochs))
        step = s.last_step
        if step is not None:
            done = step.epoch - 1 + step.step / step.steps_per_epoch
        self.query_one(ProgressBar).update(total=max(total, len(s.epochs)), progress=done)
        if s.state == RunState.DIVERGED and s.diverged is not None:
            says = s.diverged.message
        elif s.state == RunState.FAILED:
            says = f"cannot build the run: {s.error}"
        else:
            says = SAYS[s.state]
        running = f" · loss so far {step.loss:.4f} (step {step.step}/{step.steps_per_epoch})" if step else ""
        # Both lines have a fixed size (app.tcss), so 20 updates a second repaint them alone
        # instead of laying out the whole screen again.
        self.query_one("#run-state", Static).update(f"epoch {len(s.epochs)} of {total} · {says}{running} · "
                                                    f"pace {pace.label}", layout=False)
        self.query_one("#timing", Static).update(_timing(s), layout=False)


def _timing(s: Session) -> str:
    """Steps per second of the latest epoch (or of this one so far) and the training time."""
    elapsed = sum(e.seconds for e in s.epochs)
    if s.last_step is not None and s.last_step.seconds > 0:
        rate = s.last_step.step / s.last_step.seconds
        elapsed += s.last_step.seconds
    elif s.epochs and s.epochs[-1].seconds > 0 and s.setup is not None:
        rate = s.setup.steps_per_epoch / s.epochs[-1].seconds
    else:
        return ""
    return f"{rate:,.0f} steps/s · {elapsed:.2f} s training"
