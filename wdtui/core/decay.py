"""The half-life of a weight under decay alone, for the optimizer in force (DESIGN.md's maths).

"Decay alone" means a zero data gradient: what λ by itself does to a weight, step by step.

- SGD, μ = 0: θ ← (1 − γλ)θ each step, exactly; half-life ln 2 / −ln(1 − γλ).
- SGD with momentum μ: λθ rides in the buffer, which grows to λθ/(1 − μ), so in the long run
  θ shrinks by about (1 − γλ/(1 − μ)) per step: half-life ln 2 / −ln(1 − γλ/(1 − μ)), ten
  times shorter at μ = 0.9. (The first ~1/(1 − μ) steps, while the buffer fills, shrink less.)
- AdamW: θ ← (1 − γλ)θ apart from the adaptive step, exactly, as plain SGD.
- Adam (coupled): λθ joins the gradient and is divided by √v̂ + ε like it, so each weight has
  its own rate, γλ / (√v̂ᵢ + ε), set by its own gradient history: there is no single figure.
  `adam_decay` measures it per decayed weight from the run's optimizer state and summarises
  it as a median and a 5th–95th percentile range.

Importing this module does not import torch (the CLI and the app quote the closed forms
before torch is loaded); only `adam_factors` and `adam_decay`, which read a torch optimizer's
state, import it, when called.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch


def half_life(rate: float) -> float:
    """Steps for a factor (1 − rate) per step to halve a weight: ln 2 / −ln(1 − rate) ≈ 0.693 / rate.

    inf when rate ≤ 0 (λ = 0: decay never halves anything); 1 when one step removes it all.
    """
    if rate <= 0:
        return math.inf
    if rate >= 1:
        return 1.0
    return math.log(2) / -math.log1p(-rate)


def decay_rate(optimizer: str, lr: float, weight_decay: float, momentum: float = 0.0) -> float | None:
    """The fraction of a weight decay alone removes per step; None for Adam (per weight: see
    `adam_decay`). For SGD with momentum it is the long-run rate γλ/(1 − μ)."""
    if optimizer == "sgd":
        return lr * weight_decay / (1 - momentum)
    if optimizer == "adamw":
        return lr * weight_decay
    if optimizer == "adam":
        return None
    raise ValueError(f"unknown optimizer {optimizer!r}")


def half_life_steps(optimizer: str, lr: float, weight_decay: float, momentum: float = 0.0) -> float | None:
    """The half-life (in steps) of a weight under decay alone for this optimizer; None for Adam,
    whose half-life differs per weight and must be measured from the run (`adam_decay`)."""
    rate = decay_rate(optimizer, lr, weight_decay, momentum)
    return None if rate is None else half_life(rate)


@dataclass(frozen=True)
class AdamDecay:
    """Coupled Adam's decay, measured per decayed weight from the optimizer's state at one step.

    A factor is a weight's effective per-step decay rate as a multiple of γλ, 1 / (√v̂ᵢ + ε);
    it differs per weight and changes as v̂ does, so these describe the spread over the weights
    at `step`, not one figure for all. Half-lives are in steps, each that of the factor named.
    """

    lr: float
    weight_decay: float
    step: int  # Adam's t when measured
    weights: int  # how many decayed weights were measured
    median_factor: float
    p5_factor: float  # 5 % of the weights decay slower than this multiple of γλ
    p95_factor: float  # 5 % decay faster than this
    median_half_life: float  # the half-life at the median factor
    short_half_life: float  # at the 95th-percentile factor: 5 % of the weights halve faster
    long_half_life: float  # at the 5th-percentile factor: 5 % of the weights halve slower


def _adam_states(optimizer: torch.optim.Optimizer, group: int) -> tuple[dict, list[dict]]:
    import torch

    if not isinstance(optimizer, torch.optim.Adam) or isinstance(optimizer, torch.optim.AdamW):
        raise ValueError("only coupled Adam needs a measured decay; SGD and AdamW have closed forms")
    g = optimizer.param_groups[group]
    if g["amsgrad"] or g["maximize"]:
        raise ValueError("measured for Adam without AMSGrad or maximize only")
    return g, [optimizer.state[p] for p in g["params"] if optimizer.state.get(p)]


def adam_factors(optimizer: torch.optim.Optimizer, group: int = 0) -> torch.Tensor | None:
    """Per weight of param group `group` (the decayed one in `optim.make_optimizer`), the
    long-run effective decay rate over γλ: 1 / (√(vᵢ / (1 − β2^t)) + ε), flattened.

    Why: m̂ averages the recent g + λθ, and θ moves slowly, so the decay's share of m̂ is λθ;
    the step divides m̂ by √v̂ + ε, leaving γλθ / (√v̂ + ε). None before the first step.
    """
    import torch

    g, states = _adam_states(optimizer, group)
    if not states:
        return None
    beta2, eps = g["betas"][1], g["eps"]
    return torch.cat([
        1 / ((s["exp_avg_sq"].detach().double() / (1 - beta2 ** float(s["step"]))).sqrt() + eps).flatten()
        for s in states
    ])


def _percentile(ordered: list[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    k = (len(ordered) - 1) * q
    lo = math.floor(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def adam_decay(optimizer: torch.optim.Optimizer, group: int = 0) -> AdamDecay | None:
    """The spread of coupled Adam's per-weight decay in `group` now; None before its first step."""
    factors = adam_factors(optimizer, group)
    if factors is None:
        return None
    g, states = _adam_states(optimizer, group)
    rate = g["lr"] * g["weight_decay"]
    ordered = factors.sort().values.tolist()
    p5, median, p95 = (_percentile(ordered, q) for q in (0.05, 0.5, 0.95))
    return AdamDecay(
        lr=g["lr"], weight_decay=g["weight_decay"], step=int(states[0]["step"]), weights=len(ordered),
        median_factor=median, p5_factor=p5, p95_factor=p95, median_half_life=half_life(rate * median),
        short_half_life=half_life(rate * p95), long_half_life=half_life(rate * p5),
    )
