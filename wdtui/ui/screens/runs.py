"""Runs (h): every run wdtui has kept, from this session and every earlier one.

A table of the stored runs, newest first. Type to filter it: every word must match (`adam
0.01`, `overfit finished`). `s` sorts by the next column, and `S` turns the order round. A
click on a header sorts by it. The space key marks up to four runs, whose loss curves the chart
overlays, one colour each (the ● beside them). With none marked it shows the run under the
cursor. Twins and a sweep's points are a group: one row, showing its best run. The enter key
opens a group, and on a run loads its settings into 2 Train. `d` deletes (after asking), `e`
exports. The store is read and written by jobs (ui/jobs/runs_view.py) on worker threads, never here.
"""

from __future__ import annotations

from pathlib import Path

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Header, Input, Static
from textual_plotext import PlotextPlot

from ...core.config import ConfigError, RunConfig
from ...present.runs_table import RUN_COLORS, RUN_COLUMNS, RunRow, run_label
from ..session import Job
from ..widgets.footer import ModeFooter
from ..widgets.run_list import RunList
from ..widgets.runs_chart import chart_runs, detail
from .base import ModeScreen
from .confirm import ConfirmScreen

MOST_MARKED = 4
RELIST_EVERY = 2.0  # seconds, while a job trains: its runs' epochs and status move on
RELIST_AFTER = 0.3  # seconds after the view opens: the listing again, runs added since included


