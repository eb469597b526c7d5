"""The anatomy of one update: how much of a weight's change was gradient, decay and momentum.

The numbers are the optimizer's own. `core.capture.LastUpdates` hooks the Engine's optimizer.
Just before the last step of each epoch, it copies what that step reads: θ, the batch's
gradient, the momentum buffer or Adam's moments. The copy is a `LastUpdate` of NumPy arrays.
`anatomy` then writes out torch's update rule for one weight of that step, part by part:

- SGD: d = g + λθ; b = μ·b_old + d; Δθ = −γb = −γg − γλθ − γμ·b_old.
- Adam (coupled): g' = g + λθ goes into m and v, and Δθ = −γ·m̂/(√v̂+ε).
  So λθ is divided by √v̂+ε like the gradient:
  −s·g − s·λθ − γβ1·m_old/((1−β1^t)(√v̂+ε)), s = γ(1−β1)/((1−β1^t)(√v̂+ε)).
- AdamW (decoupled): θ ← (1 − γλ)θ apart from the adaptive step, which sees g alone:
  Δθ = −γλθ − s·g − (the momentum part above).

Only the optimizers `optim.make_optimizer` builds are covered (no Nesterov, dampening,
AMSGrad or maximize); `capture` refuses the others rather than explain them wrongly.

Torch-free: the trainer captures the update, the app takes it apart for the weight chosen.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .measures import UpdateAnatomy

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True, eq=False)  # one copy is itself: its arrays have no single truth value
class LastUpdate:
    """What one optimizer step read, copied just before it ran (never changed afterwards)."""

    optimizer: str  # "sgd", "adam" or "adamw"
    epoch: int
    step: int  # the global step number of this update
    lr: float
    weight_decay: float  # λ of the group holding the weight matrices
    momentum: float  # μ (SGD) or β1
    beta2: float
    eps: float
    adam_step: int  # t of this update (Adam's state step + 1); 0 for SGD
    weights: dict[str, "np.ndarray"]  # θ of each Linear layer's weight matrix, by layer name
    grads: dict[str, "np.ndarray"]
    first: dict[str, "np.ndarray"]  # momentum buffer or exp_avg (zeros before there is one)
    second: dict[str, "np.ndarray"]  # exp_avg_sq (Adam and AdamW only)


def anatomy(update: LastUpdate, layer: str, index: tuple[int, int],
            after: Mapping[str, "np.ndarray"] | None = None) -> UpdateAnatomy:
    """The update of weight `index` of `layer` in `update`, part by part.

    `after` is the model's weights after that step (a ModelView's, at the epoch end). Its value
    of the weight is reported beside the sum of the parts.
    """
    w = update.weights[layer]
    theta, g, first = (float(t[index]) for t in (w, update.grads[layer], update.first[layer]))
    lr, lam, beta1 = update.lr, update.weight_decay, update.momentum
    if update.optimizer == "sgd":
        scale, denominator = lr, None
        momentum_part = -lr * beta1 * first
        decay_part = -lr * lam * theta
        effective = 1 - lr * lam
    else:
        t = update.adam_step
        coupled = update.optimizer == "adam"
        g_in = g + lam * theta if coupled else g  # what the moments see
        v = update.beta2 * float(update.second[layer][index]) + (1 - update.beta2) * g_in * g_in
        correction1 = 1 - beta1 ** t
        denominator = math.sqrt(v) / math.sqrt(1 - update.beta2 ** t) + update.eps
        scale = lr * (1 - beta1) / (correction1 * denominator)
        momentum_part = -lr * beta1 * first / (correction1 * denominator)
        decay_part = -scale * lam * theta if coupled else -lr * lam * theta
        effective = 1 - scale * lam if coupled else 1 - lr * lam
    return UpdateAnatomy(
        optimizer=update.optimizer, layer=layer, index=index, shape=(w.shape[0], w.shape[1]),
        epoch=update.epoch, step=update.step, lr=lr, weight_decay=lam, momentum=beta1,
        adam_step=update.adam_step, theta=theta, grad=g, first=first,
        gradient_part=-scale * g, decay_part=decay_part, momentum_part=momentum_part,
        scale=scale, denominator=denominator, shrink=1 - lr * lam, effective_shrink=effective,
        after=None if after is None else float(after[layer][index]),
    )
