"""Every lesson step rehearsed at seeds 0–7: its prediction's right answer, and its outcomes true
when they fire.

A step's right answer must not depend on luck, and an outcome's sentence must be true whenever
its condition picks it, for the step's own setup and for what a learner might set instead: λ
ten times larger or smaller (for a step set up at λ = 0, the preset's λ, and ten times that)
and another seed. For every step that runs something, this rehearses it as the app would
(wdtui.lesson.rehearse: the real engine, one torch thread), prints which outcome fired, which
prediction options the run made right and any claim of the outcome's sentence the run's facts
break (tests/lesson_claims.py, written apart from the lesson file's conditions), then says
whether every prediction had one right answer, the same at every seed.

    python benchmarks/check_lesson.py [--seeds 0-7] [--steps boundary,overfit]

tests/slow/test_lesson_outcomes.py holds a part of this table. Exits 1 when anything fails.
"""

from __future__ import annotations

import argparse
import sys
from functools import lru_cache
from pathlib import Path

from common import seed_list
from wdtui.core.engine import trained
from wdtui.core.presets import PRESETS
from wdtui.lesson.rehearse import rehearse
from wdtui.lesson.steps import LETTERS, Step, load_lesson

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from lesson_claims import check  # noqa: E402  (the tests' own reading of each outcome)

RUNS = ("pipeline", "train", "compare", "sweep", "weights")


def learner_lambdas(step: Step) -> list[float]:
    """The λ a learner might try instead of the step's: ten times larger and smaller, or for a
    step set up at λ = 0, the preset's λ and ten times that. (A sweep sweeps its own λ.)"""
    if step.mode == "sweep":
        return []
    lam = step.setup.weight_decay
    if lam == 0:
        own = PRESETS[step.setup.preset].values.get("weight_decay", 0.0)
        return [own, 10 * own] if own else []
    return [10 * lam, lam / 10]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="0-7")
    parser.add_argument("--steps", default="")
    args = parser.parse_args()
    train = lru_cache(maxsize=None)(trained)  # a twin at λ = 0 serves every λ tried against it
    wanted = set(filter(None, args.steps.split(",")))
    failures = 0
    print("step           λ         seed  outcome  right  broken claims")
    for step in load_lesson().steps:
        if step.setup is None or step.mode not in RUNS or (wanted and step.id not in wanted):
            continue
        answers, fired = set(), set()
        for lam in [step.setup.weight_decay, *learner_lambdas(step)]:
            for seed in seed_list(args.seeds):
                config = step.setup.replace(weight_decay=lam, seed=seed)
                r = rehearse(step, config, train)
                broken = check(step, r.outcome, r.facts)
                fired.add(r.outcome)
                if lam == step.setup.weight_decay and step.prediction is not None:
                    answers.add(r.right)
                failures += bool(broken)
                right = "".join(LETTERS[i] for i in r.right) or "-"
                print(f"{step.id:13}  {lam:<8g}  {seed:4}  {r.outcome + 1:7}  {right:5}  {'; '.join(broken) or 'none'}",
                      flush=True)
        if step.prediction is not None and (len(answers) != 1 or len(next(iter(answers))) != 1):
            failures += 1
            print(f"{step.id}: the right answer is not one option, the same at every seed: "
                  f"{sorted(''.join(LETTERS[i] for i in a) or '-' for a in answers)}")
        print(f"{step.id}: outcomes fired {sorted(i + 1 for i in fired)} of {len(step.outcomes)}", flush=True)
    print("every prediction had one right answer at every seed, and every outcome was true when it fired"
          if not failures else f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
