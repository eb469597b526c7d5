"""The lesson at home on a small terminal and a large one: walked whole at 80 × 24 and 120 × 40
with the panel open, each step checked as a learner would look at it.

Before the prediction: nothing of an earlier run on screen (no number any earlier run, twin or
sweep printed) and no impossible counter ("epoch 5, step 13 of 10"). Once the step's run is
done: its focus whole, that is, each of its widgets inside the screen, not clipped by its
container, under neither the panel nor a toast, and every text its cells were given on screen
without a cut (each table cell and header line on one line of the table, each word of a text
whole, every line of it within its widget). The twins' pictures are at least as large as
Compare draws them with the panel hidden. Then snapshots of three steps at both sizes.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widget import Widget
from textual.widgets import DataTable, Static
from textual.widgets._toast import Toast
from textual_plotext import PlotextPlot

from wdtui.core.config import RunConfig
from wdtui.lesson.regions import PANEL
from wdtui.lesson.steps import load_lesson
from wdtui.ui import lesson as ui_lesson
from wdtui.ui.app import create_app
from wdtui.ui.session import RunState
from wdtui.ui.widgets.boundary import BoundaryPicture
from wdtui.ui.widgets.lesson_panel import LessonPanel

from app_helpers import settled, wait_for

SIZES = [(80, 24), (120, 40)]
WALKED = [(80, 24), (100, 30), (120, 40), (160, 48)]  # the sizes the lesson is walked at; snapshots at SIZES
# Each step's prediction and the keys that run it, as its `do` says.
PLAN = {"train": ("b", "space"), "small-lambda": ("a", "c"), "overfit": ("b", "space"), "lambda-helps": ("c", "c"),
        "boundary": ("c", "c"), "sweep": ("c", "s"), "update": ("a", "n"), "optimizer": ("b", "n")}
COUNTERS = (r"epoch (\d+) of (\d+)", r"step (\d+) of (\d+)", r"step (\d+)/(\d+)", r"question (\d+) of (\d+)")


def screen_lines(app) -> list[str]:
    return ["".join(segment.text for segment in strip) for strip in app.screen._compositor.render_strips()]


def inside(lines: list[str], widget: Widget) -> str:
    """The text the screen shows within `widget`'s region, a line per row."""
    r = widget.region
    return "\n".join(line[r.x:r.right] for line in lines[r.y:r.bottom])


def mode_text(app) -> str:
    """What the screen shows outside the lesson panel."""
    lines = screen_lines(app)
    panel = app.screen.query_one(LessonPanel)
    if panel.display:
        r = panel.region
        lines = [line[:r.x] + " " * r.width + line[r.right:] if r.y <= y < r.bottom else line
                 for y, line in enumerate(lines)]
    return "\n".join(lines)


def plain(content) -> list[str]:
    """The texts a widget's content was given: a Text's, markup's, a rich Table's title, headers,
    cells and caption, a Group's parts."""
    if isinstance(content, Text):
        return [content.plain]
    if isinstance(content, str):
        return [Text.from_markup(content).plain]
    if isinstance(content, Group):
        return [t for part in content.renderables for t in plain(part)]
    if isinstance(content, Table):
        texts = plain(content.title or "") + plain(content.caption or "")
        for column in content.columns:  # a header the table does not show is not asked for
            texts += (plain(column.header) if content.show_header else []) + [t for cell in column._cells for t in plain(cell)]
        return texts
    return []


def assert_static_whole(app, widget: Static, shown: str) -> None:
    """Every line of the widget's text within it, and each word whole on the screen."""
    console = app.console
    width = widget.content_region.width
    rendered = console.render_lines(widget.content, console.options.update_width(width), pad=False) if width else []
    assert len(rendered) <= widget.content_region.height, f"{widget!r} cut: {len(rendered)} lines in view"
    for text in plain(widget.content):
        for word in text.split():
            assert word in shown, f"{word!r} of {widget!r} is not whole on screen"


def assert_table_whole(table: DataTable, shown: str) -> None:
    """No column or row out of sight, every header line and cell on one line of the table."""
    assert table.virtual_size.width <= table.scrollable_content_region.width, f"{table!r}: columns cut"
    assert table.virtual_size.height <= table.scrollable_content_region.height, f"{table!r}: rows hidden"
    lines = shown.split("\n")
    for column in table.columns.values():
        for label in column.label.plain.split("\n"):
            assert any(label.strip() in line for line in lines), f"header {label!r} wrapped or cut"
    for row in table.rows:
        for cell in table.get_row(row):
            text = cell.plain if isinstance(cell, Text) else str(cell)
            assert any(text.strip() in line for line in lines), f"cell {text!r} cut"


