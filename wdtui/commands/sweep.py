"""`wdtui sweep`: many values of λ trained at once.

They are printed as a Rich table and a plotext chart of the U-curve, or as one JSON document
{config, points, best}."""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..core.config import RunConfig
from ..core.jsonable import to_json
from ..core.records import SweepProgress, SweepResult
from ..present.columns import BEST, DIVERGED, SWEEP_CAPTION_MEASURES, SWEEP_COLUMNS, point_cells
from ..present.verdicts import every_lambda_diverged, sweep_verdict
from ..present.runs_table import sweep_label
from ..store.export import export_sweep, run_targets
from ..store.recording import Recorder, SweepRecording
from . import exits
from .trace import stdout

MARKS = {BEST: "bold green", DIVERGED: "red"}  # the styles of the last column's marks


def sweep_table(result: SweepResult) -> Table:
    """One row per λ, the best one marked."""
    epochs = result.config["epochs"]
    table = Table(title=f"Sweep — {len(result.points)} values of λ, trained at once", title_justify="left",
                  box=box.SIMPLE_HEAD, pad_edge=False,
                  caption=f"After {epochs} epoch{'s' * (epochs != 1)}, every λ from the same initial weights and "
                          "the same batches. Loss = mean cross-entropy (data loss, penalty excluded); "
                          f"gap = val − train loss; ‖θ‖ over the decayed weights; {SWEEP_CAPTION_MEASURES}",
                  caption_justify="left")
    for column in SWEEP_COLUMNS:
        table.add_column(column.name, justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    for p in result.points:
        *cells, mark = point_cells(p, p is result.best)
        table.add_row(*cells, Text(mark, style=MARKS.get(mark, "")), style="bold" if p is result.best else None)
    return table


def sweep_chart_text(result: SweepResult, width: int) -> Text:
    import plotext as plt

    from ..present.charts import sweep_chart

    plt.clear_figure()
    plt.plotsize(min(width, 100), 20)
    plt.theme("clear")
    sweep_chart(plt, result.points, result.best)
    return Text.from_ansi(plt.build())


def run_sweep(config: RunConfig, weight_decays: Sequence[float], as_json: bool = False,
              export: str | None = None, recorder: Recorder | None = None) -> int:
    """Train every λ at once, then print; exit status 0, or 1 when every λ diverged.

    With `export` (a path, or "" for the user data directory), the sweep is also written as JSON
    and its points as CSV. A sweep where every λ diverged is written too, so the file says so.
    `recorder` keeps each λ as a run of one group (and in TensorBoard, with the HParams).
    """
    from ..core.control import Control
    from ..core.diverging import cause
    from ..core.sweep_engine import Sweep

    paths = None if export is None else run_targets(export or None, "sweep")  # a bad path fails first
    err = Console(stderr=True)
    result: SweepResult | None = None
    done = 0
    recorder = recorder or Recorder(lambda line: None, record=False)
    runs = SweepRecording(recorder, config, weight_decays, sweep_label(weight_decays))
    try:
        with Progress(TextColumn(f"training {len(weight_decays)} values of λ at once"), BarColumn(),
                      MofNCompleteColumn(), TextColumn("epochs"), TimeElapsedColumn(),
                      console=err, transient=True, disable=not err.is_terminal) as bar:
            task = bar.add_task("sweep", total=config.epochs)
            swept = Sweep(config, weight_decays, Control(cancelled=exits.interrupted), measure=True,
                          histograms=recorder.wants_weights)
            for record in swept.run():
                if isinstance(record, SweepProgress):
                    runs.progress(record)
                    done = record.epoch
                    bar.update(task, completed=done)
                else:
                    result = record
        if exits.interrupted.is_set():  # Ctrl+C or SIGTERM, its KeyboardInterrupt swallowed on the way
            return exits.stopped_at(done)
    except KeyboardInterrupt:  # nothing on stdout: never half a JSON document
        return exits.stopped_at(done)
    finally:
        runs.close(result)
    assert result is not None  # no stop event: the sweep always ends with its result
    why = ""
    if result.best is None:
        smallest = config.replace(weight_decay=min(weight_decays))
        why = cause(smallest, swept.data, training_finite=False) or every_lambda_diverged(result)
    return exits.write_output(lambda: output(result, paths, as_json, err, why),
                              done=f"the sweep finished its {done} epochs")


def output(result: SweepResult, paths: tuple[Path, Path] | None, as_json: bool, err: Console, why: str) -> int:
    """The sweep's export, then its JSON document, or its table, chart and verdict.

    When every λ diverged: status 1 and one line saying `why`, and nothing else is printed."""
    if paths is not None:
        json_path, csv_path = export_sweep(result, paths)
        err.print(f"wdtui: wrote {json_path} and {csv_path}", highlight=False, markup=False, soft_wrap=True)
    if result.best is None:
        err.print(f"wdtui: error: training diverged for every value of λ; {why}",
                  highlight=False, markup=False, soft_wrap=True)
        return exits.DIVERGED
    if as_json:
        exits.write_all(to_json(result) + "\n")
        return 0
    out = stdout()
    out.print(sweep_table(result))
    out.print(sweep_chart_text(result, out.width))
    out.print(sweep_verdict(result), highlight=False)
    return 0
