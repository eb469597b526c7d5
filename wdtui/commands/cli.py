"""`wdtui` (the app), `wdtui trace` (the same run, headless) and friends.

It uses argparse from the standard library, which costs nothing to import. So `wdtui --help`
answers long before torch could load. Every bad option or file ends with one line on stderr and
exit status 2. Torch is imported only once the input is known to be good.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any, Callable, NoReturn, Sequence

from ..core.config import DATASETS, OPTIMIZERS, ConfigError, RunConfig, check_network, check_sweep, parse_hidden, \
    parse_number
from ..core.lambda_grid import POINTS, RANGES, parse_weight_decays, weight_decay_grid
from ..core.pace import DEFAULT_NAME, PACES, parse_pace
from ..core.presets import DEFAULT, PRESETS, preset_config
from ..core.table import DataError, check_file, read_csv, split_sizes
from . import runs, serve
from .tensorboard_option import check_tensorboard, tensorboard_logs
from .exits import BAD_INPUT, TERMINATED, catch_interrupts, leave, say as said, stopped_at

PROG = "wdtui"


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose errors are one line: `wdtui trace: error: …`, exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: error: {message}\n")


def _number(kind: type, what: str) -> Callable[[str], Any]:
    """An argparse type that reads a number (config.parse_number); whether it is a good value
    is RunConfig's to say."""
    def convert(text: str) -> Any:
        try:
            return parse_number(text, kind, what)
        except ConfigError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = what
    return convert


