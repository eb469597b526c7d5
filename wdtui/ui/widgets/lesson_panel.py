"""The lesson's panel, docked beside whatever mode the step opened: `Step k of N`, the step's
text, the prediction to make (a–d while the panel has the focus), what to do, and once the run
says the step is done, the outcome in its numbers and whether the prediction held.

Every mode screen mounts one (screens/base.py); each draws the app's one lesson state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Button, Static

from ...lesson.steps import LETTERS

if TYPE_CHECKING:
    from ..app import WdtuiApp


class LessonPanel(VerticalScroll, can_focus=True):
    """One step of the lesson, and the keys that move through it."""

    BINDINGS = [
        *(Binding(letter, f"predict({i})", f"Predict {letter}", show=i == 0, key_display="a–d")
          for i, letter in enumerate(LETTERS)),
    ]

    def compose(self):
        yield Static(id="lesson-body")
        yield Button("Start over", id="lesson-restart", compact=True)

    @property
    def wdtui(self) -> "WdtuiApp":
        return cast("WdtuiApp", self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """a–d only while the open step still waits for a prediction; otherwise they are the mode's."""
        if action == "predict":
            app = self.wdtui
            return app.awaiting_prediction and cast(int, parameters[0]) < len(app.step.prediction.options)
        return True

    def action_predict(self, choice: int) -> None:
        self.wdtui.lesson_predict(choice)
        self.screen.set_focus(None)  # the mode's own keys again: c, s, space…

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "lesson-restart":
            self.wdtui.lesson_start_over()

    def on_mount(self) -> None:
        self.show()  # the screen may have asked before the panel's parts were mounted

    def show(self) -> None:
        """Draw the open step, or hide the panel when the lesson is folded or not started."""
        app = self.wdtui
        step = app.step
        self.display = app.lesson_open and step is not None
        if not self.display or not self.query("#lesson-body"):
            return
        progress, lesson = app.progress, app.lesson
        self.border_title = f"Lesson · Step {progress.step + 1} of {len(lesson.steps)}"
        self.border_subtitle = "] next · [ back · 0 fold"
        parts: list = [Text(step.title, style="bold"), Text(step.text)]
        choice = progress.predictions.get(step.id)
        if step.prediction is not None:
            parts.append(Text.assemble(("\nPredict: ", "bold"), step.prediction.question))
            for i, option in enumerate(step.prediction.options):
                mark = "▶ " if i == choice else "  "
                parts.append(Text(f"{mark}{LETTERS[i]}) {option.text}", style="bold" if i == choice else ""))
            if choice is None:
                last = LETTERS[len(step.prediction.options) - 1]
                parts.append(Text(f"Press a–{last} to predict before you run it.", style="italic"))
        if step.do and (step.prediction is None or choice is not None):
            parts.append(Text.assemble(("\nDo: ", "bold"), step.do))
        outcome = progress.outcomes.get(step.id)
        if outcome is not None:
            held = outcome["held"]
            style = "green" if held else "red" if held is False else ""
            parts += [Text.assemble(("\nWhat happened: ", "bold"), outcome["text"]),
                      Text(outcome["verdict"], style=f"bold {style}".strip())]
        if progress.step == len(lesson.steps) - 1:
            parts.append(self.summary())
        self.query_one("#lesson-body", Static).update(Group(*parts))
        self.query_one("#lesson-restart").display = progress.step == len(lesson.steps) - 1

    def summary(self) -> Text:
        """Each prediction against what its run did."""
        app = self.wdtui
        text = Text()
        text.append("\nPrediction by prediction\n", style="bold")
        predicted = held = 0
        for n, step in enumerate(app.lesson.steps, start=1):
            if step.prediction is None:
                continue
            choice = app.progress.predictions.get(step.id)
            outcome = app.progress.outcomes.get(step.id)
            said = "not predicted" if choice is None else f"{LETTERS[choice]}) {step.prediction.options[choice].text}"
            if outcome is None:
                mark, style = "·", "dim"
                said += " — not run yet"
            else:
                mark, style = ("✔", "green") if outcome["held"] else ("✘", "red")
            predicted += choice is not None
            held += bool(outcome and outcome["held"])
            text.append(f"{mark} {n}. {step.title}: {said}\n", style=style)
        text.append(f"{held} of {predicted} predictions held.", style="bold")
        return text
