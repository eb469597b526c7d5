"""Run `wdtui` in a real pseudo-terminal, as a user's shell would, for tests that need the
whole process: quitting time, terminal sizes, what is left behind."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time


class Terminal:
    def __init__(self, *args: str, size: tuple[int, int] = (120, 40)) -> None:
        self.master, slave = pty.openpty()
        cols, rows = size
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": str(cols), "LINES": str(rows)}
        # The pty is the process's controlling terminal, as a shell's is: Ctrl+C typed before the
        # app takes the terminal over (or at a prompt) is SIGINT, and after it a key.
        self.process = subprocess.Popen([sys.executable, "-m", "wdtui", *args], stdin=slave, stdout=slave,
                                        stderr=slave, env=env, start_new_session=True,
                                        preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.output = b""

    def read(self, seconds: float = 0.05) -> None:
        while True:
            ready, _, _ = select.select([self.master], [], [], seconds)
            if not ready:
                return
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the other side closed: the app has gone
                return
            if not chunk:
                return
            self.output += chunk

    def start_training(self, timeout: float = 30.0) -> None:
        """From the welcome, the run's Pipeline (enter would start the lesson, which sets up its
        own), then space; back once the Metrics card says training is running (`timeout` for it)."""
        self.wait_for("Modes")
        self.press("1")
        self.wait_for("Data in")
        self.press(" ")
        self.wait_for("after epoch", timeout)

    def wait_for(self, text: str, timeout: float = 30.0) -> None:
        """Read until `text` has been drawn (escape sequences between characters count)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.read()
            if text.encode() in self.output:
                return
            if self.process.poll() is not None:
                raise AssertionError(f"wdtui exited ({self.process.returncode}) before showing {text!r}")
        raise AssertionError(f"{text!r} not shown within {timeout} s")

    def press(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def exit_status(self, timeout: float = 20.0) -> int:
        """Read until the process has ended; its exit status."""
        deadline = time.monotonic() + timeout
        while self.process.poll() is None:
            assert time.monotonic() < deadline, f"wdtui still running {timeout} s later"
            self.read(0.02)
        self.read(0.1)
        return self.process.returncode

    def text(self) -> str:
        return self.output.decode(errors="replace")

    def left_clean(self) -> None:
        """The terminal as the process found it: echo and line editing on, and every mode the app
        turned on (the alternate screen, mouse tracking, bracketed paste) turned off again."""
        lflag = termios.tcgetattr(self.master)[3]
        assert lflag & termios.ECHO and lflag & termios.ICANON, "the terminal was left raw"
        for on, off in ((b"\x1b[?1049h", b"\x1b[?1049l"), (b"\x1b[?1000h", b"\x1b[?1000l"),
                        (b"\x1b[?2004h", b"\x1b[?2004l")):
            assert self.output.rfind(on) <= self.output.rfind(off), f"{on!r} left on"

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
