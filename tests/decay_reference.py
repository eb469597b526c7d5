"""The reference for every decay figure the tests check: torch.optim stepping a weight whose data
gradient is zero, never wdtui's own arithmetic.

`torch_decay` reads off what torch's SGD (with its momentum) or AdamW did to a weight that
started at 1: what is left after the run's steps, the step from which it stays halved, and
the long-run factor per step.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch


def trajectory(optimizer_class, steps: int, **options) -> list[float]:
    """θ₀ = 1, θ₁, …, θ_steps as `optimizer_class` moves a weight whose data gradient is zero
    (float64, so that thousands of steps of rounding stay far below what is compared)."""
    theta = torch.nn.Parameter(torch.ones(1, dtype=torch.float64))
    opt = optimizer_class([theta], **options)
    theta.grad = torch.zeros_like(theta)
    path = [1.0]
    for _ in range(steps):
        opt.step()
        path.append(float(theta.detach()))
    return path


def sgd(lr: float, lam: float, mu: float, steps: int) -> list[float]:
    return trajectory(torch.optim.SGD, steps, lr=lr, weight_decay=lam, momentum=mu)


def halved_for_good(path: list[float]) -> int:
    """The first step from which |θ| stays at or below half its start, to the end of `path`."""
    last = max((t for t, theta in enumerate(path) if abs(theta) > 0.5), default=-1)
    assert last < len(path) - 1000, "the trajectory is too short to say"
    return last + 1


def envelope(path: list[float], t: int) -> float:
    """The factor per step of a weight swinging as θₜ = Rρᵗcos(ωt + φ): θₜ₊₁² − θₜθₜ₊₂ = C·ρ²ᵗ."""
    gap = [path[s + 1] ** 2 - path[s] * path[s + 2] for s in (t, t + 1)]
    return math.sqrt(gap[1] / gap[0])


@dataclass(frozen=True)
class Reference:
    left: float  # θ after the run's steps
    half_life: int  # the first step from which |θ| ≤ ½ for good
    long_run: float  # what the weight's size is multiplied by per step, far along


def torch_decay(lr: float, lam: float, mu: float, run_steps: int, optimizer: str = "sgd") -> Reference:
    """What torch's SGD (momentum μ) or AdamW does to a weight of 1 under decay alone (λ > 0)."""
    def path_of(steps: int) -> list[float]:
        if optimizer == "adamw":
            return trajectory(torch.optim.AdamW, steps, lr=lr, weight_decay=lam)
        return sgd(lr, lam, mu, steps)

    steps = max(2000, run_steps)
    path = path_of(steps)
    while max((t for t, theta in enumerate(path) if abs(theta) > 0.5), default=0) >= steps - 1000:
        steps *= 2  # not settled a thousand steps before the end: look further
        path = path_of(steps)
    far = 600  # the buffer's transient (μᵗ) long gone, the weight far from underflow
    swings = min(path[:far + 3]) < 0
    return Reference(path[run_steps], halved_for_good(path),
                     envelope(path, far) if swings else path[far + 1] / path[far])
