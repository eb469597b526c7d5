"""The six data stages, each with its shapes and the same real row as its example.

Data in → Preprocessing → Feature Engineering → Model Trains → Metrics → Prediction.
The examples come from the run's own data and current model, so after training the
stages show what the trained model does to that row.
"""

from __future__ import annotations

import math

from .config import OPTIMIZER_NAMES
from .records import EpochRecord, Prediction, Setup, Stage


def _vec(values: tuple[float, ...], digits: int = 2, limit: int = 6) -> str:
    shown = ", ".join(f"{v:.{digits}f}" for v in values[:limit])
    return f"[{shown}{', …' if len(values) > limit else ''}]"


def build_stages(setup: Setup, prediction: Prediction, metrics: EpochRecord | tuple[float, float, float, float],
                 optimizer: str, weight_decay: float) -> list[Stage]:
    """`metrics` is the latest epoch record, or (train_loss, train_acc, val_loss, val_acc) of
    the untrained model before any epoch has run."""
    n, d, k = setup.n_rows, len(setup.feature_names), setup.n_classes
    row = prediction.row
    raw = prediction.layers[0].extra["raw"]
    norm = prediction.layers[0].values
    logits = prediction.layers[-2].values
    true = setup.class_names[prediction.true_class]
    if isinstance(metrics, EpochRecord):
        tl, ta, vl, va = metrics.train_loss, metrics.train_acc, metrics.val_loss, metrics.val_acc
        when = f"after epoch {metrics.epoch}"
    else:
        tl, ta, vl, va = metrics
        when = "untrained model"
    j = 0  # the first column, worked through in full
    p_true = prediction.probabilities[prediction.true_class]
    return [
        Stage("Data in", f"{n} × {d}", f"{n} × {d} + {n} labels",
              f"{n} rows of {d} raw features ({setup.source}), labels in {k} classes; "
              f"split {setup.n_train} training / {setup.n_val} validation",
              f"row {row} ({prediction.split}): {_vec(raw)} → label {true}"),
        Stage("Preprocessing", f"{n} × {d}", f"{n} × {d}",
              f"z-score each column with its mean and std fitted on the {setup.n_train} training rows only",
              (f"{setup.feature_names[j]}: ({raw[j]:.2f} − {setup.mean[j]:.2f}) / {setup.std[j]:.2f} = {norm[j]:.2f}"
               if setup.std[j] > 0 else
               f"{setup.feature_names[j]} is constant on the training rows (std 0): its z-score is 0")
              + f"; row {row} → {_vec(norm)}"),
        Stage("Feature Engineering", f"{n} × {d}", f"{n} × {d}",
              f"no features added: the {d} normalized columns pass on unchanged",
              f"row {row} → {_vec(norm)} (same values)"),
        Stage("Model Trains", f"{n} × {d}", f"{n} × {k}",
              f"network {setup.architecture}, {setup.parameter_count} parameters, "
              f"{OPTIMIZER_NAMES[optimizer]} with λ = {weight_decay:g}, cross-entropy loss",
              f"row {row} → logits {_vec(logits, 3)}"),
        Stage("Metrics", f"{n} × {k} + labels", "loss, accuracy",
              f"mean cross-entropy (data loss, penalty excluded) and accuracy, {when}",
              f"train loss {tl:.3f}, acc {ta:.1%}; val loss {vl:.3f}, acc {va:.1%}; "
              f"row {row}: −log p(true) = {-math.log(max(p_true, 1e-300)):.3f}"),
        Stage("Prediction", f"1 × {d}", f"1 × {k}",
              "softmax turns one row's logits into class probabilities",
              f"row {row}: p = {_vec(prediction.probabilities, 3)} → class "
              f"{setup.class_names[prediction.predicted_class]} (true {true})"),
    ]
