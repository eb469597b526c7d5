"""The run's boundary is worked out by a LookWorker, off the training thread: every look is posted,
in the order taken, all of them before the run says it stopped, and a look that fails is not
lost in silence. (In the app, the look at where a run stopped is on screen when it says so:
tests/app/test_boundary_app.py.)"""

from __future__ import annotations

import threading
import time

import pytest

from wdtui.core.boundary import boundary
from wdtui.core.config import RunConfig
from wdtui.core.control import Control
from wdtui.core.engine import Engine
from wdtui.core.presets import preset_config
from wdtui.core.records import EpochRecord, Look
from wdtui.trainer.events import LookTaken
from wdtui.trainer.look_worker import LookWorker


def test_looks_are_worked_out_off_the_calling_thread_and_posted_in_order():
    posted, threads = [], []

    def look(n: int):
        def later():
            threads.append(threading.current_thread())
            time.sleep(0.01 if n % 2 == 0 else 0.0)  # uneven costs must not reorder them
            return f"boundary {n}"
        return later

    viewer = LookWorker(posted.append)
    try:
        for n in range(6):
            viewer.send(Look(1, n, n, look(n)))
        viewer.drain()
    finally:
        viewer.close()
    assert [m.record.value for m in posted] == [f"boundary {n}" for n in range(6)]
    assert all(isinstance(m, LookTaken) for m in posted)
    assert [m.record.step for m in posted] == list(range(6))
    assert threading.current_thread() not in threads


def test_a_look_that_fails_raises_at_the_next_send_or_drain():
    def broken():
        raise ValueError("no plane")

    viewer = LookWorker(lambda m: None)
    try:
        viewer.send(Look(1, 1, 1, broken))
        with pytest.raises(ValueError, match="no plane"):
            viewer.drain()
    finally:
        viewer.close()


def test_a_later_boundary_is_the_model_where_it_was_taken_not_where_training_went():
    engine = Engine(preset_config("moons").replace(epochs=3))
    records = engine.run()
    for record in records:
        if isinstance(record, EpochRecord) and record.epoch == 1:
            break
    later = engine.boundary_later((0, 1))
    expected = boundary(engine.model, engine.data, (0, 1))
    for _ in records:  # the model trains on
        pass
    taken = later()
    assert taken.probabilities == expected.probabilities
    assert taken.gradient_norm == expected.gradient_norm
    assert taken.length == expected.length
    assert boundary(engine.model, engine.data, (0, 1)).probabilities != taken.probabilities


def test_data_of_one_feature_has_no_boundary_to_work_out():
    engine = Engine(RunConfig(features=1, epochs=1))
    assert engine.boundary_later()() is None
