"""The README quotes the code and the runs: the Observation's rules word for word, and the
default run's numbers as `wdtui trace` prints them."""

from __future__ import annotations

import json
from pathlib import Path

from wdtui.core.observe import RULES

from helpers import run_cli

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_observation_rules_are_quoted_word_for_word():
    quoted = [line.strip() for line in README.splitlines()]
    for line in RULES.splitlines():
        assert line.strip() in quoted, line


def test_the_default_run_is_quoted_as_it_runs(capsys):
    status, out, _ = run_cli(capsys, "trace", "--json")
    assert status == 0
    doc = json.loads(out)
    first, *_, last = doc["epochs"]
    insight = doc["insight"]
    said = " ".join(README.split())
    assert (f"(epoch 0: accuracy {100 * first['train_acc']:.1f} %, loss {first['train_loss']:.4f})" in said)
    assert f"({doc['epochs'][1]['train_loss']:.4f} → {last['train_loss']:.4f})" in said
    assert f"to {100 * last['train_acc']:.1f} % on training and {100 * last['val_acc']:.1f} % on validation" in said
    assert f"half-life under decay alone is {insight['half_life_steps']:,.0f} steps" in said
    assert f"takes {insight['steps_trained']} ({100 * insight['left_after_run']:.1f} % of a weight is left" in said
    assert (f"own decay part is 1 − γλ = {insight['direct_shrink']:g}, and momentum makes the long-run factor "
            f"{insight['shrink']:.4f})") in said
    assert f"the penalty is {100 * insight['penalty_share']:.2f} % of the objective" in said
