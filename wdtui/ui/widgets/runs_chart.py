"""What the Runs view's chart and its detail panel show.

The chart overlays the marked runs' loss curves. With none marked it shows the row under the
cursor: a run's curves, the twins' pair, a sweep's U-curve. The panel says that row in words.
The charts themselves are the presentation room's, as the CLI draws them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.markup import escape

from ...core import decode
from ...core.config import ConfigError, RunConfig
from ...core.records import EpochRecord
from ...present.charts import overlaid_losses, sweep_chart
from ...present.runs_table import GROUP_KINDS, RUN_COLORS, RunRow, data_name, local_time, run_label
from ...present.words import describe

if TYPE_CHECKING:
    from ...store.database import StoredRun
    from ..jobs.runs_view import RunsState

LOSSES = "validation loss solid, training dotted"
TWIN_COLORS = ("red", "green")  # λ = 0 and λ, as the Compare mode draws them


def epochs_of(run: StoredRun) -> list[EpochRecord]:
    try:
        return [decode.epoch_record(e) for e in run.epochs]
    except decode.RecordError:
        return []  # recorded by a wdtui whose epochs this one cannot read: no curve


def chart_runs(plt: Any, runs: RunsState, row: RunRow | None, marks: dict[int, int]) -> tuple[int, ...]:
    """Draw the chart on `plt`; the ids of the whole runs it shows (drawn once they are loaded).
    The figure is cleared whole first: a sweep's log-scaled λ axis must not outlive it."""
    plt.clear_figure()
    stored = runs.stored
    if marks:
        curves = [(run_label(stored[i]), RUN_COLORS[color][0], epochs_of(stored[i]))
                  for i, color in marks.items() if i in stored]
        overlaid_losses(plt, curves, f"{len(marks)} marked: {LOSSES}")
        return tuple(marks)
    if row is None:
        plt.clear_data()
        plt.title("No run to show")
        return ()
    if row.group is not None and row.runs[0].kind == "sweep-point":
        result = decode.sweep_result([(r.config, [r.final], r.status == "diverged") for r in row.runs])
        sweep_chart(plt, result.points, result.best, f"{row.runs[0].group_label}: loss against λ")
        return ()
    ids = tuple(r.id for r in row.runs)
    colors = TWIN_COLORS if row.group is not None else (RUN_COLORS[0][0],)
    curves = [(run_label(stored[i]), color, epochs_of(stored[i])) for i, color in zip(ids, colors) if i in stored]
    loading = " (loading…)" if len(curves) < len(ids) else ""
    overlaid_losses(plt, curves, f"{'Twins' if row.group else f'Run {ids[0]}'}: {LOSSES}{loading}")
    return ids


def settings(config: dict[str, Any]) -> str:
    try:
        return describe(RunConfig.from_dict(config))
    except ConfigError:
        return ", ".join(f"{k} {v}" for k, v in config.items())


def detail(row: RunRow | None, marks: dict[int, int]) -> str:
    """The row under the cursor in words (markup), and what its keys do."""
    if row is None:
        return "No runs kept yet. Train one in [b]2 Train[/b] (space): every run is kept here."
    run = row.run
    if row.group is not None:
        kind = GROUP_KINDS.get(run.kind, run.kind)
        ids = sorted(r.id for r in row.runs)
        return (f"[b]{escape(run.group_label or kind)}[/b]\n{len(row.runs)} runs, {ids[0]}–{ids[-1]}, "
                f"{local_time(row.runs[0].created)}\nBest: run {run.id}, λ {run.config.get('weight_decay', 0):g}"
                f"{_val(run.final.get('val_loss'))}\n{escape(settings(run.config))}\n\n"
                "[b]enter[/b] shows its runs · [b]space[/b] marks them · [b]d[/b] deletes them · "
                f"[b]e[/b] exports {'the sweep' if kind == 'sweep' else 'both'}")
    ended = f" → {local_time(run.ended)[11:]}" if run.ended else ""
    color = marks.get(run.id)
    mark = f" [b {RUN_COLORS[color][1]}]●[/]" if color is not None else ""
    part = f"\none of the {escape(run.group_label)}" if run.group_label else ""
    return (f"[b]Run {run.id}[/b]{mark} · {run.status} · {local_time(run.created)}{ended}{part}\n"
            f"{escape(settings(run.config))}\ndata: {escape(data_name(run.config))} · {run.epochs_done} epochs"
            f"{_val(run.final.get('val_loss'))} · wdtui {escape(run.version)}\n\n"
            "[b]enter[/b] loads its settings into 2 Train · [b]space[/b] marks it · [b]d[/b] deletes · "
            "[b]e[/b] exports")


def _val(loss: float | None) -> str:
    return "" if loss is None else f" · val loss {loss:.4f}"
