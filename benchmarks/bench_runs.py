"""The run store with 2,000 stored runs: how fast `wdtui runs --json` answers, and how soon the
Runs view (h) shows them.

1. `wdtui runs --json` over `python -c "import torch"`, alternating in one run: listing must not
   wait for torch (it never imports it). Target ≤ 0.5. Every open checks the store whole once per
   state of the file (store/check.py): measured as users meet it (checked once, then
   remembered) and with the check made at every open (the remembered pass removed first).
2. The Runs view's first paint: from pressing h in the app (built, its model ready, the runs
   read on a worker once it was built) until the table has been drawn with the newest runs,
   headless; a screenful of rows is painted first, the rest follow in batches. The view's very
   first visit also pays for Textual building the screen, as any mode's does: measured again
   with no runs stored, side by side, to tell the two apart. Target ≤ 150 ms.

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
    from wdtui.store.database import open_store

    open_store().close()  # the schema, as wdtui makes it
    rows, epochs = [], []
    for i in range(1, RUNS + 1):
        lam = 10 ** -(i % 6) if i % 7 else 0.0
        sweep = (i - 1) // POINTS if i <= SWEEPS * POINTS else None
        config = json.dumps(RunConfig(weight_decay=lam, epochs=EPOCHS).to_dict())
        loss = 0.3 + (i % 97) / 400
        rows.append((i, "2026-01-01T00:00:00.000+00:00", "2026-01-01T00:00:01.000+00:00",
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


async def paint(app, key: str, rows: bool) -> float:
    """Seconds from `key` (posted as the terminal driver posts it) to the first frame of the
    mode it opens, with the Runs view's table holding rows when `rows`."""
    from textual import events

    drawn = asyncio.Event()

    def ready() -> bool:
        screen = app.screen
        if app.current_mode == "welcome" or not screen.is_mounted:
            return False
        table = getattr(screen, "table", None) if app.current_mode == "runs" else None
        return not rows or (table is not None and table.row_count > 0)

    start = time.perf_counter()
    app.post_message(events.Key(key, key))
    while not ready():
        await asyncio.sleep(0.0005)
    app.screen.call_after_refresh(drawn.set)  # the frame that shows them
    await drawn.wait()
    return time.perf_counter() - start


async def visits(rows: bool) -> tuple[float, float]:
    """(first visit, a later visit) of the Runs view in a fresh app, its model built."""
    from wdtui.ui.app import create_app
    from wdtui.ui.session import RunState

    app = create_app()
    async with app.run_test(size=(120, 40)):
        while app.session.state != RunState.READY or not app.runs.listed:
            await asyncio.sleep(0.01)  # the app reads the runs once it is built, before h
        await asyncio.sleep(0.2)
        first = await paint(app, "h", rows)
        if rows:
            assert len(app.runs.table.runs) == RUNS and app.screen.table.shown
        await asyncio.sleep(0.5)
        await paint(app, "2", False)
        await asyncio.sleep(0.5)
        again = await paint(app, "h", rows)
    return first, again


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        fill(Path(folder))
        env_python = [PYTHON, "-m", "wdtui", "runs", "--json"]
        memo = Path(folder) / "runs.sqlite3-checked"
        checked = ["sh", "-c", f'rm -f "{memo}" && exec "{PYTHON}" -m wdtui runs --json']
        t = time_commands({"runs": env_python, "checked": checked, "torch": IMPORT_TORCH}, args.repeats)
        print(f"wdtui runs --json {t['runs'] * 1000:7.0f} ms   ({RUNS} runs, median of {args.repeats})")
        print(f"  checked anew    {t['checked'] * 1000:7.0f} ms   (the whole file checked at this open)")
        print(f"import torch      {t['torch'] * 1000:7.0f} ms")
        print(f"ratio runs --json/torch = {t['runs'] / t['torch']:.3f}, checked anew {t['checked'] / t['torch']:.3f}"
              "  (target ≤ 0.5)")
        full, empty = [], []
        with tempfile.TemporaryDirectory() as none:
            for _ in range(args.repeats):  # alternating: 2,000 runs, then none
                full.append(asyncio.run(visits(True)))
                os.environ["WDTUI_DATA_DIR"] = none
                empty.append(asyncio.run(visits(False)))
                os.environ["WDTUI_DATA_DIR"] = folder
        med = {name: [statistics.median(v) * 1000 for v in zip(*runs)] for name, runs in
               (("full", full), ("empty", empty))}
        print(f"Runs view, {RUNS} runs: first visit {med['full'][0]:.0f} ms, later visits {med['full'][1]:.0f} ms "
              f"(medians of {args.repeats})")
        print(f"Runs view, no runs:   first visit {med['empty'][0]:.0f} ms, later visits {med['empty'][1]:.0f} ms "
              "(Textual building the view: a mode's first visit)")
        print(f"first paint with {RUNS} runs: {med['full'][1]:.0f} ms once built, the runs adding "
              f"{med['full'][0] - med['empty'][0]:.0f} ms to the first visit  (target ≤ 150 ms)")


if __name__ == "__main__":
    main()
