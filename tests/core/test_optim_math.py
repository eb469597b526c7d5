"""The weight-decay maths against hand-written references, never against the code's own output.

Each test runs wdtui's optimizer (torch.optim behind decay / no-decay groups) and an update
rule written out here from the formulas in docs/architecture.md ('The maths'), on the same model
and batches.
"""

from __future__ import annotations

import copy

import pytest
import torch
import torch.nn.functional as F

from wdtui.core.config import RunConfig
from wdtui.core.model import build_model
from wdtui.core.optim import make_optimizer, set_weight_decay
from wdtui.core.records import DECAY, NO_DECAY, decay_group

STEPS = 6


def _batches(seed: int = 0, n: int = STEPS):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(16, 5, generator=g), torch.randint(0, 3, (16,), generator=g)) for _ in range(n)]


def _model():
    return build_model(5, (7,), 3, seed=1)


def _run_optimizer(config: RunConfig, batches):
    model = _model()
    opt, _ = make_optimizer(config, model)
    for x, y in batches:
        opt.zero_grad()
        F.cross_entropy(model(x), y).backward()
        opt.step()
    return model


def _decayed(name: str, param: torch.Tensor, decay_bias: bool) -> bool:
    return decay_bias or param.dim() >= 2


@pytest.mark.parametrize("decay_bias", [False, True])
@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_sgd_weight_decay_is_gradient_plus_lambda_theta(decay_bias, momentum):
    """g ← ∇L + λθ (decayed tensors only), then momentum, then θ ← θ − γg."""
    lam, lr = 0.05, 0.1
    config = RunConfig(optimizer="sgd", lr=lr, momentum=momentum, weight_decay=lam, decay_bias=decay_bias)
    batches = _batches()
    got = _run_optimizer(config, batches)

    model = _model()
    bufs: dict[str, torch.Tensor] = {}
    for x, y in batches:
        model.zero_grad()
        F.cross_entropy(model(x), y).backward()
        with torch.no_grad():
            for name, p in model.named_parameters():
                g = p.grad + (lam * p if _decayed(name, p, decay_bias) else 0)
                if momentum:
                    bufs[name] = g.clone() if name not in bufs else momentum * bufs[name] + g
                    g = bufs[name]
                p -= lr * g
    for (name, a), b in zip(got.named_parameters(), model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=name)


def test_sgd_weight_decay_equals_gradient_of_l2_penalty():
    """SGD with weight_decay=λ on L equals plain SGD on L + (λ/2)‖θ‖² (decayed tensors)."""
    lam, lr = 0.03, 0.2
    batches = _batches(seed=3)
    got = _run_optimizer(RunConfig(optimizer="sgd", lr=lr, momentum=0.5, weight_decay=lam), batches)

    model = _model()
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.5)
    for x, y in batches:
        opt.zero_grad()
        penalty = sum((p ** 2).sum() for p in model.parameters() if p.dim() >= 2)
        (F.cross_entropy(model(x), y) + lam / 2 * penalty).backward()
        opt.step()
    for a, b in zip(got.parameters(), model.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)


def _adam_by_hand(batches, lam: float, lr: float, decoupled: bool, decay_bias: bool = False):
    """Adam written out. Coupled (Adam): λθ joins g before the moments m and v, so it is scaled
    like the gradient. Decoupled (AdamW): θ ← θ − γλθ first, apart from the adaptive step
    θ ← θ − γ m̂ / (√v̂ + ε)."""
    b1, b2, eps = 0.9, 0.999, 1e-8
    model = _model()
    m = {n: torch.zeros_like(p) for n, p in model.named_parameters()}
    v = {n: torch.zeros_like(p) for n, p in model.named_parameters()}
    for t, (x, y) in enumerate(batches, start=1):
        model.zero_grad()
        F.cross_entropy(model(x), y).backward()
        with torch.no_grad():
            for name, p in model.named_parameters():
                g = p.grad
                if _decayed(name, p, decay_bias) and decoupled:
                    p *= 1 - lr * lam
                elif _decayed(name, p, decay_bias):
                    g = g + lam * p
                m[name] = b1 * m[name] + (1 - b1) * g
                v[name] = b2 * v[name] + (1 - b2) * g ** 2
                p -= lr * (m[name] / (1 - b1 ** t)) / ((v[name] / (1 - b2 ** t)).sqrt() + eps)
    return model


