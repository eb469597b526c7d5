"""The model's class scores over a plane, computed tile by tile.

They are the same numbers as a forward pass of every grid point, for about half the arithmetic.

On a plane the first layer's units are affine in the two coordinates. Unit j computes
u_j = a_j·x + b_j·y + c_j, where the features off the plane, held fixed, fold into c_j.
Cut the grid into tiles. An affine function's extremes over a rectangle sit at its corners.
A unit whose u_j is positive at all four corners of a tile is positive on the whole tile.
Its ReLU is the identity there. One whose u_j is ≤ 0 at all four corners is 0 there.
Only the units whose line u_j = 0 crosses the tile need their ReLU, point by point. The next
layer, W·relu(u) + b, is then on each tile

    x·P + y·Q + R   (the always-on units, P = Σ W_j a_j, Q = Σ W_j b_j, R = Σ W_j c_j + b)
  + W_crossing · relu(u_crossing)

That is one small matrix product per tile instead of the full one. Take a 2 → 128 → 128 → 2
network on a 160 × 96 grid. About 20 of the 128 units cross a tile of 20 × 12 points. So the
128 × 128 product, which is nearly all the work, shrinks several-fold
(benchmarks/bench_boundary.py measures both ways side by side). It is exact algebra. Only float
rounding differs from the plain forward pass: a few 1e-6 in a probability (tests/core/test_boundary.py).

Tiles are processed a few at a time, those with as many crossing units together. So each
product is padded little, and its output stays in the CPU's cache.
"""

from __future__ import annotations

import math

import torch
from torch import nn

TILES = 8  # tiles per side of the grid: 8 × 8 tiles of 20 × 12 points on a 160 × 96 grid
PER_PASS = 8  # tiles per batched product


def layers_of(model: nn.Sequential) -> list[nn.Linear] | None:
    """The Linear layers of a Linear → ReLU → … → Linear network, or None for any other shape."""
    modules = list(model)
    linears = modules[::2]
    if not all(isinstance(m, nn.Linear) for m in linears) or not all(isinstance(m, nn.ReLU) for m in modules[1::2]):
        return None
    return linears if modules and isinstance(modules[-1], nn.Linear) else None


def axes(extent: tuple[float, float, float, float], shape: tuple[int, int], padded: tuple[int, int],
         dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor]:
    """(xs, ys): the cell centres along each axis, row 0 at the top (largest y).

    `padded` more cells continue the same spacing past the edge (computed, then dropped)."""
    (x0, x1, y0, y1), (rows, cols) = extent, shape
    xs = x0 + (torch.arange(padded[1], dtype=dtype) + 0.5) * (x1 - x0) / cols
    ys = y1 - (torch.arange(padded[0], dtype=dtype) + 0.5) * (y1 - y0) / rows
    return xs, ys


@torch.no_grad()
def plane_logits(model: nn.Sequential, features: tuple[int, int], extent: tuple[float, float, float, float],
                 shape: tuple[int, int], held: float = 0.0) -> torch.Tensor | None:
    """(rows, cols, classes): the model's class scores at the grid's cell centres.

    None when the model is not a Linear/ReLU chain; the caller then runs the plain forward pass."""
    linears = layers_of(model)
    if linears is None:
        return None
    first = linears[0]
    w, dtype = first.weight, first.weight.dtype
    off_plane = torch.full((w.shape[1],), float(held), dtype=dtype)
    off_plane[list(features)] = 0
    abc = torch.stack([w[:, features[0]], w[:, features[1]], first.bias + w @ off_plane])  # (3, n1)
    rows, cols = shape
    tr, tc = math.ceil(rows / TILES), math.ceil(cols / TILES)
    n_r, n_c = math.ceil(rows / tr), math.ceil(cols / tc)
    xs, ys = axes(extent, shape, (n_r * tr, n_c * tc), dtype)
    # Every tile's points as rows (x, y, 1), tile-major: point p of tile t is row p // tc, column p % tc.
    px = xs.view(n_c, tc)[None, :, None, :].expand(n_r, n_c, tr, tc).reshape(n_r * n_c, tr * tc)
    py = ys.view(n_r, tr)[:, None, :, None].expand(n_r, n_c, tr, tc).reshape(n_r * n_c, tr * tc)
    coords = torch.stack([px, py, torch.ones_like(px)], dim=2)
    if len(linears) == 1:  # no hidden layer: the scores themselves are affine on the plane
        scores = coords @ abc
    else:
        scores = _tiled(coords, abc, linears[1], list(model)[3:], tc)
    return (scores.view(n_r, n_c, tr, tc, -1).permute(0, 2, 1, 3, 4)
            .reshape(n_r * tr, n_c * tc, -1)[:rows, :cols])


def _tiled(coords: torch.Tensor, abc: torch.Tensor, second: nn.Linear, rest: list[nn.Module],
           tc: int) -> torch.Tensor:
    """(tiles, points, classes): the second layer by the tile rule (module docstring), then the rest."""
    n_tiles, n_points, _ = coords.shape
    corners = coords[:, [0, tc - 1, n_points - tc, n_points - 1]] @ abc  # (tiles, 4, n1)
    on = corners.amin(1) > 0
    crossing = (corners.amax(1) > 0) & ~on
    w_t = second.weight.T  # (n1, n2)
    pqr = (on[:, None, :] * abc) @ w_t  # (tiles, 3, n2): x·P + y·Q + R from the units on throughout
    pqr[:, 2] += second.bias
    counts = crossing.sum(1)
    by_count = torch.argsort(counts)
    crossing_first = torch.sort(crossing.to(torch.int8), dim=1, descending=True, stable=True).indices
    out: torch.Tensor | None = None
    for start in range(0, n_tiles, PER_PASS):
        tiles = by_count[start:start + PER_PASS]
        k = int(counts[tiles[-1]])
        points = coords[tiles]
        z = torch.bmm(points, pqr[tiles])
        if k:
            units = crossing_first[tiles, :k]  # each tile's crossing units, padded with others
            real = crossing[tiles].gather(1, units)
            h = torch.bmm(points, abc[:, units].permute(1, 0, 2) * real[:, None, :]).relu_()  # padding: 0
            z.baddbmm_(h, w_t[units])
        z = z.view(-1, z.shape[-1])
        for module in rest:
            z = module(z)
        if out is None:
            out = z.new_empty(n_tiles, n_points, z.shape[-1])
        out[tiles] = z.view(len(tiles), n_points, -1)
    assert out is not None
    return out
