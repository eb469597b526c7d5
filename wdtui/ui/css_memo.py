"""Parse each CSS source once per process, not once per new widget type and screen.

Textual (8.2.8, pinned) re-parses every source of the stylesheet whenever a widget type
brings its DEFAULT_CSS and whenever a screen is shown for the first time. The app's sources
do not change while it runs, so each parse repeats the last one. With app.tcss at 10 KB, one
parse is about a quarter of a second. The first visit to each mode paid it, and a test suite
that opens hundreds of apps paid it thousands of times.

`remember_parsed_css` wraps `Stylesheet._parse_rules` with a memo. The key holds everything
the parse reads: the text, where it came from, its scope and priority, and the variables
(the theme). A changed source or theme is a new key, so it is parsed afresh. Rules are never
changed after parsing, so one parse can serve every stylesheet built from the same source.
"""

from __future__ import annotations

from functools import wraps

from textual.css.stylesheet import Stylesheet


def remember_parsed_css() -> None:
    """Make Textual's stylesheet parse each (source, variables) pair only once."""
    parse = Stylesheet._parse_rules
    if getattr(parse, "remembers", False):
        return
    parsed: dict[tuple, list] = {}

    @wraps(parse)
    def parse_once(self: Stylesheet, css: str, read_from, is_default_rules: bool = False,
                   tie_breaker: int = 0, scope: str = "") -> list:
        key = (css, read_from, is_default_rules, tie_breaker, scope, tuple(sorted(self._variables.items())))
        if key not in parsed:
            parsed[key] = parse(self, css, read_from, is_default_rules, tie_breaker, scope)
        return list(parsed[key])  # the stylesheet extends its own list; the memo's stays whole

    parse_once.remembers = True  # type: ignore[attr-defined]
    Stylesheet._parse_rules = parse_once  # type: ignore[method-assign]
