"""One name per class in wdtui/: two classes of one name (even nested, even in different
rooms) make every import, search and traceback ask which one is meant."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import wdtui

PACKAGE = Path(wdtui.__file__).parent


def class_names() -> dict[str, list[str]]:
    """Each class name in wdtui/, and the modules defining a class of that name."""
    where: dict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ClassDef):
                where[node.name].append(str(path.relative_to(PACKAGE.parent)))
    return where


def test_no_two_classes_in_wdtui_share_a_name():
    names = class_names()
    assert len(names) > 100  # the walk found the package's classes
    assert {name: paths for name, paths in names.items() if len(paths) > 1} == {}
