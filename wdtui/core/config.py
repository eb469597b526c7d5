"""Run configuration: one frozen, validated dataclass shared by the CLI, the app and export.

This module must not import torch. The app validates a configuration before the first frame,
and the CLI reports a bad option, long before `import torch` would finish.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

OPTIMIZERS = ("sgd", "adam", "adamw")
OPTIMIZER_NAMES = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW"}
# The data a run makes itself when no CSV is given: the 10-feature synthetic task, or one of the
# 2-D shapes of core/planar.py. They have the same names as its PLANAR_KINDS; a test checks.
DATASETS = ("synthetic", "moons", "circles", "xor", "spiral")
MAX_NOISE = 10.0  # the 2-D shapes have radius 1: past this they are noise and nothing else


class ConfigError(ValueError):
    """A bad setting, as one line a user can act on, in the domain's words.

    An example: "weight decay (λ) must be ≥ 0". `field` names the RunConfig field. With it the
    CLI can name its option and the form its input; the core never names either."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


# Settings a run can take on between two epochs; any other change needs a new model.
LIVE_FIELDS = ("weight_decay", "epochs")
# The largest network wdtui builds. Small networks are what it teaches with. And a typo like
# 100000,100000 must not ask for tens of gigabytes (weights, gradients and optimizer state).
# A sweep's K copies are one stacked network, held to the same budget.
MAX_PARAMETERS = 5_000_000
# Training computes in float32: a λ or γ past its largest value cannot even be handed to torch.
FLOAT32_MAX = 3.4028234663852886e38
# The most rows the data made from the seed may have. A typo like 10000000000 must not ask for
# hundreds of gigabytes before the first epoch. (A CSV is as long as it is.)
MAX_ROWS = 1_000_000
# The most values of λ one sweep trains: the default is 17; a hundred is a fine curve already.
MAX_SWEEP_VALUES = 100


