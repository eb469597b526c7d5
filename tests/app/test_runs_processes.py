"""The run store with real `wdtui` processes: one killed with SIGKILL mid-run, and the app and a
`wdtui trace` recording at the same time."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from wdtui.core.config import RunConfig
from wdtui.store.database import open_store
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState

from app_helpers import SIZE, wait_for
from helpers import run_cli


def trace(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "wdtui", "trace", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=os.environ.copy())


def epochs_recorded(db: Path, status: str = "running") -> int:
    """Epochs recorded so far by the (one) run with `status`, read without writing anything."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        row = conn.execute("SELECT (SELECT count(*) FROM epochs WHERE run_id = runs.id) FROM runs "
                           "WHERE status = ? ORDER BY id DESC LIMIT 1", (status,)).fetchone()
    except sqlite3.OperationalError:  # not made yet
        return 0
    finally:
        conn.close()
    return row[0] if row else 0


def wait_until(check, child: subprocess.Popen[str], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert child.poll() is None, child.communicate()[1]
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_kill_9_mid_trace(capsys, data_dir):
    assert run_cli(capsys, "trace", "--epochs", "2", "--json")[0] == 0
    with open_store() as store:
        (earlier,) = store.list()
        before = store.get(earlier.id)
    db = data_dir / "runs.sqlite3"
    child = trace("--epochs", "100000")
    try:
        wait_until(lambda: epochs_recorded(db) >= 4, child)  # epoch 0, then three trained
    finally:
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    conn.close()
    with open_store() as store:
        killed, kept = store.list()
        assert kept.id == earlier.id and store.get(earlier.id) == before
        assert killed.status == "incomplete" and killed.epochs_done >= 3 and killed.ended is None
        whole = store.get(killed.id)
        assert [e["epoch"] for e in whole.epochs] == list(range(0, killed.epochs_done + 1))
        assert whole.report is None and killed.final["train_loss"] == whole.epochs[-1]["train_loss"]


async def test_the_app_and_a_trace_recording_at_once_both_land(data_dir):
    """The trace trains for as long as the app's run takes, then Ctrl+C stops it: how fast either is
    does not decide whether they overlap (a 12-epoch trace once finished first on CI)."""
    db = data_dir / "runs.sqlite3"
    child = trace("--batch-size", "4", "--epochs", "100000", "--json")
    try:
        wait_until(lambda: epochs_recorded(db) >= 1, child)  # the trace is recording
        app = create_app(RunConfig(epochs=8))
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, RunState.READY)
            await pilot.press("space")
            await wait_for(pilot, RunState.FINISHED)
        assert child.poll() is None, "the trace stopped while the app's run was training"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        child.kill()  # never left training for its 100,000 epochs if this test fails
    assert child.returncode == 130 and out == "", err
    stopped_at = int(err.split()[-1])
    with open_store() as store:
        app_run, trace_run = sorted(store.list(), key=lambda r: r.config["epochs"])
        assert (app_run.status, app_run.epochs_done) == ("finished", 8)
        assert [e["epoch"] for e in store.get(app_run.id).epochs] == list(range(9))
        assert trace_run.status == "stopped" and trace_run.epochs_done >= 1
        assert [e["epoch"] for e in store.get(trace_run.id).epochs] == list(range(trace_run.epochs_done + 1))
        assert trace_run.epochs_done == stopped_at  # every epoch it trained was kept
