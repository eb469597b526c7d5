"""Every test stores what it stores (exports, runs, lesson progress) in a folder of its own,
never in the home folder: WDTUI_DATA_DIR points each test at a temporary one. And each runs in
a temporary working folder, so a relative path (an export folder the fuzz test typed as "?.")
lands there, not in the checkout.

And the app's tests train at full speed: the app's default pace spreads a run over seconds for
a person to watch, which a test checking numbers only waits for. A test of the pace passes
one to create_app (tests/app/test_boundary_app.py)."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("wdtui-data")
    monkeypatch.setenv("WDTUI_DATA_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def working_folder(tmp_path_factory, monkeypatch):
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))


@pytest.fixture(autouse=True)
def instant_pace(monkeypatch):
    from wdtui.core.pace import INSTANT
    from wdtui.ui import app

    monkeypatch.setattr(app, "DEFAULT_PACE", INSTANT)


@pytest.fixture(autouse=True)
def trainer_in_process(monkeypatch):
    """The app's trainer serves its pipe from a thread of the test's own process, where torch
    is loaded once, instead of a new process importing torch for every app test. The tests
    about the process itself (tests/app/test_trainer_process.py) start the real one."""
    from wdtui.trainer import client

    monkeypatch.setattr(client, "IN_PROCESS", True)
