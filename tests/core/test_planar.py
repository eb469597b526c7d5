"""The 2-D datasets: shapes, balance, seeds, and each shape's geometry checked from its definition."""

from __future__ import annotations

import ast
import math
from pathlib import Path

import pytest
import torch

from wdtui.core import planar
from wdtui.core.planar import PLANAR_KINDS, planar_tensors

ROUNDING = 1e-3  # the rows are rounded to 3 decimals


@pytest.mark.parametrize("kind", PLANAR_KINDS)
@pytest.mark.parametrize("rows", [10, 101, 400])
def test_shapes_types_and_balance(kind, rows):
    raw, labels = planar_tensors(kind, 0, rows, 0.2)
    assert raw.shape == (rows, 2) and raw.dtype == torch.float64
    assert labels.shape == (rows,) and labels.dtype == torch.int64
    counts = torch.bincount(labels, minlength=2).tolist()
    assert sorted(counts) == [rows // 2, rows - rows // 2]
    assert torch.equal(raw, raw.round(decimals=3))


@pytest.mark.parametrize("kind", PLANAR_KINDS)
def test_same_seed_same_rows_whatever_the_global_generator(kind):
    torch.manual_seed(1)
    first = planar_tensors(kind, 7, 200, 0.3)
    torch.manual_seed(2)
    torch.rand(5)
    second = planar_tensors(kind, 7, 200, 0.3)
    assert torch.equal(first[0], second[0]) and torch.equal(first[1], second[1])


@pytest.mark.parametrize("kind", PLANAR_KINDS)
def test_different_seeds_give_different_rows(kind):
    a, _ = planar_tensors(kind, 0, 200, 0.1)
    b, _ = planar_tensors(kind, 1, 200, 0.1)
    assert not torch.equal(a, b)


@pytest.mark.parametrize("kind", PLANAR_KINDS)
def test_first_rows_show_both_classes(kind):
    _, labels = planar_tensors(kind, 0, 400, 0.1)
    assert set(labels[:8].tolist()) == {0, 1}


@pytest.mark.parametrize("kind", PLANAR_KINDS)
def test_noise_is_a_gaussian_displacement_of_that_std(kind):
    """Same seed, noise 0 and noise σ: the same points on the shape, moved by N(0, σ²) draws."""
    clean, clean_labels = planar_tensors(kind, 3, 4000, 0.0)
    noisy, noisy_labels = planar_tensors(kind, 3, 4000, 0.3)
    assert torch.equal(clean_labels, noisy_labels)
    moved = noisy - clean
    assert abs(float(moved.mean())) < 0.02
    assert 0.29 < float(moved.std()) < 0.31


def test_moons_at_noise_0_lie_on_their_two_arcs():
    raw, labels = planar_tensors("moons", 0, 500, 0.0)
    upper, lower = raw[labels == 0], raw[labels == 1]
    assert torch.allclose(upper.norm(dim=1), torch.ones(len(upper), dtype=torch.float64), atol=2 * ROUNDING)
    assert (upper[:, 1] >= -ROUNDING).all()
    centre = torch.tensor([1.0, 0.5], dtype=torch.float64)
    assert torch.allclose((lower - centre).norm(dim=1), torch.ones(len(lower), dtype=torch.float64),
                          atol=2 * ROUNDING)
    assert (lower[:, 1] <= 0.5 + ROUNDING).all()


def test_circles_at_noise_0_have_radii_1_and_a_half():
    raw, labels = planar_tensors("circles", 0, 500, 0.0)
    radius = raw.norm(dim=1)
    assert torch.allclose(radius[labels == 0], torch.full(((labels == 0).sum(),), 1.0, dtype=torch.float64),
                          atol=2 * ROUNDING)
    assert torch.allclose(radius[labels == 1], torch.full(((labels == 1).sum(),), 0.5, dtype=torch.float64),
                          atol=2 * ROUNDING)
    angle = torch.atan2(raw[:, 1], raw[:, 0])
    assert angle.min() < -3 and angle.max() > 3  # all the way round


def test_xor_at_noise_0_is_the_sign_rule():
    raw, labels = planar_tensors("xor", 0, 500, 0.0)
    assert (raw.abs() <= 1).all()
    same_sign = raw[:, 0] * raw[:, 1] > 0
    clear = (raw[:, 0].abs() > ROUNDING) & (raw[:, 1].abs() > ROUNDING)
    assert torch.equal(same_sign[clear], (labels == 1)[clear])
    for quadrant in [(1, 1), (-1, 1), (-1, -1), (1, -1)]:  # points in all four quadrants
        assert ((raw[:, 0] * quadrant[0] > 0) & (raw[:, 1] * quadrant[1] > 0)).sum() > 50


def test_spiral_at_noise_0_lies_on_two_arms_half_a_turn_apart():
    raw, labels = planar_tensors("spiral", 0, 500, 0.0)
    radius = raw.norm(dim=1)
    assert radius.max() <= 1 + ROUNDING
    far = radius > 0.05  # near the centre, rounding blurs the angle
    angle = torch.atan2(raw[:, 1], raw[:, 0])
    expected = 2.5 * math.pi * radius + math.pi * labels
    off = torch.remainder(angle - expected + math.pi, 2 * math.pi) - math.pi
    assert off[far].abs().max() < 0.05


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="moons, circles, xor or spiral"):
        planar_tensors("gaussian", 0, 100, 0.1)


def test_module_imports_only_torch_and_math():
    tree = ast.parse(Path(planar.__file__).read_text(encoding="utf-8"))
    imported = {alias.name for node in tree.body if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in tree.body if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "math", "torch"}


def test_planar_tensors_stands_alone_with_torch_and_math():
    """The generated script copies the function's source: it must run with only torch and math."""
    text = Path(planar.__file__).read_text(encoding="utf-8")
    node = next(n for n in ast.parse(text).body if isinstance(n, ast.FunctionDef) and n.name == "planar_tensors")
    namespace = {"torch": torch, "math": math}
    exec(compile("from __future__ import annotations\n" + ast.get_source_segment(text, node), "copy", "exec"),
         namespace)
    copied = namespace["planar_tensors"]("spiral", 5, 120, 0.2)
    original = planar_tensors("spiral", 5, 120, 0.2)
    assert torch.equal(copied[0], original[0]) and torch.equal(copied[1], original[1])

