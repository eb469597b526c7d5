"""Runs as TensorBoard event files, written with torch.utils.tensorboard.

There is one folder per run under the folder the user gives. Its name makes TensorBoard list runs
in the order they ran: `run-0012-sgd-wd0.001`, with its id in the run store. A sweep's points and
the Compare twins get one folder per group, holding one per run: `sweep-1a2b3c4d/run-0031-wd0.01`.
Without a run store (`--no-record`) the time stands in for the id.

Each folder holds, per epoch:
- the scalars `loss/train`, `loss/val` (data loss, penalty excluded), `loss/penalty` ((λ/2)‖θ‖²),
  `accuracy/train` and `accuracy/val`;
- `norm/theta` (‖θ‖ of the decayed weights) and `norm/<layer>` (‖W‖ of each layer);
- `lambda` (λ in force, which may change mid-run), and a histogram `weights/<layer>`.
It also holds the settings as a text table, and the run's hyperparameters for the HParams
dashboard. Its metrics are the last `loss/val`, `loss/train` and accuracies. So a sweep's
points, or any runs logged side by side, draw validation loss against λ there.
This is the one writer of them: `--tensorboard` (live) and `wdtui runs tensorboard` (stored).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, Mapping

from .records import EpochRecord

METRICS = ("loss/val", "loss/train", "accuracy/val", "accuracy/train")
INSTALL = 'pip install "wdtui[tensorboard]"'
GROUP_NAMES = {"sweep-point": "sweep", "twin": "twins"}


def available() -> bool:
    """Whether the tensorboard package is installed (torch.utils.tensorboard needs it); asked
    without importing it or torch."""
    from importlib.util import find_spec

    return find_spec("tensorboard") is not None


def missing_line(option: str) -> str:
    """What an option that needs TensorBoard says without it: one line, how to install it."""
    return f"{option} needs the tensorboard package: {INSTALL}"


def run_folder(config: Mapping[str, Any], run_id: int, kind: str = "run", group: str | None = None,
               stamp: str | None = None) -> str:
    """The run's folder under the TensorBoard folder (see the module's docstring)."""
    which = f"run-{run_id:04d}" if run_id else (stamp or time.strftime("%Y%m%d-%H%M%S"))
    lam = f"wd{float(config.get('weight_decay', 0.0)):g}"
    if group is None:
        return f"{which}-{config.get('optimizer', 'sgd')}-{lam}"
    return f"{GROUP_NAMES.get(kind, kind)}-{group[:8]}/{which}-{lam}"


def hyperparameters(config: Mapping[str, Any]) -> dict[str, Any]:
    """The settings as HParams values (numbers, strings and booleans; lists joined)."""
    out: dict[str, Any] = {}
    for name, value in config.items():
        if name == "row":
            continue  # the row followed through the trace: not a setting of the training
        if isinstance(value, (list, tuple)):
            value = ",".join(map(str, value))
        out[name] = "synthetic" if name == "data" and value is None else value
    return {k: v for k, v in out.items() if isinstance(v, (bool, int, float, str))}


class RunLog:
    """One run's event file, filled an epoch at a time (TensorBoard shows it while it trains)."""

    def __init__(self, folder: Path, config: Mapping[str, Any]) -> None:
        from torch.utils.tensorboard import SummaryWriter

        self.folder = folder
        self.config = dict(config)
        from torch.utils.tensorboard.summary import hparams

        self.writer = SummaryWriter(log_dir=str(folder))
        rows = "\n".join(f"| {k} | {v} |" for k, v in self.config.items())
        self.writer.add_text("settings", f"| setting | value |\n|---|---|\n{rows}", 0)
        # Written first, so a run killed mid-way still has them; the metrics' values are the
        # scalars' latest, which the HParams dashboard follows as the run trains.
        for summary in hparams(hyperparameters(self.config), {tag: 0.0 for tag in METRICS}):
            self.writer.file_writer.add_summary(summary)

    def epoch(self, record: EpochRecord, histograms: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        w, step = self.writer, record.epoch
        for tag, value in (("loss/train", record.train_loss), ("loss/val", record.val_loss),
                           ("loss/penalty", record.penalty), ("accuracy/train", record.train_acc),
                           ("accuracy/val", record.val_acc), ("norm/theta", record.weight_norm),
                           ("lambda", record.weight_decay)):
            w.add_scalar(tag, value, step)
        for layer, norm in record.layer_norms.items():
            w.add_scalar(f"norm/{layer}", norm, step)
        for layer, h in (histograms or {}).items():
            w.add_histogram_raw(f"weights/{layer}", h["min"], h["max"], h["num"], h["sum"], h["sum_squares"],
                                h["limits"], h["counts"], step)

    def flush(self) -> None:
        self.writer.flush()

    def close(self) -> None:
        self.writer.close()


def open_log(root: Path, config: Mapping[str, Any], run_id: int = 0, kind: str = "run",
             group: str | None = None) -> RunLog:
    """A RunLog in a folder of its own under `root` (see `run_folder`).

    "-2", "-3", … are added to a name already taken, so a run logged twice never mixes two runs
    in one folder."""
    name = run_folder(config, run_id, kind, group)
    folder, n = root / name, 1
    while folder.exists():
        n += 1
        folder = root / f"{name}-{n}"
    return RunLog(folder, config)
