"""Numbers and names that used to pass the checks and fail later, deep in torch or SQLite: each is
refused by a real process in one line, with exit status 2, before torch is imported (the process
is not allowed to import it) and without allocating for it (it runs under a 1 GB address-space
limit, where a list of ten trillion run ids or 2⁷⁰ values of λ is a MemoryError). The app
(`wdtui` with options) and `wdtui serve` make the checks `wdtui trace` makes, before they open or
listen."""

from __future__ import annotations

import resource
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.table import memory_bytes
from wdtui.store.database import open_store

from runs_data import record

# `wdtui ARGS` in a process where `import torch` fails: a check that needs torch is made too late.
NO_TORCH = ("import sys; sys.modules['torch'] = None; from wdtui.commands.cli import main; "
            "raise SystemExit(main(sys.argv[1:]))")
BIG = 2 ** 70


def small_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (2 ** 30, 2 ** 30))


def refused(*args: str, torch: bool = False) -> str:
    """`wdtui ARGS`'s one line on stderr, having checked it is the only output and status 2
    (`torch`: a check made once the data is read, which `wdtui trace` does after importing it)."""
    command = ["-m", "wdtui"] if torch else ["-c", NO_TORCH]
    done = subprocess.run([sys.executable, *command, *args], capture_output=True, text=True, timeout=300,
                          preexec_fn=None if torch else small_address_space)
    assert done.returncode == 2, done.stderr
    assert done.stdout == "" and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    return done.stderr


@pytest.mark.parametrize("args, says", [
    (("trace", "--weight-decay", "1e39"), "--weight-decay: weight decay (λ) must be at most 3.402823e+38"),
    (("sweep", "--lr", "1e308"), "--lr: learning rate must be at most 3.402823e+38 (training computes in float32)"),
    (("trace", "--rows", str(2 ** 62)), "--rows: rows must be at most 1,000,000"),
    (("trace", "--rows", str(BIG)), "--rows: rows must be at most 1,000,000"),
    (("trace", "--row", str(BIG)), "--row: row 1180591620717411303424 is out of range"),
    (("sweep", "--points", str(BIG)), "--points: a sweep trains at most 100 values of λ at once"),
    (("sweep", "--points", "100000"), "--points: a sweep trains at most 100 values of λ at once, not 100,001"),
    (("sweep", "--weight-decays", ",".join(str(i) for i in range(200))), "--weight-decays: a sweep trains at most"),
    (("sweep", "--hidden", "1000,1000"), "--points: a sweep of 17 values of λ trains 17 copies of a network of"),
    (("trace", "--hidden", "32,,32"), "--hidden: hidden sizes must be whole numbers separated by single commas"),
    (("trace", "--hidden", "٣٢"), "--hidden: hidden sizes must be whole numbers written with the digits 0-9"),
    (("trace", "--epochs", "٣"), "--epochs: epochs must be a whole number written with the digits 0-9, not '٣'"),
    (("trace", "--lr", "٠.١"), "--lr: learning rate must be a number written with the digits 0-9"),
    (("trace", "--tensorboard", ""), "--tensorboard: give the folder to write to"),
    (("trace", "--data", "", "--target", "y"), "--data: the CSV file's name is empty"),
    (("trace", "--data", "x" * 300 + ".csv", "--target", "y"), "cannot read it (File name too long)"),
    (("--rows", str(BIG)), "--rows: rows must be at most 1,000,000"),  # the app, before it opens
    (("serve", "--rows", str(BIG)), "--rows: rows must be at most 1,000,000"),
    (("--weight-decay", "1e39"), "--weight-decay: weight decay (λ) must be at most"),
    (("--rows", "10", "--val-fraction", "0.01"), "10 rows with validation fraction 0.01 leaves 10 training and 0"),
    (("serve", "--rows", "10", "--val-fraction", "0.99"), "leaves 0 training and 10 validation rows"),
])
def test_a_number_or_name_that_would_fail_later_is_refused_at_once(args, says):
    assert says in refused(*args)


def test_serve_on_an_address_of_another_machine_says_only_that():
    assert refused("serve", "--host", "1.2.3.4") == \
        "wdtui: error: cannot listen on 1.2.3.4:8000: 1.2.3.4 is not an address of this machine\n"


def test_a_sparse_file_larger_than_memory_is_refused_unread(tmp_path):
    """A CSV of more bytes than the machine has memory can never be read whole: said from its
    size, by trace, the app and serve alike (it was a MemoryError in the app and in serve, and
    trace blamed "this network")."""
    memory = memory_bytes()
    assert memory is not None
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as f:
        f.truncate(memory + 2 ** 30)  # sparse: takes no disk
    for command in (("trace",), (), ("serve",)):
        line = refused(*command, "--data", str(huge), "--target", "y")
        assert "more than this machine's memory" in line and "network" not in line


