"""When a step is done, and what came of it: the outcome in the run's numbers, and whether the
learner's prediction held. Nothing here is canned: each text is the first outcome whose
condition the run's facts meet, filled in with those facts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .expr import holds
from .steps import LETTERS, Step


@dataclass(frozen=True)
class Concluded:
    text: str  # what happened, in the run's numbers
    held: bool | None  # whether the prediction held; None when the step asked none (or it was skipped)
    verdict: str  # the sentence that says so


def is_done(step: Step, facts: Mapping[str, Any]) -> bool:
    return step.done is not None and holds(step.done, facts)


def outcome_index(step: Step, facts: Mapping[str, Any]) -> int:
    """Which of `step`'s outcomes applies: the first whose condition holds (the last has none)."""
    return next(i for i, o in enumerate(step.outcomes) if o.when is None or holds(o.when, facts))


def right_options(step: Step, facts: Mapping[str, Any]) -> tuple[int, ...]:
    """The prediction options the run's facts make right (none when the step asks nothing)."""
    options = step.prediction.options if step.prediction is not None else ()
    return tuple(i for i, o in enumerate(options) if holds(o.right, facts))


def conclude(step: Step, facts: Mapping[str, Any], choice: int | None) -> Concluded:
    """The outcome of `step` now, and the grade of prediction `choice` (an option's index)."""
    text = step.outcomes[outcome_index(step, facts)].text.format_map(facts)
    if step.prediction is None or choice is None:
        said = "" if step.prediction is None else "You did not predict this one."
        return Concluded(text, None, said)
    option = step.prediction.options[choice]
    held = holds(option.right, facts)
    right = [f"{LETTERS[i]}) {step.prediction.options[i].text}" for i in right_options(step, facts)]
    if held:
        verdict = f"Your prediction held: {LETTERS[choice]}) {option.text}."
    elif right:
        verdict = f"Your prediction, {LETTERS[choice]}) {option.text}, did not hold; the run says {right[0]}."
    else:
        verdict = f"Your prediction, {LETTERS[choice]}) {option.text}, did not hold; nor did any other option."
    return Concluded(text, held, verdict)