@dataclass(frozen=True)
class RunConfig:
    """Everything that decides a run. Same config (and data) ⇒ the same numbers, exactly."""

    epochs: int = 5
    weight_decay: float = 1e-3
    lr: float = 0.02
    optimizer: str = "sgd"
    momentum: float = 0.9
    batch_size: int = 64
    hidden: tuple[int, ...] = (32,)
    seed: int = 0
    val_fraction: float = 0.2
    decay_bias: bool = False
    data: str | None = None
    target: str | None = None
    row: int | None = None
    preset: str = "seed"
    # The data made from the seed when `data` is None; presets change these. `features` and
    # `label_noise` shape the synthetic task, `noise` the 2-D ones (two features each).
    dataset: str = "synthetic"
    rows: int = 1000
    features: int = 10
    label_noise: float = 0.1
    noise: float = 0.2  # 2-D data: the std of the Gaussian displacement of every point

    @property
    def planar(self) -> bool:
        """True when the run trains on one of the 2-D shapes (moons, circles, xor, spiral)."""
        return self.data is None and self.dataset != "synthetic"

    @property
    def n_features(self) -> int | None:
        """How many input features the data has, when known before reading it (None for a CSV)."""
        if self.data is not None:
            return None
        return 2 if self.planar else self.features

    def __post_init__(self) -> None:
        validate(self)

    def replace(self, **changes: Any) -> "RunConfig":
        """A copy with `changes` applied and validated again."""
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Every option, JSON-ready (tuples become lists)."""
        out = asdict(self)
        out["hidden"] = list(self.hidden)
        return out

    @classmethod
    def from_dict(cls, values: Any) -> "RunConfig":
        """The config a `to_dict()` wrote (say, a stored run's), validated again.

        Another version of wdtui may have written it. It may lack a setting: then the default
        holds. It may have one this version does not know: that is ignored, as it cannot change
        a run here. Anything else wrong is a ConfigError naming the field, as from the CLI or the form."""
        if not isinstance(values, dict):
            raise ConfigError(f"a run's settings must be a mapping of names to values, not {values!r}")
        known = {k: v for k, v in values.items() if k in cls.__dataclass_fields__}
        if "hidden" in known:
            known["hidden"] = parse_hidden(known["hidden"])
        return cls(**known)


def _shown(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:40] + "…")


def parse_number(text: str, kind: type, what: str) -> Any:
    """`text` as a whole number (`kind` int) or a number, written with the digits 0-9.

    Python would also read ٣٢ as 32, but a user who typed it meant something else. Whether it
    is a good value is RunConfig's to say."""
    text = text.strip()
    need = "a whole number" if kind is int else "a number"
    if not text.isascii():
        raise ConfigError(f"{what} must be {need} written with the digits 0-9, not {_shown(text)}")
    try:
        return kind(text)
    except ValueError:
        raise ConfigError(f"{what} must be {need}, not {_shown(text)}") from None


def parse_hidden(value: Any) -> tuple[int, ...]:
    """`32`, `"64,32"` or `[64, 32]` → (64, 32); each size a positive integer (`32,,32` is a
    typo, not two layers)."""
    example = "like 32 or 64,32"
    if isinstance(value, str):
        parts = [p.strip() for p in value.split(",")]
        if not all(p.isascii() and p.isdigit() for p in parts):
            why = "written with the digits 0-9" if not value.isascii() else "separated by single commas"
            raise ConfigError(f"hidden sizes must be whole numbers {why}, {example}, not {_shown(value)}", "hidden")
        sizes = tuple(int(p) for p in parts)
    else:
        values = [value] if isinstance(value, int) else list(value) if isinstance(value, (list, tuple)) else [value]
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            raise ConfigError(f"hidden sizes must be whole numbers {example}, not {value!r}", "hidden")
        sizes = tuple(values)
    if not sizes or any(s < 1 for s in sizes):
        raise ConfigError(f"hidden sizes must be positive whole numbers {example}, not {value!r}", "hidden")
    return sizes


def parameters(n_features: int, hidden: tuple[int, ...], n_classes: int) -> int:
    """How many weights and biases the network n_features → hidden → n_classes has."""
    sizes = (n_features, *hidden, n_classes)
    return sum((a + 1) * b for a, b in zip(sizes, sizes[1:]))


def check_network(n_features: int, hidden: tuple[int, ...], n_classes: int) -> None:
    """Refuse, before anything is built, a network with more than MAX_PARAMETERS parameters."""
    count = parameters(n_features, hidden, n_classes)
    if count > MAX_PARAMETERS:
        raise ConfigError(f"hidden sizes {','.join(map(str, hidden))} make a network of {count:,} parameters on "
                          f"{n_features:,} features; wdtui builds networks of at most {MAX_PARAMETERS:,}: choose "
                          "smaller ones", "hidden")


def check_sweep(values: int, n_features: int | None = None, hidden: tuple[int, ...] = (), n_classes: int = 2) -> None:
    """Refuse a sweep too large, before anything is made.

    That is more than MAX_SWEEP_VALUES values of λ, or stacked copies (one per λ) that pass
    MAX_PARAMETERS together, given the data's width."""
    if values > MAX_SWEEP_VALUES:
        raise ConfigError(f"a sweep trains at most {MAX_SWEEP_VALUES} values of λ at once, not {values:,}", "points")
    count = parameters(n_features, hidden, n_classes) if n_features else 0
    if count * values > MAX_PARAMETERS:
        raise ConfigError(f"a sweep of {values} values of λ trains {values} copies of a network of {count:,} "
                          f"parameters, {count * values:,} in all; wdtui trains at most {MAX_PARAMETERS:,} at once: "
                          "sweep fewer values of λ or choose smaller hidden sizes", "points")


def _finite(field: str, name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, not {value!r}", field)
    return float(value)


def _whole(field: str, name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigError(f"{name} must be a whole number ≥ {minimum}, not {value!r}", field)
    if maximum is not None and value > maximum:
        raise ConfigError(f"{name} must be at most {maximum:,}, not {value:,}", field)
    return value


def validate(config: RunConfig) -> None:
    """Raise ConfigError naming the first bad setting; checks only what needs no data."""
    if _finite("weight_decay", "weight decay (λ)", config.weight_decay) < 0:
        raise ConfigError(f"weight decay (λ) must be ≥ 0, not {config.weight_decay!r}", "weight_decay")
    if _finite("lr", "learning rate", config.lr) <= 0:
        raise ConfigError(f"learning rate must be > 0, not {config.lr!r}", "lr")
    for field, name in (("weight_decay", "weight decay (λ)"), ("lr", "learning rate")):
        if getattr(config, field) > FLOAT32_MAX:
            raise ConfigError(f"{name} must be at most {FLOAT32_MAX:.7g} (training computes in float32), "
                              f"not {getattr(config, field)!r}", field)
    if not 0 <= _finite("momentum", "momentum", config.momentum) < 1:
        raise ConfigError(f"momentum must be in [0, 1), not {config.momentum!r}", "momentum")
    if config.optimizer not in OPTIMIZERS:
        raise ConfigError(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {config.optimizer!r}",
                          "optimizer")
    _whole("epochs", "epochs", config.epochs, 1)
    _whole("batch_size", "batch size", config.batch_size, 1)
    _whole("seed", "seed", config.seed, 0, 2 ** 63 - 1)  # what a torch.Generator takes
    _whole("rows", "rows", config.rows, 10, MAX_ROWS)
    _whole("features", "features", config.features, 1)
    if not isinstance(config.hidden, tuple) or not config.hidden or any(
        isinstance(h, bool) or not isinstance(h, int) or h < 1 for h in config.hidden
    ):
        raise ConfigError(f"hidden sizes must be positive whole numbers, not {config.hidden!r}", "hidden")
    if config.dataset not in DATASETS:
        raise ConfigError(f"dataset must be one of {', '.join(DATASETS)}, not {config.dataset!r}", "dataset")
    if config.data is not None and config.dataset != "synthetic":
        raise ConfigError(f"a CSV file and the {config.dataset} data are two sources of data: give one", "dataset")
    if not 0 <= _finite("noise", "noise", config.noise) <= MAX_NOISE:
        raise ConfigError(f"noise must be between 0 and {MAX_NOISE:g} (the shapes have radius 1), not "
                          f"{config.noise!r}", "noise")
    # The generated data's width is known now; a CSV's is checked once it is read (data.prepare).
    check_network(config.n_features or 1, config.hidden, 2)
    if not 0 < _finite("val_fraction", "validation fraction", config.val_fraction) < 1:
        raise ConfigError(f"validation fraction must be between 0 and 1, not {config.val_fraction!r}",
                          "val_fraction")
    if not 0 <= _finite("label_noise", "label noise", config.label_noise) < 0.5:
        raise ConfigError(f"label noise must be in [0, 0.5), not {config.label_noise!r}", "label_noise")
    if config.row is not None:
        _whole("row", "row", config.row, 0)
        if config.data is None and config.row >= config.rows:
            raise ConfigError(f"row {config.row} is out of range: the data has rows 0 to {config.rows - 1}", "row")
    if config.data is not None and (not isinstance(config.data, str) or not config.data.strip()):
        raise ConfigError("the CSV file's name is empty: give the file to read", "data")
    if config.data is None and config.target is not None:
        raise ConfigError("a target column needs a CSV file to read it from", "data")
    if config.data is not None and config.target is None:
        raise ConfigError("a CSV file needs its target column: the column holding the class labels", "target")
