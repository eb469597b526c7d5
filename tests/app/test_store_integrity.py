"""A run store that fails its check is never written, by any command: damage on any page (not
only the runs table's), a table or a column missing. Training goes on and says why in one line;
`wdtui runs` ends with that line and status 2. The check runs once per state of the file."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.store import check
from wdtui.store.database import StoreError, open_store

from helpers import run_cli
from runs_data import record


def filled(data_dir: Path, runs: int = 6) -> Path:
    """A store of a few runs of 30 epochs each (about 40 pages), closed: no write-ahead log."""
    with open_store() as store:
        for i in range(runs):
            record(store, RunConfig(weight_decay=0.001 * i), 30)
    db = data_dir / "runs.sqlite3"
    assert not Path(f"{db}-wal").exists()
    return db


def page_of(db: Path, page: int) -> None:
    """4 KB of random bytes over page `page` (1 is the first), as a failing disk might leave."""
    with sqlite3.connect(db) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(page - 1) * size:page * size] = random.Random(page).randbytes(size)
    db.write_bytes(bytes(data))


def middle_page(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        count = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.close()
    page_of(db, count // 2)


def altered(*statements: str):
    def alter(db: Path) -> None:
        with sqlite3.connect(db) as conn:
            for statement in statements:
                conn.execute(statement)
        conn.close()
    return alter


DAMAGE = {
    "a middle page": (middle_page, "is damaged"),
    "page 4": (lambda db: page_of(db, 4), "is damaged"),
    "no reports table": (altered("DROP TABLE reports"), "has no table 'reports'"),
    "a column dropped": (altered("ALTER TABLE epochs DROP COLUMN weights"), "no column 'weights' in its table 'epochs'"),
}


@pytest.fixture(params=list(DAMAGE))
def damaged(request, data_dir) -> tuple[Path, str]:
    db = filled(data_dir)
    spoil, says = DAMAGE[request.param]
    spoil(db)
    return db, says


def test_open_refuses_it_in_one_line_and_writes_nothing(damaged):
    db, says = damaged
    before = db.read_bytes()
    with pytest.raises(StoreError) as caught:
        open_store()
    assert says in str(caught.value) and "\n" not in str(caught.value) and str(db) in str(caught.value)
    assert db.read_bytes() == before


def test_trace_and_sweep_train_on_and_wdtui_runs_ends_with_status_2(damaged, capsys):
    db, says = damaged
    before = db.read_bytes()
    status, out, err = run_cli(capsys, "trace", "--epochs", "1", "--json")
    assert status == 0 and json.loads(out)["epochs"][-1]["epoch"] == 1
    assert err.count("\n") == 1 and err.startswith("wdtui: runs are not being recorded: ") and says in err
    status, out, err = run_cli(capsys, "sweep", "--epochs", "1", "--points", "2", "--json")
    assert status == 0 and len(json.loads(out)["points"]) == 3
    assert err.count("\n") == 1 and "not being recorded" in err and says in err
    for argv in (("runs",), ("runs", "--json"), ("runs", "show", "1"), ("runs", "delete", "1", "--yes")):
        status, out, err = run_cli(capsys, *argv)
        assert status == 2 and out == "" and err.count("\n") == 1 and says in err, (argv, err)
    assert db.read_bytes() == before


def test_a_real_trace_on_a_damaged_page_records_nothing(data_dir):
    """The issue's case, as a process: 4 KB of random bytes over a middle page (the runs table
    whole), and `wdtui trace` used to add a run without a word."""
    db = filled(data_dir)
    middle_page(db)
    before = db.read_bytes()
    done = subprocess.run([sys.executable, "-m", "wdtui", "trace", "--epochs", "1", "--json"], capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0 and json.loads(done.stdout)["epochs"]
    assert done.stderr.count("\n") == 1 and "not being recorded" in done.stderr and "is damaged" in done.stderr
    runs = subprocess.run([sys.executable, "-m", "wdtui", "runs"], capture_output=True, text=True, timeout=120)
    assert runs.returncode == 2 and runs.stdout == "" and runs.stderr.count("\n") == 1
    assert db.read_bytes() == before


async def test_the_app_says_so_once_and_trains_on(data_dir):
    from app_helpers import SIZE, trained
    from wdtui.ui.app import create_app

    db = filled(data_dir)
    page_of(db, 4)
    before = db.read_bytes()
    app = create_app(RunConfig(epochs=2))
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        said = [n for n in app._notifications if n.title == "Not recorded"]
        assert len(said) == 1 and "is damaged" in said[0].message
        assert len(app.session.epochs) == 2
    assert db.read_bytes() == before


def test_the_check_runs_once_per_state_of_the_file(data_dir, monkeypatch):
    db = filled(data_dir)
    checks: list[bool] = []
    passed_before = check._passed_before
    monkeypatch.setattr(check, "_passed_before", lambda *a: checks.append(passed_before(*a)) or checks[-1])
    monkeypatch.setattr(check, "RACY_NS", 0)  # no waiting for the file's timestamps to age
    for _ in range(3):
        open_store().close()
    assert checks == [False, True, True]  # checked once, then remembered
    with open_store() as store:  # a write: a new state of the file, checked again at the next open
        record(store, RunConfig(), 1)
    open_store().close()
    assert checks[-2:] == [True, False]
    page_of(db, 4)  # whatever changes the file, the remembered pass no longer holds
    with pytest.raises(StoreError, match="is damaged"):
        open_store()
    assert checks[-1] is False


def test_a_pass_is_not_trusted_while_the_file_is_that_fresh(data_dir, monkeypatch):
    """Timestamps are coarse: a write in the same tick as the check keeps them. A pass on a file
    changed less than RACY_NS before the check is remembered but checked again next time."""
    filled(data_dir)
    checks: list[bool] = []
    passed_before = check._passed_before
    monkeypatch.setattr(check, "_passed_before", lambda *a: checks.append(passed_before(*a)) or checks[-1])
    monkeypatch.setattr(check, "RACY_NS", 3600 * 10 ** 9)
    for _ in range(2):
        open_store().close()
    assert checks == [False, False]


def test_a_remembered_pass_that_is_not_ours_is_ignored(data_dir):
    db = filled(data_dir)
    memo = db.with_name(db.name + "-checked")
    for garbage in ("", "{", "[]", '{"state": 3, "at": "x"}', json.dumps({"state": [None, None], "at": 0})):
        memo.write_text(garbage)
        page_of(db, 4)
        with pytest.raises(StoreError, match="is damaged"):
            open_store()