def parts(widget: Widget) -> list[Widget]:
    """The widget and everything shown in it (a part of a hidden part is not)."""
    def shown(w: Widget) -> bool:
        return w is widget or (w.display and shown(w.parent))

    return [widget, *(w for w in widget.query("*") if shown(w))]


def assert_focus_whole(app) -> None:
    screen = app.screen
    focus = screen.lesson_focus()
    assert focus, f"{app.step.id}: no focus on {screen!r}"
    panel = screen.query_one(LessonPanel)
    lines = screen_lines(app)
    height = len(lines)
    visible = screen._compositor.visible_widgets
    widgets = [panel] if PANEL in focus else [w for region in focus for w in screen.query(screen.FOCUS[region])]
    assert widgets, f"{app.step.id}: its focus {focus} has no widget on {screen!r}"
    toasts = [t for t in app.query(Toast)]
    for top in widgets:
        for widget in parts(top):
            if widget.region.area == 0 and not isinstance(widget, (BoundaryPicture, PlotextPlot)):
                continue
            assert widget in visible, f"{app.step.id}: {widget!r} of the focus is not on screen"
            region, clip = visible[widget]
            assert region.y >= 1 and region.bottom <= height - 1, f"{app.step.id}: {widget!r} under the header or footer"
            assert clip.intersection(region) == region, f"{app.step.id}: {widget!r} clipped by its container"
            if panel not in widget.ancestors_with_self and panel.display:
                assert not region.overlaps(panel.region), f"{app.step.id}: {widget!r} under the lesson panel"
            for toast in toasts:
                assert not region.overlaps(toast.region), f"{app.step.id}: a toast over {widget!r}"
            shown = inside(lines, widget)
            if isinstance(widget, DataTable):
                assert_table_whole(widget, shown)
            elif isinstance(widget, Static):
                assert_static_whole(app, widget, shown)
            elif isinstance(widget, PlotextPlot):
                assert widget.size.width >= 40 and widget.size.height >= 8, f"{app.step.id}: chart {widget.size}"


def assert_clean(app, earlier: set[str]) -> None:
    """Nothing of an earlier run on the mode, and every counter possible."""
    text = mode_text(app)
    leaked = sorted(n for n in earlier if n in text)
    assert not leaked, f"{app.step.id}: earlier runs' numbers on screen before the prediction: {leaked[:5]}"
    for pattern in COUNTERS:
        for done, total in re.findall(pattern, screen_lines_text(app)):
            assert int(done) <= int(total), f"{app.step.id}: an impossible counter, {done} of {total}"


def screen_lines_text(app) -> str:
    return "\n".join(screen_lines(app))


def numbers_of(app) -> set[str]:
    """What the runs so far printed: each trained epoch's losses, accuracies and ‖θ‖, the twins',
    their boundaries' lengths, the sweep's losses."""
    s = app.session
    found = {f"{e.val_loss:.4f}" for e in s.epochs} | {f"{e.val_acc:.1%}" for e in s.epochs}
    found |= {f"{e.train_loss:.4f}" for e in s.epochs} | {f"{e.weight_norm:.3f}" for e in s.epochs}
    if app.twins is not None:
        for records in app.twins.epochs:
            found |= {f"{e.val_loss:.4f}" for e in records} | {f"{e.weight_norm:.3f}" for e in records}
        found |= {f"length {n}" for n in (app.twins.boundary_length(0), app.twins.boundary_length(1)) if n}
    if app.sweep is not None:
        found |= {f"{p.val_loss:.4f}" for p in app.sweep.points if not p.diverged}
    return found


async def until(pilot, condition, timeout: float = 1800.0) -> None:
    waited = 0.0
    while not condition():
        assert waited < timeout, f"step {pilot.app.step.id} never got there"
        await pilot.pause(0.1)
        waited += 0.1
    await pilot.pause()


async def read_and_fold(pilot) -> None:
    """Where the panel opened over the mode to be read, fold it (p) to look at the mode."""
    if pilot.app.screen.query_one(LessonPanel).has_class("-open"):
        await pilot.press("p")
        await pilot.pause()


