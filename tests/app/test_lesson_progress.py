"""lesson.json, whatever it holds: the lesson opens, a file that cannot be used is kept aside
(renamed, with its bytes) and said once, and only a regular file is ever read.

Hypothesis writes arbitrary contents (JSON of every shape, near-misses of the real shape, raw
bytes) and checks the progress that comes back against the lesson, by its own reading of what
a step's prediction and outcome are; the named cases of issue 21 are loaded one by one, and one
of each kind is pressed through the app.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wdtui.core.config import RunConfig
from wdtui.lesson.progress import MAX_BYTES, Progress, load_progress, progress_path, save_progress
from wdtui.lesson.steps import load_lesson
from wdtui.ui.app import create_app

from app_helpers import SIZE

LESSON = load_lesson()
IDS = [s.id for s in LESSON.steps]
OPTIONS = {s.id: len(s.prediction.options) for s in LESSON.steps if s.prediction is not None}


def kept_aside(folder: Path) -> list[Path]:
    return sorted(folder.glob("lesson.json.broken-*"))


def well_formed(progress: Progress) -> None:
    """What the panel and the summary read: a step on the lesson, options that exist, outcomes
    with a text, a verdict and a held of true, false or null."""
    assert type(progress.step) is int and 0 <= progress.step < len(LESSON.steps)
    for sid, choice in progress.predictions.items():
        assert sid in OPTIONS and type(choice) is int and 0 <= choice < OPTIONS[sid]
    for sid, outcome in progress.outcomes.items():
        assert sid in IDS and set(outcome) == {"text", "held", "verdict"}
        assert isinstance(outcome["text"], str) and isinstance(outcome["verdict"], str)
        assert outcome["held"] is None or isinstance(outcome["held"], bool)


def check_load(folder: Path, data: bytes) -> tuple[Progress, str | None]:
    """Write `data`, load it, and check what became of the file: kept as it was, or kept aside
    whole (never lost, never rewritten by loading)."""
    for old in kept_aside(folder):
        old.unlink()
    path = progress_path()
    path.write_bytes(data)
    progress, problem = load_progress(LESSON)
    well_formed(progress)
    if problem is None:
        assert path.read_bytes() == data and not kept_aside(folder)
    else:
        [aside] = kept_aside(folder)
        assert aside.read_bytes() == data and not path.exists()
        assert str(aside) in problem and "\n" not in problem and len(problem) < 250 + len(str(aside))
        assert progress == Progress()
    return progress, problem


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20)
step_ids = st.sampled_from(IDS) | st.text(max_size=6)
near_outcome = st.fixed_dictionaries({}, optional={"text": json_values | st.text(), "held": json_values,
                                                   "verdict": json_values | st.text()})
near_progress = st.fixed_dictionaries({}, optional={
    "step": json_values | st.integers(-3, 20),
    "predictions": st.dictionaries(step_ids, json_values | st.integers(-1, 5), max_size=4) | json_values,
    "outcomes": st.dictionaries(step_ids, near_outcome | json_values, max_size=4) | json_values,
})
settle = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@settle
@given(st.one_of(json_values, near_progress))
def test_any_json_loads_as_progress_or_is_kept_aside(data_dir, value):
    check_load(data_dir, json.dumps(value).encode())  # floats may be Infinity or NaN: not JSON


@settle
@given(st.binary(max_size=64) | st.text(max_size=64).map(str.encode))
def test_any_bytes_load_as_progress_or_are_kept_aside(data_dir, data):
    check_load(data_dir, data)


valid_progress = st.fixed_dictionaries({
    "step": st.integers(0, len(IDS) - 1),
    "predictions": st.fixed_dictionaries({}, optional={sid: st.integers(0, n - 1) for sid, n in OPTIONS.items()}),
    "outcomes": st.fixed_dictionaries({}, optional={sid: st.fixed_dictionaries({
        "text": st.text(), "held": st.none() | st.booleans(), "verdict": st.text()}) for sid in IDS}),
})


@settle
@given(valid_progress)
def test_saved_progress_comes_back_as_it_was(data_dir, saved):
    progress = Progress(**saved)
    save_progress(progress)
    assert load_progress(LESSON) == (progress, None)


def test_steps_the_lesson_no_longer_has_are_dropped_and_a_step_past_the_end_is_the_last(data_dir):
    progress, problem = check_load(data_dir, json.dumps({
        "step": 99, "predictions": {"renamed-step": 7, "train": 1},
        "outcomes": {"renamed-step": "anything"}}).encode())
    assert problem is None and progress == Progress(len(IDS) - 1, {"train": 1}, {})


def test_a_missing_file_is_a_fresh_start_and_nothing_is_kept_aside(data_dir):
    assert load_progress(LESSON) == (Progress(), None) and not kept_aside(data_dir)


def test_a_file_over_a_megabyte_is_kept_aside_unread(data_dir):
    _, problem = check_load(data_dir, b" " * MAX_BYTES + b"{}")
    assert "larger than" in problem


def test_an_unreadable_file_is_kept_aside(data_dir):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = progress_path()
    path.write_text("{}")
    path.chmod(0)
    progress, problem = load_progress(LESSON)
    [aside] = kept_aside(data_dir)
    assert progress == Progress() and "Permission denied" in problem and aside.name in problem


def test_a_device_behind_a_symlink_is_never_read(data_dir):
    progress_path().symlink_to("/dev/zero")
    progress, problem = load_progress(LESSON)
    [aside] = kept_aside(data_dir)
    assert progress == Progress() and "not a regular file" in problem and aside.is_symlink()


def test_two_files_kept_aside_in_the_same_second_keep_both(data_dir):
    for text in ("one", "two"):
        progress_path().write_text(text)
        load_progress(LESSON)
    assert sorted(p.read_text() for p in kept_aside(data_dir)) == ["one", "two"]


# The named cases, through the app: each crashed it, froze it or restarted the lesson silently
# (overwriting the file) before; now 0 opens the lesson at its first step and says so once.
NAMED = {
    "step Infinity": b'{"step": Infinity, "predictions": {}, "outcomes": {}}',
    "prediction 99": b'{"step": 1, "predictions": {"train": 99}, "outcomes": {}}',
    "prediction x": b'{"step": 1, "predictions": {"train": "x"}, "outcomes": {}}',
    "outcome oops": b'{"step": 1, "predictions": {}, "outcomes": {"pipeline": "oops"}}',
    "outcome {}": b'{"step": 1, "predictions": {}, "outcomes": {"pipeline": {}}}',
    "100,000 nested arrays": b"[" * 100_000 + b"]" * 100_000,
    "garbage": b"\xff\xfe\x00garbage{",
    "step a string": b'{"step": "3", "predictions": {}, "outcomes": {}}',
    "predictions a list": b'{"step": 2, "predictions": [], "outcomes": {}}',
    "a list": b"[1, 2, 3]",
}


def listened(app):
    """The app, with every notification it gives kept in `app.told` as (title, message)."""
    app.told = []
    notify = app.notify

    def told(message, **kwargs):
        app.told.append((kwargs.get("title"), message))
        return notify(message, **kwargs)

    app.notify = told
    return app


async def opens_at_the_start_and_says_it_once(folder: Path, was: bytes | None) -> None:
    app = listened(create_app(RunConfig()))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        assert app.lesson_open and app.step.id == "pipeline"
        [aside] = kept_aside(folder)
        [said] = [message for title, message in app.told if title == "Lesson progress"]
        assert f"kept as {aside};" in said and "starts over" in said
        if was is not None:
            assert aside.read_bytes() == was
        await pilot.press("0", "0", "right_square_bracket")  # fold, open again, next step: said once
        assert app.step.id == "train"
        assert [title for title, _ in app.told].count("Lesson progress") == 1
    assert json.loads(progress_path().read_text())["step"] == 1  # saved afresh, beside the kept file
    again = listened(create_app(RunConfig()))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.press("0")
        assert again.step.id == "train" and not [t for t, _ in again.told if t == "Lesson progress"]
        assert len(kept_aside(folder)) == 1


@pytest.mark.parametrize("data", NAMED.values(), ids=NAMED.keys())
def test_each_named_file_is_kept_aside_whole_and_the_lesson_starts_over(data_dir, data):
    progress, problem = check_load(data_dir, data)
    assert problem is not None and progress == Progress()


# Through the app, one of each kind: a number past JSON, nesting past the recursion limit, bytes
# that are not text. (An app per case costs seconds; the loader above sees them all.)
@pytest.mark.parametrize("name", ["step Infinity", "100,000 nested arrays", "garbage"])
async def test_a_file_that_cannot_be_used_is_kept_aside_and_the_lesson_opens(data_dir, name):
    progress_path().write_bytes(NAMED[name])
    await opens_at_the_start_and_says_it_once(data_dir, NAMED[name])


@pytest.mark.timeout(60)  # before: the app froze opening the FIFO (q and Ctrl+C dead)
async def test_a_fifo_in_its_place_is_never_opened(data_dir):
    os.mkfifo(progress_path())
    await opens_at_the_start_and_says_it_once(data_dir, None)
    assert stat.S_ISFIFO(os.lstat(kept_aside(data_dir)[0]).st_mode)


async def test_a_folder_in_its_place_is_kept_aside(data_dir):
    progress_path().mkdir()
    (progress_path() / "mine.txt").write_text("kept")
    await opens_at_the_start_and_says_it_once(data_dir, None)
    assert (kept_aside(data_dir)[0] / "mine.txt").read_text() == "kept"
