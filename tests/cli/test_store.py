"""The run store: round trips, real processes killed mid-run or writing at once, files it must
refuse without touching, the migration from schema version 1, and the RunWriter's promise never
to stop training. Torch-free: records are built by hand, as the engine would make them."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wdtui.core.jsonable import to_json, to_jsonable
from wdtui.core.records import EpochRecord, Layer, ParamGroup, Prediction, Report, Setup, Stage
from wdtui.store import paths
from wdtui.store.database import StoreError, open_store
from wdtui.store.run_writer import writer_alive, writer_token
from wdtui.store.schema import APPLICATION_ID, SCHEMA_VERSION

from runs_data import made_newer

HELPER = Path(__file__).parents[1] / "store_process.py"
CONFIG = {"epochs": 3, "weight_decay": 0.01, "lr": 0.02, "optimizer": "sgd", "momentum": 0.9, "batch_size": 64,
          "hidden": [32], "seed": 0, "val_fraction": 0.2, "decay_bias": False, "data": None, "target": None,
          "row": None, "preset": "seed", "rows": 1000, "features": 10, "label_noise": 0.1}


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch) -> Path:
    """Every test keeps its store in its own folder, never in the home folder."""
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "data"))
    return tmp_path / "data"


def epoch(n: int, lam: float = 0.01) -> EpochRecord:
    return EpochRecord(epoch=n, train_loss=0.7 / n, val_loss=0.75 / n + 0.01, train_acc=0.6 + n / 100,
                       val_acc=0.58 + n / 100, penalty=lam / 2 * 9.3, weight_norm=3.05 - n / 10,
                       layer_norms={"hidden1": 2.9 - n / 10, "output": 0.91}, seconds=0.012 * n,
                       observation=f"learning: acc {60 + n}%, +{10 + n} pts over chance — λ·θ shrinks",
                       weight_decay=lam, lr=0.02, global_step=13 * n)


def report(epochs: int = 3) -> Report:
    """A run as `wdtui trace --json` writes it."""
    setup = Setup(source="synthetic", feature_names=tuple(f"x{i}" for i in range(10)), class_names=("0", "1"),
                  n_rows=1000, n_train=800, n_val=200, mean=(0.1,) * 10, std=(1.0,) * 10,
                  architecture="10 → 32 → 2", parameter_count=418,
                  param_groups=(ParamGroup("decay", ("hidden1.weight", "output.weight"), 0.01, 384),
                                ParamGroup("no_decay", ("hidden1.bias", "output.bias"), 0.0, 34)),
                  steps_per_epoch=13, head=((0.5,) * 10, (-0.25,) * 10), head_labels=("1", "0"))
    stages = (Stage("Data in", "1000×10", "1000×10", "the raw rows", "row 0: 0.5, 0.5, …"),)
    prediction = Prediction(row=0, split="val", layers=(Layer("hidden1", "32", (0.1, 0.0, 0.3), {"relu": True}),),
                            probabilities=(0.31, 0.69), predicted_class=1, true_class=1, class_names=("0", "1"))
    return Report(config=CONFIG, setup=setup, stages=stages, epochs=tuple(epoch(n) for n in range(1, epochs + 1)),
                  prediction=prediction)


def record_run(store, the_report: Report | None = None, **begin) -> int:
    """Record a whole run as the CLI would: epoch by epoch, then finish with the report."""
    the_report = the_report or report()
    writer = store.begin(the_report.config, **begin)
    for e in the_report.epochs:
        writer.epoch(to_jsonable(e))
    writer.finish("finished", to_jsonable(the_report))
    return writer.id


def start(db: Path, mode: str, epochs: int = 0) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, str(HELPER), str(db), mode, str(epochs)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def integrity(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("PRAGMA integrity_check").fetchall()


def test_data_dir_follows_the_environment(data_dir, monkeypatch):
    assert paths.data_dir() == data_dir
    assert paths.database_path() == data_dir / paths.DATABASE_NAME
    monkeypatch.setenv(paths.DATA_DIR_ENV, "")  # set but empty: as if unset
    from platformdirs import user_data_dir
    assert paths.data_dir() == Path(user_data_dir("wdtui"))


def test_a_run_round_trips_to_the_same_trace_document(data_dir):
    with open_store() as store:
        run_id = record_run(store, kind="run")
        stored = store.get(run_id)
    assert (data_dir / "runs.sqlite3").is_file()
    assert stored.report == to_jsonable(report())
    # `wdtui runs show --json` can print exactly what `wdtui trace --json` printed (with the
    # printer trace uses, records.to_json, which keeps a boundary's rows of numbers on one line).
    assert to_json(stored.report) == to_json(report())
    assert list(stored.epochs) == [to_jsonable(e) for e in report().epochs]
    assert stored.config == CONFIG and stored.status == "finished" and stored.kind == "run"
    assert stored.epochs_done == 3 and stored.ended >= stored.created
    last = report().epochs[-1]
    assert stored.final == {"train_loss": last.train_loss, "val_loss": last.val_loss,
                            "train_acc": last.train_acc, "val_acc": last.val_acc}


def test_a_report_given_only_at_the_end_fills_the_epochs(data_dir):
    whole = to_jsonable(report(4))
    with open_store() as store:
        writer = store.begin(CONFIG, kind="sweep-point")
        writer.finish("diverged", whole, final={"val_loss": None})
        stored = store.get(writer.id)
        assert stored.report == whole and list(stored.epochs) == whole["epochs"] and stored.epochs_done == 4
        assert stored.status == "diverged" and stored.final["val_loss"] is None
        assert stored.final["train_loss"] == whole["epochs"][-1]["train_loss"]
        # A report whose epochs differ from those recorded is kept whole, as given.
        writer = store.begin(CONFIG)
        writer.epoch(whole["epochs"][0])
        writer.finish("stopped", whole)
        stored = store.get(writer.id)
        assert stored.report == whole and len(stored.epochs) == 1 and stored.status == "stopped"


def test_list_is_newest_first_with_groups_and_delete(data_dir):
    with open_store() as store:
        first = record_run(store)
        twins = [record_run(store, kind="twin", group="g1", label="λ 0 vs 0.01") for _ in range(2)]
        last = record_run(store)
        assert [r.id for r in store.list()] == [last, *reversed(twins), first]
        assert [r.id for r in store.list(limit=2)] == [last, twins[1]]
        assert {r.id for r in store.list(group="g1")} == set(twins)
        assert {(r.kind, r.group_label) for r in store.list(group="g1")} == {("twin", "λ 0 vs 0.01")}
        assert store.delete([twins[0], 999, twins[0]]) == [twins[0]]
        assert store.get(twins[0]) is None and store.get(999) is None
        assert [r.id for r in store.list()] == [last, twins[1], first]
        assert record_run(store) > last  # ids are never reused: "run 12" keeps its meaning
    with sqlite3.connect(data_dir / "runs.sqlite3") as conn:
        assert conn.execute("SELECT count(*) FROM epochs WHERE run_id = ?", (twins[0],)).fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM reports WHERE run_id = ?", (twins[0],)).fetchone() == (0,)


def test_kill_9_mid_run_leaves_earlier_runs_and_an_incomplete_run(data_dir):
    db = data_dir / "runs.sqlite3"
    with open_store() as store:
        finished = record_run(store)
        before = store.get(finished)
    child = start(db, "loop")
    try:
        assert child.stdout.readline().startswith("run ")
        for _ in range(3):  # it is mid-run: three epochs committed, more on the way
            assert child.stdout.readline().startswith("epoch")
        with open_store() as store:  # while it runs, the list shows how far it has got
            running = store.list()[0]
            assert running.status == "running" and running.epochs_done >= 3
            assert running.final["train_loss"] == 1 / running.epochs_done
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    assert integrity(db) == [("ok",)]
    with open_store() as store:
        killed, earlier = store.list()
        assert earlier.id == finished and store.get(finished) == before
        assert killed.status == "incomplete" and killed.epochs_done >= 3 and killed.ended is None
        assert killed.final["train_loss"] == 1 / killed.epochs_done  # its last epoch's numbers
        assert len(store.get(killed.id).epochs) == killed.epochs_done


def test_a_run_whose_writer_is_alive_stays_running(data_dir):
    child = start(data_dir / "runs.sqlite3", "hold")
    try:
        assert child.stdout.readline().startswith("run ") and child.stdout.readline() == "begun\n"
        with open_store() as store:
            assert [r.status for r in store.list()] == ["running"]
    finally:
        child.stdin.close()
        assert child.wait(10) == 0
    with open_store() as store:  # and once it has exited without finishing, incomplete
        assert [r.status for r in store.list()] == ["incomplete"]


def test_the_writer_identity_tells_a_dead_or_reused_pid(data_dir):
    assert writer_alive(os.getpid(), writer_token())
    host, boot, pid, started = writer_token().split("/")
    assert not writer_alive(os.getpid(), "/".join((host, boot, pid, str(int(started) + 1))))  # a reused pid
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert not writer_alive(child.pid, writer_token(child.pid))  # no such process (its token is all "-" now)
    assert not writer_alive(child.pid, f"{host}/-/{child.pid}/-")
    assert writer_alive(child.pid, f"another-host/-/{child.pid}/-")  # cannot tell: never mark it incomplete
    if Path("/proc/self/stat").exists():  # Linux: an exited child not yet reaped (a zombie) is dead too
        child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
        token = writer_token(child.pid)
        assert writer_alive(child.pid, token)
        child.stdin.close()
        deadline = time.monotonic() + 10
        while writer_alive(child.pid, token) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not writer_alive(child.pid, token) and child.poll() is not None


def test_two_processes_recording_at_once_both_land(data_dir):
    db = data_dir / "runs.sqlite3"  # not created yet: both children create and migrate it at once
    children = [start(db, "burst", 300) for _ in range(2)]
    for child in children:
        assert child.stdout.readline().startswith("run ")
    for child in children:  # both have begun; now both write epochs at once
        child.stdin.write("go\n")
        child.stdin.flush()
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        assert out.splitlines()[-1] == "done"
    assert integrity(db) == [("ok",)]
    with open_store() as store:
        runs = store.list()
        assert sorted(r.status for r in runs) == ["finished", "finished"]
        for run in runs:
            assert run.epochs_done == 300
            assert [e["epoch"] for e in store.get(run.id).epochs] == list(range(1, 301))
    with sqlite3.connect(db) as conn:  # the order the epochs landed in: the two runs took turns
        order = [run for run, in conn.execute("SELECT run_id FROM epochs ORDER BY rowid")]
    conn.close()
    assert sum(a != b for a, b in zip(order, order[1:])) > 1


def refused(db: Path) -> str:
    """open_store's one line for `db`, having checked it changed neither the file nor its bytes."""
    before = db.read_bytes() if os.access(db, os.R_OK) else None
    mode = db.stat().st_mode
    with pytest.raises(StoreError) as caught:
        open_store(db)
    message = str(caught.value)
    assert "\n" not in message and str(db) in message
    if before is not None:
        assert db.read_bytes() == before
    assert db.stat().st_mode == mode
    return message


