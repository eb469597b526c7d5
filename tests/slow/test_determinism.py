"""Same config, same floats, at every entry point and on any number of cores.

The case is the chaotic one: the moons preset at λ = 0 for its 300 epochs, where a difference
in the last bit of one sum grows until two runs end visibly apart (on two torch threads and on
one they ended at validation loss 0.700 and 1.121). `wdtui trace --json` run as a process of
its own (torch's thread count left to the machine, then forced to two), the run it keeps in
the store, an in-process run begun with torch set to two threads, and the Code mode's script
must all give the same numbers, to 1e-9.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from wdtui.core.engine import Engine
from wdtui.core.jsonable import to_json
from wdtui.core.presets import preset_config
from wdtui.present.codegen import script_for
from wdtui.store.database import open_store

CHAOTIC = {"weight_decay": 0.0}  # the moons preset at λ = 0, its 300 epochs
# What the generated script is asked to print at its end, at full precision.
FINAL = '\nprint("final", json.dumps([*evaluate(x_train, y_train), *evaluate(x_val, y_val), decayed_norm(decayed)]))\n'


def numbers(document, path: str = "") -> dict[str, object]:
    """Every number and string of a JSON document by its path, wall-clock seconds left out."""
    if isinstance(document, dict):
        return {k: v for key, value in document.items() if key != "seconds"
                for k, v in numbers(value, f"{path}.{key}").items()}
    if isinstance(document, list):
        return {k: v for i, value in enumerate(document) for k, v in numbers(value, f"{path}[{i}]").items()}
    return {path: document}


def assert_same(got: dict, expected: dict, what: str) -> None:
    got_numbers, expected_numbers = numbers(got), numbers(expected)
    assert got_numbers.keys() == expected_numbers.keys(), what
    for path, value in expected_numbers.items():
        other = got_numbers[path]
        if isinstance(value, float) and isinstance(other, float) and math.isfinite(value):
            assert other == pytest.approx(value, abs=1e-9, rel=0), f"{what}: {path}"
        else:
            assert other == value, f"{what}: {path}"


def trace_process(seed: int, threads: str | None, data_dir: Path) -> dict:
    """`wdtui trace --json` as a process of its own, OMP_NUM_THREADS unset or `threads`."""
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    env["WDTUI_DATA_DIR"] = str(data_dir)
    if threads is not None:
        env["OMP_NUM_THREADS"] = threads
    done = subprocess.run([sys.executable, "-m", "wdtui", "trace", "--preset", "moons", "--weight-decay", "0",
                           "--seed", str(seed), "--json"], env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_every_entry_point_gives_the_same_floats_on_the_chaotic_case(tmp_path):
    seed = 0  # one seed is enough here: any difference in a last bit fails at 1e-9
    config = preset_config("moons", seed=seed, **CHAOTIC)
    torch.set_num_threads(2)  # what torch gives a 2-core machine: the engine must set one itself
    engine = Engine(config)
    for _ in engine.run():
        pass
    assert torch.get_num_threads() == 1
    expected = json.loads(to_json(engine.report()))
    for threads in (None, "2"):
        data_dir = tmp_path / f"threads-{threads}"
        got = trace_process(seed, threads, data_dir)
        assert_same(got, expected, f"wdtui trace, OMP_NUM_THREADS={threads}")
        with open_store(data_dir / "runs.sqlite3") as store:
            (summary,) = store.list()
            assert_same(store.get(summary.id).document, expected, "the stored run")

    # The Code mode's script, run as a fresh interpreter with the machine's thread count.
    script = tmp_path / "reproduce.py"
    script.write_text("import json\n" + script_for(config) + FINAL, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    done = subprocess.run([sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr
    final = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("final "))[6:])
    last = expected["epochs"][-1]
    wanted = [last["train_loss"], last["train_acc"], last["val_loss"], last["val_acc"], last["weight_norm"]]
    assert final == pytest.approx(wanted, abs=1e-9, rel=0)
