"""Where wdtui keeps what it stores: one data directory, for exports, the run store and lessons.

`WDTUI_DATA_DIR` wins when it is set (and not empty). So a test, a classroom machine or a second
installation can keep everything elsewhere. Otherwise it is platformdirs' user data directory
("~/.local/share/wdtui" on Linux). Nothing here creates a folder: the writer does, when it writes.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "WDTUI_DATA_DIR"
DATABASE_NAME = "runs.sqlite3"


def data_dir() -> Path:
    """The folder everything wdtui stores lives in (see the module's docstring)."""
    override = os.environ.get(DATA_DIR_ENV, "")
    if override:
        return Path(override).expanduser()
    from platformdirs import user_data_dir  # only when needed: it takes longer to import than the store

    return Path(user_data_dir("wdtui"))


def database_path() -> Path:
    """The run store: one SQLite file in the data directory."""
    return data_dir() / DATABASE_NAME


def make_folder(folder: Path) -> None:
    """`mkdir -p`, saying plainly when a part of the path is a file.

    The system says only "File exists"; this says NotADirectoryError("… is a file, not a folder")."""
    for part in (folder, *folder.parents):
        if part.exists():
            if not part.is_dir():
                raise NotADirectoryError(f"{part} is a file, not a folder")
            break
    folder.mkdir(parents=True, exist_ok=True)
