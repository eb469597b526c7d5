"""What every mode screen shares: redraw from the jobs' states when `app.run_version` moves.

A screen that is not on display only notes that it is stale and redraws when it is shown
again. While a job trains (the run, Compare's twins, a sweep), the visible screen redraws at
most every FOLLOW_EVERY seconds (core/pace.py; FOLLOW_EVERY_INSTANT at pace instant): the UI
thread shares the GIL with training, and a redraw per record (twenty step records a second, and
short epochs faster still) would slow training down to half speed. Any other change (a pause,
the end of the run, a key) redraws at once.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from textual.screen import Screen
from textual.timer import Timer

from ...core.pace import follow_every
from ..session import RunState
from ..widgets.lesson_panel import LessonPanel

if TYPE_CHECKING:
    from ..app import WdtuiApp
    from ..session import Session


class ModeScreen(Screen):
    """Base of the mode screens: subclasses implement `refresh_view`."""

    _stale = False
    _last_redraw = 0.0
    _redraw_due: Timer | None = None

    @property
    def wdtui(self) -> "WdtuiApp":
        return cast("WdtuiApp", self.app)

    @property
    def session(self) -> "Session":
        return self.wdtui.session

    def on_mount(self) -> None:
        self.sub_title = self.wdtui.mode_title(type(self))  # the header names the mode on display
        self.mount(LessonPanel(id="lesson-panel"), before=0)  # docked beside the mode, between header and footer
        self.watch(self.app, "run_version", self._run_changed)

    def _run_changed(self) -> None:
        if not self.is_current:
            self._stale = True
        elif not self._training():
            self._redraw()
        elif self._redraw_due is None:
            wait = self._last_redraw + follow_every(self.wdtui.pace.instant) - time.monotonic()
            if wait <= 0:
                self._redraw()
            else:
                self._redraw_due = self.set_timer(wait, self._redraw)

    def _training(self) -> bool:
        """True while a job's worker trains: the run, the Compare twins or a sweep."""
        app = self.wdtui
        return RunState.TRAINING in (self.session.state, app.twins and app.twins.state, app.sweep and app.sweep.state)

    def _redraw(self) -> None:
        if self._redraw_due is not None:
            self._redraw_due.stop()
            self._redraw_due = None
        self._last_redraw = time.monotonic()
        self.refresh_view()
        panel = self.query_one(LessonPanel)
        panel.show()
        if panel.display and panel.check_action("predict", (0,)) and not panel.has_focus:
            panel.focus()  # a prediction first: a–d go to the panel until it is made

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._redraw()

    def refresh_view(self) -> None:
        """Show the jobs' states as they are now."""
        raise NotImplementedError
