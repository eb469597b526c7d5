"""The trainer's run task sends through an Outbox: at pace instant, steps and epochs go out at most
every POST_EVERY seconds, yet every epoch arrives, in order, and where the run stops the screen
is told the step it stopped at. The Compare twins' records go through a TwinsOutbox alike."""

from __future__ import annotations

from types import SimpleNamespace

from wdtui.trainer import outbox as run
from wdtui.trainer.events import LookTaken, EpochDone, StepDone, TwinRecord, TwinRecords
from wdtui.trainer.outbox import POST_EVERY, Outbox, TwinsOutbox


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def epoch(n: int):
    return SimpleNamespace(epoch=n)


def step(n: int):
    return SimpleNamespace(step=n)


def outbox(monkeypatch):
    clock, posted = Clock(), []
    monkeypatch.setattr(run.time, "perf_counter", clock)
    return Outbox(posted.append), clock, posted


def test_fast_epochs_go_out_together_and_none_is_lost(monkeypatch):
    out, clock, posted = outbox(monkeypatch)
    for n in range(10):  # ten epochs in a hundredth of a second
        out.epoch(epoch(n))
        clock.now += 0.001
    out.stopped()
    assert [type(m) for m in posted] == [EpochDone, EpochDone]
    assert [[e.epoch for e in m.records] for m in posted] == [[0], list(range(1, 10))]


def test_slow_epochs_go_out_one_by_one_and_a_view_goes_at_once(monkeypatch):
    out, clock, posted = outbox(monkeypatch)
    for n in range(3):
        out.epoch(epoch(n))
        clock.now += POST_EVERY * 1.01
    out.epoch(epoch(3), view="view", update="update")  # right after epoch 2: a view does not wait
    assert [[e.epoch for e in m.records] for m in posted] == [[0], [1], [2], [3]]
    assert (posted[-1].view, posted[-1].last_update) == ("view", "update")


def test_steps_are_thinned_and_the_last_one_is_told_where_the_run_stops(monkeypatch):
    out, clock, posted = outbox(monkeypatch)
    for n in range(1, 6):
        out.step(step(n))
        clock.now += POST_EVERY / 4
    assert [m.record.step for m in posted] == [1, 5]
    out.step(step(6))
    out.stopped()  # paused mid-epoch, at step 6
    assert [m.record.step for m in posted] == [1, 5, 6]


def test_held_back_epochs_go_before_any_other_message(monkeypatch):
    out, clock, posted = outbox(monkeypatch)
    out.epoch(epoch(0))
    out.epoch(epoch(1))  # held back
    out.step(step(1))  # a step of epoch 2 goes after epoch 1's record
    out.epoch(epoch(2))  # held back
    out.send(LookTaken(record="look"))
    kinds = [(type(m).__name__, [e.epoch for e in m.records] if isinstance(m, EpochDone) else None) for m in posted]
    assert kinds == [("EpochDone", [0]), ("EpochDone", [1]), ("StepDone", None), ("EpochDone", [2]),
                     ("LookTaken", None)]
    out.epoch(epoch(3))
    out.stopped()
    assert [e.epoch for e in posted[-1].records] == [3] and not any(isinstance(m, StepDone) for m in posted[3:])


def test_the_twins_records_go_out_together_in_order_and_a_stop_at_once(monkeypatch):
    clock, posted = Clock(), []
    monkeypatch.setattr(run.time, "perf_counter", clock)
    out = TwinsOutbox(posted.append)
    records = [TwinRecord(n % 2, epoch(n // 2)) for n in range(12)]  # the twins in turn, 6 epochs each
    for record in records[:-1]:
        out.add(record)
        clock.now += 0.002
    out.add(records[-1], at_once=True)  # the λ twin's stop
    assert all(isinstance(m, TwinRecords) for m in posted)
    assert [len(m.records) for m in posted] == [1, 11]
    assert [r for m in posted for r in m.records] == records
    clock.now += POST_EVERY * 1.01
    out.add(records[0])  # after a while, at once
    assert posted[-1].records == (records[0],)
