"""What each outcome of the lesson says, as checks on the run's facts, written apart from the
lesson file's own conditions: an outcome is true when it fires if its claims hold then.

CLAIMS[step id][i] reads outcome i's sentence ("the penalty stayed tiny", "its function is
smoother too", "it cannot fit even its training rows") and returns the claims the facts break.
A step whose outcomes change must change here too: `check` refuses a step whose number of
outcomes is not the number of claims listed. Used by tests/slow/test_lesson_outcomes.py and by
benchmarks/check_lesson.py (seeds 0–7).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

LN2 = math.log(2)
NEAR_LN2 = 0.1  # "near ln 2", "near a coin toss's": the loss within this of ln 2 = 0.693

Facts = Mapping[str, Any]
Claim = Callable[[Facts], list[str]]


def _broken(*checks: tuple[str, bool]) -> list[str]:
    return [said for said, held in checks if not held]


def _cannot_fit(train_loss: float) -> tuple[str, bool]:
    return "the training loss is near ln 2 (it cannot fit)", abs(train_loss - LN2) < NEAR_LN2


def _nothing(f: Facts) -> list[str]:
    """An outcome that only quotes the run's numbers."""
    return []


CLAIMS: dict[str, list[Claim]] = {
    "pipeline": [
        lambda f: _broken(("its loss is close to ln 2", abs(f["loss0"] - LN2) < 0.05)),
        _nothing,
    ],
    "train": [
        lambda f: _broken(("the penalty stayed tiny", f["penalty_share"] < 0.05),
                          ("the training loss went down", f["train_loss"] < f["loss0"])),
        lambda f: _broken(("the penalty is not negligible", f["penalty_share"] >= 0.05),
                          ("the training loss went down", f["train_loss"] < f["loss0"])),
    ],
    "small-lambda": [
        lambda f: _broken(("the twins ended close (so little)", abs(f["val_change"]) < 0.02),
                          ("the half-life is of the twins' λ", f["twin_lam"] == f["lam"])),
        _nothing,
    ],
    "overfit": [
        lambda f: _broken(_cannot_fit(f["train_loss"]), ("decay is on", f["lam"] > 0),
                          ("it barely fits its training rows", f["train_acc"] < 0.7)),
        lambda f: _broken(("validation loss climbed from its lowest", f["val_rise"] >= 0.05),
                          ("the training loss fell meanwhile", f["train_loss"] < f["val_min_train"]),
                          ("it learned the training rows by heart", f["train_acc"] >= 0.99)),
        lambda f: _broken(("validation loss rose from its lowest", f["val_rise"] >= 0.05)),
        lambda f: _broken(("no clear overfitting", f["val_rise"] < 0.05)),
    ],
    "lambda-helps": [
        lambda f: _broken(_cannot_fit(f["lam_train"]), ("decay made the weights smaller", f["lam_norm"] < f["zero_norm"]),
                          ("its validation loss beats λ = 0's", f["lam_val"] < f["zero_val"]),
                          ("λ = 0 does worse than a coin toss", f["zero_val"] > LN2)),
        lambda f: _broken(_cannot_fit(f["lam_train"]), ("decay made the weights smaller", f["lam_norm"] < f["zero_norm"])),
        lambda f: _broken(("validation loss lower by over 5 %", f["val_change"] < -0.05),
                          ("its learned function is smoother", f["lam_smooth"] < f["zero_smooth"])),
        lambda f: _broken(("so small a λ barely changes the run", abs(f["val_change"]) < 0.05)),
        _nothing,
    ],
    "boundary": [
        lambda f: _broken(("the decayed boundary is shorter", f["lam_length"] < 0.9 * f["zero_length"]),
                          ("it has a boundary", f["lam_length"] > 0),
                          ("its function is smoother too", f["lam_smooth"] < f["zero_smooth"]),
                          ("the simpler boundary generalizes", f["lam_val"] < f["zero_val"])),
        lambda f: _broken(("no boundary at all", f["lam_length"] == 0), _cannot_fit(f["lam_train"])),
        lambda f: _broken(_cannot_fit(f["lam_train"])),
        lambda f: _broken(("boundaries about as long", abs(f["length_change"]) <= 0.1),
                          ("so small a λ barely changes the run", abs(f["val_change"]) < 0.05)),
        _nothing,
    ],
    "sweep": [
        lambda f: _broken(("the U-curve bottoms inside the range", 0 < f["best_lam"] < f["sweep_max_lam"]),
                          ("the largest λ stops it fitting", abs(f["sweep_max_train"] - LN2) < NEAR_LN2)),
        lambda f: _broken(("the U-curve bottoms inside the range", 0 < f["best_lam"] < f["sweep_max_lam"])),
        lambda f: _broken(("lowest at λ = 0", f["best_lam"] == 0)),
        lambda f: _broken(("lowest at the largest λ", f["best_lam"] == f["sweep_max_lam"])),
    ],
    "update": [_nothing],
    "optimizer": [_nothing],
}


def check(step, outcome: int, facts: Facts) -> list[str]:
    """The claims outcome `outcome` of `step` makes that `facts` break."""
    claims = CLAIMS[step.id]
    if len(claims) != len(step.outcomes):
        return [f"{step.id} has {len(step.outcomes)} outcomes and {len(claims)} lists of claims: "
                "write down what the changed outcomes say"]
    return claims[outcome](facts)
