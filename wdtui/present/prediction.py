"""Plain-text renderings of the prediction trace, shared by `wdtui trace` and Inspect.

Both show the same layer the same way: the softmax formula evaluated on the logits, the ReLU's
pre-activations and active count. So the words live here once. No Rich, no Textual, no torch:
strings made only from the records' numbers.
"""

from __future__ import annotations

from ..core.records import Layer, Prediction


def vector(values: tuple[float, ...], digits: int = 3) -> str:
    """`[0.123, -4.560]`: every value, fixed decimals."""
    return "[" + ", ".join(f"{v:.{digits}f}" for v in values) + "]"


def softmax_text(p: Prediction) -> str:
    """The softmax of the logits, written out: the formula, the exponentials, their sum."""
    layer = p.layers[-1]
    shift, exps, total = layer.extra["shift"], layer.extra["exp"], layer.extra["sum_exp"]
    terms = " + ".join(f"{e:.4f}" for e in exps)
    return (f"p_k = e^(z_k − {shift:.3f}) / Σ_j e^(z_j − {shift:.3f}) with z = {vector(p.layers[-2].values)}\n"
            f"= [{', '.join(f'{e:.4f}' for e in exps)}] / ({terms} = {total:.4f})\n"
            f"= {vector(layer.values, 4)}")


def relu_text(layer: Layer) -> str:
    """A hidden layer: its pre-activations, what ReLU makes of them, how many units fire."""
    return (f"pre-activation {vector(layer.extra['pre_activation'], 2)}\n"
            f"ReLU → {vector(layer.values, 2)}\n"
            f"{layer.extra['active']} of {layer.extra['units']} units active")


def layer_text(p: Prediction, layer: Layer) -> str:
    """One layer of `p` as the trace table and Inspect print it."""
    if "pre_activation" in layer.extra:
        return relu_text(layer)
    if layer.name == "Softmax":
        return softmax_text(p)
    if layer.name == "Input":
        return f"{vector(layer.values, 2)}  (z-scored from raw {vector(layer.extra['raw'], 2)})"
    return vector(layer.values)


def result_text(p: Prediction) -> str:
    """Predicted vs true class, and whether they agree."""
    names = p.class_names
    mark = "✓ correct" if p.correct else "✗ wrong"
    return (f"predicted class {names[p.predicted_class]} (p = {p.probabilities[p.predicted_class]:.3f}), "
            f"true class {names[p.true_class]}: {mark}")
