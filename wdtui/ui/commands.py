"""Command palette (ctrl+p): every mode, every app action, the current mode's own, and the presets.

Made from the app's own BINDINGS, so the palette, the footer and the help screen can
never disagree about what exists.
"""

from __future__ import annotations

from functools import partial
from typing import Iterator

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from ..core.presets import PRESETS


class WdtuiCommands(Provider):
    """Modes ("Mode 2: Train"), actions ("Start/pause") and presets, each with its key or purpose."""

    def _commands(self) -> Iterator[tuple[str, str, partial]]:
        seen: set[str] = set()
        # The app's keys, then those of the screen the palette was opened on (say, the Sweep
        # mode's "Apply best λ"). A screen's "app.…" keys are the app's own, listed already.
        own = [b for b in vars(type(self.screen)).get("BINDINGS", [])
               if isinstance(b, Binding) and not b.action.startswith("app.")]
        for binding, target in [*((b, self.app) for b in self.app.BINDINGS), *((b, self.screen) for b in own)]:
            if not isinstance(binding, Binding) or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            name = binding.description
            if binding.action.startswith("switch_mode"):
                name = f"Mode {binding.key}: {name}"
            key = self.app.get_key_display(binding)
            yield name, f"{key} — {binding.tooltip}", partial(self.app.run_action, binding.action, target)
        for preset in PRESETS.values():
            yield f"Preset: {preset.name}", preset.summary, partial(self.app.run_action, f"preset('{preset.name}')")

    async def discover(self) -> Hits:
        for name, help_text, command in self._commands():
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self._commands():
            score = max(matcher.match(name), matcher.match(help_text) * 0.5)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
