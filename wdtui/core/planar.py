"""Four 2-D binary datasets, the pictures every course draws regularization on.

On two features the model's whole function can be seen: its predicted probability over the
plane, and the line where it changes its mind. An unregularized network bends that line
around noisy points; weight decay straightens it. The shapes are the classics of
scikit-learn's gallery and TensorFlow Playground: moons, circles, XOR and a spiral.

`planar_tensors` imports nothing but torch and math, and calls nothing else from wdtui. That is
because the generated script (Code mode) carries this very function, copied from its source text.
"""

from __future__ import annotations

import math

import torch

PLANAR_KINDS = ("moons", "circles", "xor", "spiral")


def planar_tensors(kind: str, seed: int, rows: int, noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """`rows` points of a 2-D two-class shape, displaced by Gaussian noise of std `noise`.

    - moons: two interleaving half circles of radius 1, as scikit-learn's make_moons.
      Class 0 is the upper arc (cos t, sin t), class 1 the lower one (1 − cos t, ½ − sin t), t in [0, π].
    - circles: class 0 on the circle of radius 1, class 1 on the concentric one of radius ½.
    - xor: uniform in the square [−1, 1]². Class 1 is where x and y have the same sign
      (quadrants I and III), class 0 where they differ. No straight line separates them.
    - spiral: two arms winding 1¼ turns out from the centre to radius 1, half a turn apart.
      Class k is at angle 2.5π·r + kπ for radius r.

    The noise moves each coordinate by a draw from N(0, noise²). With noise 0 the classes are
    separable by the shape's own rule; with more noise they overlap. The labels alternate
    before shuffling, so the two classes differ in size by at most one row. The rows come in
    random order, so the first few show both classes. All draws come from a generator seeded by
    `seed`. So the same call gives the same rows, whatever else used torch's global generator.
    Returns the raw rows (N, 2) float64, rounded to 3 decimals as a CSV would hold them, and the
    labels (N,) int64.
    """
    if kind not in ("moons", "circles", "xor", "spiral"):
        raise ValueError(f"no 2-D dataset named {kind!r}: choose moons, circles, xor or spiral")
    g = torch.Generator().manual_seed(seed)
    labels = (torch.arange(rows) % 2)[torch.randperm(rows, generator=g)]
    first = labels == 0
    t, s = torch.rand(2, rows, generator=g, dtype=torch.float64)  # where on its shape each point sits
    if kind == "moons":
        angle = math.pi * t
        x = torch.where(first, torch.cos(angle), 1 - torch.cos(angle))
        y = torch.where(first, torch.sin(angle), 0.5 - torch.sin(angle))
    elif kind == "circles":
        angle, radius = 2 * math.pi * t, torch.where(first, 1.0, 0.5).double()
        x, y = radius * torch.cos(angle), radius * torch.sin(angle)
    elif kind == "xor":
        x = 2 * t - 1
        y = torch.where(first, -1.0, 1.0).double() * torch.sign(x) * s
    else:
        angle = 2.5 * math.pi * t + math.pi * labels
        x, y = t * torch.cos(angle), t * torch.sin(angle)
    raw = torch.stack([x, y], dim=1) + noise * torch.randn(rows, 2, generator=g, dtype=torch.float64)
    return raw.round(decimals=3), labels

