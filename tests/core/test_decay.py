"""Every decay figure wdtui shows, against torch.optim itself run with decay alone.

The reference is never decay.py's own arithmetic: each test steps a real torch.optim
optimizer on a weight whose data gradient is zero (or, for Adam, known noise) and reads off
what it did, step by step, to the weight: what is left, when it has halved for good, and by
how much it shrinks per step in the long run.
"""

from __future__ import annotations

import math
import subprocess
import sys

import pytest
import torch

from wdtui.core.config import RunConfig
from wdtui.core.decay import DecayAlone, adam_decay, adam_factors, decay_alone, half_life
from wdtui.core.model import build_model
from wdtui.core.optim import make_optimizer

from decay_reference import envelope, halved_for_good, sgd, trajectory

TOLERANCE = 0.03  # Adam's per-weight rates, measured over noise, agree with torch.optim within 3 %

# (γ, λ, μ): the presets' settings, both sides of γλ = (1 − √μ)², exactly on it, μ = 0 (one step
# flipping the sign too), μ = 0.99, a double negative root and real negative roots.
CASES = [
    (0.02, 0.1, 0.9),  # the overfit preset: γλ = 0.002 just below (1 − √0.9)² = 0.00263
    (0.02, 1e-3, 0.9),  # the default run
    (0.05, 0.01, 0.9),  # the 2-D presets
    (0.02, 0.5, 0.9),  # past (1 − √μ)²: complex roots, θ swings through zero
    (0.02, 0.3, 0.9),
    (0.5, 0.5, 0.25),  # γλ = (1 − √μ)² exactly: a double root
    (1.5, 1.5, 0.25),  # γλ = (1 + √μ)² exactly: a double negative root
    (1.0, 2.4, 0.25),  # two negative roots
    (0.01, 1e-4, 0.99),
    (0.1, 0.01, 0.0),  # plain SGD
    (0.5, 0.01, 0.0),
    (1.0, 1.5, 0.0),  # one step flips the sign
]


@pytest.mark.parametrize("lr, lam, mu", CASES)
def test_what_is_left_is_what_torch_sgd_leaves_at_every_step(lr, lam, mu):
    path = sgd(lr, lam, mu, 3000)
    alone = DecayAlone(lr, lam, mu)
    for t in (*range(60), 100, 399, 400, 1234, 3000):
        assert alone.left(t) == pytest.approx(path[t], rel=1e-9, abs=1e-13), t


@pytest.mark.parametrize("lr, lam, mu", CASES)
def test_the_half_life_is_the_step_torch_sgd_has_halved_it_for_good(lr, lam, mu):
    alone = DecayAlone(lr, lam, mu)
    steps = int(alone.half_life()) + 2000
    assert alone.half_life() == halved_for_good(sgd(lr, lam, mu, steps))


@pytest.mark.parametrize("lr, lam, mu", [c for c in CASES if c[:2] not in ((0.5, 0.5), (1.5, 1.5))])
def test_the_long_run_factor_is_what_torch_sgd_shrinks_a_weight_by_per_step(lr, lam, mu):
    """Real roots: |θₜ₊₁/θₜ| once the buffer has filled. Complex ones: the envelope, from
    θₜ₊₁² − θₜθₜ₊₂, which is C·ρ²ᵗ for θₜ = Rρᵗcos(ωt + φ). (At a double root the ratio
    nears the root only as 1/t: those two cases are held by the tests above.)"""
    alone = DecayAlone(lr, lam, mu)
    t = min(3000, int(300 / -math.log(alone.long_run)))  # far along, yet far from underflow
    path = sgd(lr, lam, mu, t + 4)
    if (1 - math.sqrt(mu)) ** 2 < lr * lam < (1 + math.sqrt(mu)) ** 2:
        measured = envelope(path, t)
    else:
        measured = abs(path[t + 1] / path[t])
    assert measured == pytest.approx(alone.long_run, rel=1e-6)