async def picture_sizes_alone(pilot) -> list:
    """The twins' pictures as Compare draws them with the lesson panel hidden (0, then 0 again)."""
    await pilot.press("0")
    await settled(pilot)
    sizes = [p.size for p in pilot.app.screen.query(".twin-boundary BoundaryPicture") if p.display and p.region.area]
    await pilot.press("0")
    await settled(pilot)
    return sizes


def short_lesson(epochs: int = 20):
    """The lesson with every run cut to `epochs`: the walk checks what each step's screen shows,
    not what its runs teach (test_lesson_app walks the lesson at full length), and the moons
    twins and sweep at full length took minutes of the suite."""
    lesson = load_lesson()
    return replace(lesson, steps=tuple(
        replace(s, setup=s.setup.replace(epochs=min(s.setup.epochs, epochs))) if s.setup is not None else s
        for s in lesson.steps))


@pytest.mark.parametrize("size", WALKED, ids=lambda s: f"{s[0]}x{s[1]}")
async def test_the_whole_lesson_keeps_each_steps_focus_whole(size, monkeypatch):
    monkeypatch.setattr(ui_lesson, "load_lesson", short_lesson)
    app = create_app(RunConfig())
    async with app.run_test(size=size) as pilot:
        await walk(pilot)


async def walk(pilot, first: int = 1) -> None:
    """From the welcome through the lesson, from step `first` on (the ones before skipped), each
    step as a learner does it, checked before its prediction and once its run is done."""
    app = pilot.app
    await pilot.press("enter", *["right_square_bracket"] * (first - 1))
    await wait_for(pilot, RunState.READY)
    earlier: set[str] = set()
    for step in app.lesson.steps[first - 1:]:
        assert app.step is step
        await wait_for(pilot, RunState.READY) if step.setup is not None else await pilot.pause()
        await settled(pilot)
        if step.prediction is not None:
            assert_clean(app, earlier)
        if step.id in PLAN:
            prediction, run = PLAN[step.id]
            await pilot.press(prediction)
            await settled(pilot)
            assert step.id in app.progress.predictions
            assert_clean(app, earlier)  # the mode in full view now, and still nothing to go on
            await pilot.press(run)
            if step.id == "sweep":
                await until(pilot, lambda: app.sweep is not None and app.sweep.result is not None)
                await pilot.press("a")
        elif step.id == "quiz":
            await read_and_fold(pilot)
            round_ = app.lesson_round
            assert sum(q.from_run for q in round_.questions) >= 1  # made from this lesson's own runs
            for question in round_.questions:
                await pilot.press("abcd"[question.answer], "enter")
        else:
            await read_and_fold(pilot)
        if step.done is not None:
            await until(pilot, lambda: step.id in app.progress.outcomes)
        await settled(pilot)
        assert_focus_whole(app)
        if step.id == "boundary":
            shown = [p.size for p in app.screen.query(".twin-boundary BoundaryPicture")]
            for alone in await picture_sizes_alone(pilot):
                assert all(s.width >= alone.width and s.height >= alone.height for s in shown)
        earlier |= numbers_of(app)
        if step is not app.lesson.steps[-1]:
            await pilot.press("right_square_bracket")


def steady(run):
    """`run`, then the screen as it stays: toasts cleared, the last repaints landed."""
    async def then(pilot):
        await run(pilot)
        pilot.app.clear_notifications()
        await settled(pilot)

    return then


async def to_step(pilot, n: int) -> None:
    await pilot.press("enter", *["right_square_bracket"] * (n - 1))
    await wait_for(pilot, RunState.READY)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_step_2_waiting_for_its_prediction(snap_compare, size):
    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=size, run_before=steady(lambda p: to_step(p, 2)))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_step_3_after_its_outcome(snap_compare, size):
    async def run(pilot):
        await to_step(pilot, 3)
        await pilot.press("a", "c")
        await until(pilot, lambda: "small-lambda" in pilot.app.progress.outcomes)

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=size, run_before=steady(run))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_snapshot_step_9_adamw_taken_apart(snap_compare, size):
    async def run(pilot):
        await to_step(pilot, 9)
        await pilot.press("b", "n")
        await until(pilot, lambda: "optimizer" in pilot.app.progress.outcomes)

    assert snap_compare(create_app(RunConfig(seed=0)), terminal_size=size, run_before=steady(run))
