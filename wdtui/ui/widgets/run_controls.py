"""The run's settings as a form; a value is checked by RunConfig itself before it is used.

An edit is taken when you press enter in a field or leave it. A bad value is refused inline:
text, λ < 0, lr 0, epochs 0, hidden "a,b". The field turns red and the reason shows under the
form. The typed text stays for you to fix, and the run keeps its settings.
"""

from __future__ import annotations

from functools import partial
from typing import Any, Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static, Switch

from ...core.config import OPTIMIZER_NAMES, OPTIMIZERS, ConfigError, RunConfig, parse_hidden, parse_number
from ...core.pace import PACES, Pace
from ...core.presets import PRESETS


def _number(kind: type, what: str) -> Callable[[str], Any]:
    return partial(parse_number, kind=kind, what=what)


# (field, label, parser, how the value is written back into the field)
FIELDS: tuple[tuple[str, str, Callable[[str], Any], Callable[[Any], str]], ...] = (
    ("weight_decay", "λ weight decay", _number(float, "weight decay (λ)"), "{:g}".format),
    ("lr", "γ learning rate", _number(float, "learning rate"), "{:g}".format),
    ("epochs", "epochs", _number(int, "epochs"), str),
    ("batch_size", "batch size", _number(int, "batch size"), str),
    ("hidden", "hidden sizes", parse_hidden, lambda h: ",".join(map(str, h))),
    ("seed", "seed", _number(int, "seed"), str),
)


class RunControls(Vertical):
    """The preset, λ, γ, optimizer, epochs, batch size, hidden sizes, seed, bias decay, and the pace.

    The pace is the app's, not the run config's: it changes how fast the engine goes, not what it trains."""

    class Edited(Message):
        """A valid new configuration, made from the one shown with one field changed."""

        def __init__(self, config: RunConfig) -> None:
            super().__init__()
            self.config = config

    class PresetChosen(Message):
        """A preset was picked: the app starts over from it (it changes the data too)."""

        def __init__(self, name: str) -> None:
            super().__init__()
            self.name = name

    class PaceChosen(Message):
        """A pace was picked in the form."""

        def __init__(self, pace: Pace) -> None:
            super().__init__()
            self.pace = pace

    _shown: RunConfig | None = None
    _pace: Pace | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(classes="control"):
            yield Label("preset")
            yield Select([(name, name) for name in PRESETS], id="cfg-preset", compact=True, allow_blank=False)
        for name, label, _, _ in FIELDS:
            with Horizontal(classes="control"):
                yield Label(label)
                yield Input(id=f"cfg-{name}", compact=True, select_on_focus=True)
        with Horizontal(classes="control"):
            yield Label("optimizer")
            yield Select([(OPTIMIZER_NAMES[o], o) for o in OPTIMIZERS], id="cfg-optimizer", compact=True,
                         allow_blank=False)
        with Horizontal(classes="control"):
            yield Label("decay biases")
            yield Switch(id="cfg-decay_bias")
        with Horizontal(classes="control"):
            yield Label("pace (+ −)")
            yield Select([(p.short, p) for p in PACES], id="cfg-pace", compact=True, allow_blank=False)
        yield Static(id="config-error")

    def show(self, config: RunConfig) -> None:
        """Write `config` into the fields, except one being typed in; a no-op if already shown."""
        if config == self._shown:
            return
        self._shown = config
        with self.prevent(Select.Changed, Switch.Changed):
            for name, _, _, write in FIELDS:
                field = self.query_one(f"#cfg-{name}", Input)
                if not field.has_focus:
                    field.value = write(getattr(config, name))
                    field.remove_class("-refused")
            self.query_one("#cfg-optimizer", Select).value = config.optimizer
            self.query_one("#cfg-preset", Select).value = config.preset
            self.query_one("#cfg-decay_bias", Switch).value = config.decay_bias

    def show_pace(self, pace: Pace) -> None:
        """Show the app's pace (one typed with --pace joins the list); a no-op if shown already."""
        if pace == self._pace:
            return
        self._pace = pace
        select = self.query_one("#cfg-pace", Select)
        with self.prevent(Select.Changed):
            if pace not in PACES:
                select.set_options([(p.short, p) for p in (*PACES, pace)])
            select.value = pace

    def _edit(self, name: str, value: Any, field: Input | None = None) -> None:
        if self._shown is None:  # the widgets' own start-up events, before any config is shown
            return
        error = self.query_one("#config-error", Static)
        try:
            config = self._shown.replace(**{name: value})
        except ConfigError as exc:
            error.update(f"✗ {exc}: not applied")
            if field is not None:
                field.add_class("-refused")
            return
        if config == self._shown:  # nothing changed (say, tabbing through): other refusals stand
            if field is not None and field.has_class("-refused"):  # typed back to the value in force
                field.remove_class("-refused")
                error.update("")
            return
        error.update("")
        for other_name, _, _, write in FIELDS:  # a refused text elsewhere is stale now: show the value
            other = self.query_one(f"#cfg-{other_name}", Input)
            if other.has_class("-refused"):
                other.value = write(getattr(config, other_name))
                other.remove_class("-refused")
        self._shown = config  # the next edit builds on this one, even before the app applies it
        self.post_message(self.Edited(config))

    def _take(self, field: Input) -> None:
        name = field.id.removeprefix("cfg-")
        parse = next(p for n, _, p, _ in FIELDS if n == name)
        try:
            value = parse(field.value)
        except ConfigError as exc:
            self.query_one("#config-error", Static).update(f"✗ {exc}: not applied")
            field.add_class("-refused")
            return
        self._edit(name, value, field)

    @on(Input.Submitted)
    @on(Input.Blurred)
    def _field_done(self, event: Input.Submitted | Input.Blurred) -> None:
        self._take(event.input)

    @on(Select.Changed, "#cfg-optimizer")
    def _optimizer(self, event: Select.Changed) -> None:
        self._edit("optimizer", event.value)

    @on(Select.Changed, "#cfg-pace")
    def _pace_chosen(self, event: Select.Changed) -> None:
        if self._pace is not None and isinstance(event.value, Pace) and event.value != self._pace:
            self._pace = event.value
            self.post_message(self.PaceChosen(event.value))

    @on(Select.Changed, "#cfg-preset")
    def _preset(self, event: Select.Changed) -> None:
        if self._shown is not None and event.value != self._shown.preset:
            self.post_message(self.PresetChosen(str(event.value)))

    @on(Switch.Changed)
    def _decay_bias(self, event: Switch.Changed) -> None:
        self._edit("decay_bias", event.value)
