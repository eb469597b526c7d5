"""The wdtui app: a welcome, then nine learning modes on keys 1–9 over one training run.

The app owns every background job (ui/jobs): the run, the Compare twins, the sweep, the Runs
view's. Each is a thread worker that only posts messages. The training jobs start their task
in the trainer, a process of the app's own (trainer/client.py), and post what it sends. The
app applies the messages to the jobs' states on the UI thread and bumps `run_version`, which
every screen watches to redraw itself. Screens read the states and ask the app to start or
stop a job. The app's process never imports torch: only the trainer does.
"""

from __future__ import annotations


from textual import events
from textual.app import App
from textual.binding import Binding
from textual.reactive import var
from textual.worker import Worker

from ..core.config import LIVE_FIELDS, RunConfig
from ..core.pace import AUTO, Pace, step_pace
from ..core.presets import PRESETS, preset_config
from ..store.recording import Recorder
from ..trainer.client import Trainer
from ..trainer.plane import PlaneChoice
from ..trainer.steering import Steering
from .commands import WdtuiCommands
from .css_memo import remember_parsed_css
from .ending import end_on_sigterm, served
from .jobs.host import JobHost
from .jobs.questions import ModelQuestions
from .jobs.runs_view import RunsState
from .jobs.sweep_state import SweepState
from .jobs.twins_state import TwinsState
from .lesson import LessonHost
from .messages import RecordingTrouble
from .modes import MODE_LIST
from .screens.help import HelpScreen
from .screens.too_small import TooSmallScreen, too_small
from .screens.welcome import WelcomeScreen
from .session import Job, RunState, Session

MODES_GROUP = Binding.Group("modes")
DEFAULT_PACE = AUTO  # a run of any length is watched over a few seconds (core/pace.py)


