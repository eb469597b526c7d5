"""The run engine decides what happens next: pause, one epoch, λ from the next epoch, hold at the
end for more epochs, pace, looks, a stop rule, cancel. Each is asked through a Control from
another thread, as the app's worker is, and checked against what the records say."""

from __future__ import annotations

import threading
import time

import pytest

from wdtui.core.config import ConfigError, RunConfig
from wdtui.core.control import Control, Watch
from wdtui.core.engine import FINISHED, PAUSED, Engine, train
from wdtui.core.records import ConfigChanged, EpochRecord, Look, Setup, StepRecord, Stopped

from helpers import in_thread, until

SMALL = RunConfig(epochs=3, rows=200, hidden=(8,))


def _epochs(records) -> list[int]:
    """The epochs trained (epoch 0, the model before any step, left out)."""
    return [r.epoch for r in records if isinstance(r, EpochRecord) and r.epoch > 0]


def test_a_whole_run_is_setup_epoch_0_epochs_then_finished():
    records = list(train(SMALL))
    assert isinstance(records[0], Setup)
    initial = records[1]
    assert isinstance(initial, EpochRecord) and (initial.epoch, initial.global_step, initial.seconds) == (0, 0, 0.0)
    assert _epochs(records) == [1, 2, 3]
    assert records[-1] == Stopped(FINISHED, 3)


def test_same_config_same_numbers_whatever_the_control():
    """Pausing and resuming from another thread changes nothing in the numbers."""
    alone = [r for r in train(SMALL) if isinstance(r, EpochRecord) and r.epoch > 0]
    control = Control(go=False, hold=True)
    engine = Engine(SMALL, control)
    records, thread = in_thread(engine)
    for _ in range(3):
        control.start(one_epoch=True)
        n = len(_epochs(records))
        until(lambda: len(_epochs(records)) == n + 1 and not control.go.is_set())
    control.cancel()
    thread.join(5)
    steered = [r for r in records if isinstance(r, EpochRecord) and r.epoch > 0]
    assert [(e.train_loss, e.val_loss) for e in steered] == [(e.train_loss, e.val_loss) for e in alone]


def test_one_epoch_pauses_at_the_epoch_end_and_says_so():
    control = Control(go=False, hold=True)
    records, thread = in_thread(Engine(SMALL, control))
    until(lambda: len(records) >= 2)
    time.sleep(0.1)
    assert len(records) == 2  # built and measured (epoch 0), then waiting: nothing trains until told
    control.start(one_epoch=True)
    until(lambda: Stopped(PAUSED, 1) in records)
    assert _epochs(records) == [1]
    control.cancel()
    thread.join(5)
    assert not thread.is_alive()


def test_a_pause_mid_epoch_holds_between_two_steps():
    config = RunConfig(epochs=1, rows=4000, batch_size=4, hidden=(8,))
    control = Control(go=True, hold=True)
    records, thread = in_thread(Engine(config, control))
    until(lambda: any(isinstance(r, StepRecord) for r in records))
    control.pause()
    until(lambda: any(isinstance(r, Stopped) for r in records))
    stopped = next(r for r in records if isinstance(r, Stopped))
    assert stopped == Stopped(PAUSED, 0) and not _epochs(records)  # mid-epoch 1
    held = len(records)
    time.sleep(0.2)
    assert len(records) == held  # it waits
    control.start()
    until(lambda: Stopped(FINISHED, 1) in records)
    control.cancel()
    thread.join(5)


def test_lambda_takes_effect_from_the_next_epoch_and_is_recorded():
    control = Control(go=False, hold=True)
    engine = Engine(SMALL, control)
    records, thread = in_thread(engine)
    control.start(one_epoch=True)
    until(lambda: Stopped(PAUSED, 1) in records)
    control.request(SMALL.replace(weight_decay=0.5, epochs=4))
    control.start()
    until(lambda: Stopped(FINISHED, 4) in records)
    control.cancel()
    thread.join(5)
    changed = [r for r in records if isinstance(r, ConfigChanged)]
    assert changed == [ConfigChanged(2, SMALL.replace(weight_decay=0.5, epochs=4))]
    lams = [r.weight_decay for r in records if isinstance(r, EpochRecord) and r.epoch > 0]
    assert lams == [SMALL.weight_decay, 0.5, 0.5, 0.5]
    decayed = next(g for g in engine.optimizer.param_groups if g["name"] == "decay")
    assert decayed["weight_decay"] == 0.5 and engine.config.epochs == 4


def test_holding_at_the_end_more_epochs_go_on_from_there():
    control = Control(go=True, hold=True)
    records, thread = in_thread(Engine(SMALL, control))
    until(lambda: Stopped(FINISHED, 3) in records)
    assert thread.is_alive()  # held, not ended
    control.request(SMALL.replace(epochs=5))
    control.start()
    until(lambda: Stopped(FINISHED, 5) in records)
    control.cancel()
    thread.join(5)
    assert _epochs(records) == [1, 2, 3, 4, 5]


