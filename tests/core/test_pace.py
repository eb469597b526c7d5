"""The engine's new ways to proceed: one optimizer step on request, a look while paused, a pace
spread over the run, and a Watch that sees every stop; and the paces the app offers."""

from __future__ import annotations

import time

import pytest

from wdtui.core.config import RunConfig
from wdtui.core.control import MAX_SPREAD_EPOCH, Control, Watch
from wdtui.core.engine import PAUSED, Engine, train
from wdtui.core.pace import (AUTO, FOLLOW_EVERY, FOLLOW_EVERY_INSTANT, INSTANT, PACES, RUN_SECONDS, Pace, follow_every, parse_pace,
                             step_pace)
from wdtui.core.records import EpochRecord, Look, StepRecord, Stopped

from helpers import in_thread, until

SMALL = RunConfig(epochs=3, rows=200, batch_size=16, hidden=(8,))  # 10 steps an epoch


def watched(control: Control, seconds: float = 0.0) -> Engine:
    return Engine(SMALL, control, watch=Watch(every=1, measure=lambda e: e.global_step, seconds=seconds))


def test_one_step_trains_one_step_reports_where_and_looks_there():
    control = Control(go=False, hold=True)
    engine = watched(control, seconds=60.0)  # the throttle never lets a step's own look through
    records, thread = in_thread(engine)
    until(lambda: len(records) >= 3)  # setup, epoch 0, the untrained model's look
    for expected in (1, 2):
        control.step()
        until(lambda: records and isinstance(records[-1], Stopped))
        *_, step, snap, stopped = records
        assert engine.global_step == expected and not control.go.is_set()
        assert isinstance(step, StepRecord) and (step.epoch, step.step, step.global_step) == (1, expected, expected)
        assert isinstance(snap, Look) and (snap.value, snap.epoch, snap.step) == (expected, 1, expected)
        assert stopped == Stopped(PAUSED, 0)
        records.clear()
    control.cancel()
    thread.join(5)
    # Stepping changes nothing in the numbers: the same run trained straight through.
    alone = [r for r in train(SMALL) if isinstance(r, EpochRecord)]
    control = Control(go=False, hold=True)
    engine = Engine(SMALL, control)
    records, thread = in_thread(engine)
    while engine.epoch < SMALL.epochs:
        control.step()
        until(lambda: not control.go.is_set() and records and isinstance(records[-1], Stopped))
    control.cancel()
    thread.join(5)
    stepped = [r for r in records if isinstance(r, EpochRecord)]
    assert [(r.train_loss, r.val_loss, r.weight_norm) for r in stepped] == \
           [(r.train_loss, r.val_loss, r.weight_norm) for r in alone]


def test_a_paused_run_looks_again_when_asked_and_only_then():
    seen = []
    control = Control(go=False, hold=True)
    engine = Engine(SMALL, control, watch=Watch(every=1, measure=lambda e: seen.append(e.global_step) or len(seen)))
    records, thread = in_thread(engine)
    until(lambda: len(seen) == 1)
    time.sleep(0.1)
    assert len(seen) == 1  # waiting takes no looks of its own
    control.look()
    until(lambda: len(seen) == 2)
    assert isinstance(records[-1], Look) and records[-1].global_step == 0
    control.cancel()
    thread.join(5)
    assert not thread.is_alive()


def test_the_watch_is_throttled_and_sees_every_stop():
    records = list(watched(Control(), seconds=60.0).run())
    snaps = [r for r in records if isinstance(r, Look)]
    # The untrained model, then (the throttle holding every step back) the end of the run only.
    assert [s.global_step for s in snaps] == [0, 30]
    assert records.index(snaps[-1]) == len(records) - 2 and isinstance(records[-1], Stopped)
    every = [r.global_step for r in watched(Control(), seconds=0.0).run() if isinstance(r, Look)]
    assert every == list(range(31))  # unthrottled, every step, and no second look at the end


