"""How the commands end: their exit statuses, and leaving at once.

Standard library only, so `wdtui --help` pays for nothing here.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

BAD_INPUT = 2  # a bad option or file: one line on stderr, nothing done
DIVERGED = 1  # training diverged: one line on stderr saying where
INTERRUPTED = 130  # Ctrl+C, as a shell reports a command SIGINT ended (128 + 2)


def leave(status: int) -> NoReturn:
    """Exit now with `status`, skipping the interpreter's teardown: torch's takes 0.8 s, and a
    torch import cut short by Ctrl+C can turn it into a death by SIGINT, losing the status."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
