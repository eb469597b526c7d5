"""The key insight's numbers, from the run.

They are what decay alone does per step for the optimizer in force, and its half-life. Then
what that adds up to over the run, the penalty, and the smoothness.

Torch-free: it reads the config, the epoch records and two things measured in the engine's
thread (Adam's per-weight decay, the smoothness number). So the CLI, the app's Insight mode,
the quiz and `wdtui trace --json` all quote the same figures. The sentences around them live
in wdtui.present.insight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .config import RunConfig
from .decay import AdamDecay, decay_alone, half_life
from .records import EpochRecord


@dataclass(frozen=True)
class Insight:
    """Every number the key insight states, named for what it is (`insight` in trace --json).

    Two factors per step must never be mixed up:
    - `direct_shrink`, 1 − γλ, is one step's own decay part (−γλθ).
    - `shrink` is the long-run factor of decay alone for the optimizer in force. It is what a
      weight's size is multiplied by per step once SGD's momentum buffer has filled. That is
      the larger root of r² − (1 + μ − γλ)r + μ = 0. It is 1 − γλ without momentum and for
      AdamW. For Adam it is the median weight's 1 − γλ/(√v̂ + ε).
    Half-lives are in optimizer steps of decay alone (a zero data gradient) from an empty
    buffer. They are worked out from the recursion itself. Adam's is the median weight's, with
    its spread in `adam`. They are None where λ = 0: decay never halves anything.
    """

    optimizer: str
    lr: float
    weight_decay: float
    momentum: float
    steps_per_epoch: int
    steps_trained: int  # optimizer steps the run has taken so far
    decay_rate: float | None  # 1 − shrink: the fraction decay alone removes per step in the long run
    shrink: float | None  # the long-run factor per step (see above)
    half_life_steps: float | None  # whole steps until |θ| ≤ ½ for good (Adam: the median weight's estimate)
    half_life_epochs: float | None
    plain_half_life_steps: float | None  # without momentum, 1 − γλ a step: plain SGD's and AdamW's, Adam's nominal
    left_after_run: float | None  # θ left of θ₀ = 1 after the steps trained, signed (not for Adam)
    adam: AdamDecay | None  # coupled Adam's decay measured per weight from the run's optimizer
    penalty: float | None  # (λ/2)‖θ‖² at the last epoch
    data_loss: float | None
    penalty_share: float | None  # penalty / (data loss + penalty); None for AdamW, which does not minimise that sum
    norms: tuple[float, ...]  # ‖θ‖ per epoch
    train_loss_falls: int  # epochs whose training loss fell from the epoch before
    gradient_norm: float | None  # the smoothness number: mean ‖∂p/∂x‖ over the validation rows
    # Stored runs from before these were kept read back without them.
    direct_shrink: float | None = None  # 1 − γλ: one step's own decay part (Adam: nominal)
    oscillates: bool = False  # decay alone swings the weight through zero (γλ > (1 − √μ)²)
    grows: bool = False  # γλ ≥ 2(1 + μ): decay alone makes the weight swing ever wider


def steps(value: float | None) -> str:
    """A step count as the app, the CLI and the quiz write it; no half-life is λ = 0's."""
    return "never (λ = 0)" if value is None or math.isinf(value) else f"{value:,.0f} steps"


def _finite(value: float) -> float | None:
    return None if math.isinf(value) else value


def key_insight(config: RunConfig, epochs: Sequence[EpochRecord], steps_per_epoch: int, *,
                adam: AdamDecay | None = None, gradient_norm: float | None = None) -> Insight:
    """The insight for a run with `config` (the settings in force) and these epochs.

    Epoch 0 may be included or not. `adam` and `gradient_norm` are as the engine measured them."""
    lam, lr = config.weight_decay, config.lr
    alone = decay_alone(config.optimizer, lr, lam, config.momentum)
    trained = [e for e in epochs if e.epoch > 0]
    run_steps = trained[-1].global_step if trained else 0
    if alone is not None:
        shrink: float | None = alone.long_run
        hl = _finite(alone.half_life())
    elif adam is not None:
        shrink = 1 - lr * lam * adam.median_factor
        hl = _finite(half_life(lr * lam * adam.median_factor))
    else:
        shrink = hl = None
    last = trained[-1] if trained else None
    objective = config.optimizer != "adamw"
    share = (last.penalty / last.total_loss if objective and last is not None and last.total_loss > 0
             else None)
    falls = sum(b.train_loss < a.train_loss for a, b in zip(epochs, epochs[1:]))
    grows = alone is not None and alone.grows
    return Insight(
        optimizer=config.optimizer, lr=lr, weight_decay=lam, momentum=config.momentum,
        steps_per_epoch=steps_per_epoch, steps_trained=run_steps,
        decay_rate=None if shrink is None else 1 - shrink, shrink=shrink,
        half_life_steps=hl, half_life_epochs=None if hl is None else hl / steps_per_epoch,
        plain_half_life_steps=_finite(decay_alone("sgd", lr, lam).half_life()),
        # Adam's rates drift with v̂ over the run: what they added up to was not measured.
        left_after_run=None if alone is None or grows else alone.left(run_steps),
        adam=adam, penalty=last.penalty if last else None, data_loss=last.train_loss if last else None,
        penalty_share=share, norms=tuple(e.weight_norm for e in epochs), train_loss_falls=falls,
        gradient_norm=gradient_norm, direct_shrink=1 - lr * lam,
        oscillates=alone is not None and alone.oscillates, grows=grows,
    )
