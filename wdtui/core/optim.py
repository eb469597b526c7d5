"""Optimizers with weight decay, and the decay / no-decay parameter groups.

PyTorch decays every parameter it is given. As in nanoGPT's `configure_optimizers`, the default
here decays only weights of rank ≥ 2 and leaves biases alone. `decay_bias=True` is plain PyTorch
behaviour: one group, everything decayed.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .config import RunConfig
from .records import DECAY, NO_DECAY, ParamGroup


def split_parameters(model: nn.Module, decay_bias: bool) -> tuple[list[tuple[str, nn.Parameter]], list[tuple[str, nn.Parameter]]]:
    """(decayed, not decayed) named parameters."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    if decay_bias:
        return named, []
    return [(n, p) for n, p in named if p.dim() >= 2], [(n, p) for n, p in named if p.dim() < 2]


def make_optimizer(config: RunConfig, model: nn.Module) -> tuple[torch.optim.Optimizer, list[ParamGroup]]:
    """The configured torch.optim optimizer over the decay / no-decay groups."""
    decay, no_decay = split_parameters(model, config.decay_bias)
    groups = [(DECAY, decay, config.weight_decay), (NO_DECAY, no_decay, 0.0)]
    torch_groups = [{"name": name, "params": [p for _, p in ps], "weight_decay": wd} for name, ps, wd in groups if ps]
    described = [
        ParamGroup(name, tuple(n for n, _ in ps), wd, sum(p.numel() for _, p in ps)) for name, ps, wd in groups if ps
    ]
    if config.optimizer == "sgd":
        opt: torch.optim.Optimizer = torch.optim.SGD(torch_groups, lr=config.lr, momentum=config.momentum)
    elif config.optimizer == "adam":
        opt = torch.optim.Adam(torch_groups, lr=config.lr)
    else:
        opt = torch.optim.AdamW(torch_groups, lr=config.lr)
    return opt, described


def decay_group_index(optimizer: torch.optim.Optimizer) -> int:
    """Where the decayed group is among the optimizer's param groups, found by its name."""
    return next(i for i, g in enumerate(optimizer.param_groups) if g.get("name") == DECAY)


def set_weight_decay(optimizer: torch.optim.Optimizer, weight_decay: float) -> None:
    """Change λ of the decayed group in place (the no-decay group keeps 0)."""
    optimizer.param_groups[decay_group_index(optimizer)]["weight_decay"] = weight_decay


def decayed_norm(decayed: list[torch.Tensor]) -> float:
    """‖θ‖ over the decayed tensors: the norm the penalty (λ/2)‖θ‖² is taken of."""
    with torch.no_grad():
        return math.sqrt(sum(float(p.norm()) ** 2 for p in decayed))
