"""The house's direction, checked on every module (walked, never hand-picked):

- the core and the quiz import neither textual, rich nor plotext;
- the presentation room and the store import neither torch nor textual;
- importing any module of the Textual app does not load torch (the first frame never waits);
- `wdtui --help` and the torch-free commands (`wdtui runs`, but for `runs tensorboard`) stay torch-free.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path

import pytest

import wdtui

from helpers import loaded_by

UI_LIBRARIES = ("textual", "rich", "plotext")


def modules(room: str) -> list[str]:
    """Every module under wdtui.<room>, found on disk."""
    path = Path(wdtui.__file__).parent / room.replace(".", "/")
    found = [f"wdtui.{room}"]
    for info in pkgutil.walk_packages([str(path)], prefix=f"wdtui.{room}."):
        found.append(info.name)
    return found


def test_every_room_is_found():
    assert "wdtui.core.engine" in modules("core") and "wdtui.ui.screens.train" in modules("ui")
    assert len(modules("core")) > 15 and len(modules("ui")) > 20


@pytest.mark.parametrize("room", ["core", "quiz", "lesson"])
def test_core_quiz_and_lesson_import_no_ui_library(room):
    assert loaded_by(*modules(room), among=UI_LIBRARIES) == []


@pytest.mark.parametrize("room", ["present", "store", "quiz"])
def test_presentation_store_and_quiz_import_neither_torch_nor_textual(room):
    assert loaded_by(*modules(room), among=("torch", "textual")) == []


def test_no_module_of_the_app_loads_torch():
    assert loaded_by(*modules("ui"), among=("torch",)) == []


def test_the_commands_load_torch_only_to_train():
    assert loaded_by("wdtui.commands.cli", "wdtui.commands.serve", "wdtui.commands.runs",
                     "wdtui.commands.runs_actions", among=("torch",)) == []
