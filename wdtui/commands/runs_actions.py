"""What each `wdtui runs` action does with the open store (runs.py parses and opens it).

Every action that names runs looks them all up first: an unknown id ends the command before
anything is printed, written or deleted.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from rich import box
from rich.table import Table
from rich.text import Text

from ..core import decode
from ..core.insight import key_insight
from ..core.records import EpochRecord
from ..present.runs_table import RUN_COLORS, RUN_COLUMNS, RUNS_CAPTION, RunRow, RunsTable, local_time, run_label
from ..store.cells import UnreadableRun
from ..store.database import Store, StoredRun
from .exits import INTERRUPTED, write_all


class Refused(Exception):
    """A request `wdtui runs` cannot do: the one line it ends with (exit status 2)."""


def count(ranges: list[tuple[int, int]]) -> int:
    """How many ids the ranges (first, last) name, each once: worked out, not listed."""
    total, reach = 0, 0
    for first, last in sorted(ranges):
        first = max(first, reach + 1)
        if first <= last:
            total += last - first + 1
            reach = last
    return total


def chosen(store: Store, ranges: list[tuple[int, int]]) -> list[int]:
    """The ids the ranges name, each once, in the order given, every one a stored run. Checked
    before any is listed, so `1-10000000000000` costs what the store holds, not ten trillion ids."""
    missing = store.first_missing(ranges)
    if missing is not None:
        raise Refused(f"no run {missing}: wdtui runs lists the stored runs")
    return list(dict.fromkeys(i for first, last in ranges for i in range(first, last + 1)))


STATUS_STYLES = {"finished": "green", "stopped": "yellow", "diverged": "red", "incomplete": "magenta",
                 "running": "cyan"}


def stored_run(store: Store, run_id: int, weights: bool = False) -> StoredRun:
    run = store.get(run_id, weights)
    if run is None:
        raise Refused(f"no run {run_id}: wdtui runs lists the stored runs")
    return run


def runs_table(table_: RunsTable, rows: list[RunRow], title: str, swatches: list[str] | None = None) -> Table:
    """The runs as a Rich table, every cell from present.runs_table; `swatches` colours a ■ per row."""
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True,
                  caption=RUNS_CAPTION, caption_justify="left")
    if swatches is not None:
        table.add_column("", no_wrap=True)
    for column in RUN_COLUMNS:
        last = column is RUN_COLUMNS[-1]  # the status: a group's says more, and may wrap
        table.add_column(column.name, justify="right" if column.numeric else "left", no_wrap=not last,
                         ratio=1 if last else None, min_width=10 if last else None)
    for i, row in enumerate(rows):
        row_cells: list[Text | str] = list(table_.row_cells(row))
        row_cells[-1] = Text(row_cells[-1], style=STATUS_STYLES.get(row.run.status, "") if not row.group else "")
        table.add_row(*([Text("■", style=swatches[i])] if swatches else []), *row_cells,
                      style="dim" if row.member else None)
    return table


def listing(store: Store, args: argparse.Namespace) -> int:
    from .trace import stdout

    if args.json:
        runs = store.list(limit=args.limit or None)
        write_all(json.dumps({"runs": [{
            "id": r.id, "created": r.created, "ended": r.ended, "status": r.status, "kind": r.kind,
            "group": r.group_id, "group_label": r.group_label, "version": r.version, "config": r.config,
            "epochs_done": r.epochs_done, "final": r.final} for r in runs]}, ensure_ascii=False) + "\n")
        return 0
    everything = store.list()
    made = RunsTable(everything)
    rows = made.rows(expanded=[r.group_id for r in everything if r.group_id] if args.expand else ())
    top = [r for r in rows if not r.member]
    limit = args.limit  # runs.py gives the table its default
    if limit and len(top) > limit:
        last = top[limit - 1]
        rows = rows[:rows.index(last) + 1 + (len(last.runs) if args.expand and last.group else 0)]
    out = stdout()
    if not everything:
        out.print(f"No runs yet: wdtui, wdtui trace and wdtui sweep keep every run they train in {store.path}.")
        return 0
    out.print(runs_table(made, rows, f"Stored runs, newest first — {len(everything)} in {store.path}"))
    shown = sum(not r.member for r in rows)
    if shown < len(top):
        out.print(f"… and {len(top) - shown} more: --limit 0 lists them all.", style="dim")
    return 0


def show(store: Store, args: argparse.Namespace) -> int:
    from ..core.config import ConfigError, RunConfig
    from .trace import epoch_table, insight_panel, loss_chart_text, print_report, stdout

    run = stored_run(store, args.id)
    if args.json:
        from ..core.jsonable import to_json

        write_all(to_json(run.document) + "\n")  # as `wdtui trace --json` wrote it
        return 0
    try:  # everything read before anything is printed: a run that cannot be read is one line
        report = decode.report(run.report) if run.report is not None else None
        epochs = list(report.epochs) if report is not None else [decode.epoch_record(e) for e in run.epochs]
        config = RunConfig.from_dict(report.config if report is not None else run.config)
    except (decode.RecordError, ConfigError) as exc:
        raise Refused(f"run {run.id} was recorded by wdtui {run.version} and cannot be read here: {exc}") from None
    out = stdout()
    kind = f" · one of the {run.group_label}" if run.group_label else ""
    out.print(f"[b]Run {run.id}[/b] · {run.status} · {local_time(run.created)}{kind} · wdtui {run.version}",
              highlight=False)
    if report is not None:
        if report.diverged is not None:
            out.print(report.diverged.message, style="red", highlight=False)
        print_report(report, out)
        return 0
    out.print("It kept no stages or prediction trace: "
              + ("a sweep trains its points as one stacked network." if run.kind == "sweep-point" else
                 "it ended before its report was written."), style="dim")
    out.print(epoch_table(epochs))
    if epochs:
        out.print(loss_chart_text(epochs, out.width))
        last = epochs[-1]
        if last.epoch > 0:
            out.print(insight_panel(key_insight(config, epochs, last.global_step // last.epoch), epochs))
    return 0


def compare(store: Store, args: argparse.Namespace) -> int:
    import plotext as plt

    from ..present.charts import overlaid_losses
    from .trace import stdout

    if count(args.ids) > len(RUN_COLORS):
        raise Refused(f"at most {len(RUN_COLORS)} runs can be compared at once (one colour each)")
    ids = chosen(store, args.ids)
    if len(ids) < 2:
        raise Refused("compare needs two runs or more")
    runs = [stored_run(store, i) for i in ids]
    curves = [(run_label(r), color, epochs(r)) for r, (color, _) in zip(runs, RUN_COLORS)]
    out = stdout()
    made = RunsTable(runs)
    rows = [RunRow(str(r.id), (r,)) for r in runs]
    out.print(runs_table(made, rows, f"{len(runs)} runs compared", [rich for _, rich in RUN_COLORS[:len(runs)]]))
    plt.clear_figure()
    plt.plotsize(min(out.width, 100), 20)
    plt.theme("clear")
    overlaid_losses(plt, curves, "Data loss per epoch: validation solid, training dotted")
    out.print(Text.from_ansi(plt.build()))
    return 0


def epochs(run: StoredRun) -> list[EpochRecord]:
    try:
        return [decode.epoch_record(e) for e in run.epochs]
    except decode.RecordError as exc:
        raise Refused(f"run {run.id} was recorded by wdtui {run.version} and cannot be read here: {exc}") from None


def export(store: Store, args: argparse.Namespace) -> int:
    from ..store.export import ExportError, export_document, run_targets

    run = stored_run(store, args.id)
    try:
        json_path, csv_path = export_document(run.document, run_targets(args.path, prefix=f"run-{run.id}"))
    except ExportError as exc:
        raise Refused(str(exc)) from None
    print(f"wdtui: wrote {json_path} and {csv_path}", file=sys.stderr)
    return 0


def delete(store: Store, args: argparse.Namespace) -> int:
    ids = chosen(store, args.ids)
    for run_id in ids:
        try:
            r = stored_run(store, run_id)
        except UnreadableRun as exc:  # deleting is how such a run goes: it is listed as what it is
            print(f"  run {run_id:>5}  cannot be read: {exc.what}")
            continue
        print(f"  run {r.id:>5}  {local_time(r.created)}  {run_label(r).split(' ', 1)[1]}  {r.status}")
    what = f"run {ids[0]}" if len(ids) == 1 else f"these {len(ids)} runs"
    if not args.yes:
        if not sys.stdin.isatty():
            raise Refused(f"not deleting {what} without asking: add --yes to delete them without a question")
        try:
            answer = input(f"Delete {what}? This cannot be undone. [y/N] ").strip().lower()
        except EOFError:  # Ctrl+D: no answer, so no
            print()
            answer = ""
        except KeyboardInterrupt:
            print()
            print("wdtui runs delete: stopped (Ctrl+C): nothing deleted", file=sys.stderr)
            return INTERRUPTED
        if answer not in ("y", "yes"):
            print("Nothing deleted.")
            return 0
    deleted = store.delete(ids)
    print(f"Deleted {len(deleted)} run{'s' * (len(deleted) != 1)}.")
    return 0


def tensorboard(store: Store, args: argparse.Namespace) -> int:
    from ..core.tensorboard import open_log
    from ..store.paths import make_folder

    runs = [stored_run(store, i, weights=True) for i in chosen(store, args.ids)]
    folder = Path(args.dir).expanduser()
    try:
        make_folder(folder)
        for run in runs:
            log = open_log(folder, run.config, run.id, run.kind, run.group_id)
            for record, weights in zip(epochs(run), run.weights):
                log.epoch(record, weights)
            log.close()
    except OSError as exc:
        raise Refused(f"cannot write to {folder}: {exc.strerror or exc}") from None
    print(f"wdtui: wrote {len(runs)} run{'s' * (len(runs) != 1)} to {folder}; open them with:\n"
          f"  tensorboard --logdir {folder}")
    return 0


ACTIONS: dict[str, Callable[[Store, argparse.Namespace], int]] = {
    "list": listing, "show": show, "compare": compare, "export": export, "delete": delete, "tensorboard": tensorboard,
}
