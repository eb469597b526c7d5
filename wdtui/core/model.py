"""The network: Linear → ReLU → … → Linear, class scores out; softmax only at read-out.

Cross-entropy takes the raw logits (it applies log-softmax itself, stably), so the model
ends at the last Linear; the probabilities are computed where they are shown.
"""

from __future__ import annotations

import threading
from typing import Sequence

import torch
from torch import nn

from .records import WeightHistogram

# nn.Linear draws its initial weights from torch's one global generator. The app builds
# models on several worker threads at once (the run, the Compare twins, the sweep); without
# this lock their draws interleave and a model no longer gets its seed's weights.
_GLOBAL_RNG = threading.Lock()


def build_model(n_features: int, hidden: tuple[int, ...], n_classes: int, seed: int) -> nn.Sequential:
    """A feed-forward network whose initial weights depend on `seed` alone, on any thread."""
    sizes = (n_features, *hidden)
    layers: list[nn.Module] = []
    with _GLOBAL_RNG:
        torch.manual_seed(seed)
        for fan_in, fan_out in zip(sizes, sizes[1:]):
            layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
        layers.append(nn.Linear(sizes[-1], n_classes))
    return nn.Sequential(*layers)


def linear_layers(model: nn.Sequential) -> list[tuple[str, nn.Linear]]:
    """The Linear layers with readable names: hidden1, hidden2, …, output."""
    linears = [m for m in model if isinstance(m, nn.Linear)]
    names = [f"hidden{i}" for i in range(1, len(linears))] + ["output"]
    return list(zip(names, linears))


def architecture(model: nn.Sequential) -> str:
    """`10 → 32 (ReLU) → 2`: the shape of the network in one line."""
    linears = [m for _, m in linear_layers(model)]
    hidden = "".join(f" → {m.out_features} (ReLU)" for m in linears[:-1])
    return f"{linears[0].in_features}{hidden} → {linears[-1].out_features}"


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def layer_norms(model: nn.Sequential) -> dict[str, float]:
    """‖W‖ of each Linear layer's weight matrix, by layer name."""
    with torch.no_grad():
        return {name: float(m.weight.norm()) for name, m in linear_layers(model)}


def weight_histograms(models: Sequence[nn.Sequential]) -> list[WeightHistogram]:
    """Per layer, the counts of each model's weights over one set of bins spanning them all
    (symmetric about 0), so two models' histograms of a layer can be laid over each other.

    The bins follow the Rice rule, 2·∛n for a layer of n weights (at least 8): a 2×32 layer
    gets 8, a 256×20 one 35, so a small layer is not all empty bins and spikes.
    """
    out = []
    with torch.no_grad():
        for layers in zip(*(linear_layers(m) for m in models)):
            weights = [m.weight.flatten() for _, m in layers]
            bins = max(8, round(2 * weights[0].numel() ** (1 / 3)))
            bound = max(float(w.abs().max()) for w in weights) or 1.0
            edges = torch.linspace(-bound, bound, bins + 1)
            counts = tuple(tuple(int(c) for c in torch.histc(w, bins, -bound, bound)) for w in weights)
            out.append(WeightHistogram(layers[0][0], tuple(edges.tolist()), counts))
    return out
