"""Capturing one optimizer step's inputs for `core.anatomy`: what the step reads, copied out.

It runs where the model trains: the trainer's run task, and the lesson's rehearsal
(lesson/rehearse.py). A `LastUpdate`'s copies are NumPy arrays. So it crosses to the app, which
takes it apart without torch.
"""

from __future__ import annotations

import torch
from torch import nn

from .anatomy import LastUpdate
from .engine import Engine
from .model import linear_layers


def _group(optimizer: torch.optim.Optimizer, param: torch.Tensor) -> dict:
    return next(g for g in optimizer.param_groups if any(p is param for p in g["params"]))


def _kind(optimizer: torch.optim.Optimizer, group: dict) -> str:
    """"sgd", "adam" or "adamw": the optimizers the anatomy takes apart (else ValueError)."""
    if isinstance(optimizer, torch.optim.SGD):
        if group["nesterov"] or group["dampening"] or group["maximize"]:
            raise ValueError("the anatomy covers plain SGD with momentum only")
        return "sgd"
    if isinstance(optimizer, torch.optim.Adam):  # AdamW is an Adam with decoupled decay
        if group["amsgrad"] or group["maximize"]:
            raise ValueError("the anatomy covers Adam and AdamW without AMSGrad only")
        return "adamw" if isinstance(optimizer, torch.optim.AdamW) else "adam"
    raise ValueError(f"no anatomy for {type(optimizer).__name__}")


class Taken:
    """What one optimizer step is about to read, copied into tensors of its own.

    `retake` copies a later step into the same tensors, in place: no new tensors at every epoch.
    `update()` makes the LastUpdate, NumPy copies that no later retake changes."""

    def __init__(self, optimizer: torch.optim.Optimizer, model: nn.Sequential) -> None:
        self._layers = linear_layers(model)
        self._group = _group(optimizer, self._layers[0][1].weight)
        self.kind = _kind(optimizer, self._group)
        parts = 4 if self.kind != "sgd" else 3  # θ, its gradient, the first moment (, the second)
        self._copies = [[torch.empty_like(linear.weight, requires_grad=False) for _ in range(parts)]
                        for _, linear in self._layers]
        self.epoch = self.step = self._adam_step = 0
        self._numbers: dict[str, float] = {}
        self._update: LastUpdate | None = None

    @torch.no_grad()
    def retake(self, optimizer: torch.optim.Optimizer, epoch: int, step: int) -> Taken:
        """Copy what the next `optimizer.step()` will read (call it after `backward()`).

        State the optimizer has not created yet (before its first step) is the zeros it will start from."""
        first_name = "momentum_buffer" if self.kind == "sgd" else "exp_avg"
        for (_, linear), copies in zip(self._layers, self._copies):
            w = linear.weight
            state = optimizer.state.get(w, {})
            copies[0].copy_(w)
            copies[1].copy_(w.grad)
            for moment, name in zip(copies[2:], (first_name, "exp_avg_sq")):
                found = state.get(name)
                if found is None:
                    moment.zero_()
                else:
                    moment.copy_(found)
            if self.kind != "sgd":
                self._adam_step = int(state["step"]) + 1 if state else 1
        g, sgd = self._group, self.kind == "sgd"  # the numbers in force now: λ may change before update()
        self._numbers = dict(lr=g["lr"], weight_decay=g["weight_decay"], momentum=g["momentum"] if sgd else g["betas"][0],
                             beta2=0.0 if sgd else g["betas"][1], eps=0.0 if sgd else g["eps"])
        self.epoch, self.step, self._update = epoch, step, None
        return self

    def update(self) -> LastUpdate:
        """The step taken, as a LastUpdate (made once per retake)."""
        if self._update is None:
            copied = [{name: copies[i].numpy().copy() for (name, _), copies in zip(self._layers, self._copies)}
                      for i in range(len(self._copies[0]))]
            self._update = LastUpdate(
                optimizer=self.kind, epoch=self.epoch, step=self.step, adam_step=self._adam_step, **self._numbers,
                weights=copied[0], grads=copied[1], first=copied[2], second=copied[3] if len(copied) > 3 else {},
            )
        return self._update


class LastUpdates:
    """Keeps what the last step of each of an Engine's latest two epochs read.

    An optimizer step pre-hook copies the state only on an epoch's last step, into two sets of
    tensors that take turns. A LastUpdate (NumPy copies, safe to hand to another thread while
    training goes on) is made only for an epoch that is asked for: the run task asks at its
    views, every half second at pace instant. Made at every epoch, it cost the moons preset's
    run 1.6 % (60 µs an epoch). Two are kept: a run that diverges at an epoch's end has already
    taken that epoch's step, and its view is of the epoch before.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._taken: list[Taken] = []  # the latest last
        self._steps = engine.steps_per_epoch  # fixed for a run (its batch size is), and asked at every step
        engine.optimizer.register_step_pre_hook(self._before_step)

    def _before_step(self, optimizer: torch.optim.Optimizer, args: tuple, kwargs: dict) -> None:
        t = self.engine
        step = t.global_step + 1  # the Engine counts a step once it has run
        if step % self._steps == 0:
            reused = self._taken.pop(0) if len(self._taken) == 2 else Taken(optimizer, t.model)
            self._taken.append(reused.retake(optimizer, t.epoch + 1, step))

    @property
    def latest(self) -> LastUpdate | None:
        """The latest epoch's last step, or None before any epoch ended."""
        return self._taken[-1].update() if self._taken else None

    def of_epoch(self, epoch: int) -> LastUpdate | None:
        """The last step of `epoch`, if it is one of the latest two epochs (else None)."""
        return next((t.update() for t in self._taken if t.epoch == epoch), None)
