"""A real `wdtui serve` in a subprocess, for the serve tests.

The server starts in a session of its own, so every app process it spawns (one per tab) is
found through /proc by that session id — no psutil — and a leftover app is caught even if
it was re-parented after the server exited.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_pids(sid: int) -> set[int]:
    """Live (non-zombie) processes in session `sid`."""
    found = set()
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # it exited while we looked
            continue
        state, _ppid, _pgrp, session = stat[stat.rindex(")") + 2:].split()[:4]
        if int(session) == sid and state != "Z":
            found.add(int(entry))
    return found


def wait_for(check, timeout: float, what: str):
    """Poll `check()` until it returns something truthy; fail with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.05)


# Runs the server's argv after asking Linux for SIGTERM when pytest dies: a test run killed
# from outside (a timeout) then still stops its server, which stops its apps.
_DIE_WITH_PARENT = ("import ctypes, os, signal, sys; ctypes.CDLL(None).prctl(1, signal.SIGTERM); "  # PR_SET_PDEATHSIG
                    "os.execv(sys.executable, [sys.executable, *sys.argv[1:]])")


class ServeProcess:
    """`python -m wdtui serve --port P …options` with its output collected in a file; or, given
    `command`, the same server serving that shell command instead of the app (quit grace 1 s)."""

    def __init__(self, tmp_path: Path, *options: str, command: str | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = tmp_path / "serve.log"
        self._log_file = self.log.open("wb")
        if command is None:
            argv = ["-m", "wdtui", "serve", "--port", str(self.port), *options]
        else:
            argv = ["-c", f"from wdtui.commands.serve import run_server; "
                          f"run_server({command!r}, '127.0.0.1', {self.port}, grace=1)"]
        self.proc = subprocess.Popen([sys.executable, "-c", _DIE_WITH_PARENT, *argv], stdout=self._log_file,
                                     stderr=subprocess.STDOUT, start_new_session=True)
        wait_for(self._listening, 15, f"the server to listen on {self.url}\n{self.output()}")

    def _listening(self) -> bool:
        assert self.proc.poll() is None, f"the server exited early:\n{self.output()}"
        with socket.socket() as sock:
            return sock.connect_ex(("127.0.0.1", self.port)) == 0

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def apps(self) -> set[int]:
        """The app processes (and their shells) the server started: its session minus itself."""
        return session_pids(self.proc.pid) - {self.proc.pid}

    def interrupt(self, *, group: bool, timeout: float = 15) -> int:
        """SIGINT to the server's process group, as Ctrl+C in its terminal sends it, or to the
        server alone (`kill -INT`), which must then end its apps itself; its exit status."""
        if group:
            os.killpg(self.proc.pid, signal.SIGINT)
        else:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"the server did not stop within {timeout} s of SIGINT:\n"
                                 f"{self.output()}") from None

    def close(self) -> None:
        """Kill whatever is left (after a failed test), then close the log."""
        for pid in session_pids(self.proc.pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._log_file.close()
