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
        self.process = subprocess.Popen([sys.executable, "-m", "wdtui", *args], stdin=slave, stdout=slave,
                                        stderr=slave, env=env, start_new_session=True)
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

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)
