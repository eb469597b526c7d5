"""The grid evaluated tile by tile gives what a plain forward pass of every grid point gives,
whatever the network, the plane, the grid's shape and the weights (trained ones, where most
tiles are cut by few units, and made-up ones where every unit crosses every tile)."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from wdtui.core.boundary import grid_points, probability_grid
from wdtui.core.engine import Engine
from wdtui.core.model import build_model, copy_weights, frozen_copy
from wdtui.core.presets import preset_config
from wdtui.core.tiles import layers_of, plane_logits


def plain_logits(model: nn.Sequential, features, extent, shape, held=0.0) -> torch.Tensor:
    """Every grid point through the model itself, in one batch: the reference."""
    first = next(m for m in model if isinstance(m, nn.Linear))
    with torch.no_grad():
        points = grid_points(first.in_features, features, extent, shape, held).to(first.weight.dtype)
        return model(points).view(*shape, -1)


def trained_moons() -> nn.Sequential:
    engine = Engine(preset_config("moons", epochs=20))
    list(engine.run())
    return engine.model.eval()


@pytest.mark.parametrize("shape", [(96, 160), (7, 11), (13, 1), (1, 9), (25, 40)])
@pytest.mark.parametrize("network", [(2, (128, 128), 2), (2, (16,), 2), (5, (12, 9, 7), 3), (3, (), 2)])
def test_tiles_equal_the_plain_forward_pass(shape, network):
    n_features, hidden, classes = network
    model = build_model(n_features, hidden, classes, seed=7)
    features = (0, n_features - 1) if n_features > 2 else (1, 0)
    extent, held = (-2.5, 1.7, -0.9, 3.1), 0.4
    got = plane_logits(model, features, extent, shape, held)
    expected = plain_logits(model, features, extent, shape, held)
    assert got.shape == expected.shape == (*shape, classes)
    assert torch.allclose(got, expected, atol=2e-5, rtol=0)


def test_tiles_on_a_trained_model_and_its_probabilities():
    model = trained_moons()
    extent, shape = (-3.0, 3.2, -2.6, 3.1), (96, 160)
    logits = plain_logits(model, (0, 1), extent, shape)
    probs, classes = probability_grid(model, (0, 1), extent, shape)
    expected = torch.sigmoid(logits[..., 1] - logits[..., 0])
    assert (probs - expected).abs().max() < 1e-5
    # A cell whose class differs would sit on p = ½ to within rounding; there are none here.
    assert torch.equal(classes, logits.argmax(-1))


def test_every_unit_crossing_every_tile_still_gives_the_same_numbers():
    model = build_model(2, (32, 32), 2, seed=1)
    with torch.no_grad():  # lines through the middle of the plane, at every angle
        angles = torch.linspace(0, 3.1, 32)
        model[0].weight.copy_(torch.stack([angles.cos(), angles.sin()], 1))
        model[0].bias.zero_()
    extent, shape = (-1.0, 1.0, -1.0, 1.0), (40, 48)
    assert torch.allclose(plane_logits(model, (0, 1), extent, shape), plain_logits(model, (0, 1), extent, shape),
                          atol=1e-5)


def test_a_model_of_other_layers_is_left_to_the_plain_pass():
    odd = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 2))
    assert layers_of(odd) is None and plane_logits(odd, (0, 1), (0, 1, 0, 1), (4, 4)) is None
    probs, _ = probability_grid(odd, (0, 1), (0.0, 1.0, 0.0, 1.0), (4, 4))
    logits = plain_logits(odd, (0, 1), (0.0, 1.0, 0.0, 1.0), (4, 4))
    assert torch.allclose(probs, torch.sigmoid(logits[..., 1] - logits[..., 0]), atol=1e-6)


def test_a_double_precision_model_is_evaluated_in_double():
    model = build_model(2, (8, 8), 2, seed=3).double()
    got = plane_logits(model, (0, 1), (-1.0, 1.0, -1.0, 1.0), (9, 10))
    assert got.dtype == torch.float64
    assert torch.allclose(got, plain_logits(model, (0, 1), (-1.0, 1.0, -1.0, 1.0), (9, 10)), atol=1e-12)


def test_frozen_copy_is_the_same_function_and_its_own_tensors():
    model = build_model(4, (6, 5), 3, seed=2)
    copy = frozen_copy(model)
    x = torch.randn(7, 4, generator=torch.Generator().manual_seed(0))
    assert torch.equal(copy(x), model(x)) and str(copy) == str(model)
    with torch.no_grad():
        model[0].weight.add_(1.0)
    assert not torch.equal(copy(x), model(x))  # training the model leaves the copy as it was
    odd = nn.Sequential(nn.Linear(2, 2), nn.Tanh())
    assert torch.equal(frozen_copy(odd)(x[:, :2]), odd(x[:, :2]))


def test_a_copy_given_the_weights_again_is_the_model_now_and_still_its_own():
    model = build_model(4, (6, 5), 3, seed=2)
    copy = frozen_copy(model)
    x = torch.randn(7, 4, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        model[0].weight.mul_(0.5)
        model[-1].bias.add_(1.0)
    assert copy_weights(copy, model) is copy and torch.equal(copy(x), model(x))
    with torch.no_grad():
        model[2].weight.add_(1.0)
    assert not torch.equal(copy(x), model(x))  # in place, but into its own tensors
