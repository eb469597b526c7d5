"""The key insight's numbers, from the run: shrink factor, half-life, penalty share.

Torch-free: it reads only the config and the epoch records, so the CLI, the app's Insight
mode and the quiz all quote the same figures (the sentences around them live in
wdtui.present.insight).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from .config import RunConfig
from .records import EpochRecord


@dataclass(frozen=True)
class Insight:
    optimizer: str
    lr: float
    weight_decay: float
    momentum: float
    steps_per_epoch: int
    shrink: float  # 1 − γλ: what decay alone does to a weight in one plain step
    half_life_steps: float  # steps for decay alone to halve a weight (inf when λ = 0)
    half_life_epochs: float
    momentum_half_life_steps: float  # with SGD momentum μ, decay compounds to γλ/(1−μ) per step
    penalty: float | None  # of the last epoch
    data_loss: float | None
    penalty_share: float | None  # penalty / (data loss + penalty)
    norms: tuple[float, ...]  # ‖θ‖ per epoch


def half_life(rate: float) -> float:
    """Steps for a factor (1 − rate) per step to halve a weight: ln 2 / −ln(1 − rate) ≈ 0.693 / rate."""
    if rate <= 0:
        return math.inf
    if rate >= 1:
        return 1.0
    return math.log(2) / -math.log1p(-rate)


def steps(value: float) -> str:
    """A step count as the app, the CLI and the quiz write it; an infinite half-life is λ = 0."""
    return "never (λ = 0)" if math.isinf(value) else f"{value:,.0f} steps"


def key_insight(config: RunConfig, epochs: Sequence[EpochRecord], steps_per_epoch: int,
                weight_decay: float | None = None) -> Insight:
    """The insight for a run with this config; `weight_decay` overrides λ when it was changed."""
    lam = config.weight_decay if weight_decay is None else weight_decay
    rate = config.lr * lam
    hl = half_life(rate)
    mom_rate = rate / (1 - config.momentum) if config.optimizer == "sgd" else rate
    mom_hl = half_life(mom_rate)
    last = epochs[-1] if epochs else None
    share = last.penalty / last.total_loss if last and last.total_loss > 0 else None
    return Insight(
        optimizer=config.optimizer, lr=config.lr, weight_decay=lam, momentum=config.momentum,
        steps_per_epoch=steps_per_epoch, shrink=1 - rate, half_life_steps=hl,
        half_life_epochs=hl / steps_per_epoch, momentum_half_life_steps=mom_hl,
        penalty=last.penalty if last else None, data_loss=last.train_loss if last else None,
        penalty_share=share, norms=tuple(e.weight_norm for e in epochs),
    )
