"""The app's side of the lesson (mode 0): the step open, its run, the prediction, the outcome.

It knows which step is open, the run it sets up, and the learner's prediction. It gives the
outcome once the run's records say the step is done.

`LessonHost` is mixed into the App. The lesson itself (steps, facts, grading) is UI-free, in
wdtui.lesson. This module hands it the app's states as records (`observed`). It keeps the
learner's progress saved under the data directory. Results only count once the learner has
predicted: a step's run, twins or sweep from before the prediction are not its evidence.
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text

from ..core.anatomy import anatomy
from ..lesson.facts import Facts, Observed
from ..lesson.judge import conclude, is_done
from ..lesson.progress import Progress, load_progress, save_progress
from ..lesson.steps import LETTERS, Lesson, LessonError, Step, load_lesson
from ..quiz import Question, lesson_round
from .session import Job, RunState

if TYPE_CHECKING:
    from ..quiz import Round


@dataclass
class JobsAtPrediction:
    """The jobs as they were when the learner predicted: only later results are evidence."""

    run: int
    twins: int
    sweep: int


class LessonHost:
    """Opens steps, takes predictions, and concludes a step when its run says it is done."""

    lesson: Lesson | None = None
    progress: Progress | None = None
    lesson_open = False  # the panel is shown (beside the mode, below it or folded under it)
    lesson_reading = False  # the step is to be read whole: just opened, or p (where there is no room, over the mode)
    lesson_round: Round | None = None  # the quiz round the quiz step dealt
    _at_prediction: JobsAtPrediction | None = None

    @property
    def step(self) -> Step | None:
        if self.lesson is None or self.progress is None:
            return None
        return self.lesson.steps[self.progress.step]

    @property
    def awaiting_prediction(self) -> bool:
        """The open step wants a prediction before anything runs."""
        step = self.step
        return (self.lesson_open and step is not None and step.prediction is not None
                and step.id not in self.progress.predictions)

    def predict_first(self) -> bool:
        """True (and say so) when the open step wants its prediction before anything runs."""
        if self.awaiting_prediction:
            last = LETTERS[len(self.step.prediction.options) - 1]
            self.notify(f"Predict first: a–{last} in the lesson panel; then run it.", title="Lesson")
            return True
        return False

    def notify(self, message: str, *, title: str = "", severity: str = "information", timeout: float | None = None,
               markup: bool = True) -> None:
        """A toast, or a line under the mode where the lesson panel is folded to it.

        There a toast would sit over the mode, on the region the step is about, so that line says
        it for a while instead. (Beside or below the mode, toasts sit over the panel: app.tcss.)"""
        panel = self.screen.query("#lesson-panel") if self.screen_stack else None
        if severity == "information" and panel and panel.first().has_class("-strip"):
            text = Text.from_markup(message) if markup else Text(message)
            panel.first().note(Text.assemble((f"{title}: " if title else "", "bold"), text), timeout or 6.0)
            return
        super().notify(message, title=title, severity=severity, timeout=timeout, markup=markup)

    def action_lesson_read(self) -> None:
        """p: open the panel over the mode to read the step whole, or fold it again (esc too)."""
        self.lesson_reading = not self.lesson_reading
        self.run_version += 1

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """[ and ] only while the lesson is open, and so only then in the footer.

        p only where the panel does not sit beside the mode; the screen says, by its panel's place."""
        if action == "lesson_step":
            return self.lesson_open
        if action == "lesson_read":
            panel = self.screen.query("#lesson-panel")
            return (self.lesson_open and not self.awaiting_prediction and bool(panel)
                    and not panel.first().has_class("-beside"))
        return True

    def action_lesson(self) -> None:
        """0: open the lesson where it was left (loading it the first time), or fold it away."""
        if self.lesson is None:
            try:
                self.lesson = load_lesson()
            except LessonError as exc:
                self.notify(str(exc), title="The lesson cannot open", severity="error", markup=False)
                return
            self.progress, problem = load_progress(self.lesson)
            if problem:  # said once: the file was kept aside and the lesson starts over
                self.notify(problem, title="Lesson progress", severity="warning", markup=False, timeout=10)
        if self.lesson_open and self.current_mode == self.step.mode:
            self.lesson_open = False
            self.run_version += 1
            return
        self.lesson_open = True
        self.open_step(self.progress.step)

    def action_lesson_step(self, delta: int) -> None:
        """] and [: the next or the previous step, done or not (a learner may skip)."""
        if self.step is not None and self.lesson_open:
            self.open_step(max(0, min(len(self.lesson.steps) - 1, self.progress.step + delta)))

    def lesson_start_over(self) -> None:
        self.progress.reset()
        self.lesson_round = None
        self.open_step(0)

    def open_step(self, index: int) -> None:
        """Show step `index`: its mode, and unless it is concluded, its experiment set up afresh.

        Its run is built again (untrained). No twins or sweep of an earlier step stay on screen to
        answer its question before it is asked; the Runs view keeps them."""
        self.progress.step = index
        step = self.step
        self._at_prediction = None
        concluded = step.id in self.progress.outcomes
        self.lesson_reading = not concluded  # read it first, over the mode where it has no room
        if not concluded and step.setup is not None:
            s = self.session
            if s.target != step.setup or s.epochs or s.last_step is not None:
                self.start_run(step.setup)
            self._drop_jobs()
        if step.quiz and not concluded:
            self.lesson_round = None  # the quiz screen deals the lesson's round when it shows
        if not concluded and (step.prediction is None or step.id in self.progress.predictions):
            self._at_prediction = self._jobs_now()  # nothing (more) to predict: what happens from here is its evidence
        self._save()
        self.switch_mode(step.mode)
        self.run_version += 1

    def _drop_jobs(self) -> None:
        """Stop the twins and the sweep and take them off the screens."""
        for job in (Job.TWINS, Job.SWEEP):
            worker = self.workers_of.get(job)
            if worker is not None:
                worker.cancel()
        self.twins = self.sweep = None

    def lesson_predict(self, choice: int) -> None:
        """The learner's prediction for the open step; from now on the run is its evidence."""
        step = self.step
        if step is None or step.prediction is None or step.id in self.progress.predictions:
            return
        self.progress.predictions[step.id] = choice
        self.lesson_reading = False
        s = self.session
        if step.setup is not None and (s.epochs or s.last_step is not None):
            self.start_run(step.setup)  # trained before the prediction: the experiment starts now
        self._at_prediction = self._jobs_now()
        self._save()
        self.run_version += 1

    def lesson_questions(self, bank: Mapping[str, Question], rng: random.Random) -> tuple[Question, ...]:
        """The quiz step's round: its bank questions, and those made from the learner's own runs
        in this lesson (the facts each step was concluded on)."""
        facts = {sid: outcome.get("facts") or {} for sid, outcome in self.progress.outcomes.items()}
        numbers = {s.id: n for n, s in enumerate(self.lesson.steps, start=1)}
        return lesson_round(self.step.quiz, bank, facts, numbers, rng)

    def _jobs_now(self) -> JobsAtPrediction:
        return JobsAtPrediction(self.run_id, self.twins.number if self.twins else 0,
                                self.sweep.number if self.sweep else 0)

    def check_lesson(self) -> None:
        """Conclude the open step once its condition holds on results made since the prediction.
        Not while a job trains: every condition waits for a run, the twins or a sweep to stop."""
        step = self.step
        if (step is None or self._at_prediction is None or step.done is None or step.id in self.progress.outcomes
                or RunState.TRAINING in (self.session.state, self.twins and self.twins.state,
                                         self.sweep and self.sweep.state)):
            return
        facts = Facts(self.observed())
        if is_done(step, facts):
            result = conclude(step, facts, self.progress.predictions.get(step.id))
            # The panel says so (no toast: one would sit over the mode's numbers the step is about).
            self.progress.outcomes[step.id] = {"text": result.text, "held": result.held, "verdict": result.verdict,
                                               "facts": facts.plain()}
            self._save()
            self.run_version += 1

    def observed(self) -> Observed:
        """The app's states as records, limited to what came after the prediction."""
        s, then = self.session, self._at_prediction
        twins = self.twins if self.twins is not None and then and self.twins.number > then.twins else None
        sweep = self.sweep if self.sweep is not None and then and self.sweep.number > then.sweep else None
        update = None
        if s.last_update is not None and s.view is not None:
            update = anatomy(s.last_update, next(iter(s.last_update.weights)), (0, 0), after=s.view.weights)
        round_ = self.lesson_round
        return Observed(
            config=s.config, target=s.target, finished=s.state == RunState.FINISHED, epochs=s.all_epochs,
            insight=s.insight(), twins_config=twins and twins.config,
            twins_finished=twins is not None and twins.state == RunState.FINISHED,
            twins=(twins.zero, twins.decayed) if twins else ((), ()),
            twins_smoothness=(twins.smoothness(0), twins.smoothness(1)) if twins else (None, None),
            twins_length=(twins.boundary_length(0), twins.boundary_length(1)) if twins else (None, None),
            sweep_config=sweep and sweep.config, sweep=sweep and sweep.result, update=update,
            quiz=(round_.score, len(round_.answers)) if round_ else (0, 0),
        )

    def _save(self) -> None:
        try:
            save_progress(self.progress)
        except OSError as exc:
            self.notify(f"Lesson progress not saved: {exc.strerror or exc}", title="Lesson", severity="warning")