def test_a_file_that_is_not_sqlite_is_refused_and_left_alone(data_dir):
    data_dir.mkdir()
    db = data_dir / "runs.sqlite3"
    db.write_bytes(os.urandom(8192))
    assert "not a wdtui run database" in refused(db)


def spoil(db: Path, table: str) -> None:
    """Overwrite the root page of `table` with garbage, as a failing disk might."""
    with sqlite3.connect(db) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(root - 1) * size:root * size] = bytes(range(256)) * (size // 256)
    db.write_bytes(bytes(data))


def test_a_damaged_runs_table_is_refused_and_left_alone(data_dir):
    with open_store() as store:
        record_run(store)
    spoil(data_dir / "runs.sqlite3", "runs")
    assert "damaged" in refused(data_dir / "runs.sqlite3")


def test_damage_in_a_runs_epochs_is_refused_at_open_and_left_alone(data_dir):
    """Not only the runs table: a damaged page anywhere refuses the whole file (a run's epochs
    written over a damaged page could spread the damage), and nothing is written to it."""
    with open_store() as store:
        for _ in range(5):
            record_run(store, report(40))
    spoil(data_dir / "runs.sqlite3", "epochs")
    assert "damaged" in refused(data_dir / "runs.sqlite3")


def test_an_sqlite_file_of_another_program_is_refused(data_dir):
    data_dir.mkdir()
    db = data_dir / "runs.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE notes (text TEXT)")
        conn.execute("INSERT INTO notes VALUES ('mine')")
    conn.close()
    assert "another program" in refused(db)


