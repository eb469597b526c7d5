"""The boundary view's numbers against independent references: a hand-written forward pass,
boundaries whose length is counted by hand, and finite differences."""

from __future__ import annotations

import json
import math

import pytest
import torch
from torch import nn

from wdtui.core.boundary import (boundary, boundary_length, default_plane, gradient_norm, plane_extent,
                                 probability_grid)
from wdtui.core.config import RunConfig
from wdtui.core.data import prepare
from wdtui.core.model import build_model
from wdtui.core.planar import planar_tensors
from wdtui.core.jsonable import to_json
from wdtui.core.table import Table


def hand_probabilities(model: nn.Sequential, row: list[float]) -> list[float]:
    """Softmax of the Linear/ReLU chain, written out in float64 from the model's weights."""
    h = torch.tensor(row, dtype=torch.float64)
    linears = [m for m in model if isinstance(m, nn.Linear)]
    for i, layer in enumerate(linears):
        h = layer.weight.detach().double() @ h + layer.bias.detach().double()
        if i < len(linears) - 1:
            h = torch.clamp(h, min=0)
    e = [math.exp(v - float(h.max())) for v in h.tolist()]
    return [v / sum(e) for v in e]


def cell_centre(extent, shape, r, c):
    """Where cell (r, c) sits: row 0 at the top (largest y), column 0 at the left."""
    (x0, x1, y0, y1), (rows, cols) = extent, shape
    return x0 + (c + 0.5) * (x1 - x0) / cols, y1 - (r + 0.5) * (y1 - y0) / rows


def linear_rule(a: float, b: float, c: float) -> nn.Sequential:
    """A "model" whose class-1 logit is a·x + b·y + c and class-0 logit is 0."""
    layer = nn.Linear(2, 2)
    with torch.no_grad():
        layer.weight.copy_(torch.tensor([[0.0, 0.0], [a, b]]))
        layer.bias.copy_(torch.tensor([0.0, c]))
    return nn.Sequential(layer)


def test_two_class_grid_equals_a_forward_pass_by_hand_with_other_features_held():
    model = build_model(3, (16, 8), 2, seed=4)
    extent, shape, held = (-2.0, 1.5, -1.0, 3.0), (7, 11), 0.7
    probs, classes = probability_grid(model, (0, 2), extent, shape, held)
    assert probs.shape == shape and classes.shape == shape
    for r in range(shape[0]):
        for c in range(shape[1]):
            x, y = cell_centre(extent, shape, r, c)
            p = hand_probabilities(model, [x, held, y])
            assert float(probs[r, c]) == pytest.approx(p[1], abs=1e-5)
            assert int(classes[r, c]) == max(range(2), key=lambda k: p[k])


def test_three_class_grid_shows_the_predicted_class_and_its_probability():
    model = build_model(4, (12,), 3, seed=9)
    with torch.no_grad():
        model[0].weight.mul_(4)  # sharper, so several classes win somewhere on the plane
    extent, shape = (-3.0, 3.0, -3.0, 3.0), (9, 13)
    probs, classes = probability_grid(model, (3, 1), extent, shape, held=0.0)
    for r in range(shape[0]):
        for c in range(shape[1]):
            x, y = cell_centre(extent, shape, r, c)
            p = hand_probabilities(model, [0.0, y, 0.0, x])
            best = max(range(3), key=lambda k: p[k])
            assert int(classes[r, c]) == best
            assert float(probs[r, c]) == pytest.approx(p[best], abs=1e-5)
    assert len(set(classes.flatten().tolist())) >= 2


def test_a_vertical_boundary_is_one_cell_per_row():
    # class 1 where x > 0.3; cell centres at x = −0.95, −0.85, …, 0.95: columns 0–12 are
    # class 0, 13–19 class 1; in each of the 10 rows only column 12 differs from its right
    # neighbour, and no cell differs from the one below it: length 10.
    probs, classes = probability_grid(linear_rule(1.0, 0.0, -0.3), (0, 1), (-1.0, 1.0, -1.0, 1.0), (10, 20))
    assert classes[:, :13].eq(0).all() and classes[:, 13:].eq(1).all()
    assert boundary_length(classes) == 10


