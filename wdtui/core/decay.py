"""What decay alone does to a weight, for the optimizer in force (docs/architecture.md, 'The maths').

"Decay alone" means a zero data gradient: what λ by itself does to a weight, step by step.

- SGD, μ = 0: θ ← (1 − γλ)θ each step, exactly. AdamW: the same, apart from its adaptive step.
- SGD with momentum μ: λθ rides in the buffer too. From an empty buffer torch's SGD sets
  b₁ = λθ₀, then bₜ = μbₜ₋₁ + λθₜ₋₁ and θₜ = θₜ₋₁ − γbₜ.
  That is θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁, with θ₋₁ = θ₀.
  Each step's own, direct decay part is still −γλθ (a factor 1 − γλ).
  The long-run factor per step is the larger root of r² − (1 + μ − γλ)r + μ = 0.
  It is about 1 − γλ/(1 − μ) only while γλ ≪ (1 − μ)².
  Past γλ = (1 − √μ)² the roots are complex: θ swings through zero, its size shrinking by √μ a step.
  From γλ = 2(1 + μ) on, it grows.
  `DecayAlone` works the half-life and what is left after a run out of the recursion itself.
- Adam (coupled): λθ joins the gradient and is divided by √v̂ + ε like it.
  So each weight has its own rate, γλ / (√v̂ᵢ + ε), set by its own gradient history.
  There is no single figure. `adam_decay` measures it per decayed weight from the run's
  optimizer state, and summarises it as a median and a 5th–95th percentile range.

Importing this module does not import torch: the CLI and the app quote these figures before
torch is loaded. Only `adam_factors` and `adam_decay` import it, when called, since they read a
torch optimizer's state.
"""

from __future__ import annotations

import cmath
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .config import RunConfig

if TYPE_CHECKING:
    import torch

Matrix = tuple[tuple[float, float], tuple[float, float]]


def half_life(rate: float) -> float:
    """Steps for a factor (1 − rate) per step to halve a weight: ln 2 / −ln(1 − rate) ≈ 0.693 / rate.

    It is not rounded to a whole step, since Adam's per-weight figures are estimates anyway.
    It is inf when rate ≤ 0 (λ = 0: decay never halves anything), and 1 when one step removes it all.
    """
    if rate <= 0:
        return math.inf
    if rate >= 1:
        return 1.0
    return math.log(2) / -math.log1p(-rate)


def _times(x: Matrix, y: Matrix) -> Matrix:
    return ((x[0][0] * y[0][0] + x[0][1] * y[1][0], x[0][0] * y[0][1] + x[0][1] * y[1][1]),
            (x[1][0] * y[0][0] + x[1][1] * y[1][0], x[1][0] * y[0][1] + x[1][1] * y[1][1]))