def test_a_newer_schema_is_refused_and_left_alone(data_dir):
    db = made_newer(data_dir, 99)
    message = refused(db)
    assert "newer wdtui" in message and "99" in message
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (99,)
    conn.close()


def test_an_unreadable_file_is_refused(data_dir):
    open_store().close()
    db = data_dir / "runs.sqlite3"
    db.chmod(0)
    try:
        if os.access(db, os.R_OK):
            pytest.skip("running as root: chmod 000 does not stop this process reading the file")
        assert "permission denied" in refused(db)
    finally:
        db.chmod(0o644)


def test_a_folder_or_a_file_in_the_way_is_refused(data_dir, tmp_path):
    (data_dir / "runs.sqlite3").mkdir(parents=True)
    with pytest.raises(StoreError, match="is not a file"):
        open_store()
    (tmp_path / "plain").write_text("")
    with pytest.raises(StoreError, match="plain is a file, not a folder"):
        open_store(tmp_path / "plain" / "deeper" / "runs.sqlite3")


# Schema version 1 as it shipped, written out by hand: the migration must take such a file to now.
VERSION_1 = (
    f"PRAGMA application_id = {APPLICATION_ID}",
    """CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, created TEXT NOT NULL, ended TEXT,
        status TEXT NOT NULL, kind TEXT NOT NULL, group_id TEXT, group_label TEXT, version TEXT NOT NULL,
        pid INTEGER NOT NULL, writer TEXT NOT NULL, config TEXT NOT NULL, epochs_done INTEGER NOT NULL DEFAULT 0,
        train_loss REAL, val_loss REAL, train_acc REAL, val_acc REAL)""",
    """CREATE TABLE epochs (run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, epoch INTEGER,
        record TEXT NOT NULL, PRIMARY KEY (run_id, seq))""",
    """CREATE TABLE reports (run_id INTEGER PRIMARY KEY REFERENCES runs(id), report TEXT NOT NULL,
        epochs_in_table INTEGER NOT NULL DEFAULT 0)""",
    """INSERT INTO runs VALUES (7, '2025-01-02T03:04:05.000+00:00', '2025-01-02T03:04:06.000+00:00', 'finished',
        'run', NULL, NULL, '0.0.9', 4242, 'old-host/-/4242/-', '{"weight_decay": 0.1}', 1, 0.5, 0.6, 0.7, 0.8)""",
    """INSERT INTO epochs VALUES (7, 1, 1, '{"epoch": 1, "train_loss": 0.5}')""",
    """INSERT INTO reports VALUES (7, '{"config": {"weight_decay": 0.1}, "epochs": null}', 1)""",
    "PRAGMA user_version = 1",
)


