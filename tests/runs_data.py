"""A run store with the same runs every time, for the Runs view's tests and snapshots: a plain
run, twins, a sweep, a stopped Adam run, a diverged run and one whose process died. The
numbers follow a formula (no training), the times are fixed, and the view shows UTC (TZ)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from wdtui.core.config import RunConfig
from wdtui.core.presets import preset_config
from wdtui.core.records import EpochRecord
from wdtui.store.database import open_store
from wdtui.store.recording import new_group
from wdtui.store.run_writer import _HOST

SWEEP = (0.0, 0.001, 0.01, 0.1, 1.0)
DEAD = 2 ** 22 + 1


def epoch(n: int, lam: float, lr: float = 0.02, shift: float = 0.0) -> EpochRecord:
    """Epoch n of a made-up run that learns, more slowly with more decay."""
    train = 0.7 / (1 + 0.25 * n) + 0.4 * lam + shift
    val = train + 0.02 + 0.01 * n * (lam == 0)
    return EpochRecord(epoch=n, train_loss=train, val_loss=val, train_acc=min(0.99, 0.6 + 0.05 * n - lam / 4),
                       val_acc=min(0.97, 0.58 + 0.045 * n - lam / 4), penalty=lam / 2 * (3 - n / 10) ** 2,
                       weight_norm=3 - n / 10, layer_norms={"hidden1": 2.8 - n / 10, "output": 0.9},
                       seconds=0.01, observation="learning", weight_decay=lam, lr=lr, global_step=13 * n)


def record(store, config: RunConfig, epochs: int, status: str = "finished", kind: str = "run",
           group: str | None = None, label: str | None = None, shift: float = 0.0) -> int:
    writer = store.begin(config.to_dict(), kind, group, label)
    for n in range(1, epochs + 1):
        writer.epoch(epoch(n, config.weight_decay, config.lr, shift))
    if status != "running":
        writer.finish(status)
    store.flush()
    return writer.id


def seed_store(data_dir: Path) -> None:
    """Runs 1–11 (see the module's docstring), created a minute apart from 2026-03-01 09:00 UTC."""
    store = open_store()
    record(store, RunConfig(), 5)
    twins = new_group()
    for lam in (0.0, 0.05):
        record(store, RunConfig(weight_decay=lam), 5, kind="twin", group=twins, label="twins: λ = 0 and λ = 0.05")
    sweep = new_group()
    for lam in SWEEP:
        record(store, RunConfig(weight_decay=lam), 5, kind="sweep-point", group=sweep,
               label="λ sweep: 5 values, 0 … 1")
    record(store, RunConfig(optimizer="adam", weight_decay=0.01, lr=0.001, epochs=10), 3, "stopped", shift=0.15)
    record(store, preset_config("overfit", lr=5.0), 1, "diverged", shift=0.3)
    dead = record(store, RunConfig(epochs=8, seed=3), 2, "running")
    store.close()
    with sqlite3.connect(data_dir / "runs.sqlite3") as conn:
        conn.execute("UPDATE runs SET created = printf('2026-03-01T09:%02d:00.000+00:00', id), "
                     "ended = CASE WHEN ended IS NULL THEN NULL ELSE printf('2026-03-01T09:%02d:30.000+00:00', id) END")
        # Its process died: no process has that id (the largest a Linux kernel gives is 2^22).
        conn.execute("UPDATE runs SET pid = ?, writer = ? WHERE id = ?", (DEAD, f"{_HOST}/-/{DEAD}/-", dead))
    conn.close()


def utc(monkeypatch) -> None:
    """Show times in UTC, whatever this machine's zone: the snapshots hold 09:01, not 10:01."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()


def made_newer(data_dir: Path, version: int) -> Path:
    """The run store, made as if a later wdtui had migrated it to schema `version`."""
    open_store().close()
    db = data_dir / "runs.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    return db
