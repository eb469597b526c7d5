"""Stored JSON read back as records: a run's report decoded is the report that was written, and a
stored config becomes a RunConfig again, validated, whichever wdtui wrote it."""

from __future__ import annotations

import json

import pytest

from wdtui.core import decode
from wdtui.core.config import ConfigError, RunConfig
from wdtui.core.engine import Engine
from wdtui.core.jsonable import to_json, to_jsonable
from wdtui.core.presets import preset_config


@pytest.mark.parametrize("config", [RunConfig(epochs=3, lr=50.0),  # diverges at epoch 2: the record of that too
                                    preset_config("moons", epochs=3)],  # its boundary and the rows on it
                         ids=["diverged", "moons"])
def test_a_report_comes_back_as_the_records_it_was(config):
    engine = Engine(config)
    for _ in engine.run():
        pass
    report = engine.report()
    assert (report.diverged is not None) == (config.lr == 50.0)
    assert config.lr == 50.0 or (report.boundary is not None and report.boundary.rows is not None)
    stored = json.loads(to_json(report))
    assert decode.report(stored) == report
    assert to_jsonable(decode.report(stored)) == stored


def test_a_record_written_by_another_version_is_read_or_refused_in_one_line():
    engine = Engine(RunConfig(epochs=1))
    (record,) = [r for r in engine.run() if type(r).__name__ == "EpochRecord" and r.epoch > 0]
    later = {**to_jsonable(record), "a_field_from_the_future": 1}
    assert decode.epoch_record(later) == record
    older = {k: v for k, v in to_jsonable(record).items() if k != "penalty"}
    with pytest.raises(decode.RecordError, match="lacks penalty"):
        decode.epoch_record(older)


def test_parameter_groups_stored_before_they_had_names_are_named_by_their_place():
    engine = Engine(RunConfig(epochs=1))
    stored = to_jsonable(engine.setup())
    unnamed = {**stored, "param_groups": [{k: v for k, v in g.items() if k != "name"} for g in stored["param_groups"]]}
    assert decode.setup(unnamed) == engine.setup()
    assert [g.name for g in decode.setup(unnamed).param_groups] == ["decay", "no_decay"]


def test_a_stored_config_is_validated_again():
    config = RunConfig(hidden=(64, 32), optimizer="adamw", weight_decay=0.05)
    assert RunConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config
    assert RunConfig.from_dict({"weight_decay": 0.1, "not_yet": True}) == RunConfig(weight_decay=0.1)
    with pytest.raises(ConfigError) as refused:
        RunConfig.from_dict({"lr": -1})
    assert refused.value.field == "lr"
    with pytest.raises(ConfigError):
        RunConfig.from_dict(["not", "a", "mapping"])