@pytest.mark.parametrize("decay_bias", [False, True])
def test_adamw_is_decoupled_decay_written_by_hand(decay_bias):
    batches = _batches(seed=5)
    got = _run_optimizer(RunConfig(optimizer="adamw", lr=0.01, weight_decay=0.1, decay_bias=decay_bias), batches)
    want = _adam_by_hand(batches, lam=0.1, lr=0.01, decoupled=True, decay_bias=decay_bias)
    for (name, a), b in zip(got.named_parameters(), want.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6, msg=name)


def test_adam_couples_decay_through_the_adaptive_scaling():
    batches = _batches(seed=7)
    got = _run_optimizer(RunConfig(optimizer="adam", lr=0.01, weight_decay=0.1), batches)
    want = _adam_by_hand(batches, lam=0.1, lr=0.01, decoupled=False)
    for a, b in zip(got.parameters(), want.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-6)


def test_adam_and_adamw_differ_when_lambda_is_positive():
    batches = _batches(seed=9)
    adam = _run_optimizer(RunConfig(optimizer="adam", lr=0.01, weight_decay=0.1), batches)
    adamw = _run_optimizer(RunConfig(optimizer="adamw", lr=0.01, weight_decay=0.1), batches)
    diff = max(float((a - b).detach().abs().max()) for a, b in zip(adam.parameters(), adamw.parameters()))
    assert diff > 1e-4
    # …and agree when there is no decay at all.
    adam0 = _run_optimizer(RunConfig(optimizer="adam", lr=0.01, weight_decay=0.0), batches)
    adamw0 = _run_optimizer(RunConfig(optimizer="adamw", lr=0.01, weight_decay=0.0), batches)
    for a, b in zip(adam0.parameters(), adamw0.parameters()):
        torch.testing.assert_close(a, b, rtol=0, atol=1e-7)


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "adamw"])
def test_bias_exclusion_leaves_biases_without_a_decay_term(optimizer):
    """With a zero data gradient only decay moves parameters: weights shrink, biases stay."""
    lam, lr = 0.5, 0.1
    model = _model()
    before = copy.deepcopy(model)
    opt, groups = make_optimizer(RunConfig(optimizer=optimizer, lr=lr, weight_decay=lam, momentum=0.0), model)
    assert [g.weight_decay for g in groups] == [lam, 0.0]
    assert all(n.endswith("weight") for n in groups[0].names)
    assert all(n.endswith("bias") for n in groups[1].names)
    for p in model.parameters():
        p.grad = torch.zeros_like(p)
    opt.step()
    for (name, p), q in zip(model.named_parameters(), before.parameters()):
        if name.endswith("bias"):
            assert torch.equal(p, q), name
        elif optimizer in ("sgd", "adamw"):
            torch.testing.assert_close(p, q * (1 - lr * lam), rtol=0, atol=1e-7)
        else:  # Adam: λθ through the adaptive scaling; the first step moves by ≈ γ·sign(θ)
            torch.testing.assert_close(p, q - lr * torch.sign(q), rtol=0, atol=1e-5)


def test_decay_bias_puts_every_parameter_in_one_decayed_group():
    _, groups = make_optimizer(RunConfig(weight_decay=0.01, decay_bias=True), _model())
    assert len(groups) == 1 and groups[0].weight_decay == 0.01 and groups[0].name == DECAY
    assert groups[0].size == sum(p.numel() for p in _model().parameters())


def test_a_new_lambda_reaches_the_group_named_decay_wherever_it_sits():
    model = _model()
    _, groups = make_optimizer(RunConfig(weight_decay=0.01), model)
    assert [g.name for g in groups] == [DECAY, NO_DECAY] and decay_group(groups) is groups[0]
    weights = [p for p in model.parameters() if p.dim() >= 2]
    biases = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.SGD([{"name": NO_DECAY, "params": biases, "weight_decay": 0.0},
                           {"name": DECAY, "params": weights, "weight_decay": 0.01}], lr=0.1)
    set_weight_decay(opt, 0.5)
    assert [g["weight_decay"] for g in opt.param_groups] == [0.0, 0.5]
