"""The facts a lesson step may speak of: named numbers read from the run's own records.

The app hands over what it holds as plain records (`Observed`). They are the run, the Compare
twins, the sweep, the last update taken apart, and the lesson's quiz round. `Facts` computes each fact the first
time a step's expression or text asks for it. A fact is None while the run has not produced it.
FACTS lists them with what they mean: the lesson file may use these names and no others.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..core.config import RunConfig
from ..core.decay import DecayAlone, decay_alone
from ..core.insight import Insight
from ..core.measures import UpdateAnatomy
from ..core.records import EpochRecord, SweepResult


@dataclass(frozen=True)
class Observed:
    """What the app holds now, as records (no UI object, no torch object)."""

    config: RunConfig  # the run's settings in force
    target: RunConfig  # the settings the run is heading for (λ or epochs asked for, or waiting for r)
    finished: bool  # the run trained all its epochs
    epochs: Sequence[EpochRecord] = ()  # from epoch 0
    insight: Insight | None = None
    twins_config: RunConfig | None = None
    twins_finished: bool = False
    twins: tuple[Sequence[EpochRecord], Sequence[EpochRecord]] = ((), ())  # λ = 0, λ: epochs 1, 2, …
    twins_smoothness: tuple[float | None, float | None] = (None, None)
    twins_length: tuple[int | None, int | None] = (None, None)  # each twin's decision boundary, in cells
    sweep_config: RunConfig | None = None
    sweep: SweepResult | None = None
    update: UpdateAnatomy | None = None  # one weight of the run's last update, taken apart
    quiz: tuple[int, int] = (0, 0)  # (right, answered) in the lesson's round


def _last(records: Sequence[EpochRecord]) -> EpochRecord | None:
    trained = [e for e in records if e.epoch > 0]
    return trained[-1] if trained else None


def _alone(config: RunConfig) -> DecayAlone | None:
    return decay_alone(config.optimizer, config.lr, config.weight_decay, config.momentum)


def _change(new: float | None, old: float | None) -> float | None:
    return None if new is None or not old else new / old - 1


def _run(o: Observed) -> dict[str, Callable[[], Any]]:
    first = o.epochs[0] if o.epochs and o.epochs[0].epoch == 0 else None
    last = _last(o.epochs)
    trained = [e for e in o.epochs if e.epoch > 0]
    best = min(trained, key=lambda e: e.val_loss) if trained else None
    i = o.insight
    return {
        "preset": lambda: o.config.preset,
        "lam": lambda: o.config.weight_decay,
        "lr": lambda: o.config.lr,
        "optimizer": lambda: o.config.optimizer,
        "target_lam": lambda: o.target.weight_decay,
        "epochs_done": lambda: len(trained),
        "run_finished": lambda: o.finished,
        "acc0": lambda: first and first.train_acc,
        "val_acc0": lambda: first and first.val_acc,
        "loss0": lambda: first and first.train_loss,
        "train_loss": lambda: last and last.train_loss,
        "val_loss": lambda: last and last.val_loss,
        "train_acc": lambda: last and last.train_acc,
        "val_acc": lambda: last and last.val_acc,
        "val_min": lambda: best and best.val_loss,
        "val_min_epoch": lambda: best and best.epoch,
        "val_min_train": lambda: best and best.train_loss,  # the training loss at that epoch
        "val_rise": lambda: _change(last and last.val_loss, best and best.val_loss),
        "overfit_epochs": lambda: sum(e.observation.startswith("overfitting") for e in trained),
        "weight_norm0": lambda: first and first.weight_norm,
        "weight_norm": lambda: last and last.weight_norm,
        "half_life": lambda: i and i.half_life_steps,
        "plain_half_life": lambda: i and i.plain_half_life_steps,
        "steps": lambda: i and i.steps_trained,
        "left": lambda: i and i.left_after_run,
        "penalty_share": lambda: i and i.penalty_share,
        "smoothness": lambda: i and i.gradient_norm,
        "train_falls": lambda: i and i.train_loss_falls,
        # The whole run as set up (all its epochs), trained or not: what decay alone can do in it.
        "run_steps": lambda: i and o.config.epochs * i.steps_per_epoch,
        "run_left": lambda: (_alone(o.config).left(o.config.epochs * i.steps_per_epoch)
                             if i is not None and _alone(o.config) is not None else None),
        # 1 − γλ is one step's direct decay part; with momentum the long-run factor is smaller.
        "long_run": lambda: i and i.shrink,
    }


def _twins(o: Observed) -> dict[str, Callable[[], Any]]:
    zero, lam = (_last(t) for t in o.twins)
    both = zero is not None and lam is not None
    return {
        "twins_finished": lambda: o.twins_finished,
        "twin_preset": lambda: o.twins_config and o.twins_config.preset,
        "twin_lam": lambda: o.twins_config and o.twins_config.weight_decay,
        "twin_optimizer": lambda: o.twins_config and o.twins_config.optimizer,
        "twin_epochs": lambda: min(len(o.twins[0]), len(o.twins[1])),
        "zero_val": lambda: zero and zero.val_loss,
        "lam_val": lambda: lam and lam.val_loss,
        "zero_train": lambda: zero and zero.train_loss,
        "lam_train": lambda: lam and lam.train_loss,
        "val_change": lambda: _change(lam.val_loss, zero.val_loss) if both else None,
        "zero_gap": lambda: zero and zero.gap,
        "lam_gap": lambda: lam and lam.gap,
        "zero_norm": lambda: zero and zero.weight_norm,
        "lam_norm": lambda: lam and lam.weight_norm,
        "norm_ratio": lambda: lam.weight_norm / zero.weight_norm if both else None,
        "zero_smooth": lambda: o.twins_smoothness[0],
        "lam_smooth": lambda: o.twins_smoothness[1],
        "smooth_change": lambda: _change(*o.twins_smoothness[::-1]) if None not in o.twins_smoothness else None,
        "zero_length": lambda: o.twins_length[0],
        "lam_length": lambda: o.twins_length[1],
        "length_change": lambda: _change(*o.twins_length[::-1]) if None not in o.twins_length else None,
    }


def _sweep(o: Observed) -> dict[str, Callable[[], Any]]:
    result = o.sweep
    best = result.best if result else None
    largest = max(result.points, key=lambda p: p.weight_decay) if result and result.points else None
    return {
        "sweep_finished": lambda: result is not None,
        "sweep_preset": lambda: o.sweep_config and o.sweep_config.preset,
        "best_lam": lambda: best and best.weight_decay,
        "best_val": lambda: best and best.val_loss,
        "sweep_max_lam": lambda: largest and largest.weight_decay,
        "sweep_max_train": lambda: largest and largest.train_loss,  # None when that λ diverged
        "sweep_zero_val": lambda: result and result.baseline and result.baseline.val_loss,
        "improvement": lambda: result and result.improvement,
        "best_applied": lambda: best is not None and o.target.weight_decay == best.weight_decay,
    }


def _update(o: Observed) -> dict[str, Callable[[], Any]]:
    u = o.update
    return {
        "update_optimizer": lambda: u and u.optimizer,
        "theta": lambda: u and u.theta,
        "decay_part": lambda: u and u.decay_part,
        "minus_gamma_lambda_theta": lambda: u and -u.lr * u.weight_decay * u.theta,  # worked out here, not read
        "shrink": lambda: u and u.shrink,
        "effective_shrink": lambda: u and u.effective_shrink,
        "scale_ratio": lambda: u and u.scale / u.lr,  # one step's direct decay part, over γλθ
        "adam_factor": lambda: u and u.denominator and 1 / u.denominator,  # Adam's long-run factor, over γλ
        "quiz_answered": lambda: o.quiz[1],
        "quiz_score": lambda: o.quiz[0],
    }


SECTIONS = (_run, _twins, _sweep, _update)
FACTS = frozenset(name for section in SECTIONS for name in section(Observed(RunConfig(), RunConfig(), False)))


class Facts(Mapping[str, Any]):
    """The facts of one moment, each computed when first asked for."""

    def __init__(self, observed: Observed) -> None:
        self._compute: dict[str, Callable[[], Any]] = {}
        for section in SECTIONS:
            self._compute.update(section(observed))
        self._known: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._known:
            self._known[name] = self._compute[name]()
        return self._known[name]

    def __iter__(self):
        return iter(self._compute)

    def __len__(self) -> int:
        return len(self._compute)

    def plain(self) -> dict[str, Any]:
        """Every fact that is a plain value: a number, a name, a flag, or None.

        That is what a concluded step keeps of its run, in lesson.json, for the questions the
        lesson's quiz makes of it."""
        return {name: value for name, value in self.items() if value is None or isinstance(value, (bool, int, float, str))}
