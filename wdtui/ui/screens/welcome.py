"""The first screen: what weight decay is, in five lines, and which key opens which mode (0 the lesson)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from ..modes import MODE_LIST
from ..widgets.footer import ModeFooter

WHAT = (
    "[b]Weight decay[/b] (L2 regularization) pulls every weight a little towards zero at every "
    "training step. With SGD it is the same as adding the penalty [b](λ/2)·‖θ‖²[/b] to the loss: "
    "the gradient gains λθ, so decay alone multiplies each weight by [b](1 − γλ)[/b] a step "
    "(by about 1 − γλ/(1 − μ) with momentum μ) before the data pushes back. Weights the data does "
    "not keep needing fade away, so the learned function stays smoother and simpler, and "
    "overfits less. How much, and how fast, depends on the run: wdtui measures it.\n\n"
    "Here a real small network (PyTorch) trains on real numbers while you watch: every value "
    "on screen comes from the run. To [b]see[/b] it, pick the [b]moons[/b] preset in 2 Train (or start "
    "with [b]wdtui --preset moons[/b]): at λ = 0 the decision boundary bends around noisy points, with "
    "weight decay it turns smooth."
)


class WelcomeScreen(Screen):
    """Opens the app; enter starts (or resumes) the lesson, and every mode key works from here too."""

    BINDINGS = [Binding("enter", "app.lesson", "Begin the lesson",
                        tooltip="Start the lesson, or resume it where you left it (1–9 explore freely)")]

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="welcome"):
            with Center():
                yield Static(WHAT, id="welcome-what")
            keys = "\n".join([f"  [b reverse] 0 [/]  [b]{'Lesson':<9}[/b] a guided path: predict, then run, about 12 minutes",
                              *(f"  [b reverse] {m.key} [/]  [b]{m.title:<9}[/b] {m.summary}" for m in MODE_LIST)])
            with Center():
                yield Static(f"[b]Modes[/b]\n{keys}\n\n  [b reverse] ? [/]  every key    "
                             "[b reverse] ctrl+p [/]  commands    [b reverse] q [/]  quit\n\n"
                             "[b]Press enter for the lesson[/b] (about 12 minutes, every step a real run; "
                             "it resumes where you left it), or a number to explore on your own.",
                             id="welcome-keys")
        yield ModeFooter(compact=True)
