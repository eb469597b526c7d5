"""The footer every screen shows: Textual's, rebuilt only when the keys it shows change.

Textual's Footer rebuilds all its keys on every bindings update. That happens twice per mode
switch, for about twenty keys each, every one of them mounted and styled again. While a run
trained, that was the UI thread's largest cost (benchmarks/bench_app.py). It took 43 ms median
per rebuild, and over 600 ms at worst on a loaded machine. A key pressed meanwhile waited for it. Coming
back to a mode shows the keys it showed before, so this footer keeps them.
"""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer


class ModeFooter(Footer):
    """A Footer that recomposes only when what it would show differs from what it shows."""

    _shown: tuple[Any, ...] | None = None

    def _keys(self, screen: Screen) -> tuple[Any, ...]:
        """What compose reads of the screen's bindings: each one's key, words, state and group."""
        return tuple((binding.key, binding.description, binding.action, enabled, tooltip, binding.group, binding.show)
                     for _, binding, enabled, tooltip in screen.active_bindings.values())

    def compose(self) -> ComposeResult:
        self._shown = self._keys(self.screen) if self._bindings_ready else None
        yield from super().compose()

    def bindings_changed(self, screen: Screen) -> None:
        if self._shown is not None and screen is self.screen and self._keys(screen) == self._shown:
            return
        super().bindings_changed(screen)
