"""`wdtui runs`: the runs wdtui has kept — list them, show one, compare some, export, delete,
or hand them to TensorBoard.

Torch-free but for `runs tensorboard`, where torch.utils.tensorboard writes the event files.
The store is SQLite. A run comes back as the records that printed it (core.decode). The table's
cells come from the presentation room, as the app's Runs view takes them. Listing 2,000 stored
runs answers in a fraction of the time `import torch` takes (benchmarks/bench_runs.py). A store
that cannot be read ends with one line and exit status 2, as every bad input does.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from ..store.paths import database_path
from .exits import write_all, write_output

DEFAULT_LIMIT = 50  # the table's rows unless --limit says otherwise (--json lists every run)


MAX_ID = 2 ** 63 - 1  # the largest id SQLite gives (and takes)


def _whole(text: str) -> int | None:
    """A whole number written in the digits 0-9 (not ٣٢, not 1e3), or None."""
    return int(text) if text.isascii() and text.isdigit() else None


def run_ids(text: str) -> tuple[int, int]:
    """argparse type: `12`, or a range `31-47` (a sweep's runs, say), as (first, last). Never
    expanded here: `1-10000000000000` is two numbers until the store says which runs exist."""
    first, dash, last = text.partition("-")
    low, high = _whole(first), _whole(last) if dash else _whole(first)
    if low is None or high is None:
        raise argparse.ArgumentTypeError(f"a run is its id (12) or a range of ids (31-47), not {text!r}")
    if not 1 <= low <= MAX_ID or not 1 <= high <= MAX_ID:
        raise argparse.ArgumentTypeError(f"run ids are whole numbers from 1 to {MAX_ID:,}, not {text!r}")
    if low > high:
        raise argparse.ArgumentTypeError(f"a range of ids goes from low to high ({high}-{low}), not {text!r}")
    return low, high


def one_id(text: str) -> int:
    first, last = run_ids(text)
    if first != last:
        raise argparse.ArgumentTypeError(f"one run id, not the range {text!r}")
    return first


def _limit(text: str) -> int:
    limit = _whole(text)
    if limit is None or limit > MAX_ID:
        raise argparse.ArgumentTypeError(f"a whole number from 0 (every run) to {MAX_ID:,}, not {text!r}")
    return limit


def add_parser(sub: Any) -> None:
    """Register `wdtui runs` and its actions on the CLI's sub-command action."""
    runs = sub.add_parser("runs", help="the runs wdtui kept: list, show, compare, export, delete, tensorboard",
                          description="Every run wdtui trains (the app's, wdtui trace's, each point of a sweep, "
                                      "the Compare twins) is kept in one SQLite file. With no action, list them, "
                                      "newest first.")
    runs.add_argument("--json", action="store_true", help='print {"runs": [...]}, every run, instead of a table')
    runs.add_argument("--limit", type=_limit, metavar="N", help=f"list the newest N (default {DEFAULT_LIMIT} in "
                                                                  "the table, every run with --json; 0: every run)")
    runs.add_argument("--expand", action="store_true", help="list the runs of each group (twins, a sweep) under it")
    actions = runs.add_subparsers(dest="action", metavar="ACTION", parser_class=type(runs))
    show = actions.add_parser("show", help="print a stored run as wdtui trace printed it (no training)")
    show.add_argument("id", type=one_id, metavar="ID")
    show.add_argument("--json", action="store_true", help="the wdtui trace --json document of the run")
    compare = actions.add_parser("compare", help="a table of runs and their loss curves, overlaid")
    compare.add_argument("ids", type=run_ids, nargs="+", metavar="ID", help="two or more run ids (or ranges 31-47)")
    export = actions.add_parser("export", help="write a stored run as JSON and CSV, as --export did")
    export.add_argument("id", type=one_id, metavar="ID")
    export.add_argument("path", nargs="?", metavar="PATH", help="a folder, or PATH.json and PATH.csv (default: "
                                                                 "the user data folder)")
    delete = actions.add_parser("delete", help="delete runs (asks first)")
    delete.add_argument("ids", type=run_ids, nargs="+", metavar="ID", help="run ids, or ranges 31-47")
    delete.add_argument("--yes", "-y", action="store_true", help="do not ask")
    board = actions.add_parser("tensorboard", help="write stored runs as TensorBoard event files into DIR")
    board.add_argument("ids", type=run_ids, nargs="+", metavar="ID", help="run ids, or ranges 31-47")
    board.add_argument("dir", metavar="DIR", help="the folder to write them to (tensorboard --logdir DIR)")


def run_runs(args: argparse.Namespace) -> int:
    """`wdtui runs …`: 0, or 2 with one line on stderr (a store that cannot be read, no such run)."""
    from ..store.database import StoreError, open_store
    from ..store.recording import NOT_RECORDED

    prog = f"wdtui runs{' ' + args.action if args.action else ''}"
    if args.action == "tensorboard":
        from ..core.tensorboard import available, missing_line

        if not available():
            print(f"{prog}: error: {missing_line('wdtui runs tensorboard')}", file=sys.stderr)
            return 2
    if not database_path().exists() and args.action in (None, "compare", "show", "export", "delete", "tensorboard"):
        return nothing_yet(args, prog)
    try:
        store = open_store()
    except StoreError as exc:
        print(f"{prog}: error: {NOT_RECORDED}: {exc}", file=sys.stderr)
        return 2
    from .runs_actions import ACTIONS, Refused

    if args.action is None and args.limit is None and not args.json:
        args.limit = DEFAULT_LIMIT
    try:  # Ctrl+C, or a reader of the output gone: one line (exits.write_output)
        return write_output(lambda: ACTIONS[args.action or "list"](store, args), prog)
    except (Refused, StoreError) as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()


def nothing_yet(args: argparse.Namespace, prog: str) -> int:
    """No run store yet: say so, without creating one for a question."""
    if args.action is None:
        if args.json:
            write_all(json.dumps({"runs": []}) + "\n")
        else:
            print(f"No runs yet: wdtui, wdtui trace and wdtui sweep keep every run they train in {database_path()}.")
        return 0
    print(f"{prog}: error: no runs are stored yet (in {database_path()})", file=sys.stderr)
    return 2
