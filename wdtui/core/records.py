"""The records a run produces: plain frozen dataclasses, read alike by CLI, app, export and quiz.

A number shown anywhere comes from one of these, never from a second computation. Torch-free,
so the app can hold and show them without importing torch on its UI thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, Sequence

from .config import RunConfig

if TYPE_CHECKING:
    from .insight import Insight
    from .measures import Boundary


@dataclass(frozen=True)
class Stage:
    """One of the six data stages, with the same real row followed through each."""

    name: str
    input_shape: str
    output_shape: str
    description: str
    example: str


DECAY, NO_DECAY = "decay", "no_decay"  # the parameter groups' names: λ acts on the first, never the second


@dataclass(frozen=True)
class ParamGroup:
    """Which named parameters share a weight decay: what the app shows as "the groups used"."""

    name: str  # DECAY or NO_DECAY: how the decayed group is found, whatever the order
    names: tuple[str, ...]  # the parameters'
    weight_decay: float
    size: int


def decay_group(groups: Sequence[ParamGroup]) -> ParamGroup | None:
    """The group λ acts on; None if no parameter is decayed."""
    return next((g for g in groups if g.name == DECAY), None)


def with_weight_decay(groups: Sequence[ParamGroup], weight_decay: float) -> tuple[ParamGroup, ...]:
    """The groups once λ is `weight_decay`: the decay group's changes, the no-decay group keeps 0."""
    return tuple(replace(g, weight_decay=weight_decay) if g.name == DECAY else g for g in groups)


@dataclass(frozen=True)
class Setup:
    """What a run is about to train: data, split, model and the optimizer's parameter groups."""

    source: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    n_rows: int
    n_train: int
    n_val: int
    mean: tuple[float, ...]  # z-score statistics, fitted on the training rows only
    std: tuple[float, ...]
    architecture: str
    parameter_count: int
    param_groups: tuple[ParamGroup, ...]  # with the λ in force (with_weight_decay when it changes)
    steps_per_epoch: int
    head: tuple[tuple[float, ...], ...]  # the first raw rows, for the Data-in detail
    head_labels: tuple[str, ...]

    @property
    def n_classes(self) -> int:
        return len(self.class_names)


@dataclass(frozen=True)
class StepRecord:
    """Progress within an epoch (throttled): the running mean data loss so far."""

    epoch: int
    step: int
    steps_per_epoch: int
    global_step: int
    loss: float
    seconds: float


@dataclass(frozen=True)
class EpochRecord:
    """The state at the end of one epoch. Losses are data losses (mean cross-entropy, no penalty)."""

    epoch: int
    train_loss: float
    val_loss: float
    train_acc: float
    val_acc: float
    penalty: float  # (λ/2)·‖θ‖² over the decayed parameters
    weight_norm: float  # ‖θ‖ over the decayed parameters
    layer_norms: dict[str, float]
    seconds: float
    observation: str
    weight_decay: float  # λ in force during this epoch
    lr: float
    global_step: int

    @property
    def total_loss(self) -> float:
        """Data loss + penalty: what SGD with weight decay minimizes."""
        return self.train_loss + self.penalty

    @property
    def gap(self) -> float:
        """The generalization gap: validation loss − training loss."""
        return self.val_loss - self.train_loss


@dataclass(frozen=True)
class Diverged:
    """Training stopped because a number stopped being finite.

    `what` is the number: the training or the validation loss, or ‖θ‖. `cause` says what made it
    so and what to change, when that is not simply the learning rate (core/diverging.py)."""

    epoch: int
    step: int
    lr: float
    what: str = "the loss"
    cause: str | None = None

    @property
    def message(self) -> str:
        return (f"training diverged at epoch {self.epoch}, step {self.step}: {self.what} is no longer a finite "
                f"number; {self.cause or f'try a lower learning rate than {self.lr:g}'}")


@dataclass(frozen=True)
class ConfigChanged:
    """New settings took effect at the start of `epoch` (λ or the number of epochs changed
    mid-run). Every reader takes `config` as the run's settings from here on."""

    epoch: int
    config: RunConfig


