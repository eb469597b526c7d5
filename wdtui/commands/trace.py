"""`wdtui trace`: the run printed as Rich tables and a plotext chart, or as one JSON document."""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path
from typing import Sequence

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..core.config import RunConfig
from ..core.insight import Insight, key_insight
from ..core.jsonable import to_json
from ..core.records import EpochRecord, Prediction, Report, Stage, StepRecord
from ..present.boundary import BoundaryRenderable, class_key, fitted, legend, measures, measures_explained, plane_title
from ..present.columns import EPOCH_CAPTION, EPOCH_COLUMNS, epoch_cells
from ..present.insight import CLAIM, insight_lines
from ..present.prediction import layer_text, result_text
from ..store.export import export_run, run_targets
from ..store.recording import Recorder
from .exits import DIVERGED, interrupted, stopped_at, write_all, write_output


def stage_table(stages: tuple[Stage, ...] | list[Stage]) -> Table:
    table = Table(title="Data flow — 6 stages", title_justify="left", show_lines=True, expand=True)
    table.add_column("#", justify="right", width=1)
    table.add_column("Stage · input → output", style="bold", min_width=22, max_width=28)
    table.add_column("What it does · example (the same real row at every stage)", ratio=1)
    for i, s in enumerate(stages, start=1):
        table.add_row(str(i), Text.assemble((s.name, "bold"), "\n", (f"{s.input_shape} → {s.output_shape}", "dim")),
                      Text.assemble(s.description, "\n", ("→ " + s.example, "cyan")))
    return table


def epoch_table(epochs: tuple[EpochRecord, ...] | list[EpochRecord]) -> Table:
    table = Table(title="Training trace — epoch by epoch", title_justify="left", expand=True,
                  box=box.SIMPLE_HEAD, pad_edge=False, caption=EPOCH_CAPTION, caption_justify="left")
    for column in EPOCH_COLUMNS:
        if column.wide:
            table.add_column(column.name, ratio=1, min_width=20)
        else:
            table.add_column(column.name, justify="right", no_wrap=True)
    for e in epochs:
        table.add_row(*epoch_cells(e))
    return table


def loss_chart_text(epochs: tuple[EpochRecord, ...] | list[EpochRecord], width: int) -> Text:
    import plotext as plt

    from ..present.charts import loss_chart

    plt.clear_figure()
    plt.plotsize(min(width, 100), 16)
    plt.theme("clear")
    loss_chart(plt, epochs)
    return Text.from_ansi(plt.build())


def boundary_view(report: Report, width: int, plain: bool) -> Group | None:
    """The trained model's decision boundary, for data of two features (None otherwise): the
    picture (`plain`: without colour), what its marks mean and its two numbers."""
    b = report.boundary
    if b is None or b.n_features != 2:
        return None
    w, h = fitted(b, min(width, 100), 22, stretch=1.5)
    return Group(
        Text.assemble(("Decision boundary", "bold"), f" after epoch {report.epochs[-1].epoch} — {plane_title(b)}"),
        BoundaryRenderable(b, w, h),
        Text.from_markup(f"[b]{measures(b)}[/b]\n{legend(b, plain)}\n{class_key(report.setup.class_names, plain)}"),
        Text(measures_explained(b), style="dim"),
    )


def prediction_table(p: Prediction) -> Table:
    table = Table(title=f"Prediction trace — {len(p.layers)} layers, row {p.row} ({p.split})",
                  title_justify="left", show_lines=True, expand=True)
    table.add_column("Layer", style="bold")
    table.add_column("Shape")
    table.add_column("Values", ratio=1)
    for layer in p.layers:
        table.add_row(layer.name, layer.shape, layer_text(p, layer))
    table.add_row("Result", "", result_text(p))
    return table


def insight_panel(insight: Insight, epochs: Sequence[EpochRecord]) -> Panel:
    body = Group(Text(CLAIM, style="bold"), Text(""),
                 *(Text("• " + line) for line in insight_lines(insight, epochs)))
    return Panel(body, title="Key insight", title_align="left")


