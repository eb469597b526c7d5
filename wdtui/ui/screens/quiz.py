"""Mode 4 — Quiz: rounds of three questions, answered with a–d, graded at once.

The questions come from `wdtui.quiz`: the bank, plus (once the run has finished an epoch)
one question per round made from the run's own records. The quiz's state lives on this
screen, so it survives switching modes; its seed is the run's, so a seeded session deals
the same rounds.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.widgets import Header, Static

from ...quiz import LETTERS, Quiz, load_bank, run_questions
from ..widgets.footer import ModeFooter
from .base import ModeScreen


class QuizScreen(ModeScreen):
    """One question at a time: pick an option, read why, then enter for the next."""

    BINDINGS = [
        Binding("a", "answer(0)", "Answer", key_display="a–d", tooltip="Choose option a, b, c or d"),
        Binding("b", "answer(1)", "Answer b", show=False),
        Binding("c", "answer(2)", "Answer c", show=False),
        Binding("d", "answer(3)", "Answer d", show=False),
        Binding("enter", "next", "Next", tooltip="The next question; after the third, the next round"),
    ]

    FOCUS = {"question": "#quiz-body"}

    shown = 0
    """Index, in the current round, of the question on screen."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="quiz-status")
        with VerticalScroll(id="quiz-body"):
            yield Static(id="quiz-question")
            for i in range(len(LETTERS)):
                yield Static(id=f"option-{i}", classes="option")
            yield Static(id="quiz-feedback")
            yield Static(id="quiz-hint")
        yield ModeFooter()

    def on_mount(self) -> None:
        """Deal the first round (ModeScreen.on_mount, run after this one, watches the run)."""
        self.quiz = Quiz(load_bank(), seed=self.session.config.seed)
        self.deal()

    def deal(self) -> None:
        """A new round, with a question made from the run if it has epochs by now.

        When the lesson's quiz step is open and has not dealt it yet, the lesson's own round."""
        s, app = self.session, self.wdtui
        if self.lesson_wants_a_round():
            app.lesson_round = self.quiz.new_round(fixed=app.lesson_questions(self.quiz.bank, self.quiz.rng))
        else:
            self.quiz.new_round(run_questions(s.config, s.setup, s.epochs, self.quiz.rng))
        self.shown = 0
        self.refresh_view()

    def lesson_wants_a_round(self) -> bool:
        app = self.wdtui
        return app.lesson_open and app.step is not None and bool(app.step.quiz) and app.lesson_round is None

    def on_screen_resume(self) -> None:
        """Opened by the lesson's quiz step: its round replaces the one on screen (Textual
        calls ModeScreen's handler of this event too)."""
        if self.lesson_wants_a_round():
            self.deal()

    @property
    def answered(self) -> bool:
        """True once the question on screen has its answer (its feedback is showing)."""
        return len(self.quiz.current.answers) > self.shown

    def action_answer(self, choice: int) -> None:
        """Grade `choice` for the question on screen; a question is answered once only."""
        if self.answered:
            self.app.bell()
            return
        self.quiz.current.answer(choice)
        self.refresh_view()
        self.wdtui.check_lesson()  # the lesson's quiz step may be done now

    def action_next(self) -> None:
        """After the feedback: the next question, or a new round after the third."""
        if not self.answered:
            self.app.bell()
        elif self.quiz.current.finished:
            self.deal()
        else:
            self.shown += 1
            self.refresh_view()

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """The round's line, the question, its four options, the verdict and why, the hint."""
        return Size(60, 19)

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """Short of rows, the options close up (app.tcss)."""
        self.set_class(room.height < 26, "-tight")

    def on_click(self, event: events.Click) -> None:
        """A click on an option answers with it, as its letter does."""
        widget = event.widget
        if widget is not None and widget.has_class("option") and widget.id:
            self.action_answer(int(widget.id.removeprefix("option-")))

    def refresh_view(self) -> None:
        """Draw the question on screen, its options, and after an answer the verdict and why."""
        quiz, round_ = self.quiz, self.quiz.current
        question = round_.questions[self.shown]
        answer = round_.answers[self.shown] if self.answered else None
        earlier = "  ".join(f"R{r.number} {r.score}/{len(r.answers)}" for r in quiz.rounds[:-1])
        self.query_one("#quiz-status", Static).update(Text.assemble(
            (f"Round {round_.number}", "bold"), f" · question {self.shown + 1} of {len(round_.questions)}   ",
            ("This round ", "dim"), (f"{round_.score}/{len(round_.answers)}", "bold"),
            ("   Total ", "dim"), (f"{quiz.score}/{quiz.answered}", "bold"),
            (f"   ({earlier})" if earlier else "", "dim")))
        tag = "from your run · " if question.from_run else ""
        self.query_one("#quiz-question", Static).update(
            Text.assemble((f"{tag}{question.topic}", "italic dim"), "\n", (question.prompt, "bold")))
        for i, option in enumerate(question.options):
            widget = self.query_one(f"#option-{i}", Static)
            right = answer is not None and i == question.answer
            wrong = answer is not None and i == answer.choice and not answer.correct
            mark = "✔ " if right else "✘ " if wrong else "  "
            widget.update(Text.assemble(mark, (f"{LETTERS[i]}) ", "bold"), option))
            widget.set_class(right, "-right")
            widget.set_class(wrong, "-wrong")
        feedback = self.query_one("#quiz-feedback", Static)
        feedback.display = answer is not None
        if answer is not None:
            verdict = ("✔ Right." if answer.correct
                       else f"✘ Not quite: you chose {LETTERS[answer.choice]}, the answer is {question.answer_letter}.")
            feedback.update(Text.assemble((verdict, "bold"), "\n", question.explanation))
            feedback.set_class(not answer.correct, "-wrong")
        self.query_one("#quiz-hint", Static).update(self.hint(answer is not None))

    def hint(self, answered: bool) -> Text:
        """What to press next, and when questions from the user's own run join in."""
        round_ = self.quiz.current
        if not answered:
            line = "Press a, b, c or d to answer (or click an option)."
        elif not round_.finished:
            line = "Press enter for the next question."
        else:
            line = (f"Round {round_.number} over: {round_.score} of {len(round_.questions)} right. "
                    f"Press enter for round {round_.number + 1}.")
        if self.session.epochs:
            run = "Each round has one question made from your run's latest numbers."
        else:
            run = "Questions made from your own run join in once it has trained an epoch: press space to train."
        return Text.assemble(line, "\n", run)