class RunsScreen(ModeScreen):
    """The filter, the table of runs, and under it the chart and the highlighted run's details."""

    AUTO_FOCUS = "#runs-table"
    BINDINGS = [
        Binding("space", "mark", "Mark", tooltip="Mark or unmark the run (up to four): the chart overlays their "
                                                 "loss curves"),
        Binding("enter", "open", "Load/open", show=False,
                tooltip="On a run: load its settings into 2 Train. On a group (twins, a sweep): show its runs"),
        Binding("s", "sort", "Sort", tooltip="Sort by the next column (a click on a header sorts by it)"),
        Binding("S", "reverse", "Reverse", show=False, tooltip="Turn the sort order round"),
        Binding("slash", "filter", "Filter", tooltip="Type to filter the runs: every word must match"),
        Binding("d", "delete", "Delete", tooltip="Delete the run, or the group, under the cursor (asks first)"),
        Binding("e", "export", "Export", tooltip="Write the run (or a sweep) as JSON and CSV, as --export does, "
                                                 "into the user data folder"),
        Binding("escape", "leave", "Unmark all", show=False,
                tooltip="Leave the filter (clearing it), or unmark every run"),
    ]

    typed = ""  # the filter
    sort: tuple[int, bool] | None = None  # (column, descending); None: newest first
    _listed = -1  # the listing the table shows
    _charted: tuple = ()  # what the chart was last drawn from
    _was_training = False
    _fill_on_listing = True

    def __init__(self) -> None:
        super().__init__()
        self.expanded: set[str] = set()
        self.marks: dict[int, int] = {}  # run id → its colour (RUN_COLORS index), in marking order

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="runs-bar"):
            yield Input(placeholder="type to filter: sgd 0.01 finished overfit …", id="runs-filter", compact=True,
                        select_on_focus=False)
            yield Static(id="runs-info")
        yield RunList(id="runs-table")
        with Horizontal(id="runs-bottom"):
            yield PlotextPlot(id="runs-chart")
            yield Static(id="runs-detail")
        yield ModeFooter(compact=True)

    def on_mount(self) -> None:
        self.set_interval(RELIST_EVERY, self._relist_while_training)

    def on_screen_resume(self) -> None:
        """Show the listing the app has (read once it was built, or last time) at once.

        Then read it again a moment later, once that is on screen. A worker making thousands of
        rows' cells meanwhile would take the GIL from the first paint (measured: a third of it)."""
        if self.wdtui.runs.table is not None:
            self.refresh_view()
        self.set_timer(RELIST_AFTER, self.relist)

    def relist(self) -> None:
        self.wdtui.list_runs()

    def _relist_while_training(self) -> None:
        """Relist while a job trains or a run listed is still running, and once more after.

        The run may be here, or in another process (a `wdtui trace`). The table follows them to their end."""
        listing = self.wdtui.runs.table
        running = listing is not None and any(r.status == "running" for r in listing.runs)
        training = self._training() or running
        if self.is_current and (training or self._was_training):
            self.relist()
        self._was_training = training

    @property
    def table(self) -> RunList:
        return self.query_one(RunList)

    # What is shown ----------------------------------------------------------------------------

    def refresh_view(self) -> None:
        runs = self.wdtui.runs
        if runs.listed != self._listed and runs.table is not None:
            self._listed = runs.listed
            self.marks = {i: c for i, c in self.marks.items() if any(r.id == i for r in runs.table.runs)}
            self.fill()
        self.show_current()

    def fill(self) -> None:
        """The table again, from the latest listing, as filtered, sorted and opened now."""
        listing = self.wdtui.runs.table
        if listing is None:
            return
        current = self.table.current
        rows = listing.rows(self.typed, self.expanded, self.sort)
        self.table.show(listing, rows, self.marks, self.sort, current.key if current else None)
        self.show_current()

    def show_current(self) -> None:
        """The info line, the chart and the details, for the marks and the row under the cursor.

        Each is redrawn only when what it shows has changed, since plotext takes tens of ms a chart."""
        runs, row = self.wdtui.runs, self.table.current
        self._update("#runs-info", self.info())
        shown = (tuple(self.marks.items()), row, runs.listed, tuple(runs.stored), tuple(runs.gone))
        if shown != self._charted:
            self._charted = shown
            chart = self.query_one(PlotextPlot)
            missing = runs.wanted(chart_runs(chart.plt, runs, row, self.marks))
            if missing:
                self.wdtui.start_runs_job(Job.RUNS_LOAD, missing)
            chart.refresh()
        self._update("#runs-detail", detail(row, self.marks))

    def _update(self, selector: str, text: str) -> None:
        widget = self.query_one(selector, Static)
        if widget.content != text:
            widget.update(text)

    def info(self) -> str:
        runs = self.wdtui.runs
        if runs.table is None:
            return f"[b $warning]Runs are not being recorded: {runs.error}[/]" if runs.error else "Reading the runs…"
        shown = sum(not r.member for r in self.table.shown)
        total = len(runs.table.top)
        order = "newest first" if self.sort is None else \
            f"by {RUN_COLUMNS[self.sort[0]].name} {'▼' if self.sort[1] else '▲'}"
        what = f"{shown} of {total}" if shown != total else f"{total}"
        marked = f" · {len(self.marks)} marked" if self.marks else ""
        return f"{what} {'row' if total == 1 else 'rows'} · {order}{marked}"

    @on(DataTable.RowHighlighted)
    def _highlighted(self) -> None:
        self.show_current()

    # Filter and sort ----------------------------------------------------------------------------

    @on(Input.Changed, "#runs-filter")
    def _filtered(self, event: Input.Changed) -> None:
        self.typed = event.value
        self.fill()

    @on(Input.Submitted, "#runs-filter")
    def _filter_done(self) -> None:
        self.set_focus(self.table)

    def action_filter(self) -> None:
        self.query_one("#runs-filter", Input).focus()

    def on_key(self, event: events.Key) -> None:
        """Typing on the table goes to the filter: letters no key here or of the app stands for."""
        if not self.table.has_focus or not event.is_printable or event.character is None:
            return
        bound = {k for b in [*self.BINDINGS, *self.app.BINDINGS] if isinstance(b, Binding) for k in b.key.split(",")}
        if event.key in bound or event.character in bound:
            return
        field = self.query_one("#runs-filter", Input)
        self.set_focus(field)  # at once (focus() waits a turn): the next key typed goes to the field
        field.insert_text_at_cursor(event.character)
        event.stop()

    def action_sort(self) -> None:
        column = 0 if self.sort is None else (self.sort[0] + 1) % len(RUN_COLUMNS)
        self.sort = (column, self.sort[1] if self.sort else False)
        self.fill()

    def action_reverse(self) -> None:
        self.sort = (self.sort[0], not self.sort[1]) if self.sort is not None else (0, False)
        self.fill()

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        column = event.column_index - 1  # the ● column comes first
        if column >= 0:
            same = self.sort is not None and self.sort[0] == column
            self.sort = (column, not self.sort[1] if same and self.sort else False)
            self.fill()

    def action_leave(self) -> None:
        field = self.query_one("#runs-filter", Input)
        if field.has_focus:
            field.value = ""
            self.set_focus(self.table)
        elif self.marks:
            self.marks.clear()
            self.fill()

    # Marks, groups, loading ----------------------------------------------------------------------

    def action_mark(self) -> None:
        row = self.table.current
        if row is None:
            return
        ids = [r.id for r in row.runs]
        if all(i in self.marks for i in ids):
            for i in ids:
                del self.marks[i]
        elif len(set(ids) | set(self.marks)) > MOST_MARKED:
            more = "its runs" if row.group else "another"
            self.notify(f"At most {MOST_MARKED} runs can be overlaid: unmark one (space) to mark {more}"
                        f"{', or open the group (enter) and mark a few' if row.group else ''}.",
                        title="Marked enough", severity="warning")
            return
        else:
            for i in ids:
                free = next(c for c in range(len(RUN_COLORS)) if c not in self.marks.values())
                self.marks.setdefault(i, free)
        for shown in self.table.shown:
            if any(r.id in ids for r in shown.runs) and shown.group is None:
                self.table.mark(shown, self.marks)
        self.show_current()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        """enter: a group opens or closes; a run's settings go to 2 Train."""
        row = self.table.current
        if row is None:
            return
        if row.group is not None:
            self.expanded ^= {row.group}
            self.fill()
            return
        self.load(row)

    def load(self, row: RunRow) -> None:
        run = row.run
        try:
            config = RunConfig.from_dict(run.config)
        except ConfigError as exc:
            self.notify(f"Run {run.id}'s settings cannot be used here: {exc}.", title="Not loaded", severity="error")
            return
        if config.data is not None and not Path(config.data).is_file():
            self.notify(f"Run {run.id} trained on {config.data}, which is not there any more.", title="Not loaded",
                        severity="error")
            return
        self.wdtui.start_run(config)
        self.wdtui.switch_mode("train")
        self.notify(f"A new model with run {run.id}'s settings ({run_label(run)}): press space to train it.",
                    title="Settings loaded")

    # Delete and export ----------------------------------------------------------------------------

    def action_delete(self) -> None:
        row = self.table.current
        if row is None:
            return
        ids = tuple(sorted(r.id for r in row.runs))
        what = f"run {ids[0]}" if len(ids) == 1 else f"the {len(ids)} runs of this group ({ids[0]}–{ids[-1]})"
        live = [r.id for r in row.runs if r.status == "running"]
        warn = f"Run {', '.join(map(str, live))} is still recording: deleting it stops that. " if live else ""

        def answered(yes: bool | None) -> None:
            if yes:
                for i in ids:
                    self.marks.pop(i, None)
                self.wdtui.start_runs_job(Job.RUNS_DELETE, ids)

        self.app.push_screen(ConfirmScreen(f"Delete {what}?", f"{warn}This cannot be undone."), answered)

    def action_export(self) -> None:
        row = self.table.current
        if row is None:
            return
        sweep = row.group is not None and row.runs[0].kind == "sweep-point"
        self.wdtui.start_runs_job(Job.RUNS_EXPORT, tuple(r.id for r in row.runs), sweep, None)
