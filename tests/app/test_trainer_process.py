"""The trainer is a process of the app's own: the app never imports torch, and however either
of them ends, nothing is lost and nothing is left behind.

These tests start the real process (the rest of the suite serves the trainer's pipe from a
thread of the test's process, see conftest.py): a whole session in a fresh interpreter, the
trainer killed mid-run, and the app ended by q, Ctrl+C, SIGTERM and kill -9 in a real terminal.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.store.database import open_store
from wdtui.trainer import client
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState

from app_helpers import SIZE, wait_for
from terminal import Terminal

SHARED = Path(__file__).parents[1]  # tests/, where the shared helpers live


def alive(pid: int) -> bool:
    """True while `pid` runs (a zombie, dead but not yet reaped, counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(c) for c in (task / "children").read_text().split()]
    return found


def gone_within(pid: int, seconds: float) -> float | None:
    """Seconds until `pid` ended, or None if it still runs after `seconds`."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if not alive(pid):
            return time.monotonic() - start
        time.sleep(0.01)
    return None


def test_a_whole_session_never_brings_torch_into_the_apps_process(data_dir):
    done = subprocess.run([sys.executable, str(SHARED / "trainer_session.py")], capture_output=True, text=True,
                          timeout=240, env={**os.environ, "WDTUI_DATA_DIR": str(data_dir)})
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["epochs"] == 6 and seen["lambda"] == 0.02 and seen["twins"] == 6 and seen["sweep"] > 1
    assert seen["traced"]  # Inspect's other rows were traced by the trainer
    assert seen["torch_imported"] is False and seen["libtorch_mapped"] is False
    assert not alive(seen["trainer"])  # and the trainer ended with the app


async def test_a_killed_trainer_is_said_in_one_line_the_run_kept_and_the_next_run_gets_a_new_one(monkeypatch):
    monkeypatch.setattr(client, "IN_PROCESS", False)
    app = create_app(RunConfig(rows=50_000, batch_size=4, epochs=50))  # epochs of seconds: it dies mid-run
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY, timeout=120)
        first = app.trainer.pid
        await pilot.press("2", "space")
        for _ in range(1200):  # until the run is in the store: from its first trained epoch
            if app.session.epochs and open_store().list():
                break
            await pilot.pause(0.05)
        os.kill(first, signal.SIGKILL)
        await wait_for(pilot, RunState.FAILED, timeout=30)
        error = app.session.error
        assert error.startswith("The trainer process was killed (SIGKILL): what had trained is kept") and "\n" not in error
        assert "Press r for a new run." in error
        await pilot.press("r")
        await wait_for(pilot, RunState.READY, timeout=120)
        assert app.trainer.pid not in (None, first) and alive(app.trainer.pid)
        app.apply_config(app.session.config.replace(rows=400, batch_size=32, epochs=2))
        await wait_for(pilot, RunState.READY, timeout=120)
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED, timeout=120)
    runs = open_store().list()
    statuses = sorted(r.status for r in runs)
    assert statuses == ["finished", "incomplete"]  # the killed one, as far as it had trained


@pytest.mark.parametrize("how", ["q", "ctrl+c", "SIGTERM", "SIGKILL"])
def test_the_trainer_ends_within_a_second_of_the_app_however_the_app_ends(how):
    term = Terminal("--preset", "overfit", "--epochs", "100000")
    try:
        term.start_training(timeout=60)  # training in the trainer
        (trainer,) = children(term.process.pid)
        assert alive(trainer)
        if how in ("q", "ctrl+c"):
            term.press("q" if how == "q" else "\x03")
        else:
            os.kill(term.process.pid, getattr(signal, how))
        deadline = time.monotonic() + 10
        while term.process.poll() is None and time.monotonic() < deadline:
            term.read(0.01)  # the app draws as it leaves: someone must read the terminal
        assert term.process.poll() is not None, "the app did not end"
        took = gone_within(trainer, 5.0)
        assert took is not None and took < 1.0, f"the trainer was left running ({took})"
        with pytest.raises(ProcessLookupError):
            os.killpg(term.process.pid, 0)
    finally:
        term.close()
