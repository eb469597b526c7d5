"""The anatomy of one update: how much of a weight's change was gradient, decay and momentum.

The numbers are the optimizer's own: `LastUpdates` hooks the Engine's optimizer and, just
before the last step of each epoch, copies what that step reads (θ, the batch's gradient,
the momentum buffer or Adam's moments). `anatomy` then writes out torch's update rule for one
weight of that step, part by part (the rules DESIGN.md gives):

- SGD: d = g + λθ; b = μ·b_old + d; Δθ = −γb = −γg − γλθ − γμ·b_old.
- Adam (coupled): g' = g + λθ goes into m and v; Δθ = −γ·m̂/(√v̂+ε), so λθ is divided by
  √v̂+ε like the gradient: −s·g − s·λθ − γβ1·m_old/((1−β1^t)(√v̂+ε)), s = γ(1−β1)/((1−β1^t)(√v̂+ε)).
- AdamW (decoupled): θ ← (1 − γλ)θ apart from the adaptive step, which sees g alone:
  Δθ = −γλθ − s·g − (the momentum part above).

Only the optimizers `optim.make_optimizer` builds are covered (no Nesterov, dampening,
AMSGrad or maximize); `capture` refuses the others rather than explain them wrongly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

from .model import linear_layers
from .measures import UpdateAnatomy
from .engine import Engine


@dataclass(frozen=True)
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
    weights: dict[str, torch.Tensor]  # θ of each Linear layer's weight matrix, by layer name
    grads: dict[str, torch.Tensor]
    first: dict[str, torch.Tensor]  # momentum buffer or exp_avg (zeros before there is one)
    second: dict[str, torch.Tensor]  # exp_avg_sq (Adam and AdamW only)


def _group(optimizer: torch.optim.Optimizer, param: torch.Tensor) -> dict:
    return next(g for g in optimizer.param_groups if any(p is param for p in g["params"]))


def capture(optimizer: torch.optim.Optimizer, model: nn.Sequential, epoch: int, step: int) -> LastUpdate:
    """Copy what the next `optimizer.step()` will read for each weight matrix of `model`.

    Call it after `backward()` and before `step()`; state the optimizer has not created yet
    (before its first step) is the zeros it will start from.
    """
    layers = linear_layers(model)
    group = _group(optimizer, layers[0][1].weight)
    if isinstance(optimizer, torch.optim.SGD):
        kind = "sgd"
        if group["nesterov"] or group["dampening"] or group["maximize"]:
            raise ValueError("the anatomy covers plain SGD with momentum only")
    elif isinstance(optimizer, torch.optim.Adam):  # AdamW is an Adam with decoupled decay
        kind = "adamw" if isinstance(optimizer, torch.optim.AdamW) else "adam"
        if group["amsgrad"] or group["maximize"]:
            raise ValueError("the anatomy covers Adam and AdamW without AMSGrad only")
    else:
        raise ValueError(f"no anatomy for {type(optimizer).__name__}")
    weights, grads, first, second = {}, {}, {}, {}
    adam_step = 0
    for name, linear in layers:
        w = linear.weight
        state = optimizer.state.get(w, {})
        weights[name] = w.detach().clone()
        grads[name] = w.grad.detach().clone()
        if kind == "sgd":
            buffer = state.get("momentum_buffer")
            first[name] = torch.zeros_like(w) if buffer is None else buffer.clone()
        else:
            first[name] = state["exp_avg"].clone() if state else torch.zeros_like(w)
            second[name] = state["exp_avg_sq"].clone() if state else torch.zeros_like(w)
            adam_step = int(state["step"]) + 1 if state else 1
    momentum = group["momentum"] if kind == "sgd" else group["betas"][0]
    return LastUpdate(
        optimizer=kind, epoch=epoch, step=step, lr=group["lr"], weight_decay=group["weight_decay"],
        momentum=momentum, beta2=0.0 if kind == "sgd" else group["betas"][1],
        eps=0.0 if kind == "sgd" else group["eps"], adam_step=adam_step,
        weights=weights, grads=grads, first=first, second=second,
    )


class LastUpdates:
    """Keeps the `LastUpdate` of the last step of the latest epoch an Engine ran.

    An optimizer step pre-hook copies the state only on an epoch's last step, so training
    pays for one copy per epoch; each epoch's copy is a new object, safe to hand to another
    thread while training goes on.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.latest: LastUpdate | None = None
        engine.optimizer.register_step_pre_hook(self._before_step)

    def _before_step(self, optimizer: torch.optim.Optimizer, args: tuple, kwargs: dict) -> None:
        t = self.engine
        step = t.global_step + 1  # the Engine counts a step once it has run
        if step % t.steps_per_epoch == 0:
            self.latest = capture(optimizer, t.model, t.epoch + 1, step)


def anatomy(update: LastUpdate, layer: str, index: tuple[int, int],
            after: nn.Sequential | None = None) -> UpdateAnatomy:
    """The update of weight `index` of `layer` in `update`, part by part.

    `after` is the model as it was after that step (the snapshot taken at the epoch end):
    its value of the weight is reported beside the sum of the parts.
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
    model_after = dict(linear_layers(after)) if after is not None else None
    return UpdateAnatomy(
        optimizer=update.optimizer, layer=layer, index=index, shape=(w.shape[0], w.shape[1]),
        epoch=update.epoch, step=update.step, lr=lr, weight_decay=lam, momentum=beta1,
        adam_step=update.adam_step, theta=theta, grad=g, first=first,
        gradient_part=-scale * g, decay_part=decay_part, momentum_part=momentum_part,
        scale=scale, denominator=denominator, shrink=1 - lr * lam, effective_shrink=effective,
        after=None if model_after is None else float(model_after[layer].weight.detach()[index]),
    )