@dataclass(frozen=True)
class Stopped:
    """Training stopped after `epoch` epochs, for `reason`.

    That is "finished" (all epochs ran), or a stop rule's sentence. Or it is "paused": it waits,
    mid-epoch or at an epoch end, to be told to go on."""

    reason: str
    epoch: int


@dataclass(frozen=True)
class Look:
    """One look of a `Watch`: what its `measure` gave after global step `global_step` (epoch
    `epoch`, step `step` of it)."""

    epoch: int
    step: int
    global_step: int
    value: Any


@dataclass(frozen=True)
class Layer:
    """One layer of the prediction trace. `extra` holds what a layer has beyond its values."""

    name: str
    shape: str
    values: tuple[float, ...]
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Prediction:
    """One row followed layer by layer through the current model."""

    row: int
    split: str
    layers: tuple[Layer, ...]
    probabilities: tuple[float, ...]
    predicted_class: int
    true_class: int
    class_names: tuple[str, ...]

    @property
    def correct(self) -> bool:
        return self.predicted_class == self.true_class


Record = Setup | StepRecord | EpochRecord | Diverged | ConfigChanged | Stopped | Look


@dataclass(frozen=True)
class Report:
    """A whole run as `wdtui trace --json` and the exports write it."""

    config: dict[str, Any]
    setup: Setup
    stages: tuple[Stage, ...]
    epochs: tuple[EpochRecord, ...]
    prediction: Prediction
    diverged: Diverged | None = None
    insight: Insight | None = None  # every number the key insight states (core.insight)
    boundary: Boundary | None = None  # the model's decision boundary (None for data of one feature)


@dataclass(frozen=True)
class SweepPoint:
    """Where one λ of a sweep ended: the last epoch's numbers, as a separate run would report them.

    A λ whose training diverged has `diverged` set and no numbers (None, `null` in JSON). So a
    chart or a table cannot mistake it for a result.
    """

    weight_decay: float
    train_loss: float | None
    val_loss: float | None
    train_acc: float | None
    val_acc: float | None
    weight_norm: float | None  # ‖θ‖ over the decayed parameters
    diverged: bool = False
    boundary_length: int | None = None  # of its decision boundary, when the sweep measured it
    gradient_norm: float | None = None  # its smoothness number (mean ‖∂p/∂x‖, validation rows), likewise


def best_point(points: Sequence[SweepPoint]) -> SweepPoint | None:
    """The point with the lowest validation loss (the smaller λ on a tie); None if all diverged."""
    finite = [p for p in points if not p.diverged]
    return min(finite, key=lambda p: p.val_loss) if finite else None


@dataclass(frozen=True)
class SweepProgress:
    """A sweep after `epoch` of `epochs`, with every λ's numbers so far.

    Each λ has its point, and the EpochRecord a separate run would have written (None once that
    λ diverged)."""

    epoch: int
    epochs: int
    points: tuple[SweepPoint, ...]
    seconds: float
    records: tuple[EpochRecord | None, ...] = ()
    # Per λ, a function that makes each layer's weight histogram (core.histograms: the weights
    # are copied, the binning is left to the recording's writing thread), when the sweep was
    # asked for them (to record them): None once that λ diverged.
    histograms: tuple[Callable[[], dict[str, Any]] | None, ...] = ()
    # With epoch 1's record only: epoch 0, the networks before any step, as a run records it first.
    initial: SweepProgress | None = None


@dataclass(frozen=True)
class SweepResult:
    """A finished sweep: `wdtui sweep --json` writes exactly this. `best` has the lowest
    validation loss (None only when every λ diverged)."""

    config: dict[str, Any]
    points: tuple[SweepPoint, ...]
    best: SweepPoint | None

    @property
    def baseline(self) -> SweepPoint | None:
        """The λ = 0 point (no weight decay), when the sweep trained one."""
        return next((p for p in self.points if p.weight_decay == 0), None)

    @property
    def improvement(self) -> float | None:
        """How far below λ = 0's validation loss the best λ's is, as a fraction of it."""
        base, best = self.baseline, self.best
        if base is None or best is None or base.diverged:
            return None
        return 1 - best.val_loss / base.val_loss
