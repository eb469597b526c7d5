"""The decision boundary: the model's predicted probability over a plane of two input features.

Weight decay makes the learned *function* simpler, and on two features that can be seen and
measured. The view is a grid of the probability over the plane; two numbers sum it up:

- its **length**, the grid cells whose predicted class differs from the right or the lower
  neighbour: a boundary that bends around noisy points is longer than a smooth one;
- the **smoothness number**, the mean norm of ∂p/∂x (p the predicted class's probability,
  x the z-scored input) over the validation rows: how fast the prediction turns near real
  data. Smaller is smoother.

Everything is in z-score units, the space the model sees. With more than two features the
plane is a slice: the other features are held at one value (0 = their training mean).
"""

from __future__ import annotations

import torch
from torch import nn

from .data import Dataset
from .measures import Boundary, PlaneRows
from .model import in_parts, logits_of
from .tiles import plane_logits

GRID_SHAPE = (96, 160)  # (rows, columns): a 160 × 48 character area drawn with half blocks
MARGIN = 0.1  # share of the data's span left free on each side of the plane
CHUNK = 1024  # grid points per forward pass: the layers' outputs stay in the CPU's cache
MAX_ROWS = 1000  # rows drawn on a picture at most (the seed run's 1000 all are)


def default_plane(model: nn.Sequential) -> tuple[int, int]:
    """The two input features the first layer weighs most (largest weight column norms), in
    feature order. With exactly two features, (0, 1): the plane is the whole input."""
    first = next(m for m in model if isinstance(m, nn.Linear))
    if first.in_features < 2:
        raise ValueError("a plane needs two input features; this model has one")
    norms = first.weight.detach().norm(dim=0)
    return tuple(sorted(norms.topk(2).indices.tolist()))  # type: ignore[return-value]


def plane_extent(x: torch.Tensor, features: tuple[int, int], margin: float = MARGIN) -> tuple[float, float, float, float]:
    """(x0, x1, y0, y1): the span of rows `x` on the two features, widened by `margin` of it
    on every side, so the points do not sit on the picture's edge."""
    xy = x[:, list(features)]
    lo, hi = xy.min(dim=0).values, xy.max(dim=0).values
    pad = (hi - lo).clamp(min=1e-6) * margin
    (x0, y0), (x1, y1) = (lo - pad).tolist(), (hi + pad).tolist()
    return x0, x1, y0, y1


def grid_points(n_features: int, features: tuple[int, int], extent: tuple[float, float, float, float],
                shape: tuple[int, int] = GRID_SHAPE, held: float = 0.0) -> torch.Tensor:
    """The input rows (rows·cols, n_features) at the centres of the grid's cells, row by row.

    Row 0 is the top of the picture (largest y), column 0 its left (smallest x), as a screen
    draws them. Features off the plane take the value `held`.
    """
    (x0, x1, y0, y1), (rows, cols) = extent, shape
    xs = x0 + (torch.arange(cols) + 0.5) * (x1 - x0) / cols
    ys = y1 - (torch.arange(rows) + 0.5) * (y1 - y0) / rows
    points = torch.full((rows * cols, n_features), float(held))
    points[:, features[0]] = xs.repeat(rows)
    points[:, features[1]] = ys.repeat_interleave(cols)
    return points


@torch.no_grad()
def probability_grid(model: nn.Sequential, features: tuple[int, int], extent: tuple[float, float, float, float],
                     shape: tuple[int, int] = GRID_SHAPE, held: float = 0.0) -> tuple[torch.Tensor, torch.Tensor]:
    """(probability, predicted class), each (rows, cols), of the model over the plane.

    The probability is of class 1 for two classes (the shade a two-colour map needs), and of
    the predicted class for more. Without autograd, tile by tile (core/tiles.py: the same
    numbers as a forward pass of every point, for about half the arithmetic); a model that is
    not a Linear/ReLU chain gets the plain forward pass, in chunks of CHUNK points (one pass
    over all of them is twice as slow: its outputs spill from the cache).
    """
    logits = plane_logits(model, features, extent, shape, held)
    if logits is None:
        n_features = next(m for m in model if isinstance(m, nn.Linear)).in_features
        points = grid_points(n_features, features, extent, shape, held)
        logits = torch.cat([model(chunk) for chunk in points.split(CHUNK)])
    logits = logits.reshape(-1, logits.shape[-1])
    classes = logits.argmax(dim=1)
    if logits.shape[1] == 2:  # softmax's p1 is σ(z1 − z0): the same number, without a slow softmax over 2
        shown = torch.sigmoid(logits[:, 1] - logits[:, 0])
    else:
        shown = torch.softmax(logits, dim=1).gather(1, classes[:, None])[:, 0]
    return shown.view(shape), classes.view(shape)


