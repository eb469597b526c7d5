"""A lesson step rehearsed without the app, through the real engine, as the app trains it.

It trains the step's setup, or what a learner changed in it. It returns the facts that gives,
and what the judge says.

A prediction's right answer must not depend on luck. An outcome's sentence must be true
whenever its condition picks it. The app cannot be asked that for eight seeds and three values
of λ. So this does what its jobs do, with the same engine and one torch thread. Those jobs (ui/jobs)
are the run, the Compare twins, the sweep, and one epoch taken apart. It hands `lesson.judge` the same
records. benchmarks/check_lesson.py prints every step at seeds 0–7; tests/slow/test_lesson_outcomes.py
holds a part of it. It imports torch, so the app's process never imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from ..core.config import RunConfig
from .facts import Facts, Observed
from .judge import outcome_index, right_options
from .steps import Step

if TYPE_CHECKING:
    from ..core.engine import Engine

Trainer = Callable[[RunConfig], "Engine"]


def train_to_end(config: RunConfig) -> "Engine":
    """The app's run of `config` at pace instant, trained to its end (core.engine.trained)."""
    from ..core.engine import trained

    return trained(config)


@dataclass(frozen=True)
class Rehearsal:
    step: str
    config: RunConfig  # what was trained (the step's setup, with the learner's changes)
    facts: Facts
    outcome: int  # the index of the outcome whose condition picked it
    text: str  # that outcome's sentence, filled in
    right: tuple[int, ...]  # the prediction options the run makes right


def _epoch_records(engine: "Engine") -> tuple:
    return (engine.initial, *engine.history)


def _untrained(config: RunConfig, epochs: int = 0, update: bool = False) -> Observed:
    """The run as set up, trained `epochs` epochs (the app's `n`).

    With `update`, the last step of the last epoch is taken apart (the Weights mode's first
    layer, weight [0, 0])."""
    from ..core.anatomy import anatomy
    from ..core.capture import LastUpdates
    from ..core.engine import Engine
    from ..core.model import weights_of
    from ..core.records import EpochRecord

    engine = Engine(config)
    updates = LastUpdates(engine)
    for record in engine.run():
        if isinstance(record, EpochRecord) and record.epoch == epochs:
            break
    taken = None
    if update and updates.latest is not None:
        taken = anatomy(updates.latest, next(iter(updates.latest.weights)), (0, 0), after=weights_of(engine.model))
    return Observed(config, config, False, _epoch_records(engine), engine.insight(), update=taken)


def _twins(config: RunConfig, train: Trainer) -> Observed:
    """Compare's twins, λ = 0 and λ, each trained to its end.

    The boundary is over the plane the λ = 0 twin's first layer weighs most, as the twins' job takes it."""
    from ..core.boundary import default_plane

    zero, decayed = train(config.replace(weight_decay=0.0)), train(config)
    plane = default_plane(zero.model) if zero.data.n_features >= 2 else None
    looks = [engine.boundary(plane) for engine in (zero, decayed)]
    run = _untrained(config)
    return Observed(
        config, config, False, run.epochs, run.insight, twins_config=config, twins_finished=True,
        twins=(tuple(zero.history), tuple(decayed.history)),
        twins_smoothness=tuple(e.insight().gradient_norm for e in (zero, decayed)),
        twins_length=tuple(b.length if b is not None else None for b in looks),
    )


def _sweep(config: RunConfig) -> Observed:
    """The default sweep of λ over the setup, its best λ applied to Train (the step's `a`)."""
    from ..core.records import SweepResult
    from ..core.sweep_engine import sweep

    result = next(r for r in sweep(config) if isinstance(r, SweepResult))
    target = config.replace(weight_decay=result.best.weight_decay) if result.best is not None else config
    run = _untrained(config)
    return Observed(config, target, False, run.epochs, run.insight, sweep_config=config, sweep=result)


def observed(step: Step, config: RunConfig, train: Trainer = train_to_end) -> Observed:
    """What the app would hold once `step` is done with the run set up as `config`."""
    if step.mode == "pipeline":
        return _untrained(config)
    if step.mode == "train":
        engine = train(config)
        return Observed(config, config, True, _epoch_records(engine), engine.insight())
    if step.mode == "compare":
        return _twins(config, train)
    if step.mode == "sweep":
        return _sweep(config)
    if step.mode == "weights":
        return _untrained(config, epochs=1, update=True)
    raise ValueError(f"step {step.id!r} ({step.mode}) runs nothing to rehearse")


def rehearse(step: Step, config: RunConfig | None = None, train: Trainer = train_to_end) -> Rehearsal:
    """`step` done with `config` (by default its own setup): the outcome it shows, and the
    prediction options its run makes right."""
    config = config if config is not None else step.setup
    facts = Facts(observed(step, config, train))
    outcome = outcome_index(step, facts)
    return Rehearsal(step.id, config, facts, outcome, step.outcomes[outcome].text.format_map(facts),
                     right_options(step, facts))
