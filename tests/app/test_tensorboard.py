"""TensorBoard: the event files `--tensorboard` and `wdtui runs tensorboard` write, read back with
tensorboard's own EventAccumulator, hold the run's records (scalars per epoch, a weight
histogram per layer at each epoch that keeps one: every epoch of these short runs) and, for a
sweep, the HParams that draw its U-curve."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("tensorboard", reason="tensorboard is in the test extra: pip install -e '.[test]'")

from tensorboard.backend.event_processing.event_accumulator import EventAccumulator  # noqa: E402
from tensorboard.plugins.hparams import plugin_data_pb2  # noqa: E402

from helpers import run_cli as run  # noqa: E402

SCALARS = {"loss/train": "train_loss", "loss/val": "val_loss", "loss/penalty": "penalty",
           "accuracy/train": "train_acc", "accuracy/val": "val_acc", "norm/theta": "weight_norm",
           "lambda": "weight_decay"}


def events(folder: Path) -> EventAccumulator:
    accumulator = EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0, "tensors": 0})
    accumulator.Reload()
    return accumulator


def hparams(accumulator: EventAccumulator) -> dict:
    content = accumulator.PluginTagToContent("hparams")["_hparams_/session_start_info"]
    start = plugin_data_pb2.HParamsPluginData.FromString(content).session_start_info
    return {k: v.WhichOneof("kind") and getattr(v, v.WhichOneof("kind")) for k, v in start.hparams.items()}


def scalars(accumulator: EventAccumulator) -> dict[str, list[tuple[int, float]]]:
    return {tag: [(e.step, e.value) for e in accumulator.Scalars(tag)] for tag in accumulator.Tags()["scalars"]}


def test_a_traced_run_in_tensorboard_is_its_records(capsys, tmp_path):
    status, out, err = run(capsys, "trace", "--epochs", "3", "--wd", "0.01", "--json", "--tensorboard",
                           str(tmp_path / "tb"))
    assert status == 0, err
    epochs = json.loads(out)["epochs"]
    (folder,) = (tmp_path / "tb").iterdir()
    assert folder.name == "run-0001-sgd-wd0.01"
    live = events(folder)
    got = scalars(live)
    for tag, field in SCALARS.items():
        assert got[tag] == [(e["epoch"], pytest.approx(e[field], rel=1e-6)) for e in epochs], tag
    for layer in ("hidden1", "output"):
        assert got[f"norm/{layer}"] == [(e["epoch"], pytest.approx(e["layer_norms"][layer], rel=1e-6))
                                        for e in epochs]
        histograms = live.Histograms(f"weights/{layer}")
        assert [h.step for h in histograms] == [0, 1, 2, 3]  # epoch 0: the untrained model
        assert all(h.histogram_value.num == {"hidden1": 320, "output": 64}[layer] for h in histograms)
        assert all(sum(h.histogram_value.bucket) == h.histogram_value.num for h in histograms)
    assert hparams(live)["weight_decay"] == 0.01 and hparams(live)["optimizer"] == "sgd"

    # The stored run, written again from the store, is the same: scalars, histograms, settings.
    status, out, err = run(capsys, "runs", "tensorboard", "1", str(tmp_path / "again"))
    assert status == 0 and "tensorboard --logdir" in out
    stored = events(tmp_path / "again" / "run-0001-sgd-wd0.01")
    assert scalars(stored) == got
    for layer in ("hidden1", "output"):
        assert [h.histogram_value for h in stored.Histograms(f"weights/{layer}")] == \
               [h.histogram_value for h in live.Histograms(f"weights/{layer}")]
    assert hparams(stored) == hparams(live)
    # Written a second time into the same folder: a folder of its own, never mixed with the first.
    run(capsys, "runs", "tensorboard", "1", str(tmp_path / "again"))
    assert sorted(p.name for p in (tmp_path / "again").iterdir()) == ["run-0001-sgd-wd0.01", "run-0001-sgd-wd0.01-2"]


def test_a_sweep_in_tensorboard_draws_its_u_curve_in_hparams(capsys, tmp_path):
    status, out, err = run(capsys, "sweep", "--epochs", "2", "--weight-decays", "0,0.01,0.3", "--json",
                           "--tensorboard", str(tmp_path))
    assert status == 0, err
    points = {p["weight_decay"]: p for p in json.loads(out)["points"]}
    (group,) = tmp_path.iterdir()
    assert group.name.startswith("sweep-")
    seen = {}
    for folder in sorted(group.iterdir()):
        accumulator = events(folder)
        lam = hparams(accumulator)["weight_decay"]
        seen[lam] = accumulator.Scalars("loss/val")[-1].value  # the metric the HParams dashboard shows
        assert [h.step for h in accumulator.Histograms("weights/hidden1")] == [0, 1, 2]  # from epoch 0, as a run
    assert seen == {lam: pytest.approx(p["val_loss"], rel=1e-6) for lam, p in points.items()}
    experiment = plugin_data_pb2.HParamsPluginData.FromString(
        events(next(group.iterdir())).PluginTagToContent("hparams")["_hparams_/experiment"]).experiment
    assert {m.name.tag for m in experiment.metric_infos} >= {"loss/val", "loss/train"}


def test_an_unwritable_tensorboard_folder_is_one_line_before_training(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    status, out, err = run(capsys, "trace", "--tensorboard", str(tmp_path / "file" / "tb"))
    assert status == 2 and out == "" and err.count("\n") == 1 and "is a file, not a folder" in err


async def test_the_app_writes_its_runs_to_tensorboard_as_they_train(tmp_path):
    from wdtui.core.config import RunConfig
    from wdtui.ui.app import create_app
    from wdtui.ui.session import RunState

    from app_helpers import SIZE, trained

    app = create_app(RunConfig(epochs=3), tensorboard=str(tmp_path))  # the trainer opens each log there
    async with app.run_test(size=SIZE) as pilot:
        await trained(pilot)
        epochs = list(app.session.all_epochs)  # from epoch 0
        assert app.session.state == RunState.FINISHED
    (folder,) = tmp_path.iterdir()
    got = scalars(events(folder))
    assert got["loss/val"] == [(e.epoch, pytest.approx(e.val_loss, rel=1e-6)) for e in epochs]
    assert [h.step for h in events(folder).Histograms("weights/output")] == [0, 1, 2, 3]
