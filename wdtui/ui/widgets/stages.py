"""The pipeline's pieces: a card per stage, and the detail of the selected stage."""

from __future__ import annotations

from rich import box
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import ContentSwitcher, DataTable, Static

from ...core.config import OPTIMIZER_NAMES
from ...core.records import Setup, Stage
from ...present.prediction import vector
from ..session import Session

STAGE_IDS = ("data", "preprocessing", "features", "model", "metrics", "prediction")


class StageCard(Static, can_focus=True):
    """One stage: its shapes, what it does, and what it does to the example row."""

    class Selected(Message):
        def __init__(self, index: int) -> None:
            super().__init__()
            self.index = index

    def __init__(self, index: int) -> None:
        super().__init__(id=f"card-{STAGE_IDS[index]}", classes="stage-card")
        self.index = index

    def show(self, stage: Stage, compact: bool = False, titled: bool = True) -> None:
        """The stage's shapes, and unless `compact`, what it does and the example row.

        When compact, those are said under the cards, for the selected one. With `titled` (the card
        is wide enough to draw it whole) its name is in the border, else on the card's first line."""
        self.border_title = f"{self.index + 1} {stage.name}" if titled else str(self.index + 1)
        parts: list = [] if titled else [(stage.name, "bold"), "\n"]
        parts.append((f"{stage.input_shape} → {stage.output_shape}", "bold"))
        if not compact:
            parts += ["\n", (stage.description, "dim"), "\n", ("→ " + stage.example, "italic")]
        self.update(Text.assemble(*parts))

    def on_focus(self) -> None:
        self.post_message(self.Selected(self.index))

    def on_click(self) -> None:
        self.focus()


def _numbers(title: str, headers: tuple[str, ...], rows: list[tuple[str, ...]], note: str = "",
             justify: str = "lrrrr") -> Group:
    """A title line, a compact table (column i justified by justify[i]: l or r), a note."""
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    for header, side in zip(headers, justify):
        table.add_column(header, justify="left" if side == "l" else "right")
    for row in rows:
        table.add_row(*row)
    return Group(Text(title, style="bold"), table, Text(note, style="dim"))


class StageDetail(ContentSwitcher, can_focus=True):
    """What the selected stage holds, in full: tables for data, statistics and numbers.

    Focusable so that, shown full screen (maximized), it can hold the focus while the stage
    cards are hidden.
    """
    _head: Setup | None = None  # the Setup whose first rows the Data-in table holds

    def compose(self) -> ComposeResult:
        yield DataTable(id="detail-data", cursor_type="none", zebra_stripes=True)
        for name in STAGE_IDS[1:]:
            with VerticalScroll(id=f"detail-{name}"):
                yield Static(id=f"detail-{name}-body")

    def show(self, index: int, session: Session) -> None:
        """Show stage `index` of `session` (nothing until the run has been set up)."""
        self.current = f"detail-{STAGE_IDS[index]}"
        if not session.stages or session.setup is None or session.prediction is None:
            return
        self.border_title = f"{index + 1} {session.stages[index].name} · detail"
        name = STAGE_IDS[index]
        if name == "data":
            self._data(session.setup, session.prediction.row)
            self.border_title += f": the first {len(session.setup.head)} of {session.setup.n_rows} raw rows"
            return
        render = {"preprocessing": self._preprocessing, "features": self._features, "model": self._model,
                  "metrics": self._metrics, "prediction": self._prediction}[name]
        self.query_one(f"#detail-{name}-body", Static).update(render(session))

    def _data(self, setup: Setup, example: int) -> None:
        if setup is self._head:
            return
        self._head = setup
        table = self.query_one("#detail-data", DataTable)
        table.clear(columns=True)
        table.add_columns("row", *(Text(name, justify="right") for name in setup.feature_names), "label")
        for i, (values, label) in enumerate(zip(setup.head, setup.head_labels)):
            mark = Text(f"{i} ▶", style="bold") if i == example else str(i)
            table.add_row(mark, *(Text(f"{v:g}", justify="right") for v in values), label)

    def _preprocessing(self, s: Session) -> Group:
        setup, first = s.setup, s.prediction.layers[0]
        rows = [(name, f"{m:.3f}", f"{sd:.3f}" if sd > 0 else "0 (constant)", f"{raw:.3f}", f"{z:+.3f}")
                for name, m, sd, raw, z in zip(setup.feature_names, setup.mean, setup.std,
                                                first.extra["raw"], first.values)]
        constant = " A constant column (std 0) is not divided: its z-scores are all 0." if 0 in setup.std else ""
        return _numbers(f"z = (raw − mean) / std, with mean and std from the {setup.n_train} training rows "
                        "only; the example row before and after",
                        ("column", "mean", "std", f"raw row {s.prediction.row}", "normalized"), rows, constant)

    def _features(self, s: Session) -> Text:
        first = s.prediction.layers[0]
        return Text("This pipeline adds no features: the normalized columns go on to the model as they are.\n"
                    f"row {s.prediction.row} → {vector(first.values, 2)}")

    def _model(self, s: Session) -> Group:
        setup, config = s.setup, s.config
        rows = [(", ".join(g.names), f"{g.weight_decay:g}", str(g.size)) for g in setup.param_groups]
        return _numbers(f"Network {setup.architecture}, {setup.parameter_count} parameters; "
                        f"{OPTIMIZER_NAMES[config.optimizer]}, γ = {config.lr:g}, λ = {config.weight_decay:g}; "
                        "the optimizer's parameter groups:", ("parameters", "λ", "size"), rows,
                        "Biases are decayed too (decay biases is on)." if config.decay_bias else
                        "Only weight matrices are decayed; the biases sit in a group with λ = 0.")

    def _metrics(self, s: Session) -> Group | Text:
        if not s.epochs:
            stage = s.stages[STAGE_IDS.index("metrics")]
            return Text.assemble(("Untrained model\n", "bold"), stage.example,
                                 "\n\nPress space to train: they update after every epoch.")
        e = s.epochs[-1]
        rows = [("train", f"{e.train_loss:.4f}", f"{e.train_acc:.1%}"), ("validation", f"{e.val_loss:.4f}",
                                                                          f"{e.val_acc:.1%}")]
        return _numbers(f"After epoch {e.epoch}", ("split", "loss (data)", "accuracy"), rows,
                        f"penalty (λ/2)‖θ‖² = {e.penalty:.5f}; data loss + penalty = {e.total_loss:.4f}; "
                        f"‖θ‖ = {e.weight_norm:.3f}")

    def _prediction(self, s: Session) -> Group:
        p = s.prediction
        rows = [(name, f"{prob:.4f}", "█" * round(prob * 30), "← predicted" if k == p.predicted_class else "")
                for k, (name, prob) in enumerate(zip(p.class_names, p.probabilities))]
        return _numbers(f"Row {p.row} ({p.split}), true class {p.class_names[p.true_class]}: softmax "
                        "probabilities of the latest model", ("class", "p", "", ""), rows, justify="lrll")
