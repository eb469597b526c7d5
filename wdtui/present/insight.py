"""The key insight as sentences: the claim, then the run's own numbers that bear it out.

The numbers come from `core.insight.key_insight`; this module only words them, for
`wdtui trace` and the app alike.
"""

from __future__ import annotations

import math
from typing import Sequence

from ..core.insight import Insight, steps
from ..core.records import EpochRecord
from .words import optimizer_line

CLAIM = ("Weight decay keeps weights small, which reduces overfitting and leads to smoother training: "
         "every step pulls each decayed weight a little towards zero, so only weights the data keeps "
         "pushing on stay large.")


def insight_lines(insight: Insight, epochs: Sequence[EpochRecord]) -> list[str]:
    """The key insight's bullet points, each quoting the run's numbers."""
    lr, lam, hl, per_epoch = insight.lr, insight.weight_decay, insight.half_life_steps, insight.steps_per_epoch
    lines = [
        f"Per step, decay alone multiplies each decayed weight by 1 − γλ = 1 − {lr:g} × {lam:g} "
        f"= {insight.shrink:.6f}.",
        f"Half-life of a weight under decay alone: ln 2 / −ln(1 − γλ) ≈ 0.693 / (γλ) = {steps(hl)}"
        + ("" if math.isinf(hl) else f" ≈ {insight.half_life_epochs:,.1f} epochs of {per_epoch} steps."),
    ]
    if insight.optimizer == "sgd" and insight.momentum > 0 and lam > 0:
        lines.append(f"With momentum μ = {insight.momentum:g} the decay term is carried along too: in steady "
                     f"state it acts like γλ/(1 − μ) = {lr * lam / (1 - insight.momentum):.2e} per step, a "
                     f"half-life of {steps(insight.momentum_half_life_steps)}.")
    if epochs:
        last, share = epochs[-1], insight.penalty_share
        lines.append(f"At epoch {last.epoch}: data loss {last.train_loss:.4f} + penalty (λ/2)‖θ‖² "
                     f"{last.penalty:.4f} = {last.total_loss:.4f}; the penalty is {share:.1%} of the total."
                     if share is not None else
                     f"At epoch {last.epoch}: data loss {last.train_loss:.4f}, penalty {last.penalty:.4f}.")
        lines.append("Weight norm ‖θ‖ per epoch: " + " → ".join(f"{e.weight_norm:.3f}" for e in epochs) + ".")
    lines.append(optimizer_line(insight.optimizer))
    return lines
