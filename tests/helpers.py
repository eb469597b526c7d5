"""Helpers the CLI and import-guard tests share: running `wdtui` in-process, and asking a
fresh interpreter which top-level packages an import pulls in."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from wdtui.commands.cli import main
from wdtui.core.records import EpochRecord


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    """(exit status, stdout, stderr) of `wdtui ARGV`, run in this process."""
    try:
        status = main(list(argv))
    except SystemExit as exc:  # argparse exits on bad options
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def loaded_by(*modules: str, among: tuple[str, ...] = ("torch", "textual", "rich")) -> list[str]:
    """Which of the packages `among` a fresh interpreter has loaded after importing `modules`."""
    code = (f"import sys, {', '.join(modules)}; "
            f"print(' '.join(sorted(m for m in {among!r} if m in sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.split()


def each_epoch(engine):
    """The engine's trained epochs' records, one per `next()`: the run pauses in between, as
    the generator does, so a test can look at (or change) the engine after each epoch."""
    return (record for record in engine.run() if isinstance(record, EpochRecord) and record.epoch > 0)


def trained_epochs(records) -> list:
    """The EpochRecords among `records` of the epochs trained (epoch 0, before any step, left out)."""
    return [r for r in records if isinstance(r, EpochRecord) and r.epoch > 0]


def epoch_record(epoch: int, train: float, val: float, wd: float) -> EpochRecord:
    """A made-up epoch with these losses and λ, for the Compare verdict's tests (core and app)."""
    return EpochRecord(epoch=epoch, train_loss=train, val_loss=val, train_acc=0.9, val_acc=0.8, penalty=0.0,
                       weight_norm=1.0, layer_norms={}, seconds=0.0, observation="", weight_decay=wd, lr=0.1,
                       global_step=epoch)


def in_thread(engine) -> tuple[list, threading.Thread]:
    """Run the engine on a thread of its own, as the app's worker does; (records so far, thread)."""
    records: list = []
    thread = threading.Thread(target=lambda: records.extend(engine.run()), daemon=True)
    thread.start()
    return records, thread


def until(condition, timeout: float = 20.0) -> None:
    """Wait (polling) until `condition()` holds; fail after `timeout` seconds."""
    end = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < end, "the engine never got there"
        time.sleep(0.005)
