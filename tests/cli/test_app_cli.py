"""`wdtui` with no command opens the app with the options given; bad input never opens it."""

from __future__ import annotations

import os
import sys

import pytest

from wdtui.commands.cli import main
from wdtui.core.config import RunConfig
from wdtui.ui.app import WdtuiApp


@pytest.fixture
def opened(monkeypatch) -> list[RunConfig]:
    """The configs the app was run with (instead of taking over the terminal); the CLI's
    os._exit after the app becomes a SystemExit, so pytest lives on."""
    configs: list[RunConfig] = []
    monkeypatch.setattr(WdtuiApp, "run", lambda self, *a, **k: configs.append(self.session.config))
    monkeypatch.setattr(os, "_exit", lambda code: sys.exit(code))
    return configs


def test_options_and_a_csv_reach_the_app(opened, tmp_path):
    csv = tmp_path / "small.csv"
    csv.write_text("a,b,y\n" + "".join(f"{i},{i * i % 7},{'yes' if i % 3 else 'no'}\n" for i in range(30)))
    assert status(["--weight-decay", "0.01", "--optimizer", "adamw", "--data", str(csv), "--target", "y",
                   "--row", "29"]) == 0
    [config] = opened
    assert (config.weight_decay, config.optimizer, config.data, config.target, config.row) == (
        0.01, "adamw", str(csv), "y", 29)


def status(argv: list[str]) -> int:
    """What `wdtui ARGV` exits with: argparse exits for bad options, main returns for bad data."""
    try:
        return main(argv)
    except SystemExit as exc:
        return int(exc.code)


@pytest.mark.parametrize("argv, says", [
    (["--epochs", "0"], "epochs must be a whole number ≥ 1"),
    (["--lr", "abc"], "learning rate must be a number, not 'abc'"),
    (["--lr", "0"], "--lr: learning rate must be > 0, not 0.0"),
    (["--data", "/no/such.csv", "--target", "y"], "/no/such.csv: no such file"),
    (["--data", "small.csv"], "--target: a CSV file needs its target column"),
    (["--row", "1000"], "--row: row 1000 is out of range: the data has rows 0 to 999"),
])
def test_bad_input_is_one_line_and_exit_2_before_the_app(opened, capsys, argv, says):
    assert status(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and err.startswith("wdtui")
    assert opened == []
