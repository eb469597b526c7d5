"""Mode 9 in the real app: the script shown is script_for(config), highlighted; c copies it,
s saves it and e exports the run, into the folder typed, with the records' own numbers."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from textual.widgets import Input, Static, TextArea

from wdtui.store import export
from wdtui.present.codegen import script_for
from wdtui.core.config import RunConfig
from wdtui.core.engine import Engine
from wdtui.core.jsonable import to_json
from wdtui.store.export import CSV_COLUMNS
from wdtui.ui.app import create_app
from wdtui.ui.screens.code import CodeScreen
from wdtui.ui.session import RunState

from app_helpers import SIZE, text_of, trained, wait_for

CONFIG = RunConfig(seed=0, epochs=2)


def notes(app) -> list[tuple[str, str, str]]:
    return [(n.severity, n.title, n.message) for n in app._notifications]


async def into(pilot, folder: Path | str) -> None:
    """Put `folder` in the folder field as a user would: f, the path (pasted), enter."""
    await pilot.press("f")
    field = pilot.app.screen.query_one("#code-dir", Input)
    assert field.has_focus
    field.value = str(folder)
    await pilot.press("enter")
    assert pilot.app.screen.query_one(TextArea).has_focus


async def test_the_script_shown_is_the_generated_one_highlighted():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        assert isinstance(app.screen, CodeScreen)
        area = app.screen.query_one(TextArea)
        assert area.text == script_for(CONFIG)
        assert area.read_only and area.language == "python"
        assert area.is_syntax_aware  # tree-sitter's grammar is installed (textual[syntax]), not plain text
        about = " ".join(text_of(app.screen.query_one("#code-about", Static)).split())
        assert "SGD · μ 0.9 · γ 0.02 · λ 0.001 · 2 epochs" in about and "python train.py" in about
        assert app.screen.query_one("#code-dir", Input).value == str(export.default_dir())


async def test_the_script_follows_lambda_changed_mid_run():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("9", "n")
        await wait_for(pilot, RunState.PAUSED)
        app.apply_config(CONFIG.replace(weight_decay=0.01))  # what the Train controls do
        await pilot.press("space")
        await wait_for(pilot, RunState.FINISHED)
        assert app.screen.query_one(TextArea).text == script_for(CONFIG.replace(weight_decay=0.01))
        about = " ".join(text_of(app.screen.query_one("#code-about", Static)).split())
        assert "λ changed during this run; the script trains with the latest, λ = 0.01, throughout." in about


async def test_c_copies_the_script():
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9", "c")
        assert app.clipboard == script_for(CONFIG)
        assert notes(app)[-1][:2] == ("information", "Copied")


async def test_s_saves_the_script_into_the_folder_typed(tmp_path):
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("9")
        await into(pilot, tmp_path / "scripts")
        await pilot.press("s")
        (path,) = (tmp_path / "scripts").glob("train-*.py")
        assert path.read_text(encoding="utf-8") == script_for(CONFIG)
        severity, title, message = notes(app)[-1]
        assert (severity, title) == ("information", "Script saved") and f"python {path}" in message


async def test_e_exports_the_run_with_the_records_numbers(tmp_path):
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        await pilot.press("9")
        await into(pilot, tmp_path)
        await pilot.press("e")
        (json_path,), (csv_path,) = tmp_path.glob("run-*.json"), tmp_path.glob("run-*.csv")
        severity, title, message = notes(app)[-1]
        assert (severity, title) == ("information", "Run exported")
        assert "epoch 0 and 2 epochs" in message and str(json_path) in message and str(csv_path) in message
        document = json.loads(json_path.read_text(encoding="utf-8"))
        # The same run, trained again apart from the app, reports the same numbers (timings aside).
        engine = Engine(CONFIG)
        list(engine.run())
        expected = json.loads(to_json(engine.report()))
        for doc in (document, expected):
            for epoch in doc["epochs"]:
                epoch.pop("seconds")
        assert document == expected
        assert set(document) == {"config", "setup", "stages", "epochs", "prediction", "diverged", "insight", "boundary"}
        with csv_path.open(newline="", encoding="utf-8") as f:
            rows = list(csv.DictReader(f))
        assert len(rows) == len(app.session.all_epochs) == CONFIG.epochs + 1
        for row, record in zip(rows, app.session.all_epochs):
            for column in CSV_COLUMNS[1:-1]:
                assert float(row[column]) == getattr(record, column), column


async def test_e_while_training_stops_at_the_latest_epoch_end(tmp_path):
    config = RunConfig(seed=0, epochs=100_000)  # far more than the test waits for
    app = create_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("9")
        await into(pilot, tmp_path)
        await pilot.press("space")
        while not app.session.epochs:
            await pilot.pause(0.05)
        await pilot.press("e")
        (json_path,) = tmp_path.glob("run-*.json")
        document = json.loads(json_path.read_text(encoding="utf-8"))
        assert "training goes on" in notes(app)[-1][2]
        done = len(document["epochs"]) - 1  # epoch 0 first
        assert 1 <= done <= len(app.session.epochs)
        assert document["epochs"] == json.loads(to_json(app.session.all_epochs[:done + 1]))
        assert document["stages"][-1] is not None and document["prediction"]["row"] == app.session.prediction.row


@pytest.mark.parametrize("key, title", [("s", "Script not saved"), ("e", "Run not exported")])
async def test_an_unwritable_folder_is_one_notification(tmp_path, key, title):
    (tmp_path / "file.txt").write_text("not a folder")
    app = create_app(CONFIG)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.READY)
        await pilot.press("9")
        await into(pilot, tmp_path / "file.txt" / "out")
        await pilot.press(key)
        severity, got, message = notes(app)[-1]
        assert (severity, got) == ("error", title)
        assert message == f"{tmp_path / 'file.txt'} is a file, not a folder. Choose another folder with f."
        assert sorted(p.name for p in tmp_path.iterdir()) == ["file.txt"]
        assert app.is_running


async def test_nothing_to_export_from_a_run_that_cannot_be_built(tmp_path):
    app = create_app(RunConfig(data=str(tmp_path / "missing.csv"), target="y"))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, RunState.FAILED)
        await pilot.press("9")
        await into(pilot, tmp_path)
        await pilot.press("e")
        severity, title, message = notes(app)[-1]
        assert (severity, title) == ("warning", "Run not exported")
        assert message.startswith("Nothing to export yet: the run could not be built: ")
        assert list(tmp_path.iterdir()) == []


def test_snapshot_code(snap_compare, monkeypatch):
    # The user data directory differs between machines: a fixed one keeps the snapshot stable.
    monkeypatch.setattr(export, "default_dir", lambda: Path("/home/you/.local/share/wdtui"))

    async def ready(pilot):
        await wait_for(pilot, RunState.READY)
        await pilot.press("9")

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=SIZE, run_before=ready)