def test_a_go_given_the_moment_the_run_says_it_finished_is_never_undone():
    """The engine pauses before it says it stopped, not after: more epochs asked while the
    caller still holds the Stopped (the run store finishing the run, say) are trained."""
    control = Control(go=True, hold=True)
    run = Engine(SMALL, control).run()
    records = []
    for record in run:
        records.append(record)
        if record == Stopped(FINISHED, 3):
            break
    assert not control.go.is_set()  # held there ...
    control.request(SMALL.replace(epochs=4))
    control.start()  # ... and asked for more before the engine is resumed
    resumed = threading.Thread(target=lambda: records.extend(run), daemon=True)
    resumed.start()
    until(lambda: Stopped(FINISHED, 4) in records)
    control.cancel()
    resumed.join(5)
    assert _epochs(records) == [1, 2, 3, 4]


def test_settings_a_model_cannot_take_are_refused():
    control = Control()
    control.request(SMALL.replace(hidden=(16,)))
    with pytest.raises(ConfigError, match="hidden"):
        list(Engine(SMALL, control).run())


class CountedWaits(threading.Event):
    """A cancel event that notes every wait the engine makes on it (the pace's sleeps)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout=None):
        self.waits.append(timeout)
        return super().wait(timeout)


def test_the_pace_spreads_an_epoch_over_its_seconds():
    """Each epoch takes at least epoch_seconds: the engine sleeps the rest, step by step; at
    pace 0 it never sleeps."""
    config = RunConfig(epochs=2, rows=400, batch_size=32, hidden=(8,))  # 10 steps an epoch
    flat = CountedWaits()  # first: the first optimizer step of a process imports torch._dynamo
    list(Engine(config, Control(cancelled=flat)).run())  # (a second), which would eat the paced epoch
    paced = CountedWaits()
    start = time.perf_counter()
    records = list(Engine(config, Control(epoch_seconds=0.5, cancelled=paced)).run())
    assert _epochs(records) == [1, 2]
    assert time.perf_counter() - start >= 1.0
    # About one wait a step (0.5 s / 10 steps), none past the epoch's time, none longer than the
    # steps' share in all: the engine keeps to a schedule, so a late wait is a catch-up.
    assert len(paced.waits) >= 10 and all(0 < w <= 0.5 for w in paced.waits) and sum(paced.waits) <= 1.0
    assert flat.waits == []


def test_a_paced_run_quits_at_once():
    control = Control(epoch_seconds=60.0)
    records, thread = in_thread(Engine(SMALL, control))
    until(lambda: records)
    time.sleep(0.1)
    start = time.perf_counter()
    control.cancel()
    thread.join(5)
    assert not thread.is_alive() and time.perf_counter() - start < 0.5


def test_a_watch_takes_a_snapshot_of_the_untrained_model_then_every_k_steps():
    config = RunConfig(epochs=2, rows=200, batch_size=16, hidden=(8,))  # 10 steps an epoch
    watch = Watch(every=4, measure=lambda engine: engine.global_step)
    records = list(Engine(config, watch=watch).run())
    snaps = [r for r in records if isinstance(r, Look)]
    assert [s.global_step for s in snaps] == [0, 4, 8, 12, 16, 20]
    assert [s.value for s in snaps] == [0, 4, 8, 12, 16, 20]
    assert [(s.epoch, s.step) for s in snaps][:4] == [(0, 0), (1, 4), (1, 8), (2, 2)]
    assert records.index(snaps[0]) == 2  # right after epoch 0, the model it shows


def test_a_run_started_after_a_wait_takes_its_next_look_a_spacing_later_not_at_its_first_step():
    """The look of the untrained model is still the picture when training starts: a boundary of
    the model one step on would show next to nothing new, for milliseconds of work."""
    config = RunConfig(epochs=2, rows=200, batch_size=16, hidden=(8,))  # 10 steps an epoch, in milliseconds
    control = Control(go=False)
    watch = Watch(every=1, measure=lambda engine: engine.global_step, seconds=1.0)
    records, thread = in_thread(Engine(config, control, watch=watch))
    time.sleep(1.1)  # READY for longer than the spacing
    control.start()
    thread.join(30)
    assert [r.global_step for r in records if isinstance(r, Look)] == [0, 20]  # untrained, and where it finished


def test_a_stop_rule_ends_the_run_with_its_reason():
    rule = lambda history: "two epochs are enough" if len(history) == 2 else None  # noqa: E731
    records = list(Engine(RunConfig(epochs=10, rows=200, hidden=(8,)), stop_rule=rule).run())
    assert _epochs(records) == [1, 2] and records[-1] == Stopped("two epochs are enough", 2)
