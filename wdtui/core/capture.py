"""Capturing one optimizer step's inputs for `core.anatomy`: what the step reads, copied out.

It runs where the model trains (the trainer, `wdtui trace`). The copies are NumPy arrays. So the
`LastUpdate` crosses to the app, which takes it apart without torch.
"""

from __future__ import annotations

import torch
from torch import nn

from .anatomy import LastUpdate
from .engine import Engine
from .model import linear_layers


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
        weights[name] = w.detach().numpy().copy()
        grads[name] = w.grad.detach().numpy().copy()
        if kind == "sgd":
            buffer = state.get("momentum_buffer")
            first[name] = _copy(buffer, w)
        else:
            first[name] = _copy(state.get("exp_avg"), w)
            second[name] = _copy(state.get("exp_avg_sq"), w)
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

    An optimizer step pre-hook copies the state only on an epoch's last step. So training pays
    for one copy per epoch. Each epoch's copy is a new object, safe to hand to another thread
    while training goes on.
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


def _copy(state: torch.Tensor | None, like: torch.Tensor):
    """A NumPy copy of an optimizer state tensor, or the zeros it starts from before it exists."""
    return (torch.zeros_like(like) if state is None else state).detach().numpy().copy()