def exported(report: Report, paths: tuple[Path, Path], err: Console) -> None:
    """Write the run to `paths` (JSON, CSV) and say where on stderr, so stdout stays the report."""
    json_path, csv_path = export_run(report, paths)
    err.print(f"wdtui: wrote {json_path} and {csv_path}", highlight=False, markup=False, soft_wrap=True)


def run_trace(config: RunConfig, as_json: bool = False, export: str | None = None,
              recorder: Recorder | None = None) -> int:
    """Train, then print the report; exit status 0, or 1 when training diverged.

    With `export` (a path, or "" for the user data directory) the run is also written as
    JSON and CSV; a diverged run too, with its last good epochs. `recorder` keeps the run
    (in the run store, and TensorBoard if asked); a run stopped by Ctrl+C is kept "stopped".
    """
    from ..core.control import Control
    from ..core.engine import Engine
    from ..core.recorded import RecordedRun

    engine = Engine(config, Control(cancelled=interrupted))  # Ctrl+C stops it between two steps
    engine.predict()  # a bad --row fails before any training
    paths = None if export is None else run_targets(export or None)  # and so does a bad --export
    err = Console(stderr=True)
    recorder = recorder or Recorder(lambda line: None, record=False)
    # Ctrl+C or SIGTERM mid-run: kept "stopped", with the epochs it had (and no report to wait for).
    recorded = RecordedRun(engine, lambda: recorder.begin(config.to_dict()), report_when_stopped=False)
    try:
        with Progress(TextColumn("training"), BarColumn(), MofNCompleteColumn(), TextColumn("epochs"),
                      TimeElapsedColumn(), console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("train", total=config.epochs)
            for record in recorded.run():
                if isinstance(record, EpochRecord):
                    bar.update(task, completed=record.epoch)
                elif isinstance(record, StepRecord):
                    bar.update(task, completed=record.epoch - 1 + record.step / record.steps_per_epoch)
        if engine.diverged is not None:  # the run was recorded "diverged", with its report, as the loop ended
            err.print(f"wdtui: error: {engine.diverged.message}", highlight=False, markup=False, soft_wrap=True)
            if paths is not None:
                exported(recorded.report, paths, err)
            return DIVERGED
        # Ctrl+C or SIGTERM, its KeyboardInterrupt swallowed on the way: the run did not finish.
        if interrupted.is_set() or recorded.report is None:
            return stopped_at(engine.epoch)
        report = recorded.report
    except KeyboardInterrupt:  # nothing on stdout: never half a JSON document
        return stopped_at(engine.epoch)
    finally:
        recorded.close()

    def output() -> None:
        if paths is not None:
            exported(report, paths, err)
        if as_json:
            write_all(to_json(report) + "\n")
        else:
            print_report(report)

    return write_output(output, done=f"the run finished at epoch {report.epochs[-1].epoch}")


class Output(Console):
    """stdout as a Rich console whose reader going away raises BrokenPipeError, for the command
    to say (exits.write_output), where Rich would end the process with status 1 and no word."""

    def on_broken_pipe(self) -> None:
        raise BrokenPipeError(errno.EPIPE, os.strerror(errno.EPIPE))


def stdout() -> Console:
    """The console the report goes to. A pipe or a CI log has no width of its own; 120 columns
    keeps each row on one line."""
    return Output(width=None if sys.stdout.isatty() else 120)


def print_report(report: Report, out: Console | None = None) -> None:
    """The whole story, as tables and a chart: after a run, and for a stored one (runs show)."""
    out = out or stdout()
    out.print(stage_table(report.stages))
    out.print(epoch_table(report.epochs))
    out.print(loss_chart_text(report.epochs, out.width))
    picture = boundary_view(report, out.width, plain=out.color_system is None)
    if picture is not None:
        out.print(picture)
    out.print(prediction_table(report.prediction))
    # A run stored before wdtui kept its insight gets what its settings and epochs give
    # (without the numbers only the model could measure).
    insight = report.insight or key_insight(RunConfig.from_dict(report.config), report.epochs,
                                             report.setup.steps_per_epoch)
    out.print(insight_panel(insight, report.epochs))
