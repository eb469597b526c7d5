"""The wdtui app: a welcome, then nine learning modes on keys 1–9 over one training run.

The app owns the run: a thread worker (runner.py) trains and posts messages; the handlers
here apply them to `self.session` and bump `run_version`, which every screen watches to
redraw itself from the session. Importing this module does not import torch.
"""

from __future__ import annotations

import dataclasses
from functools import wraps
from typing import Any, Callable

from textual import events, work
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.worker import Worker, WorkerState, get_current_worker

from ..core.config import RunConfig
from ..core.presets import PRESETS, preset_config
from .commands import WdtuiCommands
from .messages import EpochDone, RunDiverged, RunMessage, RunStopped, SetupReady, StepDone
from .modes import MODE_LIST
from .runner import RunControl, train_run
from .screens.help import HelpScreen
from .screens.too_small import TooSmallScreen, too_small
from .screens.welcome import WelcomeScreen
from .session import DIVERGED, FAILED, FINISHED, PAUSED, READY, TRAINING, Session
from .twins import CompareState

MODES_GROUP = Binding.Group("modes")

# Config fields a running model can take on between epochs; any other change needs a new model.
LIVE_FIELDS = ("weight_decay", "epochs")


def from_current_run(handler: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """Apply a worker message only if it belongs to the current run, then bump run_version."""

    @wraps(handler)
    def apply(self: "WdtuiApp", message: RunMessage) -> None:
        if message.run == self.run_id:
            handler(self, message)
            self.run_version += 1

    return apply


class WdtuiApp(App[None]):
    """Weight decay, learned by running it: one run, seen through several modes."""

    CSS_PATH = "app.tcss"
    TITLE = "wdtui"
    SUB_TITLE = "weight decay, by running it"
    MODES = {"welcome": WelcomeScreen, **{m.name: m.screen for m in MODE_LIST}}
    DEFAULT_MODE = "welcome"
    COMMANDS = App.COMMANDS | {WdtuiCommands}
    BINDINGS = [
        # Nine names do not fit one footer line beside a screen's own keys: the footer groups
        # the mode keys, the header names the mode on display, and ? and ctrl+p list them all.
        *(Binding(m.key, f"switch_mode('{m.name}')", m.title, tooltip=f"{m.title}: {m.summary}",
                  group=MODES_GROUP) for m in MODE_LIST),
        Binding("space", "toggle_run", "Run/pause", tooltip="Start training, or pause it where it is"),
        # n and r work everywhere; the Train screen shows them in its footer.
        Binding("n", "one_epoch", "One epoch", show=False, tooltip="Train one epoch, then pause"),
        Binding("r", "reset", "Reset", show=False, tooltip="A new model from the current settings; tables cleared"),
        Binding("question_mark", "help", "Help", tooltip="Every key of every mode"),
        Binding("q", "quit", "Quit", tooltip="Quit at once, even mid-epoch"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    run_version: var[int] = var(0)
    """Bumped after every change to `session`; screens watch it and redraw from the session.

    A `var`, not a `reactive`: a reactive on the App repaints the whole screen on every
    change, forty times a second while training, when only the watching screens need to act."""

    def __init__(self, config: RunConfig | None = None) -> None:
        super().__init__()
        self.session = Session(config or RunConfig())
        self.control = RunControl(self.session.config)
        self.run_id = 0
        self.worker: Worker[None] | None = None
        self.compare: CompareState | None = None  # Mode 6's twin runs, which Mode 8 shows too

    def on_mount(self) -> None:
        # Build the model only once the first frame is out: importing torch takes a second.
        self.call_after_refresh(self.start_run, self.session.config)

    # The run ---------------------------------------------------------------------------

    def start_run(self, config: RunConfig) -> None:
        """Throw the current run away and build a new one (in the worker) from `config`."""
        self.run_id += 1
        self.session = Session(config)
        self.control = RunControl(config)
        self.worker = self.train_worker(self.run_id, config, self.control)
        self.run_version += 1

    @work(thread=True, exclusive=True, exit_on_error=False, group="training")
    def train_worker(self, run: int, config: RunConfig, control: RunControl) -> None:
        train_run(self.post_message, run, config, control, get_current_worker().cancelled_event)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A run that cannot be built (say, too few rows for the split) says why."""
        if event.worker is self.worker and event.state == WorkerState.ERROR:
            self.session.state, self.session.error = FAILED, str(event.worker.error)
            self.notify(self.session.error, title="Cannot build the run", severity="error")
            self.run_version += 1

    def apply_config(self, config: RunConfig) -> None:
        """Take new settings from the Train controls.

        Before any training they rebuild the run at once; afterwards λ and the number of
        epochs apply from the next epoch, and the rest waits in `session.pending` for `r`.
        """
        s = self.session
        if not s.epochs and s.last_step is None and not self.control.go.is_set():
            self.start_run(config)
            return
        live = dataclasses.replace(s.config, **{f: getattr(config, f) for f in LIVE_FIELDS})
        s.config, s.pending = live, (None if config == live else config)
        self.control.weight_decay, self.control.epochs = live.weight_decay, live.epochs
        if s.state == FINISHED and len(s.epochs) < live.epochs:
            s.state = PAUSED
        self.run_version += 1

    def _refuse_training(self) -> bool:
        """True (and say why) when space or n cannot train now."""
        s = self.session
        if s.state in (DIVERGED, FAILED):
            why = s.diverged.message if s.diverged else s.error
            self.notify(f"{why}. Press r for a new run.", title="Cannot train", severity="warning")
            return True
        if len(s.epochs) >= s.config.epochs:
            self.notify(f"All {s.config.epochs} epochs have run: raise Epochs in 2 Train, or press r "
                        "to start again.", title="Run finished")
            return True
        return False

    def action_toggle_run(self) -> None:
        """Start training, or pause it between two records."""
        if self.session.running:
            self.control.pause()
            self.session.state = PAUSED
        elif not self._refuse_training():
            self.control.start()
            self.session.state = TRAINING if self.session.setup else self.session.state
        self.run_version += 1

    def action_one_epoch(self) -> None:
        """Train to the end of the next epoch, then pause."""
        if not self._refuse_training():
            self.control.start(one_epoch=True)
            self.session.state = TRAINING if self.session.setup else self.session.state
            self.run_version += 1

    def action_reset(self) -> None:
        """A new model from the current settings (and any pending ones); tables cleared."""
        self.start_run(self.session.pending or self.session.config)
        self.notify("New model built from the current settings.", title="Reset")

    def action_preset(self, name: str) -> None:
        """Start over from a preset (its data, network and λ); a CSV the user gave stays."""
        current = self.session.config
        self.start_run(preset_config(name, data=current.data, target=current.target, row=current.row))
        self.notify(f"{PRESETS[name].summary}. A new model was built; space trains it.", title=f"Preset {name}")

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def on_resize(self, event: events.Resize) -> None:
        """Below the smallest usable size, say so instead of drawing clipped garbage."""
        on_top = isinstance(self.screen, TooSmallScreen)
        if too_small(event.size) and on_top:
            self.screen.show(event.size)
        elif too_small(event.size):
            self.push_screen(TooSmallScreen())
        elif on_top:
            self.pop_screen()

    def action_switch_mode(self, mode: str) -> None:
        """Switch mode; an open help screen closes first, so it does not wait in the old mode."""
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        self.switch_mode(mode)

    # Worker messages → session ------------------------------------------------------------

    @from_current_run
    def on_setup_ready(self, message: SetupReady) -> None:
        s = self.session
        s.setup, s.stages, s.prediction = message.setup, message.stages, message.prediction
        s.trainer, s.model_snapshot = message.trainer, message.model
        s.state = TRAINING if self.control.go.is_set() else READY

    @from_current_run
    def on_step_done(self, message: StepDone) -> None:
        self.session.last_step = message.record

    @from_current_run
    def on_epoch_done(self, message: EpochDone) -> None:
        s, record = self.session, message.record
        before = s.epochs[-1].weight_decay if s.epochs else s.trainer.config.weight_decay
        if record.weight_decay != before:
            s.lambda_changes.add(record.epoch)
        s.epochs.append(record)
        s.stages, s.prediction, s.model_snapshot = message.stages, message.prediction, message.model
        s.last_update = message.last_update
        s.last_step = None

    @from_current_run
    def on_run_diverged(self, message: RunDiverged) -> None:
        self.session.diverged, self.session.state = message.record, DIVERGED
        self.notify(message.record.message, title="Diverged", severity="error")

    @from_current_run
    def on_run_stopped(self, message: RunStopped) -> None:
        self.session.state = FINISHED if message.reason == "finished" else PAUSED


def create_app(config: RunConfig | None = None) -> WdtuiApp:
    """The app as `wdtui` runs it; tests build theirs here too."""
    return WdtuiApp(config)
