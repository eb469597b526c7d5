"""Bad input and interruption, tried as a new user would, each in a real process: one line on
stderr, the right exit status, no traceback, and nothing half-written on stdout."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from wdtui.core.config import MAX_PARAMETERS, ConfigError, RunConfig


def wdtui(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wdtui", *args], capture_output=True, text=True, timeout=timeout)


@pytest.mark.parametrize("args, says", [
    (("trace", "--hidden", "100000,100000"), "--hidden: hidden sizes 100000,100000 make a network of"),
    (("trace", "--seed", "99999999999999999999"), "--seed: seed must be at most 9,223,372,036,854,775,807"),
    (("trace", "--data", "/dev/zero", "--target", "y"), "/dev/zero: is not a regular file"),
    (("sweep", "--hidden", "4000,4000"), "wdtui builds networks of at most 5,000,000"),
    (("--hidden", "100000,100000"), "--hidden: hidden sizes"),  # the app refuses before it opens
])
def test_bad_input_is_one_line_and_status_2(args, says):
    done = wdtui(*args, timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1 and says in done.stderr and "Traceback" not in done.stderr
    assert done.stdout == ""


def test_a_csv_too_wide_for_the_budget_is_refused_once_read(tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"x{i}" for i in range(3000)) + ",y\n"
                    + "\n".join(",".join(["1"] * 3000) + f",{i % 2}" for i in range(12)) + "\n")
    done = wdtui("trace", "--data", str(path), "--target", "y", "--hidden", "2000")
    assert done.returncode == 2 and "make a network of 6,006,002 parameters" in done.stderr, done.stderr


def test_the_budget_is_a_real_limit_both_ways():
    RunConfig(hidden=(1000, 1000))  # about a million parameters: fine
    with pytest.raises(ConfigError, match=f"at most {MAX_PARAMETERS:,}") as refused:
        RunConfig(hidden=(3000, 3000))
    assert refused.value.field == "hidden"


@pytest.mark.parametrize("command", ["trace", "sweep"])
def test_ctrl_c_ends_with_one_line_status_130_and_no_partial_json(command):
    process = subprocess.Popen([sys.executable, "-m", "wdtui", command, "--json", "--epochs", "100000"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        time.sleep(6)  # torch loaded and some epochs trained, or (on a loaded machine) still loading
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        process.kill()  # never left training for its 100,000 epochs if this test fails
    assert process.returncode == 130, err
    assert out == "" and err.startswith("wdtui: stopped at epoch ") and err.count("\n") == 1, err
    assert int(err.split()[-1]) >= 0
