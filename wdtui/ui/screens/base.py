"""What every mode screen shares: redrawing from the jobs' states, and room for the lesson's panel.

A screen redraws when `app.run_version` moves. It makes room for the lesson's panel around the
region the open step is about.

A screen that is not on display only notes that it is stale, and redraws when it is shown
again. While a job trains (the run, Compare's twins, a sweep), the visible screen redraws at
most every FOLLOW_EVERY seconds (core/pace.py; FOLLOW_EVERY_INSTANT at pace instant). The UI
thread shares the GIL with training. A redraw per record would slow training down to half
speed: there are twenty step records a second, and short epochs come faster still. Any other
change (a pause, the end of the run, a key) redraws at once.

The lesson: a screen names its regions (FOCUS, the lesson file's names for its widgets). It
says what room a step's focus needs (`focus_need`). `place_lesson` puts the panel where that
room is left whole (widgets/lesson_panel.place). Then the screen lays itself out in what is left
for the mode (`arrange_focus`), giving the focus the room first.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, cast

from textual.binding import Binding
from textual.geometry import Size
from textual.screen import Screen
from textual.timer import Timer

from ...core.pace import follow_every
from ...lesson.regions import PANEL
from ..session import RunState
from ..widgets.lesson_panel import PANEL_WIDTH, LessonPanel, Place, place

if TYPE_CHECKING:
    from ..app import WdtuiApp
    from ..session import Session


class ModeScreen(Screen):
    """Base of the mode screens: subclasses implement `refresh_view`, and name their regions
    and lay themselves out around a focus (`FOCUS`, `focus_need`, `arrange_focus`)."""

    BINDINGS = [Binding("p", "app.lesson_read", "Read step", tooltip="Read the lesson's step whole, over the mode "
                                                                     "(p or esc folds it again)")]
    FOCUS: dict[str, str] = {}
    """The lesson's names of this mode's regions (lesson/regions.py) → the selector of each one's widgets."""
    NEED = Size(80, 20)
    """The room the mode needs beside the lesson panel when the step is about another mode."""

    _placed: tuple[object, ...] = ()
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

    def on_resize(self) -> None:
        self._settle_lesson()

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
        self._settle_lesson(redrawn=True)

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self._redraw()
        else:
            self._settle_lesson()

    def _settle_lesson(self, redrawn: bool = False) -> None:
        """Place the lesson's panel; one that covers the mode, or waits for a prediction, takes the keys.

        A mode shown again, or a terminal resized, may leave the panel open over the mode. With
        the keys still on a widget under it, esc (which folds it) went to that widget instead."""
        if not self.is_mounted or not (found := self.query(LessonPanel)):
            return
        panel = found.first()
        if not self.place_lesson(panel) and redrawn:
            panel.show()
        if panel.display and not panel.has_focus and (panel.check_action("predict", (0,)) or panel.has_class("-open")):
            panel.focus()  # a prediction first (a–d go to the panel until it is made), or esc to fold it

    # The lesson's panel and the step's focus -----------------------------------------------

    def lesson_focus(self) -> tuple[str, ...]:
        """The regions of this mode the open step is about (none when it is about another mode)."""
        app = self.wdtui
        step = app.step
        if not app.lesson_open or step is None or (app.MODES.get(step.mode) is not type(self) and PANEL not in step.focus):
            return ()
        return step.focus

    def place_lesson(self, panel: LessonPanel) -> bool:
        """Put the lesson panel where the step's focus keeps its room, and lay the mode out in what is left.

        True when anything moved (the panel was drawn again)."""
        app = self.wdtui
        area = Size(self.size.width, max(0, self.size.height - 2))  # between the header and the footer
        focus = self.lesson_focus()
        shown = app.lesson_open and app.step is not None
        if shown:
            regions = tuple(f for f in focus if f != PANEL)
            need = self.focus_need(regions, area) if regions else self.NEED
            text_rows, strip_rows = panel.rows(area.width)
            if PANEL in focus:  # read in the panel itself: does its text fit beside the mode?
                text_rows = panel.rows(PANEL_WIDTH)[0]
            placed = place(area, need, PANEL in focus, app.lesson_reading, app.awaiting_prediction,
                           text_rows, strip_rows)
        else:
            placed = None
        key = (placed, focus, area)
        if key == self._placed:
            return False
        self._placed = key
        if placed is not None:
            panel.set_place(placed)
        # Under an open panel the mode has no rows to lay out: no scrollbar for what it cannot show.
        self.set_class(placed is not None and placed.where == "open", "-covered")
        self.set_class(placed is not None and placed.where == "beside", "-lesson-beside")  # toasts fit the panel
        self.arrange_focus(focus, self.room(area, placed))
        return placed is not None

    @staticmethod
    def room(area: Size, placed: Place | None) -> Size:
        """What the panel leaves of `area` for the mode."""
        if placed is None:
            return area
        if placed.where == "beside":
            return Size(area.width - placed.size, area.height)
        return Size(area.width, max(0, area.height - placed.size))

    def focus_need(self, focus: tuple[str, ...], area: Size) -> Size:
        """The room (columns, rows) the mode needs to show the regions `focus` whole."""
        return self.NEED

    def arrange_focus(self, focus: tuple[str, ...], room: Size) -> None:
        """Lay the mode out in `room` (columns, rows), the regions `focus` first; no focus: the
        mode's own layout for that room."""

    def refresh_view(self) -> None:
        """Show the jobs' states as they are now."""
        raise NotImplementedError