def test_a_csv_too_wide_is_refused_by_the_app_and_serve_as_by_trace(tmp_path):
    wide = tmp_path / "wide.csv"
    columns = 160_000  # with 32 hidden units: 5,120,098 parameters, past the budget
    wide.write_text(",".join(f"x{i}" for i in range(columns)) + ",y\n"
                    + "".join(",".join(["1"] * columns) + f",{i % 2}\n" for i in range(12)))
    for command in ((), ("serve",)):
        line = refused(*command, "--data", str(wide), "--target", "y")
        assert "error: --hidden: hidden sizes 32 make a network of 5,120,098 parameters on 160,000 features" in line


def test_a_csv_too_short_for_its_split_is_refused_by_the_app_as_by_trace(tmp_path):
    csv = tmp_path / "short.csv"
    csv.write_text("a,y\n" + "".join(f"{i},{i % 2}\n" for i in range(12)))
    for command in (("trace",), (), ("serve",)):
        line = refused(*command, "--data", str(csv), "--target", "y", "--val-fraction", "0.01",
                       torch=command == ("trace",))
        assert "12 rows with validation fraction 0.01 leaves 12 training and 0 validation rows" in line


def test_a_duplicate_target_column_is_refused_not_the_first_taken(tmp_path):
    csv = tmp_path / "dup.csv"
    csv.write_text("a,y,b,y\n" + "".join(f"{i},{i % 2},{i},{i % 3}\n" for i in range(20)))
    for command in (("trace",), ()):
        line = refused(*command, "--data", str(csv), "--target", "y", torch=command == ("trace",))
        assert line.endswith("dup.csv: 2 columns are named 'y' (columns 2, 4); the target must be one column: "
                             "rename the others\n"), line


@pytest.fixture
def stored(data_dir) -> Path:
    """Runs 1–3 in the store."""
    with open_store() as store:
        for lam in (0.0, 0.01, 0.1):
            record(store, RunConfig(weight_decay=lam), 2)
    return data_dir / "runs.sqlite3"


@pytest.mark.parametrize("args, says", [
    (("runs", "delete", "1-10000000000000", "--yes"), "wdtui runs delete: error: no run 4: "),
    (("runs", "compare", "1-100000000"), "at most 8 runs can be compared at once"),
    (("runs", "tensorboard", "2-99999999999999", "tb"), "no run 4: "),
    (("runs", "show", str(2 ** 63)), "run ids are whole numbers from 1 to 9,223,372,036,854,775,807"),
    (("runs", "delete", "3-18446744073709551616"), "run ids are whole numbers from 1 to 9,223,372,036,854,775,807"),
    (("runs", "--limit", str(2 ** 64)), "--limit: a whole number from 0 (every run) to 9,223,372,036,854,775,807"),
    (("runs", "--json", "--limit", "٣"), "--limit: a whole number from 0"),
    (("runs", "delete", "3-1"), "a range of ids goes from low to high (1-3), not '3-1'"),
])
def test_run_ids_and_limits_past_what_the_store_holds_are_one_line(stored, args, says):
    if args[1] == "tensorboard":
        pytest.importorskip("tensorboard")
    before = stored.read_bytes()
    assert says in refused(*args)
    assert stored.read_bytes() == before  # nothing deleted


def test_a_stored_cell_that_is_not_json_is_one_line(stored):
    with sqlite3.connect(stored) as conn:
        conn.execute("UPDATE runs SET config = '{\"lr\": ' WHERE id = 2")
    conn.close()
    line = refused("runs")
    assert line.startswith("wdtui runs: error: run 2 cannot be read: its config is not JSON (")
    assert line.endswith("`wdtui runs delete 2` removes it\n")
    done = subprocess.run([sys.executable, "-m", "wdtui", "runs", "delete", "2", "--yes"], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "Deleted 1 run." in done.stdout, done.stderr


def test_the_limits_are_real_limits_both_ways():
    """The checks refuse what cannot work, not what is merely big."""
    from wdtui.core.config import FLOAT32_MAX, MAX_PARAMETERS, ConfigError, check_sweep, parameters
    from wdtui.core.lambda_grid import weight_decay_grid

    RunConfig(rows=1_000_000, weight_decay=FLOAT32_MAX, lr=FLOAT32_MAX, row=999_999)
    for bad in ({"rows": 1_000_001}, {"weight_decay": FLOAT32_MAX * 1.0000001}, {"row": 1000}):
        with pytest.raises(ConfigError) as caught:
            RunConfig(**bad)
        assert caught.value.field == next(iter(bad))
    assert len(weight_decay_grid(points=99)) == 100
    with pytest.raises(ConfigError, match="at most 100 values"):
        weight_decay_grid(points=100)
    each = parameters(10, (20000,), 2)
    check_sweep(MAX_PARAMETERS // each, 10, (20000,))
    with pytest.raises(ConfigError, match="copies"):
        check_sweep(MAX_PARAMETERS // each + 1, 10, (20000,))