def _hidden(text: str) -> tuple[int, ...]:
    try:
        return parse_hidden(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _weight_decays(text: str) -> tuple[float, ...]:
    try:
        return parse_weight_decays(text)
    except ConfigError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _pace(text: str):
    try:
        return parse_pace(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def run_options() -> Parser:
    """The options every command shares (the app, trace, sweep, serve). Defaults are
    suppressed so that only what the user typed overrides the preset."""
    p = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    g = p.add_argument_group("run options")
    d = RunConfig()
    presets = "; ".join(f"{p.name}: {p.summary}" for p in PRESETS.values()).replace("%", "%%")
    g.add_argument("--preset", choices=PRESETS,
                   help=f"the starting point, whose values the options typed with it override ({presets}; "
                        f"default {DEFAULT})")
    g.add_argument("--epochs", type=_number(int, "epochs"),
                   help=f"passes over the training rows (default {d.epochs})")
    g.add_argument("--weight-decay", "--wd", dest="weight_decay", metavar="λ",
                   type=_number(float, "weight decay"),
                   help=f"weight decay λ (default {d.weight_decay:g}): for SGD and Adam the gradient of an L2 penalty "
                        "(λ/2)‖θ‖² on the decayed weights; AdamW instead shrinks them by γλ a step, apart from "
                        "the gradient, and minimises no such penalty")
    g.add_argument("--lr", metavar="γ", type=_number(float, "learning rate"),
                   help=f"learning rate γ (default {d.lr:g})")
    g.add_argument("--optimizer", choices=OPTIMIZERS,
                   help="sgd (decay added to the gradient), adam (coupled decay), adamw (decoupled decay); "
                        f"default {d.optimizer}")
    g.add_argument("--momentum", metavar="μ",
                   type=_number(float, "momentum"),
                   help=f"SGD momentum μ (default {d.momentum:g}; ignored by Adam and AdamW)")
    g.add_argument("--batch-size", type=_number(int, "batch size"),
                   help=f"rows per step (default {d.batch_size})")
    g.add_argument("--hidden", type=_hidden, metavar="SIZES",
                   help=f"hidden layer sizes, e.g. 32 or 64,32 (default {','.join(map(str, d.hidden))})")
    g.add_argument("--seed", type=_number(int, "seed"),
                   help=f"seed for the synthetic data, the split, the initial weights and the batch order "
                        f"(default {d.seed})")
    g.add_argument("--val-fraction", metavar="F",
                   type=_number(float, "validation fraction"),
                   help=f"share of rows held out for validation (default {d.val_fraction:g})")
    g.add_argument("--decay-bias", action=argparse.BooleanOptionalAction,
                   help="also decay biases (plain PyTorch behaviour); default --no-decay-bias: only weight "
                        "matrices are decayed, through parameter groups")
    g.add_argument("--dataset", choices=DATASETS,
                   help="the data made from the seed: the synthetic 10-feature task, or a 2-D shape whose decision "
                        f"boundary can be seen whole (default {d.dataset}; the presets {', '.join(DATASETS[1:])} "
                        "set one up to overfit)")
    g.add_argument("--noise", metavar="σ", type=_number(float, "noise"),
                   help=f"2-D data: how far each point is displaced, the std of a Gaussian (default {d.noise:g}; "
                        "the shapes have radius 1)")
    g.add_argument("--rows", type=_number(int, "rows"),
                   help=f"rows of the data made from the seed (default {d.rows}); --val-fraction of them are held "
                        "out for validation, the rest train")
    g.add_argument("--data", metavar="FILE.csv", help="train on a CSV file of numeric columns instead of the "
                                                      "synthetic data (needs --target)")
    g.add_argument("--target", metavar="COLUMN", help="the CSV column holding the class labels")
    g.add_argument("--row", type=_number(int, "row"),
                   help="the data row followed through the stages and the prediction trace "
                        "(default: the first validation row)")
    r = p.add_argument_group("recording")
    r.add_argument("--record", action=argparse.BooleanOptionalAction,
                   help="keep every run in the run store (wdtui runs lists them); --no-record keeps none of "
                        "this command's (default --record)")
    r.add_argument("--tensorboard", metavar="DIR",
                   help="also write every run as TensorBoard event files into DIR (needs the tensorboard "
                        "package); open them with: tensorboard --logdir DIR")
    return p


def app_options() -> Parser:
    """The options of the app alone (`wdtui`, `wdtui serve`): how it shows a run, not what it trains."""
    p = Parser(add_help=False, argument_default=argparse.SUPPRESS)
    g = p.add_argument_group("app options")
    g.add_argument("--pace", type=_pace, metavar="PACE",
                   help="how fast the app trains: auto (any run spread over about 4 s, an epoch taking at most half a second), "
                        "instant, or epochs per second such as " + ", ".join(p.name for p in PACES[1:-1])
                        + f" (default {DEFAULT_NAME}; + and - change it in the app)")
    return p


def output_options(parser: argparse.ArgumentParser, json_help: str, export_what: str) -> None:
    """--json and --export, which the headless commands share."""
    parser.add_argument("--json", action="store_true", default=False, help=f"print {json_help}")
    parser.add_argument("--export", nargs="?", const="", default=None, metavar="PATH",
                        help=f"also write {export_what}, atomically: into the folder PATH, or as PATH.json "
                             "and PATH.csv when PATH ends in .json or .csv; alone, into the user data folder")


def build_parser() -> Parser:
    shared, app = run_options(), app_options()
    parser = Parser(prog=PROG, parents=[shared, app], description=(
        "Learn weight decay (L2 regularization) by running it: a real small network trains on "
        "real numbers while you watch. With no command, opens the terminal app."))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=Parser)
    trace = sub.add_parser("trace", parents=[shared], help="train and print the whole story, headless",
                           description="Train with weight decay and print the 6 data stages, the epoch "
                                       "trace, a loss chart, the prediction trace and the key insight.")
    output_options(trace, "one JSON document instead of tables", "the run as JSON and its epoch table as CSV")
    sweep = sub.add_parser("sweep", parents=[shared], help="train many values of λ at once; print the U-curve",
                           description="Train the same network from the same start with many values of weight "
                                       "decay λ at once (vectorised), and print validation and training loss "
                                       "against λ, marking the best. (--weight-decay is not used.)")
    grid = sweep.add_mutually_exclusive_group()
    grid.add_argument("--weight-decays", type=_weight_decays, metavar="LIST",
                      help="the values of λ to train, e.g. 0,1e-4,1e-3")
    grid.add_argument("--points", type=_number(int, "points"),
                      default=POINTS, help="how many λ to train besides λ = 0, log-spaced over "
                      + ", ".join(f"{lo:g}…{hi:g} for {name}" for name, (lo, hi) in RANGES.items())
                      + f" (at most γλ = 0.5 for adamw; default {POINTS})")
    output_options(sweep, "one JSON document {config, points, best} instead of a table and chart",
                   "the sweep as JSON and its points as CSV")
    serve.add_parser(sub, Parser(add_help=False, parents=[shared, app]))
    runs.add_parser(sub)
    return parser


def config_from(args: argparse.Namespace) -> RunConfig:
    """The RunConfig the parsed options describe (RunConfig validates the combination)."""
    names = {f for f in RunConfig.__dataclass_fields__}
    return preset_config(**{k: v for k, v in vars(args).items() if k in names})


def fail(message: str, status: int = BAD_INPUT, prog: str = PROG) -> int:
    print(f"{prog}: error: {message}", file=sys.stderr)
    return status


def refused(parser: argparse.ArgumentParser, args: argparse.Namespace, exc: ConfigError) -> int:
    """A setting RunConfig refused, said as argparse says a bad option, with the option that set it.

    It reads `wdtui sweep: error: --points: …`: the core words it, the CLI names the flag."""
    subparsers = {name: sub for a in parser._actions if isinstance(a, argparse._SubParsersAction)
                  for name, sub in a.choices.items()}
    used = subparsers.get(args.command or "", parser)
    field = "weight_decays" if exc.field == "points" and getattr(args, "weight_decays", None) else exc.field
    flag = next((a.option_strings[0] for a in used._actions if a.dest == field and a.option_strings), None)
    return fail(f"{flag}: {exc}" if flag else str(exc), prog=used.prog)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "runs":
        return runs.run_runs(args)
    if args.command in ("trace", "sweep") and "pace" in args:
        return fail(f"--pace is the app's: wdtui {args.command} trains at full speed", prog=f"{PROG} {args.command}")
    try:
        config = config_from(args)
        check_tensorboard(args)
        if config.data is not None:
            check_file(config.data)  # the file's name and size, before torch loads: at once
        if args.command in ("trace", "sweep"):
            catch_interrupts()
            return headless(args, config)
        check_data(config)  # the app and serve: every check trace makes, before anything opens or listens
    except ConfigError as exc:
        return refused(parser, args, exc)
    except DataError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:  # trace or sweep before training began (say, while torch loaded)
        if args.command not in ("trace", "sweep"):
            raise  # the app and serve: exits.entry says it
        leave(stopped_at(0))
    if args.command == "serve":
        return serve.serve(args, Parser(add_help=False, parents=[run_options(), app_options()]))
    return run_app(config, getattr(args, "record", True), getattr(args, "tensorboard", None), getattr(args, "pace", None))


def say(line: str) -> None:
    """What a command says besides its output (recording trouble): one line on stderr."""
    print(f"{PROG}: {line}", file=sys.stderr, flush=True)


def headless(args: argparse.Namespace, config: RunConfig) -> int:
    """`wdtui trace` and `wdtui sweep`: a bad file or export path is one line, exit 2."""
    from ..store.export import ExportError
    from ..store.recording import Recorder

    recorder = Recorder(say, getattr(args, "record", True), tensorboard_logs(getattr(args, "tensorboard", None)))
    try:
        if args.command == "trace":
            from .trace import run_trace

            return run_trace(config, as_json=args.json, export=args.export, recorder=recorder)
        grid = args.weight_decays or weight_decay_grid(config.optimizer, args.points, config.lr)
        check_sweep(len(grid), config.n_features, config.hidden)  # a CSV's width is checked once it is read
        from .sweep import run_sweep

        return run_sweep(config, grid, as_json=args.json, export=args.export, recorder=recorder)
    except (DataError, ExportError) as exc:
        return fail(str(exc))
    except (MemoryError, RuntimeError) as exc:
        if isinstance(exc, RuntimeError) and "allocate" not in str(exc):
            raise
        return fail("not enough memory for this network and data: try smaller hidden sizes or fewer rows")
    finally:
        recorder.close("stopped")  # waits for the last writes; a run cut short by Ctrl+C is "stopped"


def run_app(config: RunConfig, record: bool = True, tensorboard: str | None = None, pace=None) -> NoReturn:
    """Run the app, then leave at once.

    When the app returns it has restored the terminal and written every file it was asked to.
    It has also ended its trainer, which keeps its runs' last writes. What is left is the
    interpreter's teardown and joins of idle daemon threads. Skipping them is what makes `q`
    quit in well under a second, with no thread left behind.
    """
    from ..ui.app import create_app

    app = create_app(config, pace, record=record, tensorboard=tensorboard)
    app.run()
    if app.return_code == TERMINATED:
        said(PROG, "stopped (SIGTERM)")  # the app ended as q ends it: the terminal restored, runs kept
    leave(app.return_code or 0)


def check_data(config: RunConfig) -> None:
    """Read the CSV (torch-free) and check the network, the split and --row against it.

    These are every check `wdtui trace` makes. A bad file, a file too wide or a bad row then ends
    with one line before the app opens (or serve listens). It is not an error inside the app."""
    if config.data is None:
        split_sizes(config.rows, config.val_fraction)  # the rest: RunConfig's
        return
    table = read_csv(config.data, config.target)
    check_network(len(table.feature_names), config.hidden, table.n_classes)
    split_sizes(len(table.rows), config.val_fraction)
    if config.row is not None and config.row >= len(table.rows):
        raise DataError(f"--row {config.row} is out of range: the data has rows 0 to {len(table.rows) - 1}")
