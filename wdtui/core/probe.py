"""The prediction trace: one row followed layer by layer through the current model.

Each Linear is applied by hand from the model's own weights. So every intermediate value
(pre-activation, activation, logits) is the one the model computes, and the trace can show it.
"""

from __future__ import annotations

import torch
from torch import nn

from .data import Dataset
from .table import DataError
from .model import linear_layers
from .records import Layer, Prediction


def checked_row(data: Dataset, row: int | None) -> int:
    """`row` if the data has it, else a DataError; None is the first validation row, one the
    model never trained on."""
    if row is None:
        return int(data.val_idx[0])
    n = len(data.labels)
    if not 0 <= row < n:
        raise DataError(f"row {row} is out of range: the data has rows 0 to {n - 1}")
    return row


@torch.no_grad()
def predict_row(model: nn.Sequential, data: Dataset, row: int) -> Prediction:
    """Input → Hidden (ReLU) … → Output (logits) → Softmax for table row `row`."""
    raw = data.raw(row)
    h = data.normalize(raw)
    layers = [Layer("Input", f"1 × {h.numel()}", tuple(h.tolist()), {"raw": tuple(raw.tolist())})]
    named = linear_layers(model)
    for i, (_, linear) in enumerate(named[:-1], start=1):
        pre = linear(h)
        h = torch.relu(pre)
        name = "Hidden" if len(named) == 2 else f"Hidden {i}"
        layers.append(Layer(f"{name} (ReLU)", f"1 × {h.numel()}", tuple(h.tolist()), {
            "pre_activation": tuple(pre.tolist()),
            "active": int((h > 0).sum()),
            "units": h.numel(),
        }))
    logits = named[-1][1](h)
    layers.append(Layer("Output (Linear)", f"1 × {logits.numel()}", tuple(logits.tolist())))
    # Softmax shifted by the largest logit, as every stable implementation does; the
    # shift cancels in the ratio, and the trace shows the exponentials actually summed.
    shifted = torch.exp(logits.double() - logits.double().max())
    probs = shifted / shifted.sum()
    layers.append(Layer("Softmax", f"1 × {probs.numel()}", tuple(probs.tolist()), {
        "exp": tuple(shifted.tolist()),
        "sum_exp": float(shifted.sum()),
        "shift": float(logits.max()),
    }))
    return Prediction(
        row=row, split=data.split_of(row), layers=tuple(layers), probabilities=tuple(probs.tolist()),
        predicted_class=int(probs.argmax()), true_class=int(data.labels[row]),
        class_names=data.table.class_names,
    )
