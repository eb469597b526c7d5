"""Each layer's weights as a histogram, the form TensorBoard keeps: min, max, count, sum, sum of
squares, and a count per bucket with the buckets' right edges.

The run store keeps one per layer per epoch, so `wdtui runs tensorboard` draws a stored run's
weight histograms as `--tensorboard` drew them live. K copies of a layer (a sweep's stacked
network, shape K × out × in) are binned at once, each over its own range: a handful of tensor
operations for all of them, not K. The bins follow the Rice rule as the Weights mode's do,
2·∛n for a layer of n weights (at least 8).
"""

from __future__ import annotations

from typing import Any, Callable, Sequence

import torch
from torch import nn

from .model import linear_layers

Histogram = dict[str, Any]  # {"min", "max", "num", "sum", "sum_squares", "limits", "counts"}


def bins_for(n: int) -> int:
    return max(8, round(2 * n ** (1 / 3)))


@torch.no_grad()
def raw_histograms(layers: Sequence[tuple[str, torch.Tensor]]) -> list[dict[str, Histogram]]:
    """For (layer name, weights of shape K × …) pairs, each copy's {layer: histogram}."""
    copies = layers[0][1].shape[0] if layers else 0
    out: list[dict[str, Histogram]] = [{} for _ in range(copies)]
    for name, weights in layers:
        w = weights.detach().reshape(copies, -1).double()
        n = w.shape[1]
        bins = bins_for(n)
        low, high = w.aminmax(dim=1)
        span = (high - low).clamp_min(1e-12)[:, None]  # all alike (say, all 0): one full bucket
        index = ((w - low[:, None]) / span * bins).long().clamp_(0, bins - 1)
        counts = torch.zeros(copies, bins, dtype=torch.float64).scatter_add_(1, index, torch.ones_like(w))
        limits = low[:, None] + span * torch.arange(1, bins + 1, dtype=torch.float64) / bins
        limits[:, -1] = high  # the last bucket ends at the largest weight, exactly
        numbers = torch.stack([low, high, w.sum(1), (w * w).sum(1)], dim=1).tolist()
        for k, ((lo, hi, total, squares), edges, count) in enumerate(zip(numbers, limits.tolist(),
                                                                         counts.long().tolist())):
            out[k][name] = {"min": lo, "max": hi, "num": n, "sum": total, "sum_squares": squares,
                            "limits": edges, "counts": count}
    return out


def histograms_later(model: nn.Sequential) -> Callable[[], dict[str, Histogram]]:
    """The model's weight histograms as they are now, computed when called: the weights are
    copied at once (microseconds) and binned by whoever calls, say the run store's writer
    thread, so the training thread does not pay for the binning."""
    with torch.no_grad():
        layers = [(name, linear.weight.detach().clone().unsqueeze(0)) for name, linear in linear_layers(model)]
    return lambda: raw_histograms(layers)[0]
