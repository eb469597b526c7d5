"""The trainer's tasks: the run, the Compare twins and the sweep, each sending what it makes.

Imports torch (through the core): only the trainer process imports this module.

Each task runs on a thread of the trainer and drives the core (the one run engine, or the
stacked sweep); `send` carries each event to the app, in order. Each records itself through
the trainer's one Recorder, where its records are made: the run and the twins drive their
engines through a RecordedRun (core/recorded.py). A task ends when its work does, or
between two steps when its Control is cancelled (the app moved on, or is gone).
"""

from __future__ import annotations

import time
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Callable

from ..core.boundary import default_plane
from ..core.capture import LastUpdates
from ..core.compare import twin_engines, twins
from ..core.control import Watch
from ..core.engine import Engine
from ..core.model import weights_of
from ..core.pace import FOLLOW_EVERY, FOLLOW_EVERY_INSTANT
from ..core.recorded import RecordedRun
from ..core.records import (ConfigChanged, Diverged, EpochRecord, Look, Setup, StepRecord, Stopped,
                            SweepProgress)
from ..core.sweep_engine import Sweep
from ..present.runs_table import sweep_label, twins_label
from ..store.recording import SweepRecording, new_group
from .events import (ConfigApplied, RunDiverged, RunStopped, SetupReady, SweepBoundaries, SweepDone, SweepProgressed,
                     TwinRecord, ViewTaken)
from .outbox import Outbox, TwinsOutbox
from .look_worker import LookWorker

if TYPE_CHECKING:
    from ..core.config import RunConfig
    from ..core.control import Control
    from .events import Event
    from .server import Room

Send = Callable[["Event"], object]

# Every λ's boundary costs a few milliseconds, so while a sweep trains they are taken at most
# this often (seconds; at pace instant, where the user asked for speed, the longer one); and
# once more after the last epoch.
BOUNDARIES_EVERY = 1.5
BOUNDARIES_EVERY_INSTANT = 4.0


def run_task(send: Send, control: Control, room: Room, config: RunConfig) -> None:
    """Build the run, send its SetupReady, then every record the engine yields.

    The engine's Watch looks at the model (over `plane`) at most every FOLLOW_EVERY seconds
    (FOLLOW_EVERY_INSTANT at pace instant) and wherever the run stops. Each look's boundary is
    worked out by a LookWorker beside training; every one is sent before the run says it stopped.
    Views of the model (a row traced, the stages, the smoothness number) go out with an
    epoch's record at most as often as the Watch looks. Between them only a copy of the model
    is kept, and the latest epoch end's view goes out where the run stops.

    The run is recorded from its first trained epoch: a model built and never trained is not
    a run. Its status is "finished" when its epochs are done ("running" again if it is given
    more), "diverged", or "stopped" when the app moves on to a new run or ends.
    """
    plane, recorder, shelf = room.plane, room.recorder, room.shelf

    watch = Watch(every=1, measure=plane.boundary_later, seconds=FOLLOW_EVERY, unpaced_seconds=FOLLOW_EVERY_INSTANT)
    engine = Engine(config, control, watch=watch)
    looks = LookWorker(send)
    updates = LastUpdates(engine)
    viewed, unviewed = 0.0, None  # when the latest view went out; the epoch end not viewed yet
    spare = None  # the copy unviewed epoch ends are overwritten into, until a view keeps it
    out = Outbox(send)
    recorded = RecordedRun(engine, lambda: recorder.begin(config.to_dict()), from_first_step=True)
    try:
        for record in recorded.run():
            if isinstance(record, StepRecord):
                out.step(record)
            elif isinstance(record, Look):
                looks.send(record)
            elif isinstance(record, EpochRecord):
                if time.perf_counter() - viewed >= watch.spacing(control.unpaced(engine.config.epochs)):
                    out.epoch(record, shelf.view(engine), updates.of_epoch(record.epoch))
                    viewed, unviewed = time.perf_counter(), None
                else:
                    out.epoch(record)
                    unviewed = spare = engine.copy_model(reuse=spare)
            elif isinstance(record, Setup):
                out.send(SetupReady(record, shelf.view(engine)))
                viewed = time.perf_counter()  # epoch 0's record needs no view of its own: this one is of its model
            elif isinstance(record, ConfigChanged):
                out.send(ConfigApplied(record))
            elif isinstance(record, (Stopped, Diverged)):
                # The latest epoch end's view is worked out while the look worker finishes the last
                # boundary; it goes after it, and after the epochs held back.
                view = None if unviewed is None else ViewTaken(shelf.view(engine, unviewed),
                                                               updates.of_epoch(unviewed.epoch))
                looks.drain()
                out.stopped()
                if view is not None:
                    send(view)
                    viewed, unviewed, spare = time.perf_counter(), None, None  # the shelf keeps it
                send(RunStopped(record, control.steered) if isinstance(record, Stopped) else RunDiverged(record))
    finally:
        looks.close()
        recorded.close()  # "stopped" when a new run, or the app ending, cut it short


