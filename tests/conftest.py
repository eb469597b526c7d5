"""Every test stores what it stores (exports, runs, lesson progress) in a folder of its own,
never in the home folder: WDTUI_DATA_DIR points each test at a temporary one."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def data_dir(tmp_path_factory, monkeypatch):
    folder = tmp_path_factory.mktemp("wdtui-data")
    monkeypatch.setenv("WDTUI_DATA_DIR", str(folder))
    return folder