def test_a_diagonal_boundary_is_one_cell_per_step_of_its_staircase():
    # On a 12 × 12 grid over (0, 12, 0, 12), cell (r, c) has centre x = c + ½, y = 11.5 − r,
    # and x − y − ¼ > 0 exactly when r + c ≥ 12. A cell differs from its right or lower
    # neighbour exactly when r + c = 11: the 12 cells of the anti-diagonal.
    _, classes = probability_grid(linear_rule(1.0, -1.0, -0.25), (0, 1), (0.0, 12.0, 0.0, 12.0), (12, 12))
    for r in range(12):
        for c in range(12):
            assert int(classes[r, c]) == (r + c >= 12)
    assert boundary_length(classes) == 12


def test_length_counts_cells_not_edges():
    assert boundary_length(torch.zeros(5, 7, dtype=torch.long)) == 0
    checker = torch.tensor([[0, 1, 0], [1, 0, 1], [0, 1, 0]])
    assert boundary_length(checker) == 8  # every cell but the bottom-right one has a differing neighbour
    assert boundary_length(torch.tensor([[0, 0], [0, 1]])) == 2  # (0,1) above it, (1,0) left of it


@pytest.mark.parametrize("classes", [2, 3])
def test_gradient_norm_matches_central_differences(classes):
    model = build_model(3, (20, 10), classes, seed=2).double()
    x = torch.randn(25, 3, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    h = 1e-6
    norms = []
    with torch.no_grad():
        for row in x:
            k = int(model(row[None]).argmax())
            grad = []
            for j in range(3):
                step = torch.zeros(3, dtype=torch.float64)
                step[j] = h
                up = torch.softmax(model((row + step)[None]), dim=1)[0, k]
                down = torch.softmax(model((row - step)[None]), dim=1)[0, k]
                grad.append(float(up - down) / (2 * h))
            norms.append(math.sqrt(sum(g * g for g in grad)))
    assert gradient_norm(model, x) == pytest.approx(sum(norms) / len(norms), rel=1e-6)
    assert all(p.grad is None for p in model.parameters())  # the model's own gradients untouched


def test_gradient_norm_works_under_no_grad():
    model = build_model(2, (8,), 2, seed=0)
    x = torch.randn(10, 2, generator=torch.Generator().manual_seed(1))
    expected = gradient_norm(model, x)
    with torch.no_grad():
        assert gradient_norm(model, x) == expected


def test_default_plane_is_the_two_features_the_first_layer_weighs_most():
    model = build_model(5, (6,), 2, seed=0)
    with torch.no_grad():
        model[0].weight.copy_(torch.ones(6, 5) * torch.tensor([0.1, 3.0, 0.2, 2.0, 1.0]))
    assert default_plane(model) == (1, 3)
    assert default_plane(build_model(2, (4,), 2, seed=0)) == (0, 1)
    with pytest.raises(ValueError):
        default_plane(build_model(1, (4,), 2, seed=0))


def test_extent_frames_the_points_with_a_margin():
    x = torch.tensor([[0.0, 5.0, -1.0], [2.0, 9.0, 1.0]])
    assert plane_extent(x, (0, 2), margin=0.1) == pytest.approx((-0.2, 2.2, -1.2, 1.2))


def test_boundary_record_of_a_2d_run():
    config = RunConfig(rows=60, val_fraction=0.5, hidden=(16,), seed=1)
    raw, labels = planar_tensors("moons", 1, 60, 0.2)
    table = Table(("x0", "x1"), raw.tolist(), labels.tolist(), ("0", "1"), "moons")
    data = prepare(config, table)
    model = build_model(2, (16,), 2, seed=1)
    record = boundary(model, data, shape=(20, 40))
    assert record.features == (0, 1) and record.feature_names == ("x0", "x1") and record.held == 0.0
    assert record.shape == (20, 40)
    assert len(record.probabilities) == 20 and all(len(row) == 40 for row in record.probabilities)
    assert all(isinstance(p, float) for row in record.probabilities for p in row)
    x0, x1, y0, y1 = record.extent
    everything = torch.cat([data.x_train, data.x_val])
    assert x0 < float(everything[:, 0].min()) and x1 > float(everything[:, 0].max())
    assert y0 < float(everything[:, 1].min()) and y1 > float(everything[:, 1].max())
    r, c = 3, 31
    x, y = cell_centre(record.extent, record.shape, r, c)
    assert record.probabilities[r][c] == pytest.approx(hand_probabilities(model, [x, y])[1], abs=1e-5)
    assert record.length == boundary_length(torch.tensor(record.classes))
    assert record.gradient_norm == pytest.approx(gradient_norm(model, data.x_val))
    assert set(json.loads(to_json(record))) >= {"features", "extent", "probabilities", "length", "gradient_norm"}
