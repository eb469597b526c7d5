"""The lesson's panel: `Step k of N`, the step's text, the prediction to make, what to do, the outcome.

The prediction's options are a–d while the panel has the focus. Once the run says the step is
done, the panel gives the outcome in its numbers, and whether the prediction held.

Every mode screen mounts one (screens/base.py) and places it (`place`). The region the step is
about, its focus, must stay whole. So the panel goes beside the mode where the terminal is wide
enough for both, else below it. Else it is folded to a strip of one line that `p` opens over
the mode. While a step waits for its prediction the mode shows nothing of it yet. So a strip
opens by itself then, and folds again once the prediction is made. The panel's own text
scrolls; the mode's focus never has to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from rich.console import Group
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.geometry import Size
from textual.timer import Timer
from textual.widgets import Button, Static

from ...lesson.steps import LETTERS

if TYPE_CHECKING:
    from ..app import WdtuiApp

PANEL_WIDTH = 40  # beside the mode: about 36 columns of text
BELOW = (8, 14)  # rows of the panel under the mode: fewer is too little to read, more takes from the mode


@dataclass(frozen=True)
class Place:
    """Where the panel goes: `beside` (`size` columns), `below` (`size` rows), `strip`
    (folded to `size` rows) or `open` (over the mode, `size` rows)."""

    where: str
    size: int


def place(area: Size, need: Size, is_focus: bool, reading: bool, awaiting: bool, text_rows: int,
          strip_rows: int) -> Place:
    """Where the panel goes in `area` (the rows between header and footer).

    The mode keeps `need` for the step's focus. The other arguments:
    - `is_focus`: the step is read in the panel itself (the summary). The panel goes beside the
      mode only when its text fits there whole; its `text_rows` are then at the panel's own width.
    - `reading`: the step is to be read whole (just opened, or p).
    - `awaiting`: it waits for its prediction, and the mode has nothing of it to show yet.
    - `text_rows` and `strip_rows`: the panel's text and its folded line, in rows across the
      whole width, borders included."""
    if is_focus:
        fits_beside = area.width >= 2 * PANEL_WIDTH and text_rows + 1 <= area.height  # and its Start over button
        return Place("beside", PANEL_WIDTH) if fits_beside else Place("open", area.height)
    if area.width - PANEL_WIDTH >= need.width and area.height >= need.height:
        return Place("beside", PANEL_WIDTH)
    below = min(area.height - need.height, BELOW[1])
    if below >= BELOW[0] and not ((reading or awaiting) and text_rows > below):
        return Place("below", below)
    if reading or awaiting:
        return Place("open", min(area.height, text_rows))  # over the mode, as tall as its text
    return Place("strip", strip_rows)


class LessonPanel(VerticalScroll, can_focus=True):
    """One step of the lesson, and the keys that move through it."""

    _moment: tuple[object, ...] = ()  # (step, predicted, concluded): what the panel last scrolled to
    _note: Text | None = None  # a notification said on the folded line instead of a toast over the mode
    _note_timer: Timer | None = None

# One `a` binding per number of options, so the footer says a–b, a–c or a–d as the step has.
# check_action enables the one that matches; b–d are not shown.
    BINDINGS = [
        *(Binding("a", f"predict(0, {n})", "Predict", key_display=f"a–{LETTERS[n - 1]}") for n in (2, 3, 4)),
        *(Binding(letter, f"predict({i})", f"Predict {letter}", show=False) for i, letter in enumerate(LETTERS)),
        Binding("escape", "fold", "Fold", show=False, tooltip="Fold the lesson panel off the mode again"),
    ]

    def compose(self):
        yield Static(id="lesson-strip")
        yield Static(id="lesson-body")
        yield Button("Start over", id="lesson-restart", compact=True)

    @property
    def wdtui(self) -> "WdtuiApp":
        return cast("WdtuiApp", self.app)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """a–d only while the open step still waits for a prediction; otherwise they are the mode's."""
        if action == "predict":
            app = self.wdtui
            if not app.awaiting_prediction:
                return False
            options = len(app.step.prediction.options)
            choice, *shown = parameters
            return cast(int, choice) < options and (not shown or shown[0] == options)
        if action == "fold":
            return self.has_class("-open") and self.wdtui.lesson_reading
        return True

    def action_predict(self, choice: int, options: int | None = None) -> None:
        self.wdtui.lesson_predict(choice)
        self.screen.set_focus(None)  # the mode's own keys again: c, s, space…

    def action_fold(self) -> None:
        self.wdtui.action_lesson_read()
        self.screen.set_focus(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "lesson-restart":
            self.wdtui.lesson_start_over()

    def on_mount(self) -> None:
        self.show()  # the screen may have asked before the panel's parts were mounted

    def rows(self, width: int) -> tuple[int, int]:
        """The rows (borders included) the step's text and its folded line take in a panel
        `width` columns wide."""
        if not self.wdtui.lesson_open or self.wdtui.step is None:
            return 0, 0
        console = self.app.console
        options = console.options.update_width(max(1, width - 5))  # the border, the padding, the scrollbar
        return tuple(2 + len(console.render_lines(text, options, pad=False)) for text in (self.body(), self.strip()))

    def set_place(self, placed: Place) -> None:
        """Dock the panel as `placed` says (screens/base.py decides)."""
        for where in ("beside", "below", "strip", "open"):
            self.set_class(placed.where == where, f"-{where}")
        if placed.where == "beside":  # from the header down to the footer, its bottom border in sight
            self.styles.width, self.styles.height = placed.size, max(0, self.screen.size.height - 2)
        else:
            self.styles.width, self.styles.height = None, placed.size
        self.show()

    def show(self) -> None:
        """Draw the open step, or hide the panel when the lesson is folded or not started."""
        app = self.wdtui
        step = app.step
        self.display = app.lesson_open and step is not None
        if not self.display or not self.query("#lesson-body"):
            return
        progress, lesson = app.progress, app.lesson
        last = progress.step == len(lesson.steps) - 1
        self.border_title = f"Lesson · Step {progress.step + 1} of {len(lesson.steps)}"
        if not self.has_class("-beside"):  # a whole line for it
            self.border_title += f" · {step.title}"
        folded = self.has_class("-strip")
        if folded and self.has_focus:  # nothing to read or scroll in one line: the mode's keys again
            self.screen.set_focus(None)
        reads = "" if self.has_class("-beside") or last else "esc folds · " if self.has_class("-open") else "p reads · "
        self.border_subtitle = f"{reads}] next · [ back · 0 hides"
        self.query_one("#lesson-strip", Static).display = folded
        self.query_one("#lesson-body", Static).display = not folded
        if folded:
            self.query_one("#lesson-strip", Static).update(self.strip())
        else:
            self.query_one("#lesson-body", Static).update(self.body())
        self.query_one("#lesson-restart").display = last and not folded
# A step's text shows from its start. Once predicted, what to do and then what happened are at
# its end, so it is scrolled there where the panel is too short for all of it.
        moment = (step.id, step.id in progress.predictions, step.id in progress.outcomes)
        if moment != self._moment:
            self._moment = moment
            home = step.prediction is not None and not moment[1] or last
            self.call_after_refresh(self.scroll_home if home else self.scroll_end, animate=False)

    def body(self) -> Group:
        app = self.wdtui
        step, progress = app.step, app.progress
        parts: list = [Text(step.title, style="bold"), Text(step.text)]
        choice = progress.predictions.get(step.id)
        if step.prediction is not None:
            parts.append(Text.assemble(("\nPredict: ", "bold"), step.prediction.question))
            for i, option in enumerate(step.prediction.options):
                mark = "▶ " if i == choice else "  "
                # A hanging indent: an option that wraps stays clear of the letters.
                line = Text(f"{mark}{LETTERS[i]}) ", style="bold" if i == choice else "")
                line.append(option.text)
                parts.append(line)
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
            parts.append(Text(self.next_step(), style="italic"))
        if progress.step == len(app.lesson.steps) - 1:
            parts.append(self.summary())
        return Group(*parts)

    def next_step(self) -> str:
        app = self.wdtui
        n = app.progress.step + 2
        return "] shows the summary." if n == len(app.lesson.steps) else f"] goes on to step {n}."

    def note(self, text: Text, seconds: float) -> None:
        """Say `text` on the folded line for `seconds`, then what the step waits for again."""
        self._note = text
        self.show()
        if self._note_timer is not None:
            self._note_timer.stop()
        self._note_timer = self.set_timer(seconds, self._unnote)

    def _unnote(self) -> None:
        self._note = None
        self.show()

    def strip(self) -> Text:
        """The folded panel's line: a note, or what the step waits for (p opens the panel whole)."""
        if self._note is not None:
            return self._note
        app = self.wdtui
        step, progress = app.step, app.progress
        outcome = progress.outcomes.get(step.id)
        if outcome is not None:
            held = outcome["held"]
            said = "" if held is None else " — your prediction held" if held else " — your prediction did not hold"
            return Text(f"Done{said}. p reads what happened, ] goes on.",
                        style="green" if held else "red" if held is False else "")
        if app.awaiting_prediction:
            return Text("Predict first: p shows the question.", style="italic")
        return Text.assemble(("Do: ", "bold"), step.do)

    def summary(self) -> Text:
        """Each prediction against what its run did, a line each, so the summary is whole at 80 × 24.

        The options were read in their steps, so the letter names the one chosen."""
        app = self.wdtui
        text = Text()
        text.append("\nPrediction by prediction\n", style="bold")
        predicted = held = 0
        for n, step in enumerate(app.lesson.steps, start=1):
            if step.prediction is None:
                continue
            choice = app.progress.predictions.get(step.id)
            outcome = app.progress.outcomes.get(step.id)
            said = "not predicted" if choice is None else f"you said {LETTERS[choice]})"
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
