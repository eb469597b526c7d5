"""What every mode screen shares: redraw from `app.session` when `app.run_version` moves.

A screen that is not on display only notes that it is stale and redraws when it is shown
again, so twenty step messages a second cost one redraw of the visible screen, not of all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.screen import Screen

if TYPE_CHECKING:
    from ..app import WdtuiApp
    from ..session import Session


class ModeScreen(Screen):
    """Base of the mode screens: subclasses implement `refresh_view`."""

    _stale = False

    @property
    def wdtui(self) -> "WdtuiApp":
        return cast("WdtuiApp", self.app)

    @property
    def session(self) -> "Session":
        return self.wdtui.session

    def on_mount(self) -> None:
        self.watch(self.app, "run_version", self._run_changed)

    def _run_changed(self) -> None:
        if self.is_current:
            self.refresh_view()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale:
            self._stale = False
            self.refresh_view()

    def refresh_view(self) -> None:
        """Show `self.session` as it is now."""
        raise NotImplementedError