@dataclass(frozen=True)
class DecayAlone:
    """Decay alone under SGD with momentum μ from an empty buffer (plain SGD and AdamW: μ = 0):
    θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁, θ₋₁ = θ₀. Every figure is of a weight that starts at 1."""

    lr: float
    weight_decay: float
    momentum: float = 0.0

    @property
    def direct(self) -> float:
        """1 − γλ: the factor of one step's own decay part, −γλθ (earlier steps' ride in momentum)."""
        return 1 - self.lr * self.weight_decay

    @property
    def _a(self) -> float:
        return 1 + self.momentum - self.lr * self.weight_decay

    def _roots(self) -> tuple[complex, complex]:
        """The roots of r² − (1 + μ − γλ)r + μ = 0, the larger in size first.

        The discriminant (1 + μ − γλ)² − 4μ is taken as (1 − μ − γλ)² − 4μγλ. The two are equal,
        but the second avoids the cancellation that would make λ = 0's root 1 − 6e-16."""
        g, mu = self.lr * self.weight_decay, self.momentum
        root = cmath.sqrt((1 - mu - g) ** 2 - 4 * mu * g)
        r1, r2 = (self._a + root) / 2, (self._a - root) / 2
        return (r1, r2) if abs(r1) >= abs(r2) else (r2, r1)

    @property
    def long_run(self) -> float:
        """What a weight's size is multiplied by per step once the buffer has filled: the larger
        root's size (√μ where the roots are complex)."""
        return abs(self._roots()[0])

    @property
    def swings_from(self) -> float:
        """(1 − √μ)²: past this γλ the weight swings through zero as it decays."""
        return (1 - math.sqrt(self.momentum)) ** 2

    @property
    def oscillates(self) -> bool:
        """The weight swings through zero (complex roots, or a negative one) instead of falling."""
        return self.lr * self.weight_decay > self.swings_from

    @property
    def grows(self) -> bool:
        """γλ ≥ 2(1 + μ): decay alone makes the weight swing ever wider (the run diverges)."""
        return self.lr * self.weight_decay >= 2 * (1 + self.momentum)

    def left(self, steps: int) -> float:
        """θ after `steps` steps of decay alone, of θ₀ = 1, exactly.

        (θₜ, θₜ₋₁) = Mᵗ(1, 1) with M = [[1 + μ − γλ, −μ], [1, 0]]. Mᵗ is taken by squaring, so a
        million steps cost forty products. Without decay θ stays 1 exactly, where the matrix's
        rounding would drift it by 1e-12."""
        if self.weight_decay == 0:
            return 1.0
        result: Matrix = ((1.0, 0.0), (0.0, 1.0))
        power: Matrix = ((self._a, -self.momentum), (1.0, 0.0))
        while steps:
            if steps & 1:
                result = _times(result, power)
            power = _times(power, power)
            steps >>= 1
        return result[0][0] + result[0][1]

    def half_life(self) -> float:
        """The whole steps until decay alone has halved the weight for good (|θ| ≤ ½ from then on).

        inf where it never does: λ = 0, or a γλ so large that the weight grows."""
        if self.weight_decay <= 0 or self.grows:
            return math.inf
        if not self.oscillates:  # θ falls step by step: the first step at or below ½, by bisection
            low, high = 0, 1
            while self.left(high) > 0.5:
                low, high = high, 2 * high
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if self.left(middle) > 0.5 else (low, middle)
            return float(high)
        last, theta, before = 0, 1.0, 1.0
        for t in range(1, self._settled() + 1):
            theta, before = self._a * theta - self.momentum * before, theta
            if abs(theta) > 0.5:
                last = t
        return float(last + 1)

    def _settled(self) -> int:
        """A step from which |θ| stays under ½ while it swings.

        θₜ = Ar₁ᵗ + Br₂ᵗ, so |θₜ| ≤ |A||r₁|ᵗ + |B||r₂|ᵗ. With a double root r, θₜ = (1 + ct)rᵗ."""
        r1, r2 = self._roots()
        size = abs(r1)
        if abs(r1 - r2) > 1e-9:
            a = (self.direct - r2) / (r1 - r2)
            return max(1, math.ceil(math.log(2 * (abs(a) + abs(1 - a))) / -math.log(size)))
        c = abs(self.direct / r1 - 1)
        t = max(1, math.ceil(1 / -math.log(size) - 1 / c)) if c else 1  # the bound falls from here on
        while (1 + c * t) * size ** t > 0.5:
            t += 1
        return t


def decay_diverges(config: RunConfig) -> str | None:
    """Where weight decay alone makes `config`'s run diverge (γλ ≥ 2(1 + μ), 2 for AdamW), the
    sentence saying so and which λ would not; None otherwise."""
    alone = decay_alone(config.optimizer, config.lr, config.weight_decay, config.momentum)
    if alone is None or not alone.grows:
        return None
    mu = alone.momentum
    limit = 2 * (1 + mu)
    return (f"weight decay did it: with γ = {config.lr:g}{f' and μ = {mu:g}' if mu else ''}, λ = "
            f"{config.weight_decay:g} gives γλ = {config.lr * config.weight_decay:g} ≥ {'2(1 + μ)' if mu else '2'} = "
            f"{limit:g}, so each step swings every decayed weight wider than the last: choose λ below "
            f"{limit / config.lr:g} (or a lower learning rate)")


def decay_alone(optimizer: str, lr: float, weight_decay: float, momentum: float = 0.0) -> DecayAlone | None:
    """Decay alone for this optimizer; None for Adam, whose decay differs per weight (`adam_decay`)."""
    if optimizer == "sgd":
        return DecayAlone(lr, weight_decay, momentum)
    if optimizer == "adamw":
        return DecayAlone(lr, weight_decay)
    if optimizer == "adam":
        return None
    raise ValueError(f"unknown optimizer {optimizer!r}")


@dataclass(frozen=True)
class AdamDecay:
    """Coupled Adam's decay, measured per decayed weight from the optimizer's state at one step.

    A factor is a weight's effective per-step decay rate as a multiple of γλ: 1 / (√v̂ᵢ + ε).
    It differs per weight and changes as v̂ does. So these describe the spread over the weights
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
    """The long-run effective decay rate over γλ of each weight of param group `group`, flattened.

    `group` is the decayed one in `optim.make_optimizer`. The rate is 1 / (√(vᵢ / (1 − β2^t)) + ε).
    Why: m̂ averages the recent g + λθ, and θ moves slowly, so the decay's share of m̂ is λθ.
    The step divides m̂ by √v̂ + ε, which leaves γλθ / (√v̂ + ε). None before the first step.
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
