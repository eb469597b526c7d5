"""What is measured on a model or its optimizer at one moment, as frozen torch-free records.

They are one update taken apart, the weights' histograms, and a decision boundary. The
presentation room and the app read them without importing torch.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UpdateAnatomy:
    """One weight's change in one optimizer step, split into the parts that made it.

    `gradient_part + decay_part + momentum_part` is the change the optimizer made, to float
    rounding. `after` is the weight as the model holds it after that step. So the two can be
    checked against each other on screen.
    """

    optimizer: str  # "sgd", "adam" or "adamw"
    layer: str
    index: tuple[int, int]  # (output unit, input) in the layer's weight matrix
    shape: tuple[int, int]
    epoch: int
    step: int  # the global step number of this update
    lr: float  # γ
    weight_decay: float  # λ
    momentum: float  # μ for SGD, β1 for Adam and AdamW
    adam_step: int  # t, Adam's step count for the bias corrections (0 for SGD)
    theta: float  # θ before the step
    grad: float  # g = ∇L of the batch: the data loss's gradient, decay not included
    first: float  # the momentum buffer (SGD) or first moment m (Adam) before the step
    gradient_part: float
    decay_part: float
    momentum_part: float  # what earlier steps still push through the momentum / first moment
    scale: float  # the gradient part is −scale·g: γ for SGD, γ(1−β1)/((1−β1^t)(√v̂+ε)) for Adam(W)
    denominator: float | None  # √v̂ + ε, the adaptive scaling (None for SGD)
    shrink: float  # 1 − γλ, the nominal shrink factor
    effective_shrink: float  # what the decay part multiplied θ by in this step
    after: float | None = None  # θ in the model after the step, when the model was given

    @property
    def change(self) -> float:
        """The sum of the parts: the update the optimizer applied."""
        return self.gradient_part + self.decay_part + self.momentum_part


@dataclass(frozen=True)
class WeightHistogram:
    """How one layer's weights are spread, for one or more models over the same bins."""

    layer: str
    edges: tuple[float, ...]  # bins + 1 edges
    counts: tuple[tuple[int, ...], ...]  # per model, `bins` counts


@dataclass(frozen=True)
class PlaneRows:
    """The data's rows as a boundary view draws them.

    Each row has its place on the plane (z-scores of the plane's two features) and its true
    class. It also has the class the model predicts for it, from all its features, not only the
    two shown. And it says whether it is a training row.

    A picture of a few thousand cells cannot show tens of thousands of rows. So past a limit
    these are an evenly spread sample; `total` and `misclassified` count every row."""

    x: tuple[float, ...]
    y: tuple[float, ...]
    label: tuple[int, ...]
    predicted: tuple[int, ...]
    training: tuple[bool, ...]
    total: int  # rows in the data
    misclassified: int  # of all of them


@dataclass(frozen=True)
class Boundary:
    """The model's predicted probability over a plane of two input features.

    Two numbers sum it up (computed in core/boundary.py). All coordinates are z-scores, the space
    the model sees. The features off the plane are held at `held` (0 = their training mean).

    Grid cell [r][c] is the cell centre at row r from the top (largest y). Its column c counts
    from the left (smallest x), as a screen draws it.
    """

    features: tuple[int, int]  # the plane's two features: x axis, y axis (column numbers)
    feature_names: tuple[str, str]
    held: float  # the value of every feature off the plane
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1
    shape: tuple[int, int]  # (rows, columns) of the grid
    probabilities: tuple[tuple[float, ...], ...]  # P(class 1); for K > 2 classes, P(predicted class)
    classes: tuple[tuple[int, ...], ...]  # the predicted class of each cell
    length: int  # cells whose predicted class differs from the right or the lower neighbour
    gradient_norm: float  # the smoothness number: mean ‖∂p/∂x‖ over the validation rows
    n_features: int = 2  # of the data: with more than two, the plane is a slice
    rows: PlaneRows | None = None  # the data's rows on the plane, training rows first
