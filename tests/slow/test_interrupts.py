"""Interruptions of the commands, as real processes get them: SIGTERM mid-run, Ctrl+C while the
output blocks on a reader that stopped reading, a reader that goes away (a broken pipe), Ctrl+C
and Ctrl+D at `wdtui runs delete`'s question, Ctrl+C while `runs tensorboard` writes. Each ends
with one line that says what happened, a status a shell understands, and no traceback.
(Ctrl+C from the app's first moment and SIGTERM to the app: test_quit.py; serve: test_serve.py.)"""

from __future__ import annotations

import fcntl
import signal
import sqlite3
import struct
import subprocess
import sys
import termios
import time

import pytest

from terminal import Terminal
from wdtui.store.paths import database_path

PIPE_SIZE = 4096  # the smallest a pipe can be: any output larger than this blocks an unread pipe


def wdtui(*args: str, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "wdtui", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, **kwargs)


def until(check, what: str, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def stored(query: str, empty):
    """What `query` finds in the run store (`empty` while there is none, or no table yet)."""
    if not database_path().exists():
        return empty
    try:
        with sqlite3.connect(database_path()) as db:
            return db.execute(query).fetchall()
    except sqlite3.OperationalError:  # the writer is making the schema
        return empty


def statuses() -> list[str]:
    return [status for (status,) in stored("SELECT status FROM runs ORDER BY id", [])]


def epochs_stored() -> int:
    return stored("SELECT count(*) FROM epochs WHERE epoch > 0", [(0,)])[0][0]


def blocked_writing(process: subprocess.Popen) -> bool:
    """Whether `process` has filled its stdout pipe (shrunk to PIPE_SIZE): it blocks writing."""
    fd = process.stdout.fileno()
    fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, PIPE_SIZE)
    assert process.poll() is None, process.stderr.read().decode()
    return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0" * 4))[0] >= PIPE_SIZE


def ended(process: subprocess.Popen, timeout: float = 60) -> tuple[int, str]:
    """The exit status and stderr of `process` (killed if it outlives `timeout`); what it still
    wrote on stdout in `process.rest`."""
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        process.kill()
    process.rest = out
    return process.returncode, err.decode()


@pytest.mark.parametrize("command", ["trace", "sweep"])
def test_sigterm_mid_run_is_one_line_status_143_and_the_run_kept_stopped(command):
    """Before: the process died silently (status −15) and its runs stayed "running"."""
    process = wdtui(command, "--json", "--epochs", "100000", *(["--points", "2"] if command == "sweep" else []))
    try:
        until(lambda: epochs_stored() >= 1, "an epoch to be stored")
        process.terminate()
        status, err = ended(process)
    finally:
        process.kill()
    assert status == 143 and err.startswith("wdtui: stopped at epoch ") and err.endswith(" (SIGTERM)\n"), err
    assert err.count("\n") == 1 and process.rest == b""  # never half a JSON document
    assert set(statuses()) == {"stopped"}


@pytest.mark.parametrize("as_json", [True, False], ids=["--json", "tables"])
def test_ctrl_c_while_the_output_blocks_says_the_run_finished(as_json):
    """The reader stopped reading: the run is done and kept, its output blocked. Before: "stopped at
    epoch 0", of a run that had finished (and, for the tables, a traceback)."""
    process = wdtui("trace", "--epochs", "2", *(["--json"] if as_json else []))
    until(lambda: blocked_writing(process), "the output to fill its pipe")
    process.send_signal(signal.SIGINT)
    status, err = ended(process)
    assert status == 130 and err == "wdtui: the run finished at epoch 2, but Ctrl+C stopped its output part-way\n"
    assert statuses() == ["finished"]


@pytest.mark.parametrize("as_json", [True, False], ids=["--json", "tables"])
def test_a_reader_that_goes_away_is_one_line_and_status_141(as_json):
    """`wdtui trace … | head -c 100`: the pipe breaks. Before: a BrokenPipeError traceback (--json),
    or status 1 and no word (the tables)."""
    process = wdtui("trace", "--epochs", "2", *(["--json"] if as_json else []))
    until(lambda: blocked_writing(process), "the output to fill its pipe")
    process.stdout.read(100)
    process.stdout.close()
    status, err = ended(process)
    assert status == 141 and err == ("wdtui: the run finished at epoch 2, but the reader of the output stopped "
                                     "reading (broken pipe); the output is incomplete\n")
    assert statuses() == ["finished"]


@pytest.fixture
def sweep_stored():
    """41 runs in the store, one sweep's."""
    done = subprocess.run([sys.executable, "-m", "wdtui", "sweep", "--points", "40", "--epochs", "2", "--json"],
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert len(statuses()) == 41


def test_ctrl_c_while_runs_json_blocks_is_one_line_and_130(sweep_stored):
    process = wdtui("runs", "--json")
    until(lambda: blocked_writing(process), "the listing to fill its pipe")
    process.send_signal(signal.SIGINT)
    assert ended(process) == (130, "wdtui runs: stopped (Ctrl+C)\n")


def test_a_reader_of_runs_json_that_goes_away_is_one_line_and_141(sweep_stored):
    process = wdtui("runs", "--json")
    until(lambda: blocked_writing(process), "the listing to fill its pipe")
    process.stdout.close()
    assert ended(process) == (141, "wdtui runs: the reader of the output stopped reading (broken pipe); "
                                   "the output is incomplete\n")


def test_ctrl_c_while_runs_tensorboard_writes_is_one_line_and_130(sweep_stored, tmp_path):
    """Before: a KeyboardInterrupt traceback."""
    logs = tmp_path / "logs"
    process = wdtui("runs", "tensorboard", "1-41", str(logs))
    until(lambda: logs.exists() and any(logs.rglob("events.*")), "the first event file", timeout=120)
    process.send_signal(signal.SIGINT)
    assert ended(process) == (130, "wdtui runs tensorboard: stopped (Ctrl+C)\n")


@pytest.mark.parametrize("key, status, says", [("\x04", 0, "Nothing deleted."),
                                                ("\x03", 130, "wdtui runs delete: stopped (Ctrl+C): nothing deleted")],
                         ids=["ctrl+d", "ctrl+c"])
def test_ctrl_d_or_ctrl_c_at_the_delete_question_deletes_nothing(key, status, says):
    """Before: an EOFError or a KeyboardInterrupt traceback."""
    done = subprocess.run([sys.executable, "-m", "wdtui", "trace", "--epochs", "1", "--json"], capture_output=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    term = Terminal("runs", "delete", "1")
    try:
        term.wait_for("[y/N]")
        term.press(key)
        assert term.exit_status() == status
        asked, _, answered = term.text().rpartition("[y/N] ")
        assert asked and answered in (f"\r\n{says}\r\n", f"^C\r\n{says}\r\n"), term.text()  # the tty echoes ^C
        assert "Traceback" not in term.text()
    finally:
        term.close()
    assert statuses() == ["finished"]
