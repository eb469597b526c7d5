"""`--tensorboard DIR` for the app, `wdtui trace` and `wdtui sweep`.

It is checked before any training, and turned into what a Recorder calls to open each run's
TensorBoard log."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, Callable

from ..core.table import DataError


def check_tensorboard(args: argparse.Namespace) -> None:
    """--tensorboard DIR: the package installed and DIR a folder that can be made, before any
    training (DataError: one line, exit 2)."""
    folder = getattr(args, "tensorboard", None)
    if folder is None:
        return
    if not folder.strip():  # "" would write into the current folder, which no one asked for
        raise DataError("--tensorboard: give the folder to write to (tensorboard --logdir FOLDER), not ''")
    from ..core.tensorboard import available, missing_line
    from ..store.paths import make_folder

    if not available():
        raise DataError(missing_line("--tensorboard"))
    try:
        make_folder(Path(folder).expanduser())
    except OSError as exc:
        raise DataError(f"--tensorboard: cannot write to {folder}: {exc.strerror or exc}") from None


def tensorboard_logs(folder: str | None) -> Callable[..., Any] | None:
    """What a Recorder calls to open a run's TensorBoard log under `folder` (None: no log)."""
    if folder is None:
        return None
    from functools import partial

    from ..core.tensorboard import open_log

    return partial(open_log, Path(folder).expanduser())
