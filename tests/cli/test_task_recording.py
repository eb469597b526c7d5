"""The trainer's run and twins tasks, driven in this process, keep their runs in the store.

Both drive their engines through core/recorded.py's RecordedRun. What lands in the store is
read back with the store's own queries, as `wdtui runs` reads it.
"""

from __future__ import annotations

from wdtui.core.config import RunConfig
from wdtui.core.control import Control
from wdtui.core.records import EpochRecord
from wdtui.store.database import open_store
from wdtui.store.recording import Recorder
from wdtui.trainer.events import RunStopped, TwinRecord, TwinRecords
from wdtui.trainer.plane import PlaneChoice
from wdtui.trainer.server import Room
from wdtui.trainer.shelf import Shelf
from wdtui.trainer.tasks import run_task, twins_task

SMALL = RunConfig(epochs=3, rows=200, hidden=(8,), weight_decay=0.01)


def in_room(task, control: Control, config: RunConfig = SMALL) -> list:
    """The events `task` sent, run to its end with a Recorder of its own (closed after)."""
    said: list[str] = []
    recorder = Recorder(said.append)
    sent: list = []
    try:
        task(sent.append, control, Room(PlaneChoice(), recorder, Shelf()), config)
    finally:
        recorder.close()
    assert said == []
    return sent


def test_the_twins_are_kept_as_one_group_each_with_its_epochs_and_report(data_dir):
    sent = in_room(twins_task, Control())
    with open_store() as store:
        runs = store.list()
        assert sorted(r.config["weight_decay"] for r in runs) == [0.0, 0.01]
        assert {(r.kind, r.status, r.epochs_done) for r in runs} == {("twin", "finished", 3)}
        assert len({r.group_id for r in runs}) == 1
        for run in runs:
            stored = store.get(run.id)
            assert [e["epoch"] for e in stored.epochs] == [0, 1, 2, 3]
            assert stored.report is not None and stored.report["config"] == run.config
    # What was sent is what was kept: the λ twin's last epoch, as the app saw it.
    records = [r for e in sent for r in (e.records if isinstance(e, TwinRecords) else (e,))]
    last = [r.record for r in records if isinstance(r, TwinRecord) and r.which == 1 and isinstance(r.record, EpochRecord)]
    decayed = next(r for r in runs if r.config["weight_decay"] == 0.01)
    assert decayed.final["val_loss"] == last[-1].val_loss


def test_a_run_cut_short_is_kept_stopped_with_its_report(data_dir):
    control = Control()
    control.one_epoch = True  # it pauses after its first epoch; the app then moves on

    def send(event):
        if isinstance(event, RunStopped) and event.record.reason == "paused":
            control.cancel()

    recorder = Recorder(print)
    try:
        run_task(send, control, Room(PlaneChoice(), recorder, Shelf()), SMALL)
    finally:
        recorder.close()
    with open_store() as store:
        (run,) = store.list()
        assert (run.status, run.epochs_done) == ("stopped", 1)
        report = store.get(run.id).report
        assert report is not None and [e["epoch"] for e in report["epochs"]] == [0, 1]


def test_a_run_never_trained_is_not_kept(data_dir):
    control = Control(go=False)  # built, then waiting to be told to go; the app moves on
    control.cancel()
    in_room(run_task, control)
    with open_store() as store:
        assert store.list() == []


def test_a_long_sweep_sends_the_app_every_epoch_and_keeps_its_histograms_every_few(data_dir):
    import pickle
    from functools import partial

    from wdtui.trainer.tasks import sweep_task

    config = SMALL.replace(epochs=120)
    sent = in_room(partial(_pickled_sweep, sweep_task), Control(), config)
    assert [e.record.epoch for e in sent if type(e).__name__ == "SweepProgressed"] == list(range(1, 121))
    assert all(pickle.dumps(e) for e in sent)  # what crosses the pipe: no histograms, not even epoch 0's
    with open_store() as store:
        point = store.get(store.list()[0].id, weights=True)
        kept = [e["epoch"] for e, w in zip(point.epochs, point.weights) if w]
        assert kept == [*range(0, 120, 3)] + [120] and len(point.epochs) == 121


def _pickled_sweep(task, send, control, room, config):
    """The sweep task over λ 0 and 0.01, each event pickled as the pipe would."""
    import pickle

    task(lambda event: send(pickle.loads(pickle.dumps(event))), control, room, config, (0.0, 0.01))