class WdtuiApp(JobHost, ModelQuestions, LessonHost, App[None]):
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
        Binding("0", "lesson", "Lesson", group=MODES_GROUP,
                tooltip="Lesson: a guided path, predict first, then run; 0 again hides it"),
        *(Binding(m.key, f"switch_mode('{m.name}')", m.title, tooltip=f"{m.title}: {m.summary}",
                  group=MODES_GROUP) for m in MODE_LIST),
        Binding("right_square_bracket", "lesson_step(1)", "Next step", tooltip="The lesson's next step"),
        Binding("left_square_bracket", "lesson_step(-1)", "Prev step", tooltip="The lesson's previous step"),
        Binding("space", "toggle_run", "Run/pause", tooltip="Start training, or pause it where it is"),
        # n and r work everywhere; the Train screen shows them in its footer.
        Binding("n", "one_epoch", "One epoch", show=False, tooltip="Train one epoch, then pause"),
        Binding("r", "reset", "Reset", show=False, tooltip="A new model from the current settings; tables cleared"),
        Binding("full_stop", "one_step", "One step", show=False, tooltip="Train one optimizer step, then pause"),
        Binding("plus,equals_sign", "faster", "Faster", show=False, key_display="+",
                tooltip="Train at a faster pace: 2, 10, 50 epochs a second, instant (auto where its rate puts it)"),
        Binding("minus", "slower", "Slower", show=False, tooltip="Train at a slower pace"),
        Binding("question_mark", "help", "Help", tooltip="Every key of every mode"),
        Binding("q", "quit", "Quit", tooltip="Quit at once, even mid-epoch"),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True),
    ]

    run_version: var[int] = var(0)
    """Bumped after every change to a job's state; screens watch it and redraw from the states.

    A `var`, not a `reactive`: a reactive on the App repaints the whole screen on every
    change, forty times a second while training, when only the watching screens need to act."""

    def __init__(self, config: RunConfig | None = None, pace: Pace | None = None, record: bool = True,
                 tensorboard: str | None = None) -> None:
        super().__init__()
        self.session = Session(config or RunConfig())
        self.pace = pace or DEFAULT_PACE  # every run's, until changed (+, -, the Train form)
        self.plane = PlaneChoice()  # the boundary views' plane, as the screens chose it
        # The trainer records every run, twin and sweep point where it trains them; trouble
        # with the store (here or there) is said once, by a message.
        say = lambda line: self.post_message(RecordingTrouble(line))  # noqa: E731
        self.trainer = Trainer(record, tensorboard, on_trouble=say)
        self.control = Steering(self.trainer, Job.RUN.value, go=False, hold=True)
        self.run_id = 0
        self.twins: TwinsState | None = None  # Mode 6's twin runs, which Mode 8 shows too
        self.sweep: SweepState | None = None  # Mode 7's sweep
        self.runs = RunsState()  # the stored runs, as the Runs view shows them
        self.recorder = Recorder(say, record)  # the Runs view's reader of the store
        self.workers_of: dict[Job, Worker[None]] = {}  # the latest worker of each job (jobs.host)
        self.troubles: set[str] = set()  # recording trouble said so far (the trainer and the app may both find it)

    def get_driver_class(self) -> type:
        return served(super().get_driver_class())  # served: the app ends when its server is gone

    def on_load(self) -> None:
        self._forget_sigterm = end_on_sigterm(self)  # before the terminal is taken over

    def on_mount(self) -> None:
        # Build the model only once the first frame is out: importing torch takes a second.
        self.call_after_refresh(self.start_run, self.session.config)
        self.watch(self, "run_version", self.check_lesson)

    def on_unmount(self) -> None:
        """Quitting (q, Ctrl+C, SIGTERM): the trainer ends, keeping runs still training as
        "stopped", after the store's last writes (within EXIT_WAIT seconds)."""
        self._forget_sigterm()
        self.trainer.close()
        self.recorder.close()

    # The run ---------------------------------------------------------------------------

    def start_run(self, config: RunConfig) -> None:
        """Throw the current run away and build a new one (in the worker) from `config`."""
        self.run_id += 1
        self.session = Session(config)
        self.control = Steering(self.trainer, Job.RUN.value, go=False, hold=True)
        self.pace.apply(self.control)
        self.start_training(Job.RUN, self.run_id, self.control, config)

    def apply_config(self, config: RunConfig) -> None:
        """Take new settings from the Train controls.

        Before any training they rebuild the run at once. Afterwards λ and the number of epochs
        go to the engine, in force from the next epoch. The rest waits in `session.pending` for `r`.
        """
        s = self.session
        if not s.epochs and s.last_step is None and not self.control.go.is_set():
            self.start_run(config)
            return
        live = s.config.replace(**{f: getattr(config, f) for f in LIVE_FIELDS})
        s.requested = None if live == s.config else live
        s.pending = None if config == live else config
        self.control.request(live)
        if s.state == RunState.FINISHED and len(s.epochs) < live.epochs:
            s.state = RunState.PAUSED
        self.run_version += 1

    def _refuse_training(self) -> bool:
        """True (and say why) when space or n cannot train now."""
        s = self.session
        if s.state in (RunState.DIVERGED, RunState.FAILED):
            why = s.diverged.message if s.diverged else s.error
            self.notify(f"{why}. Press r for a new run.", title="Cannot train", severity="warning")
            return True
        if len(s.epochs) >= s.target.epochs:
            self.notify(f"All {s.target.epochs} epochs have run: raise Epochs in 2 Train, or press r "
                        "to start again.", title="Run finished")
            return True
        return False

    def action_toggle_run(self) -> None:
        """Start training, or pause it between two steps."""
        s = self.session
        if s.running:
            self.control.pause()
            s.state = RunState.PAUSED
        elif not self.predict_first() and not self._refuse_training():
            self.control.start()
            s.state = RunState.TRAINING if s.setup else s.state
        self.run_version += 1

    def action_one_epoch(self) -> None:
        """Train to the end of the next epoch, then pause."""
        if not self.predict_first() and not self._refuse_training():
            self.control.start(one_epoch=True)
            self.session.state = RunState.TRAINING if self.session.setup else self.session.state
            self.run_version += 1

    def action_one_step(self) -> None:
        """Train one optimizer step, then pause where it ends (mid-epoch, most often)."""
        if not self.predict_first() and not self._refuse_training():
            self.control.step()
            self.session.state = RunState.TRAINING if self.session.setup else self.session.state
            self.run_version += 1

    def set_pace(self, pace: Pace) -> None:
        """Train at `pace` from the next step on; the engine keeps it, and so does every later run."""
        self.pace = pace
        pace.apply(self.control)
        self.run_version += 1

    def action_faster(self) -> None:
        self._step_pace(faster=True)

    def action_slower(self) -> None:
        self._step_pace(faster=False)

    def _step_pace(self, faster: bool) -> None:
        pace = step_pace(self.pace, self.session.target.epochs, faster)
        if pace == self.pace:
            self.notify(f"{'No faster pace than' if faster else 'No slower pace than'} {pace.label}.", title="Pace")
        self.set_pace(pace)

    def choose_plane(self, features: tuple[int, int] | None) -> None:
        """Show the boundary over `features` (None: the default plane); a paused run looks again."""
        self.plane.features = features
        self.trainer.plane(features)
        self.control.look()
        self.run_version += 1

    def action_reset(self) -> None:
        """A new model from the current settings (and any pending ones); tables cleared."""
        s = self.session
        self.start_run(s.pending or s.target)
        self.notify("New model built from the current settings.", title="Reset")

    def action_preset(self, name: str) -> None:
        """Start over from a preset (its data, network and λ); a CSV the user gave stays."""
        current = self.session.config
        self.start_run(preset_config(name, data=current.data, target=current.target, row=current.row))
        self.notify(f"{PRESETS[name].summary}. A new model was built; space trains it.", title=f"Preset {name}")

    # Screens around the modes ---------------------------------------------------------------

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

    def mode_title(self, screen: type) -> str:
        """`2 Train`: the key and title of the mode a screen class shows (for its header)."""
        mode = next(m for m in MODE_LIST if m.screen is screen)
        return f"{mode.key} {mode.title}"

    def action_switch_mode(self, mode: str) -> None:
        """Switch mode; an open help screen closes first, so it does not wait in the old mode."""
        if isinstance(self.screen, HelpScreen):
            self.pop_screen()
        self.switch_mode(mode)

def create_app(config: RunConfig | None = None, pace: Pace | None = None, record: bool = True,
               tensorboard: str | None = None) -> WdtuiApp:
    """The app as `wdtui` runs it (at `pace`, by default DEFAULT_PACE); tests build theirs here
    too. `record` keeps every run in the run store; `tensorboard` is a folder every run is
    also written to, as TensorBoard event files."""
    remember_parsed_css()
    return WdtuiApp(config, pace, record, tensorboard)
