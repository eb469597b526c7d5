"""The network: Linear → ReLU → … → Linear, class scores out; softmax only at read-out.

Cross-entropy takes the raw logits and applies log-softmax itself, stably. So the model ends at
the last Linear, and the probabilities are computed where they are shown.
"""

from __future__ import annotations

import copy
import math
import weakref
from itertools import accumulate
from typing import TYPE_CHECKING, Iterator

import torch
from torch import nn

if TYPE_CHECKING:
    import numpy as np

PART_ROWS = 16_384  # rows per forward pass when a model reads many: its layers' outputs stay small


def build_model(n_features: int, hidden: tuple[int, ...], n_classes: int, seed: int) -> nn.Sequential:
    """A feed-forward network whose initial weights depend on `seed` alone, on any thread.

    The weights are drawn as nn.Linear draws them: Kaiming-uniform weights, biases uniform in
    ±1/√fan_in. So they equal `torch.manual_seed(seed)` followed by the plain layers. But they
    come from a generator of the model's own. The app builds models on several threads at once
    (the run, the Compare twins, the sweep), and torch's one global generator would interleave
    their draws.
    """
    g = torch.Generator().manual_seed(seed)
    sizes = (n_features, *hidden, n_classes)
    layers: list[nn.Module] = []
    for fan_in, fan_out in zip(sizes, sizes[1:]):
        linear = nn.Linear(fan_in, fan_out)
        with torch.no_grad():
            nn.init.kaiming_uniform_(linear.weight, a=math.sqrt(5), generator=g)
            nn.init.uniform_(linear.bias, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in), generator=g)
        layers += [linear, nn.ReLU()]
    return nn.Sequential(*layers[:-1])


def frozen_copy(model: nn.Sequential) -> nn.Sequential:
    """A copy of the network that no one trains: its own tensors, the same layers.

    A Linear → ReLU chain is rebuilt layer by layer around clones of its tensors. That takes a
    fraction of copy.deepcopy's time, which walks every attribute of every module in Python.
    It matters because the app copies its model at every epoch end. Any other network is deep-copied.
    """
    if not all(isinstance(m, (nn.Linear, nn.ReLU)) for m in model):
        return copy.deepcopy(model)
    layers: list[nn.Module] = []
    for m in model:
        if isinstance(m, nn.ReLU):
            layers.append(nn.ReLU())
            continue
        linear = nn.Linear.__new__(nn.Linear)  # no __init__: its random initialisation is wasted work
        nn.Module.__init__(linear)
        linear.in_features, linear.out_features = m.in_features, m.out_features
        linear.weight = nn.Parameter(m.weight.detach().clone())
        linear.bias = nn.Parameter(m.bias.detach().clone()) if m.bias is not None else None
        layers.append(linear)
    return nn.Sequential(*layers).train(model.training)


def copy_weights(into: nn.Sequential, model: nn.Sequential) -> nn.Sequential:
    """`into`, an earlier frozen_copy of `model` that no one else holds, with `model`'s weights now.

    They are copied in place: 9 µs for the moons preset's 2 → 128 → 128 → 2, where a new copy
    builds a network around new tensors in 100 µs, at every epoch end of a run."""
    with torch.no_grad():
        for mine, theirs in zip(_parameters(into), _parameters(model)):
            mine.copy_(theirs)
    return into


_LISTED: weakref.WeakKeyDictionary[nn.Module, list[torch.Tensor]] = weakref.WeakKeyDictionary()


def _parameters(model: nn.Module) -> list[torch.Tensor]:
    """`model.parameters()`, listed once per model: walking its modules for them took 6 µs a call,
    two calls at every epoch end. No network here has its parameters replaced once built."""
    listed = _LISTED.get(model)
    if listed is None:
        listed = _LISTED[model] = list(model.parameters())
    return listed


def in_parts(*xs: torch.Tensor, rows: int = PART_ROWS) -> Iterator[torch.Tensor]:
    """The rows of `xs`, one tensor's after another's, in near-equal parts of at most `rows` rows:
    all in one part when they are no more (a view when they are one tensor), and never a copy
    of them all. A model reads a part at a time, so a million rows never make their hidden
    layers' outputs at once (a 200 MB CSV's evaluation took 200 MB more that way). Each row's
    outputs are the same floats as from one pass over all the rows: a matrix product's kernel
    depends on the row count only for a handful of rows, and no part is that small."""
    n = sum(map(len, xs))
    k = max(1, math.ceil(n / rows))
    starts = [0, *accumulate(map(len, xs))]
    for i in range(k):
        a, b = i * n // k, (i + 1) * n // k
        pieces = [x[max(a - s, 0):b - s] for x, s in zip(xs, starts) if s < b and s + len(x) > a]
        yield pieces[0] if len(pieces) == 1 else torch.cat(pieces)


@torch.no_grad()
def logits_of(model: nn.Module, *xs: torch.Tensor) -> torch.Tensor:
    """The model's outputs for the rows of `xs`, one tensor's after another's, computed a part
    at a time (see `in_parts`)."""
    parts = list(in_parts(*xs))
    return model(parts[0]) if len(parts) == 1 else torch.cat([model(part) for part in parts])


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


def weights_of(model: nn.Sequential) -> dict[str, "np.ndarray"]:
    """Each Linear layer's weight matrix, by layer name, copied out as NumPy arrays.

    That is what a reader in another process (the app) needs of the model for its histograms and anatomy."""
    with torch.no_grad():
        return {name: m.weight.detach().numpy().copy() for name, m in linear_layers(model)}
