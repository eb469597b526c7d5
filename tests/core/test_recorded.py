"""RecordedRun, the one loop that drives an engine and records what it yields.

The trainer's run and twins tasks and `wdtui trace` all record through it. These tests hand it
a recording that only notes each call, and check what it was told against the run's records.
"""

from __future__ import annotations

import threading

from wdtui.core.config import RunConfig
from wdtui.core.control import Control
from wdtui.core.engine import FINISHED, Engine
from wdtui.core.recorded import RecordedRun
from wdtui.core.records import Diverged, EpochRecord, Stopped

from helpers import until

SMALL = RunConfig(epochs=3, rows=200, hidden=(8,))


class Notes:
    """A recording that notes each call, as store.recording.Recording would take it."""

    def __init__(self, calls: list) -> None:
        self.calls = calls
        self.is_open = True

    def epoch(self, record, weights=None):
        self.calls.append(("epoch", record.epoch, weights))

    def finish(self, status, report=None):
        if self.is_open:
            self.is_open = False
            self.calls.append(("finish", status, report))

    def reopen(self):
        if not self.is_open:
            self.is_open = True
            self.calls.append(("reopen",))

    def close(self):
        self.calls.append(("close",))


def begun(calls: list):
    """A `begin` for RecordedRun that notes when it is called."""
    def begin():
        calls.append(("begin",))
        return Notes(calls)
    return begin


def names(calls: list) -> list:
    return [c[:2] if c[0] in ("epoch", "finish") else c[:1] for c in calls]


def test_every_epoch_is_recorded_with_its_weights_then_the_run_finishes_with_its_report():
    calls: list = []
    with RecordedRun(Engine(SMALL), begun(calls)) as recorded:
        records = list(recorded.run())
    assert names(calls) == [("begin",), ("epoch", 0), ("epoch", 1), ("epoch", 2), ("epoch", 3),
                            ("finish", "finished"), ("close",)]
    epochs = [r for r in records if isinstance(r, EpochRecord)]
    report = calls[-2][2]
    assert report is recorded.report and list(report.epochs) == epochs  # the report of the whole run
    histograms = calls[1][2]()  # made when asked, from the weights as they were at epoch 0
    assert set(histograms) and all(sum(h["counts"]) > 0 for h in histograms.values())


def test_a_long_run_keeps_its_weight_histograms_at_50_epochs_evenly_spaced_and_its_last():
    calls: list = []
    with RecordedRun(Engine(SMALL.replace(epochs=125)), begun(calls)) as recorded:
        for _ in recorded.run():
            pass
    epochs = [c[1] for c in calls if c[0] == "epoch"]
    kept = [c[1] for c in calls if c[0] == "epoch" and c[2] is not None]
    assert epochs == list(range(126))  # every epoch's record is kept
    assert kept[0] == 0 and kept[-1] == 125 and len(kept) <= 51
    gaps = {b - a for a, b in zip(kept, kept[1:-1])}
    assert gaps == {3}  # evenly spaced, the last wherever it falls


def test_each_epoch_is_recorded_before_the_caller_sees_it_and_the_end_just_after():
    """The end's report (a boundary) is not in the way of the caller hearing that the run
    stopped; it is recorded before the engine is asked for anything more."""
    calls: list = []
    seen = []
    with RecordedRun(Engine(SMALL), begun(calls)) as recorded:
        run = recorded.run()
        for record in run:
            if isinstance(record, EpochRecord):
                seen.append(calls[-1][:2] == ("epoch", record.epoch))
            elif isinstance(record, Stopped):
                assert calls[-1][0] == "epoch" and recorded.report is None
                assert next(run, None) is None  # the engine's run has ended ...
                assert calls[-1][:2] == ("finish", "finished")  # ... and the run was finished first
                assert recorded.report.epochs[-1].epoch == 3  # of the model where it stopped
    assert len(seen) == 4 and all(seen)


def test_from_the_first_step_a_run_begins_at_its_first_trained_epoch_with_epoch_0_first():
    calls: list = []
    recorded = RecordedRun(Engine(SMALL), begun(calls), from_first_step=True)
    run = recorded.run()
    for record in run:
        if isinstance(record, EpochRecord) and record.epoch == 0:
            break
    assert calls == []  # built, never trained: not a run yet
    next(record for record in run if isinstance(record, EpochRecord))
    assert names(calls) == [("begin",), ("epoch", 0), ("epoch", 1)]
    recorded.close()


def test_a_run_cancelled_before_it_trained_is_never_begun():
    calls: list = []
    control = Control()
    with RecordedRun(Engine(SMALL, control), begun(calls), from_first_step=True) as recorded:
        for record in recorded.run():
            if isinstance(record, EpochRecord):
                control.cancel()
    assert calls == [] and recorded.report is None


def test_a_run_cut_short_is_stopped_with_its_report_or_without_when_asked():
    for with_report in (True, False):
        calls: list = []
        control = Control()
        engine = Engine(SMALL, control)
        with RecordedRun(engine, begun(calls), report_when_stopped=with_report) as recorded:
            for record in recorded.run():
                if isinstance(record, EpochRecord) and record.epoch == 1:
                    control.cancel()
        assert names(calls)[-2:] == [("finish", "stopped"), ("close",)]
        report = calls[-2][2]
        assert (report is not None and [e.epoch for e in report.epochs] == [0, 1]) == with_report
        assert recorded.report is None  # it never finished


def test_a_diverged_run_finishes_as_diverged_with_the_epochs_before_it():
    calls: list = []
    with RecordedRun(Engine(SMALL.replace(lr=1e6, momentum=0.9)), begun(calls)) as recorded:
        records = list(recorded.run())
    assert isinstance(records[-1], Diverged)
    assert names(calls)[-2:] == [("finish", "diverged"), ("close",)]
    assert recorded.report.diverged == records[-1]


def test_given_more_epochs_after_it_finished_the_recording_reopens():
    calls: list = []
    control = Control(hold=True)
    recorded = RecordedRun(Engine(SMALL, control), begun(calls), from_first_step=True)
    records: list = []
    thread = threading.Thread(target=lambda: records.extend(recorded.run()), daemon=True)
    thread.start()
    until(lambda: Stopped(FINISHED, 3) in records)
    control.request(SMALL.replace(epochs=5))
    control.start()
    until(lambda: Stopped(FINISHED, 5) in records)
    control.cancel()
    thread.join(5)
    recorded.close()
    assert names(calls) == [("begin",), ("epoch", 0), ("epoch", 1), ("epoch", 2), ("epoch", 3),
                            ("finish", "finished"), ("reopen",), ("epoch", 4), ("epoch", 5),
                            ("finish", "finished"), ("close",)]
    assert [e.epoch for e in calls[-2][2].epochs] == [0, 1, 2, 3, 4, 5]