def schema_of(db: Path) -> set[tuple[str, str]]:
    """The (type, name) of every table and index in `db`."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall()
    conn.close()
    return set(rows)


def test_a_version_1_file_is_migrated(data_dir):
    assert SCHEMA_VERSION == 3
    data_dir.mkdir()
    old = data_dir / "runs.sqlite3"
    conn = sqlite3.connect(old, isolation_level=None)  # a rollback-journal file, as a first release might leave
    for statement in VERSION_1:
        conn.execute(statement)
    conn.close()
    with open_store() as store:
        stored = store.get(7)
        assert stored.config == {"weight_decay": 0.1} and stored.version == "0.0.9"
        assert stored.report == {"config": {"weight_decay": 0.1}, "epochs": [{"epoch": 1, "train_loss": 0.5}]}
        assert store.get(7, weights=True).weights == (None,)  # version 3's column, empty for old epochs
        assert record_run(store) == 8
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (3,)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    conn.close()
    open_store(data_dir / "fresh.sqlite3").close()
    assert schema_of(old) == schema_of(data_dir / "fresh.sqlite3")
    assert {("index", "runs_running"), ("index", "runs_by_group")} <= schema_of(old)
    assert integrity(old) == [("ok",)]


def test_a_failing_migration_leaves_the_file_at_its_version(data_dir, monkeypatch):
    from wdtui.store import schema

    open_store().close()
    now = schema.SCHEMA_VERSION
    broken = ("CREATE INDEX runs_by_kind ON runs(kind)", "CREATE INDEX broken ON no_such_table(x)")
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    monkeypatch.setattr(schema, "SCHEMA_VERSION", now + 1)
    with pytest.raises(StoreError, match="no_such_table"):
        open_store()
    with sqlite3.connect(data_dir / "runs.sqlite3") as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (now,)
    conn.close()
    assert ("index", "runs_by_kind") not in schema_of(data_dir / "runs.sqlite3")  # rolled back, whole


def test_a_failing_recorder_says_so_once_then_goes_quiet(data_dir):
    """Recording never raises into the training loop: the first failure is one line, said once
    through on_failure; then nothing more is written (nor said) and the caller goes on."""
    said: list[str] = []
    with open_store(timeout=0.2, on_failure=said.append) as store:
        writer = store.begin(CONFIG)
        writer.epoch(epoch(1))
        store.flush()
        blocker = sqlite3.connect(store.path, isolation_level=None)
        blocker.execute("BEGIN IMMEDIATE")  # another process holds the write lock past the timeout
        try:
            writer.epoch(epoch(2))  # returns at once: the writing thread waits, then fails
            store.flush()
            assert len(said) == 1 and "locked" in said[0] and "\n" not in said[0]
            assert writer.failed == said[0] == store.failed
            writer.epoch(epoch(3))  # off: nothing raised, nothing written, nothing said again
            writer.finish("finished", report())
            assert store.begin(CONFIG).id == 0  # and no new run begins
        finally:
            blocker.execute("ROLLBACK")
            blocker.close()
        run = store.get(writer.id)
        assert run.status == "running" and run.epochs_done == 1  # incomplete once this process has gone
    assert said == [said[0]]


def test_a_full_disk_is_said_once_and_leaves_nothing_half_written(data_dir):
    said: list[str] = []
    with open_store(on_failure=said.append) as store:
        full = store.begin(CONFIG)
        limit = store.connection.execute("PRAGMA max_page_count").fetchone()[0]
        pages = store.connection.execute("PRAGMA page_count").fetchone()[0]
        store.connection.execute(f"PRAGMA max_page_count = {pages}")  # the disk is full
        try:
            full.epoch({"epoch": 1, "observation": "x" * 100_000})
            store.flush()
        finally:
            store.connection.execute(f"PRAGMA max_page_count = {limit}")
        full.epoch({"epoch": 2})
        assert len(said) == 1 and "full" in said[0]
        assert store.get(full.id).epochs == ()  # the failed epoch left nothing half-written


def test_a_run_deleted_while_recording_goes_quiet_alone(data_dir):
    said: list[str] = []
    with open_store(on_failure=said.append) as store:
        gone, other = store.begin(CONFIG), store.begin(CONFIG)
        store.delete([gone.id])
        gone.epoch(epoch(1))
        gone.finish("finished", report())
        other.epoch(epoch(1))  # the store goes on recording the others
        other.finish("finished")
        assert said == [] and store.get(gone.id) is None
        assert [(r.id, r.status, r.epochs_done) for r in store.list()] == [(other.id, "finished", 1)]


def test_records_go_in_as_records_or_dicts_and_weights_beside_them(data_dir):
    with open_store() as store:
        writer = store.begin(CONFIG)
        histograms = {"hidden1": {"min": -1.0, "max": 1.0, "num": 4, "sum": 0.0, "sum_squares": 2.0,
                                  "limits": [0.0, 1.0], "counts": [2, 2]}}
        writer.epoch(epoch(1), weights=lambda: histograms)  # made on the writing thread
        writer.epoch(to_jsonable(epoch(2)))
        writer.finish("finished", report(2))  # the same numbers as recorded, as a Report
        stored = store.get(writer.id, weights=True)
        assert stored.weights == (histograms, None)
        assert stored.report == to_jsonable(report(2)) and store.get(writer.id).weights == ()
    with sqlite3.connect(data_dir / "runs.sqlite3") as conn:  # the report kept one copy of the epochs
        assert conn.execute("SELECT epochs_in_table FROM reports").fetchone() == (1,)
    conn.close()


def test_epochs_given_while_the_writing_thread_is_busy_land_in_one_transaction(data_dir):
    import threading

    with open_store() as store:
        writer = store.begin(CONFIG)
        assert writer.id  # its row is written
        statements: list[str] = []
        store.connection.set_trace_callback(statements.append)
        busy, free = threading.Event(), threading.Event()
        store.writing_thread.put(lambda: (busy.set(), free.wait(10)))
        assert busy.wait(10)
        for n in range(1, 101):  # an instant run's epochs, given faster than they are written
            writer.epoch(epoch(n), weights=lambda n=n: {"hidden1": {"num": n}})
        free.set()
        writer.finish("finished")
        store.writing_thread.flush()
        stored = store.get(writer.id, weights=True)
        assert [e["epoch"] for e in stored.epochs] == list(range(1, 101))
        assert [w["hidden1"]["num"] for w in stored.weights] == list(range(1, 101))
        inserts = [i for i, sql in enumerate(statements) if sql.startswith("INSERT INTO epochs")]
        begins = [i for i, sql in enumerate(statements) if sql.startswith("BEGIN")]
        assert len(inserts) == 100 and len([b for b in begins if b < inserts[-1]]) == 1  # one BEGIN before them all


def test_a_run_reopened_after_it_finished_goes_on(data_dir):
    """The app's run can be given more epochs after it finished: it records on, and is
    "running" again (its report dropped) until it finishes again."""
    with open_store() as store:
        writer = store.begin(CONFIG)
        writer.epoch(epoch(1))
        writer.finish("finished", report(1))
        writer.reopen()
        writer.epoch(epoch(2))
        again = store.get(writer.id)
        assert (again.status, again.ended, again.report, again.epochs_done) == ("running", None, None, 2)
        writer.finish("finished", report(2))
        assert store.get(writer.id).report == to_jsonable(report(2))


def test_closing_with_runs_still_recording(data_dir):
    store = open_store()
    stopped, left = store.begin(CONFIG), store.begin(CONFIG)
    stopped.epoch(epoch(1))
    store.writers.discard(left)  # as if begun by a caller that will not be stopped by the close
    store.close(unfinished="stopped")
    with open_store() as store:
        assert {r.id: r.status for r in store.list()} == {stopped.id: "stopped", left.id: "running"}


def test_recorders_in_threads_share_one_store(data_dir):
    """The app's pattern: the store opened on the UI thread, twins recording in workers."""
    import threading

    with open_store() as store:
        def twin() -> None:
            writer = store.begin(CONFIG, kind="twin", group="pair")
            for n in range(1, 51):
                writer.epoch(to_jsonable(epoch(n)))
                store.list()  # the UI lists meanwhile
            writer.finish("finished")

        workers = [threading.Thread(target=twin) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(30)
        runs = store.list(group="pair")
        assert [(r.status, r.epochs_done) for r in runs] == [("finished", 50)] * 2


def test_leaving_a_recorder_without_finishing_marks_the_run_incomplete(data_dir):
    with open_store() as store:
        with pytest.raises(KeyboardInterrupt), store.begin(CONFIG) as writer:
            writer.epoch(to_jsonable(epoch(1)))
            raise KeyboardInterrupt
        assert store.get(writer.id).status == "incomplete"


def test_listing_2000_runs_reads_no_epochs(data_dir):
    open_store().close()
    db = data_dir / "runs.sqlite3"
    config, record = json.dumps(CONFIG), json.dumps(to_jsonable(epoch(1)))
    with sqlite3.connect(db) as conn:
        conn.executemany("INSERT INTO runs (created, status, kind, version, pid, writer, config, epochs_done) "
                         "VALUES ('2025-01-01T00:00:00.000+00:00', 'finished', 'run', '0.1.0', 1, 'h/-/1/-', "
                         "?, 40)", [(config,)] * 2000)
        conn.executemany("INSERT INTO epochs (run_id, seq, epoch, record) VALUES (?, ?, ?, ?)",
                         [(run, seq, seq, record) for run in range(1, 2001) for seq in range(1, 41)])
    conn.close()
    with open_store() as store:
        statements: list[str] = []
        store.connection.set_trace_callback(statements.append)
        runs = store.list()
        store.connection.set_trace_callback(None)
    assert len(runs) == 2000 and runs[0].id == 2000 and runs[0].epochs_done == 40
    # The listing reads the runs' rows alone (their final numbers are kept there): none of the
    # 80,000 epochs, nor the reports. (Its time is benchmarks/bench_runs.py's to measure.)
    reads = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    assert reads and not any(table in s for s in reads for table in ("FROM epochs", "FROM reports"))


def test_the_store_imports_neither_torch_nor_the_ui():
    code = ("import sys, wdtui.store.database; "
            "print(' '.join(m for m in ('torch', 'textual', 'rich', 'plotext') if m in sys.modules))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == []


def test_a_recorder_says_each_trouble_once_and_records_on(data_dir):
    """A TensorBoard folder that cannot be written is said once; the runs are still stored."""
    from wdtui.store.recording import Recorder

    def unwritable(*args):
        raise PermissionError(13, "Permission denied", "/tb")

    said: list[str] = []
    recorder = Recorder(said.append, tensorboard=unwritable)
    for _ in range(2):
        run = recorder.begin(CONFIG)
        run.epoch(epoch(1))
        run.finish("finished")
        run.close()
    recorder.close()
    assert said == ["runs are not being written to TensorBoard: Permission denied: /tb"]
    with open_store() as store:
        assert [r.status for r in store.list()] == ["finished", "finished"]


def test_threads_asking_while_the_store_opens_all_get_it(data_dir, monkeypatch):
    """The app's run and the Runs view's listing ask for the store at once, on two threads: the
    one that comes second waits for the open instead of being told there is no store (which
    left the run unrecorded and the Runs view empty, without a word)."""
    import threading

    from wdtui.store import recording as recording_module
    from wdtui.store.recording import Recorder

    opening = threading.Event()

    def slow_open(**kwargs):
        opening.set()
        time.sleep(0.3)
        return open_store(**kwargs)

    monkeypatch.setattr(recording_module, "open_store", slow_open)
    recorder = Recorder(print)
    got: list[object] = []
    first = threading.Thread(target=lambda: got.append(recorder.store()))
    first.start()
    assert opening.wait(10)
    second = recorder.store()  # asked while the first thread is opening it
    first.join(10)
    assert second is not None and got == [second]
    recorder.close()