def twins_task(send: Send, control: Control, room: Room, config: RunConfig) -> None:
    """Train both twins, λ = 0 and `config`'s λ, an epoch each in turn; send every record,
    a few together at pace instant (TwinsOutbox).

    Each twin's Watch looks at epoch ends, at most every FOLLOW_EVERY seconds, and at its last
    epoch. At pace instant each looks half as often as a run's, so the two together take as
    many boundaries as one run. Both look over one plane (`plane`'s, else the one the λ = 0
    twin's first layer weighs most), so the two pictures show the same slice. The Watch only
    copies the model; a LookWorker works the boundary out beside training, as for a run. A
    twin's last boundary is sent before the twin says it stopped. A twin's view (its smoothness
    number) goes out as often, and at its last epoch. The λ = 0 twin's weights go out at every
    epoch end, so the Weights mode sets the twin beside the run at the run's own epoch. Both
    twins are recorded, as one group, each with its report when it finishes or diverges
    ("stopped" if cut short).
    """
    plane, recorder, shelf = room.plane, room.recorder, room.shelf

    engines = twin_engines(config, control)

    def measure(engine):
        n = engine.data.n_features
        return engine.boundary_later(plane.for_data(n) or (default_plane(engines[0].model) if n >= 2 else None))

    for engine in engines:  # at pace instant the two together as seldom as a run
        engine.watch = Watch(every=engine.steps_per_epoch, measure=measure, seconds=FOLLOW_EVERY,
                             unpaced_seconds=2 * FOLLOW_EVERY_INSTANT)
    group, label = new_group(), twins_label(config.weight_decay)
    recorded = [RecordedRun(e, partial(recorder.begin, e.config.to_dict(), "twin", group, label)) for e in engines]
    looks = LookWorker(send)
    out = TwinsOutbox(send)
    viewed = [0.0, 0.0]
    try:
        for which, record in twins(engines, [r.run() for r in recorded]):
            engine = engines[which]
            if isinstance(record, Look):
                looks.send(record, partial(TwinRecord, which))
                continue
            stops = isinstance(record, (Stopped, Diverged))
            if stops:  # its epochs, then the picture of where it stopped, then the stop
                out.flush()
                looks.drain()
            view = weights = None
            if isinstance(record, EpochRecord) and record.epoch > 0:
                last = record.epoch == engine.config.epochs
                spacing = engine.watch.spacing(control.unpaced(engine.config.epochs))
                if last or time.perf_counter() - viewed[which] >= spacing:
                    view, viewed[which] = shelf.view(engine), time.perf_counter()
                weights = weights_of(engine.model) if which == 0 else None
            out.add(TwinRecord(which, record, view, weights), at_once=stops)
        looks.drain()
    finally:
        looks.close()
        for twin in recorded:
            twin.close()


def sweep_task(send: Send, control: Control, room: Room, config: RunConfig, grid: tuple[float, ...]) -> None:
    """Train every λ of `grid` at once; send each record, and every λ's boundary now and then.

    While it trains the boundaries are worked out by a LookWorker beside training (the copies
    are taken on the training thread, in milliseconds); those after the last epoch on the
    training thread, after every earlier one is sent, as the result's points carry each
    boundary's length and smoothness number. The weight histograms of a progress record are
    for the store: the app is sent the record without them. Each λ is recorded as a run of
    one group ("stopped" if the sweep is cut short)."""
    plane, recorder = room.plane, room.recorder

    run = Sweep(config, grid, control, measure=True, histograms=recorder.wants_weights)
    kept = SweepRecording(recorder, config, grid, sweep_label(grid))
    looks = LookWorker(send)
    result = None
    taken = time.perf_counter()
    try:
        for record in run.run():
            if isinstance(record, SweepProgress):
                kept.progress(record)
                send(SweepProgressed(for_the_app(record)))
                features = plane.for_data(run.data.n_features)
                if record.epoch == record.epochs:
                    looks.drain()
                    send(SweepBoundaries(record.epoch, run.boundaries(features)))
                elif time.perf_counter() - taken >= (BOUNDARIES_EVERY_INSTANT if control.unpaced(record.epochs)
                                                     else BOUNDARIES_EVERY):
                    later = run.boundaries_later(features)  # a look at every λ, at the epoch's end
                    looks.send(Look(record.epoch, 0, 0, later), sweep_boundaries)
                    taken = time.perf_counter()
            else:
                result = record
                send(SweepDone(record))
    finally:
        looks.close()
        kept.close(result)


def for_the_app(progress: SweepProgress) -> SweepProgress:
    """A sweep's progress without its weight histograms, which only the store keeps."""
    initial = progress.initial and for_the_app(progress.initial)
    if not progress.histograms and initial is progress.initial:
        return progress
    return replace(progress, histograms=(), initial=initial)


def sweep_boundaries(look: Look) -> SweepBoundaries:
    """The LookWorker's look at every λ, as the event the app takes."""
    return SweepBoundaries(look.epoch, look.value)
