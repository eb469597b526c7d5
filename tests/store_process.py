"""A second process that records a run, for the store's tests: real pids, real kills, real locks.

    python tests/store_process.py DB MODE [EPOCHS]

MODE "loop": record epochs until killed, printing "epoch N" after each one has committed.
MODE "burst": begin, wait for a line on stdin, record EPOCHS epochs a millisecond apart (training
takes far longer between two epochs), finish, print "done".
MODE "hold": begin a run, print "begun", then wait (alive, writing nothing) until stdin closes.
"""

from __future__ import annotations

import sys
import time

from wdtui.store.database import open_store


def record(epoch: int, offset: float = 0.0) -> dict:
    return {"epoch": epoch, "train_loss": 1 / epoch + offset, "val_loss": 1.1 / epoch + offset,
            "train_acc": 0.5, "val_acc": 0.45, "layer_norms": {"hidden1": 1.0}, "observation": "learning"}


def main(db: str, mode: str, epochs: int = 0) -> None:
    store = open_store(db)
    writer = store.begin({"epochs": epochs or 1000, "weight_decay": 0.01, "mode": mode})
    print(f"run {writer.id}", flush=True)
    if mode == "hold":
        print("begun", flush=True)
        sys.stdin.read()
        return
    if mode == "burst":
        sys.stdin.readline()  # "go": so two children write their epochs at the same time
    epoch = 0
    while mode == "loop" or epoch < epochs:
        epoch += 1
        writer.epoch(record(epoch))
        if mode == "loop":
            store.flush()  # the epoch has landed before we say so (recording itself is queued)
        print(f"epoch {epoch}", flush=True)
        time.sleep(0.005 if mode == "loop" else 0.001)
    writer.finish("finished")
    store.close()
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 0)