def boundary_length(classes: torch.Tensor) -> int:
    """How many cells of a (rows, cols) class grid differ from their right or lower neighbour.

    A straight boundary across the grid counts about one cell per row (or column) it crosses;
    one that curls around single points counts many more.
    """
    edge = torch.zeros_like(classes, dtype=torch.bool)
    edge[:, :-1] |= classes[:, :-1] != classes[:, 1:]
    edge[:-1, :] |= classes[:-1, :] != classes[1:, :]
    return int(edge.sum())


def gradient_norm(model: nn.Sequential, x: torch.Tensor) -> float:
    """The mean over rows `x` of ‖∂p/∂x‖, p the probability of the row's predicted class.

    One backward pass per part of the rows (model.in_parts): each row's p depends on its own
    input only, so the gradient of their sum holds every row's gradient, and a part at a time
    the autograd graph stays small on a big CSV. `autograd.grad` leaves the model's parameter
    gradients untouched, so this may run between two optimizer steps.
    """
    return float(torch.cat([_gradient_norms(model, part) for part in in_parts(x)]).mean())


def _gradient_norms(model: nn.Sequential, x: torch.Tensor) -> torch.Tensor:
    """‖∂p/∂x‖ of each row of `x` (see gradient_norm)."""
    with torch.enable_grad():
        x = x.detach().clone().requires_grad_(True)
        probs = torch.softmax(model(x), dim=1)
        p = probs.gather(1, probs.argmax(dim=1, keepdim=True))
        (grad,) = torch.autograd.grad(p.sum(), x)
    return grad.norm(dim=1)


def plane_columns(data: Dataset, features: tuple[int, int]) -> torch.Tensor:
    """(N, 2): the training rows, then the validation rows, on the plane's two features alone
    (a fraction of all their columns: a big CSV's rows are never copied whole for a picture)."""
    columns = list(features)
    return torch.cat([data.x_train[:, columns], data.x_val[:, columns]])


@torch.no_grad()
def plane_rows(model: nn.Sequential, data: Dataset, xy: torch.Tensor, limit: int = MAX_ROWS) -> PlaneRows:
    """The training rows, then the validation rows, as their plane columns `xy` place them, with
    the class the model predicts for each; of more than `limit` rows, `limit` spread evenly over
    them. The predictions are made a part at a time (model.logits_of)."""
    labels = torch.cat([data.y_train, data.y_val])
    predicted = logits_of(model, data.x_train, data.x_val).argmax(dim=1)
    training = torch.arange(len(xy)) < len(data.y_train)
    wrong = int((predicted != labels).sum())
    if len(xy) > limit:
        keep = torch.linspace(0, len(xy) - 1, limit).round().long()
        xy, labels, predicted, training = xy[keep], labels[keep], predicted[keep], training[keep]
    return PlaneRows(
        x=tuple(xy[:, 0].tolist()), y=tuple(xy[:, 1].tolist()), label=tuple(labels.tolist()),
        predicted=tuple(predicted.tolist()), training=tuple(training.tolist()),
        total=len(data.y_train) + len(data.y_val), misclassified=wrong,
    )


def boundary(model: nn.Sequential, data: Dataset, features: tuple[int, int] | None = None,
             shape: tuple[int, int] = GRID_SHAPE, held: float = 0.0) -> Boundary:
    """The Boundary record of `model` over the plane of `features` (by default the two the
    first layer weighs most), spanning all rows of `data`, with the rows on it; smoothness
    over its validation rows.

    The probabilities are rounded to 6 decimals: float32 holds about 7 significant digits, and
    the JSON of a 160 × 96 grid is half as long without the digits that mean nothing.
    """
    features = features if features is not None else default_plane(model)
    xy = plane_columns(data, features)
    extent = plane_extent(xy, (0, 1))
    probs, classes = probability_grid(model, features, extent, shape, held)
    names = data.table.feature_names
    return Boundary(
        features=features, feature_names=(names[features[0]], names[features[1]]), held=held,
        extent=extent, shape=shape,
        probabilities=tuple(tuple(row) for row in probs.double().round(decimals=6).tolist()),
        classes=tuple(map(tuple, classes.tolist())),
        length=boundary_length(classes), gradient_norm=gradient_norm(model, data.x_val),
        n_features=data.n_features, rows=plane_rows(model, data, xy),
    )
