"""Each layer's weights as a histogram, the form TensorBoard keeps.

That form is min, max, count, sum, sum of squares, and a count per bucket with the buckets'
right edges.

The run store keeps one per layer at up to HISTOGRAMS_PER_RUN epochs of a run. So `wdtui runs
tensorboard` draws a stored run's weight histograms as `--tensorboard` drew them live. K copies
of a layer (a sweep's stacked network, K × out × in) are binned at once, each over its own
range. The bins follow the Rice rule as the Weights mode's do, 2·∛n for a layer of n weights (at
least 8).

The binning runs in NumPy, on copies of the weights. Binning a small network's two layers takes
about 60 µs there, against 150 µs of torch's per-call overhead. And a copy can be binned on
another thread (the run store's writer) while the model trains on.
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence

import numpy as np

from .measures import WeightHistogram

if TYPE_CHECKING:
    from torch import nn

Histogram = dict[str, Any]  # {"min", "max", "num", "sum", "sum_squares", "limits", "counts"}

# A run's weight histograms are kept at this many of its epochs at most, evenly spaced, and at
# its last. A run of 50 epochs keeps every one; the moons preset's 300 keep every 6th. Binning
# them every epoch cost the app's moons run a sixth again of its training on the trainer's
# other threads, for slices TensorBoard draws 50 of as well as 300.
HISTOGRAMS_PER_RUN = 50


def keeps_histograms(epoch: int, epochs: int) -> bool:
    """Whether epoch `epoch` of a run of `epochs` epochs keeps its weight histograms."""
    return epoch % max(1, math.ceil(epochs / HISTOGRAMS_PER_RUN)) == 0 or epoch >= epochs


def bins_for(n: int) -> int:
    return max(8, round(2 * n ** (1 / 3)))


def raw_histograms(layers: Sequence[tuple[str, np.ndarray]]) -> list[dict[str, Histogram]]:
    """Each copy's {layer: histogram}, for (layer name, weights of shape K × …) pairs.

    A copy whose weights are not all finite (a sweep's λ that diverged) gets no histograms, {}."""
    copies = layers[0][1].shape[0] if layers else 0
    out: list[dict[str, Histogram]] = [{} for _ in range(copies)]
    broken: set[int] = set()
    for name, weights in layers:
        w = np.asarray(weights, dtype=np.float64).reshape(copies, -1)
        finite = np.isfinite(w).all(axis=1)
        if not finite.all():
            broken.update(np.flatnonzero(~finite).tolist())
            w = np.where(finite[:, None], w, 0.0)
        n = w.shape[1]
        bins = bins_for(n)
        low, high = w.min(axis=1), w.max(axis=1)
        span = np.maximum(high - low, 1e-12)[:, None]  # all alike (say, all 0): one full bucket
        index = ((w - low[:, None]) * (bins / span)).astype(np.int64)
        np.clip(index, 0, bins - 1, out=index)
        index += np.arange(copies)[:, None] * bins  # one bincount for every copy
        counts = np.bincount(index.ravel(), minlength=copies * bins).reshape(copies, bins)
        limits = low[:, None] + span * (np.arange(1, bins + 1) / bins)
        limits[:, -1] = high  # the last bucket ends at the largest weight, exactly
        sums, squares = w.sum(axis=1), np.einsum("ij,ij->i", w, w)
        for k in range(copies):
            out[k][name] = {"min": float(low[k]), "max": float(high[k]), "num": n, "sum": float(sums[k]),
                            "sum_squares": float(squares[k]), "limits": limits[k].tolist(),
                            "counts": counts[k].tolist()}
    return [{} if k in broken else h for k, h in enumerate(out)]


def raw_histograms_later(layers: Sequence[tuple[str, np.ndarray]]) -> list[Callable[[], dict[str, Histogram]]]:
    """`raw_histograms(layers)`, one function per copy, binned when the first is called.

    The weights are copied now (a sweep's 16 networks in a fraction of a millisecond). The
    binning (milliseconds for all 16) is left to whoever calls, say the run store's writing
    thread, so the sweep's training thread does not pay for it. Copy k's function returns {}
    if its weights are not all finite."""
    copies = [(name, np.array(weights, copy=True)) for name, weights in layers]
    binned: list[list[dict[str, Histogram]]] = []

    def copy(k: int) -> dict[str, Histogram]:
        if not binned:  # the calls come from one thread, in order: bin once, for all copies
            binned.append(raw_histograms(copies))
        return binned[0][k]

    return [partial(copy, k) for k in range(copies[0][1].shape[0] if copies else 0)]


def weight_histograms(models: Sequence[Mapping[str, np.ndarray]]) -> list[WeightHistogram]:
    """Per layer, the counts of each model's weights (a ModelView's `weights`) over one set of bins.

    The bins span all the models, symmetric about 0. So two models' histograms of a layer can be
    laid over each other: the Weights mode shows the run beside its λ = 0 twin. The bins follow
    the Rice rule, as above. A 2×32 layer gets 8, a 256×20 one 35, so a small layer is not all
    empty bins and spikes."""
    out = []
    for name in models[0]:
        weights = [np.asarray(m[name], dtype=np.float64).ravel() for m in models]
        bins = bins_for(weights[0].size)
        bound = max(float(np.abs(w).max()) for w in weights) or 1.0
        edges = np.linspace(-bound, bound, bins + 1)
        counts = tuple(tuple(int(c) for c in np.histogram(w, edges)[0]) for w in weights)
        out.append(WeightHistogram(name, tuple(edges.tolist()), counts))
    return out


def histograms_later(model: nn.Sequential) -> Callable[[], dict[str, Histogram]]:
    """The model's weight histograms as they are now, made when called.

    The weights are copied at once (a few microseconds). Whoever calls bins them, say the run
    store's writing thread, so the training thread does not pay for the binning."""
    from .model import linear_layers

    return raw_histograms_later([(name, linear.weight.detach().numpy()[None]) for name, linear in linear_layers(model)])[0]
