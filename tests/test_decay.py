"""Every half-life wdtui shows, against torch.optim itself run with decay alone.

The reference is never decay.py's own arithmetic: each test steps a real torch.optim
optimizer on a weight tensor whose data gradient is zero (or, for Adam, known noise) and
counts the steps until the weights have halved, or measures their mean decay rate.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch

from wdtui.core.decay import adam_decay, adam_factors, decay_rate, half_life, half_life_steps

TOLERANCE = 0.03  # every half-life shown agrees with torch.optim within 3 %


def _steps_to_halve(optimizer_class, limit: int = 200_000, **options) -> int:
    """Steps `optimizer_class` takes, with a zero data gradient, until every weight is at most
    half its start. Float64 so that rounding in 1e5 steps cannot bias the count."""
    theta = torch.nn.Parameter(torch.tensor([1.0, -2.5, 0.3, 7.0], dtype=torch.float64))
    start = theta.detach().abs().clone()
    opt = optimizer_class([theta], **options)
    theta.grad = torch.zeros_like(theta)
    for step in range(1, limit + 1):
        opt.step()
        if bool((theta.detach().abs() <= start / 2).all()):
            return step
    raise AssertionError(f"not halved in {limit} steps")


def _close(shown: float, simulated: int) -> bool:
    return abs(shown - simulated) <= TOLERANCE * simulated


@pytest.mark.parametrize("lr, lam", [(0.1, 0.05), (0.5, 0.01), (0.02, 1e-3)])
def test_plain_sgd_half_life_is_what_torch_sgd_does(lr, lam):
    simulated = _steps_to_halve(torch.optim.SGD, lr=lr, weight_decay=lam)
    shown = half_life_steps("sgd", lr, lam, momentum=0.0)
    assert _close(shown, simulated)
    assert simulated == math.ceil(shown)  # exact: θ(1 − γλ)^t, so the count is the next whole step


@pytest.mark.parametrize("lr, lam, mu", [(0.02, 1e-3, 0.9), (0.1, 1e-3, 0.9), (0.05, 2e-3, 0.5), (0.01, 1e-4, 0.99)])
def test_momentum_half_life_is_what_torch_sgd_with_momentum_does(lr, lam, mu):
    """The long-run figure against the count from the very first step.

    The buffer starts empty and needs about 1/(1 − μ) steps to fill to λθ/(1 − μ), so the first
    steps shrink less and the count from the start is longer than the long-run half-life by
    roughly μ/(1 − μ) steps (9 at μ = 0.9, 99 at μ = 0.99). γλ is chosen so that lag is under
    3 % of the half-life: the figure is meant for weights that live thousands of steps.
    """
    simulated = _steps_to_halve(torch.optim.SGD, lr=lr, weight_decay=lam, momentum=mu)
    shown = half_life_steps("sgd", lr, lam, momentum=mu)
    assert _close(shown, simulated)
    assert 0 <= simulated - shown <= 1.5 * mu / (1 - mu) + 1  # the transient: late, never early


@pytest.mark.parametrize("lr, lam, mu", [(0.02, 1e-3, 0.9), (0.05, 2e-3, 0.5)])
def test_momentum_long_run_shrink_per_step(lr, lam, mu):
    """Once the buffer has filled, one step multiplies θ by about 1 − γλ/(1 − μ)."""
    theta = torch.nn.Parameter(torch.ones(1, dtype=torch.float64))
    opt = torch.optim.SGD([theta], lr=lr, weight_decay=lam, momentum=mu)
    theta.grad = torch.zeros_like(theta)
    for _ in range(2000):
        opt.step()
    before = float(theta.detach())
    opt.step()
    measured = 1 - float(theta.detach()) / before
    assert measured == pytest.approx(decay_rate("sgd", lr, lam, mu), rel=TOLERANCE)


def test_the_default_runs_half_lives_from_the_issue():
    """Issue 11: γ = 0.02, λ = 1e-3 — plain SGD 34,657 steps; with μ = 0.9 about 3,460."""
    assert f"{half_life_steps('sgd', 0.02, 1e-3):,.0f}" == "34,657"
    with_momentum = half_life_steps("sgd", 0.02, 1e-3, momentum=0.9)
    assert round(with_momentum, -1) == 3470 and abs(with_momentum - 3460) < 0.01 * 3460
    assert _close(with_momentum, _steps_to_halve(torch.optim.SGD, lr=0.02, weight_decay=1e-3, momentum=0.9))


@pytest.mark.parametrize("lr, lam", [(0.1, 0.05), (0.02, 1e-3), (1e-3, 0.1)])
def test_adamw_half_life_is_exact(lr, lam):
    simulated = _steps_to_halve(torch.optim.AdamW, lr=lr, weight_decay=lam)
    shown = half_life_steps("adamw", lr, lam)
    assert _close(shown, simulated) and simulated == math.ceil(shown)


def test_no_decay_never_halves_and_adam_has_no_single_figure():
    assert half_life_steps("sgd", 0.1, 0.0) == math.inf == half_life(0.0)
    assert half_life_steps("adam", 0.1, 0.01) is None and decay_rate("adam", 0.1, 0.01) is None
    assert half_life(1.0) == 1.0


def test_adam_per_weight_rate_matches_torch_adam_with_gradient_noise():
    """Coupled Adam: with zero data gradient v comes from λθ itself and decay is not
    exponential, so each weight gets a zero-mean data gradient of known std σᵢ instead. The
    noise averages out over many copies; what remains of E[θ] is the decay, whose measured
    rate must be γλ/(√v̂ᵢ + ε) with the optimizer's own v — and not the one-step share
    (1 − β1)·γλ/(√v̂ᵢ + ε), which is 10× smaller at β1 = 0.9."""
    sigmas = torch.tensor([0.05, 0.1, 0.2, 0.4], dtype=torch.float64)
    copies, lr, lam = 4000, 1e-3, 0.02
    theta = torch.nn.Parameter(torch.ones(len(sigmas), copies, dtype=torch.float64))
    opt = torch.optim.Adam([theta], lr=lr, weight_decay=lam)
    noise = torch.Generator().manual_seed(0)
    first, last = 200, 2200  # from after m has filled (~10 steps) to well before θ has halved
    predicted = []
    for t in range(1, last + 1):
        theta.grad = sigmas[:, None] * torch.randn(theta.shape, generator=noise, dtype=torch.float64)
        opt.step()
        if t == first:
            mean_first = theta.detach().mean(1).clone()
        if t > first and t % 100 == 0:
            predicted.append(lr * lam * adam_factors(opt).view(theta.shape).mean(1))
    measured = torch.log(mean_first / theta.detach().mean(1)) / (last - first)
    predicted_rate = torch.stack(predicted).mean(0)
    torch.testing.assert_close(measured, predicted_rate, rtol=TOLERANCE, atol=0)
    # v ≈ σ² here, so the rates are about γλ/σ: large where gradients are small.
    torch.testing.assert_close(predicted_rate, lr * lam / sigmas, rtol=0.1, atol=0)
    assert bool((measured > 5 * (1 - 0.9) * predicted_rate).all())


def _adam_model_after_steps(steps: int, decay: float = 0.01):
    g = torch.Generator().manual_seed(3)
    model = torch.nn.Sequential(torch.nn.Linear(6, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    weights = [p for p in model.parameters() if p.dim() >= 2]
    biases = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.Adam([{"params": weights, "weight_decay": decay}, {"params": biases, "weight_decay": 0.0}],
                           lr=0.01)
    for _ in range(steps):
        x, y = torch.randn(32, 6, generator=g), torch.randint(0, 3, (32,), generator=g)
        opt.zero_grad()
        torch.nn.functional.cross_entropy(model(x), y).backward()
        opt.step()
    return opt, weights


def test_adam_decay_summarises_the_decayed_weights_per_weight():
    opt, weights = _adam_model_after_steps(25)
    got = adam_decay(opt)
    # Reference: Adam's denominator written out from torch's documented update, weight by weight.
    t = 25
    factors = torch.cat([1 / ((opt.state[w]["exp_avg_sq"].double() / (1 - 0.999 ** t)).sqrt() + 1e-8).flatten()
                         for w in weights])
    p5, median, p95 = torch.quantile(factors, torch.tensor([0.05, 0.5, 0.95], dtype=torch.float64)).tolist()
    assert got.step == t and got.weights == 6 * 16 + 16 * 3
    assert (got.p5_factor, got.median_factor, got.p95_factor) == pytest.approx((p5, median, p95), rel=1e-9)
    rate = 0.01 * 0.01
    assert got.median_half_life == pytest.approx(math.log(2) / -math.log(1 - rate * median), rel=1e-9)
    assert got.short_half_life < got.median_half_life < got.long_half_life
    assert got.long_half_life == pytest.approx(math.log(2) / -math.log(1 - rate * p5), rel=1e-9)


def test_adam_decay_is_none_before_a_step_and_refuses_other_optimizers():
    opt, _ = _adam_model_after_steps(0)
    assert adam_decay(opt) is None
    p = torch.nn.Parameter(torch.ones(2, 2))
    for other in (torch.optim.AdamW([p]), torch.optim.SGD([p], lr=0.1)):
        with pytest.raises(ValueError):
            adam_decay(other)


def test_the_closed_forms_load_without_torch():
    """The CLI and the app quote half-lives before torch is imported."""
    code = "import sys, wdtui.core.decay as d; d.half_life_steps('sgd', 0.02, 1e-3, 0.9); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
