"""One layer of the prediction trace as a panel: its values, and for ReLU a bar view.

The words are wdtui.present.prediction's, the same that `wdtui trace` prints; the panels only
add pictures of the same numbers (bars for activations and probabilities).
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from ...core.records import Layer, Prediction
from ...present.prediction import layer_text

BLOCKS = " ▁▂▃▄▅▆▇█"


def activation_bars(values: tuple[float, ...]) -> Text:
    """One column per unit, height ∝ activation; a dim dot for a unit ReLU switched off."""
    top = max(values, default=0.0)
    text = Text()
    for v in values:
        if v <= 0:
            text.append("·", style="dim")
        else:
            text.append(BLOCKS[max(1, round(v / top * (len(BLOCKS) - 1)))], style="green")
    return text


def probability_bars(p: Prediction, width: int = 40) -> Text:
    text = Text()
    for k, (name, prob) in enumerate(zip(p.class_names, p.probabilities)):
        style = "bold green" if k == p.predicted_class else ""
        text.append(f"\nclass {name:>6} ", style=style)
        text.append("█" * round(prob * width), style=style or "cyan")
        text.append(f" {prob:.4f}", style=style)
    return text


class LayerPanel(Static):
    """Layer `number` of a prediction: shape in the title, values in the body."""

    def show(self, number: int, layer: Layer, p: Prediction) -> None:
        self.border_title = f"Layer {number} · {layer.name}"
        self.border_subtitle = layer.shape
        body = Text(layer_text(p, layer))
        if "pre_activation" in layer.extra:
            body.append("\nbars ")
            body.append_text(activation_bars(layer.values))
            body.append("  (one per unit; · = 0, switched off by ReLU)", style="dim")
        elif layer.name == "Softmax":
            body.append_text(probability_bars(p))
        self.update(body)