def test_with_no_pace_the_watch_looks_at_its_flat_out_spacing_and_with_one_at_its_own():
    def looks(control: Control) -> list[int]:
        watch = Watch(every=1, measure=lambda e: e.global_step, seconds=0.0, unpaced_seconds=60.0)
        return [r.global_step for r in Engine(SMALL, control, watch=watch).run() if isinstance(r, Look)]

    assert looks(Control()) == [0, 30]  # flat out: the untrained model and where it stopped
    assert looks(Control(epoch_seconds=0.001)) == list(range(31))  # paced: every step, as `seconds` says
    assert Control().unpaced(5) and not Control(run_seconds=5.0).unpaced(5)


def test_the_app_follows_an_instant_run_less_often_than_a_paced_one():
    assert INSTANT.instant and not AUTO.instant and not Pace("10", 10.0).instant
    assert follow_every(True) == FOLLOW_EVERY_INSTANT > follow_every(False) == FOLLOW_EVERY


def test_a_spread_pace_fits_the_run_in_its_seconds_and_caps_an_epoch():
    control = Control(run_seconds=5.0)
    assert control.epoch_seconds_for(400) == pytest.approx(5.0 / 400)
    assert control.epoch_seconds_for(5) == MAX_SPREAD_EPOCH  # 5 epochs in 2.5 s, not 5
    control.epoch_seconds = 1.0  # a fixed pace slower than the spread wins
    assert control.epoch_seconds_for(400) == 1.0
    start = time.perf_counter()
    done = list(Engine(RunConfig(epochs=4, rows=200, hidden=(8,)), Control(run_seconds=0.4)).run())
    took = time.perf_counter() - start
    assert [r.epoch for r in done if isinstance(r, EpochRecord)] == [0, 1, 2, 3, 4]
    assert 0.4 <= took < 3.0


def test_paces_apply_to_the_control():
    control = Control()
    Pace("10", 10.0).apply(control)
    assert (control.epoch_seconds, control.run_seconds) == (0.1, 0.0)
    AUTO.apply(control)
    assert (control.epoch_seconds, control.run_seconds) == (0.0, RUN_SECONDS)
    INSTANT.apply(control)
    assert (control.epoch_seconds, control.run_seconds) == (0.0, 0.0) and control.epoch_seconds_for(5) == 0


def test_parse_pace():
    assert parse_pace("auto") is AUTO and parse_pace(" Instant ") is INSTANT
    assert parse_pace("10") == next(p for p in PACES if p.name == "10")
    assert parse_pace("0.5") == Pace("0.5", 0.5) and str(parse_pace("0.5")) == "0.5"
    for bad in ("fast", "0", "-2", "nan", "inf", "5000"):
        with pytest.raises(ValueError, match="pace must be auto, instant or epochs per second"):
            parse_pace(bad)


@pytest.mark.parametrize("epochs, faster, slower", [
    # auto runs 5 epochs at 2 a second, as 2/s does: a key passes it by for the fixed pace
    (5, ["10", "50", "instant"], ["50", "10", "2"]),
    (300, ["instant"], ["auto", "50", "10", "2"]),  # auto runs 300 epochs at 60 a second
])
def test_plus_and_minus_walk_the_paces_by_their_rate_for_the_run(epochs, faster, slower):
    pace, seen = AUTO, []
    while (nxt := step_pace(pace, epochs, faster=True)) != pace:
        seen.append(nxt.name)
        pace = nxt
    assert seen == faster
    assert step_pace(INSTANT, epochs, faster=True) is INSTANT
    seen, pace = [], INSTANT
    while (nxt := step_pace(pace, epochs, faster=False)) != pace:
        seen.append(nxt.name)
        pace = nxt
    assert seen == slower


def test_twins_share_a_spread_pace():
    """They take turns: spread over 0.4 s, the pair takes about 0.4 s, not twice that."""
    from wdtui.core.compare import twin_engines, twins

    engines = twin_engines(RunConfig(epochs=4, rows=200, hidden=(8,)), Control(run_seconds=0.4))
    start = time.perf_counter()
    done = [record for _, record in twins(engines) if isinstance(record, EpochRecord)]
    took = time.perf_counter() - start
    assert len(done) == 10  # epochs 0–4 of each twin
    assert 0.4 <= took < 0.8
