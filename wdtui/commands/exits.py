"""How the commands end: their exit statuses, and leaving at once.

Standard library only, so `wdtui --help` pays for nothing here.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import NoReturn

BAD_INPUT = 2  # a bad option or file: one line on stderr, nothing done
DIVERGED = 1  # training diverged: one line on stderr saying where
INTERRUPTED = 130  # Ctrl+C, as a shell reports a command SIGINT ended (128 + 2)


# Set by Ctrl+C in `wdtui trace` and `wdtui sweep` (see catch_ctrl_c); their runs' Control holds it.
interrupted = threading.Event()


def catch_ctrl_c() -> None:
    """Ctrl+C sets `interrupted` as well as raising KeyboardInterrupt. A KeyboardInterrupt raised
    inside a library can be swallowed there (seen once under load: SIGINT during torch's import,
    and the run went on training); the run's engine then stops at its next step anyway."""

    def on_sigint(signum: int, frame: object) -> None:
        interrupted.set()
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_sigint)


def leave(status: int) -> NoReturn:
    """Exit now with `status`, skipping the interpreter's teardown: torch's takes 0.8 s, and a
    torch import cut short by Ctrl+C can turn it into a death by SIGINT, losing the status."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
