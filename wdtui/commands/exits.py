"""How the commands end: their exit statuses, interruptions, and leaving at once.

Standard library only, so `wdtui --help` pays for nothing here. Every way a command can be cut
short ends with one line on stderr and a status a shell understands, never a traceback:
- Ctrl+C (130) and SIGTERM (143), whenever they come, from the interpreter's first import of wdtui on;
- a reader of the output that goes away (141, as if SIGPIPE had ended the command).
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Callable, NoReturn

BAD_INPUT = 2  # a bad option or file: one line on stderr, nothing done
DIVERGED = 1  # training diverged: one line on stderr saying where
INTERRUPTED = 130  # Ctrl+C, as a shell reports a command SIGINT ended (128 + 2)
TERMINATED = 143  # SIGTERM (kill, a supervisor stopping the command): 128 + 15
PIPE_CLOSED = 141  # the output's reader went away: as a shell reports a command SIGPIPE ended (128 + 13)
STOPPED = (INTERRUPTED, TERMINATED)


# Set by Ctrl+C or SIGTERM in `wdtui trace` and `wdtui sweep` (see catch_interrupts); their
# runs' Control holds it. `received` is the signal that set it.
interrupted = threading.Event()
received = signal.SIGINT


def catch_interrupts() -> None:
    """Ctrl+C and SIGTERM set `interrupted` and raise KeyboardInterrupt.

    So both end a command the same way: its run kept "stopped", and one line. A KeyboardInterrupt
    raised inside a library can be swallowed there. That was seen once under load: SIGINT came
    during torch's import, and the run went on training. The run's engine then stops at its next
    step anyway."""

    def on_signal(signum: int, frame: object) -> None:
        global received
        received = signal.Signals(signum)
        interrupted.set()
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, on_signal)


def stopped_status() -> int:
    """The exit status of a command an interruption stopped: 130 for Ctrl+C, 143 for SIGTERM."""
    return TERMINATED if received == signal.SIGTERM else INTERRUPTED


def by_whom() -> str:
    """What stopped the command, for its line: "Ctrl+C" or "SIGTERM"."""
    return "SIGTERM" if received == signal.SIGTERM else "Ctrl+C"


def say(prog: str, line: str) -> None:
    print(f"{prog}: {line}", file=sys.stderr, flush=True)


def stopped_at(epoch: int) -> int:
    """A run cut short by Ctrl+C or SIGTERM: one line, "stopped at epoch N", and its status."""
    say("wdtui", f"stopped at epoch {epoch}" + (" (SIGTERM)" if received == signal.SIGTERM else ""))
    return stopped_status()


def write_output(write: Callable[[], int | None], prog: str = "wdtui", done: str = "") -> int:
    """Write a command's output with `write` (its status, or None for 0), once its work is `done`.

    `done` is what the line says of the work: "the run finished at epoch 5". The output may be cut
    short by Ctrl+C or SIGTERM, as when it blocks on a reader that stopped reading. Or the reader
    may go away (a broken pipe). Either way it ends with a line saying so, and that status.
    Then stdout points at /dev/null, so that neither leaving nor the interpreter's last flush
    blocks again or complains."""
    try:
        status = write() or 0
        sys.stdout.flush()
        return status
    except KeyboardInterrupt:
        _drop_stdout()
        say(prog, f"{done}, but {by_whom()} stopped its output part-way" if done else f"stopped ({by_whom()})")
        return stopped_status()
    except BrokenPipeError:
        _drop_stdout()
        cut = "the reader of the output stopped reading (broken pipe)"
        say(prog, f"{done}, but {cut}; the output is incomplete" if done else f"{cut}; the output is incomplete")
        return PIPE_CLOSED


def write_all(text: str) -> None:
    """Put `text` on stdout whole (a JSON document).

    A write to a pipe may take only part of it (a signal, a reader gone). A raw stdout
    (PYTHONUNBUFFERED) then drops the rest without a word. This writes until every byte is out,
    or raises BrokenPipeError when the reader is gone."""
    try:
        fd = sys.stdout.fileno()
    except (AttributeError, OSError, ValueError):  # not a file (a test's capture): it takes it whole
        sys.stdout.write(text)
        return
    sys.stdout.flush()
    data = memoryview(text.encode(sys.stdout.encoding or "utf-8", sys.stdout.errors or "strict"))
    while data:
        data = data[os.write(fd, data):]


def _drop_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)


def leave(status: int) -> NoReturn:
    """Exit now with `status`, skipping the interpreter's teardown.

    Torch's teardown takes 0.8 s. And a torch import cut short by Ctrl+C can turn it into a death
    by SIGINT, losing the status."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except OSError:  # a reader gone: nothing more can reach it
            pass
    os._exit(status)