def test_which_side_of_one_minus_root_mu_squared():
    """The long-run factor is the larger root of r² − (1 + μ − γλ)r + μ = 0: real up to
    γλ = (1 − √μ)², then complex of size √μ, the weight swinging through zero."""
    mu = 0.9
    edge = (1 - math.sqrt(mu)) ** 2
    below, above = DecayAlone(1.0, 0.99 * edge, mu), DecayAlone(1.0, 1.01 * edge, mu)
    assert not below.oscillates and above.oscillates
    assert above.long_run == pytest.approx(math.sqrt(mu), rel=1e-12)
    assert min(sgd(1.0, 0.99 * edge, mu, 2000)) > 0  # it falls without crossing zero
    assert min(sgd(1.0, 1.01 * edge, mu, 2000)) < 0  # it swings through zero


def test_the_figures_the_issue_quotes():
    """Issue 19: overfit (γ 0.02, λ 0.1, μ 0.9) halves in 40 steps and leaves 3.26e-5 after its
    400; the long-run factor is 0.9735, not 1 − γλ/(1 − μ) = 0.98; the default run (65 steps)
    leaves 98.9 % of a weight."""
    overfit = DecayAlone(0.02, 0.1, 0.9)
    path = sgd(0.02, 0.1, 0.9, 400)
    assert overfit.half_life() == 40 == next(t for t, theta in enumerate(path) if theta <= 0.5)
    assert f"{overfit.left(400):.3g}" == f"{path[400]:.3g}" == "3.26e-05"
    assert f"{overfit.long_run:.4f}" == "0.9735" and overfit.direct == pytest.approx(0.998)
    assert f"{DecayAlone(0.02, 1e-3, 0.9).left(65):.1%}" == f"{sgd(0.02, 1e-3, 0.9, 65)[65]:.1%}" == "98.9%"


@pytest.mark.parametrize("lr, lam", [(0.1, 0.05), (0.02, 1e-3), (1e-3, 0.1)])
def test_adamw_decays_exactly_as_plain_sgd(lr, lam):
    path = trajectory(torch.optim.AdamW, 2000, lr=lr, weight_decay=lam)
    alone = decay_alone("adamw", lr, lam)
    assert alone == DecayAlone(lr, lam) and alone.left(2000) == pytest.approx(path[2000], rel=1e-9)
    if alone.half_life() < 1000:
        assert alone.half_life() == halved_for_good(path)


def test_so_large_a_decay_that_it_grows():
    """γλ ≥ 2(1 + μ): each step swings the weight wider; it never halves."""
    alone = DecayAlone(1.0, 4.0, 0.9)
    path = sgd(1.0, 4.0, 0.9, 50)
    assert alone.grows and alone.half_life() == math.inf and abs(path[50]) > 1e6
    assert alone.left(50) == pytest.approx(path[50], rel=1e-9)
    assert not DecayAlone(1.0, 3.7, 0.9).grows


def test_the_recursion_covers_the_sgd_the_app_builds():
    """No Nesterov, no dampening: the optimizer wdtui makes is the one the recursion is of."""
    config = RunConfig(momentum=0.9)
    optimizer, _ = make_optimizer(config, build_model(10, (8,), 2, 0))
    for group in optimizer.param_groups:
        assert not group["nesterov"] and group["dampening"] == 0 and not group["maximize"]


def test_no_decay_never_halves_and_adam_has_no_single_figure():
    assert DecayAlone(0.1, 0.0, 0.9).half_life() == math.inf == half_life(0.0)
    assert DecayAlone(0.1, 0.0, 0.9).long_run == 1 and DecayAlone(0.1, 0.0, 0.9).left(1000) == 1
    assert decay_alone("adam", 0.1, 0.01) is None
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
    code = "import sys, wdtui.core.decay as d; d.DecayAlone(0.02, 1e-3, 0.9).half_life(); print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
