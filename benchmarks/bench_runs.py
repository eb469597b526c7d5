"""The run store with 2,000 stored runs: how fast `wdtui runs --json` answers, and how soon the
Runs view (h) shows them.

1. `wdtui runs --json` over `python -c "import torch"`, alternating in one run: listing must not
   wait for torch (it never imports it). Target ≤ 0.5.
2. The Runs view's first paint: from pressing h in the app (built, its model ready) until the
   table has been drawn with the newest runs, headless. The listing is read on a worker; a
   screenful of rows is painted first, the rest follow in batches. Target ≤ 150 ms.

The 2,000 runs are made as wdtui makes them (a run's row, 20 epoch records each), 1,700 of them
in 100 sweeps of 17, written straight into a fresh database under a temporary WDTUI_DATA_DIR.

    python benchmarks/bench_runs.py [--repeats 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from common import IMPORT_TORCH, PYTHON, time_commands

RUNS, SWEEPS, POINTS, EPOCHS = 2000, 100, 17, 20


def fill(folder: Path) -> None:
    """2,000 finished runs, as a database wdtui wrote would hold them."""
    os.environ["WDTUI_DATA_DIR"] = str(folder)
    from wdtui.core.config import RunConfig
    from wdtui.store.runs import open_store

    open_store().close()  # the schema, as wdtui makes it
    rows, epochs = [], []
    for i in range(1, RUNS + 1):
        lam = 10 ** -(i % 6) if i % 7 else 0.0
        sweep = (i - 1) // POINTS if i <= SWEEPS * POINTS else None
        config = json.dumps(RunConfig(weight_decay=lam, epochs=EPOCHS).to_dict())
        loss = 0.3 + (i % 97) / 400
        rows.append((i, f"2026-01-01T00:00:00.000+00:00", f"2026-01-01T00:00:01.000+00:00",
                     "sweep-point" if sweep is not None else "run", None if sweep is None else f"sweep{sweep:04d}",
                     None if sweep is None else "λ sweep: 17 values, 0 … 1", config, loss, loss + 0.02))
        record = {"epoch": 0, "train_loss": loss, "val_loss": loss + 0.02, "train_acc": 0.8, "val_acc": 0.78,
                  "penalty": 0.001, "weight_norm": 3.0, "layer_norms": {"hidden1": 2.9, "output": 0.9},
                  "seconds": 0.01, "observation": "learning", "weight_decay": lam, "lr": 0.02, "global_step": 13}
        epochs += [(i, n, n, json.dumps({**record, "epoch": n})) for n in range(1, EPOCHS + 1)]
    with sqlite3.connect(folder / "runs.sqlite3") as conn:
        conn.executemany("INSERT INTO runs (id, created, ended, status, kind, group_id, group_label, version, pid, "
                         "writer, config, epochs_done, train_loss, val_loss, train_acc, val_acc) VALUES "
                         f"(?, ?, ?, 'finished', ?, ?, ?, '0.1.0', 1, 'h/-/1/-', ?, {EPOCHS}, ?, ?, 0.8, 0.78)", rows)
        conn.executemany("INSERT INTO epochs (run_id, seq, epoch, record) VALUES (?, ?, ?, ?)", epochs)
    conn.close()


async def first_paint() -> float:
    """Seconds from pressing h to the Runs view's table drawn with its rows."""
    from wdtui.ui.app import create_app
    from wdtui.ui.session import RunState

    app = create_app()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.session.state != RunState.READY:
            await asyncio.sleep(0.01)
        await pilot.pause()
        painted = asyncio.Event()

        def check() -> None:
            screen = app.screen
            table = getattr(screen, "table", None) if screen.id != "_default" else None
            if table is not None and table.row_count and not painted.is_set():
                table.call_after_refresh(painted.set)  # after the frame that shows them

        app.watch(app, "run_version", check)
        start = time.perf_counter()
        await pilot.press("h")
        await painted.wait()
        seconds = time.perf_counter() - start
        assert app.screen.table.shown and len(app.runs.table.runs) == RUNS
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        fill(Path(folder))
        env_python = [PYTHON, "-m", "wdtui", "runs", "--json"]
        t = time_commands({"runs": env_python, "torch": IMPORT_TORCH}, args.repeats)
        print(f"wdtui runs --json {t['runs'] * 1000:7.0f} ms   ({RUNS} runs, median of {args.repeats})")
        print(f"import torch      {t['torch'] * 1000:7.0f} ms")
        print(f"ratio runs --json/torch = {t['runs'] / t['torch']:.3f}  (target ≤ 0.5)")
        paints = sorted(asyncio.run(first_paint()) for _ in range(args.repeats))
        print(f"Runs view first paint: median {statistics.median(paints) * 1000:.0f} ms, worst "
              f"{paints[-1] * 1000:.0f} ms over {args.repeats}  ({RUNS} runs; p50 target ≤ 150 ms)")


if __name__ == "__main__":
    main()
