"""The one-line answers of the experiments: the twins' verdict and the sweep's best λ."""

from __future__ import annotations

from ..core.compare import Verdict
from ..core.config import RunConfig
from ..core.decay import decay_diverges
from ..core.records import SweepResult


def twins_verdict(v: Verdict) -> str:
    """`λ = 0.1 generalizes better at epoch 40: val loss … (−48.2%); gap … vs …`."""
    a, b = v.zero, v.decayed
    lam = f"λ = {b.weight_decay:g}"
    head = {"tie": f"No real difference at epoch {b.epoch}",
            "decayed": f"{lam} generalizes better at epoch {b.epoch}",
            "zero": f"λ = 0 generalizes better at epoch {b.epoch}"}[v.winner]
    return (f"{head}: val loss {b.val_loss:.4f} with {lam} vs {a.val_loss:.4f} at λ = 0 ({v.val_change:+.1%}); "
            f"gap {b.gap:.4f} vs {a.gap:.4f}.")


def smoothness_line(zero: float, decayed: float, weight_decay: float) -> str:
    """The two twins' smoothness numbers side by side, and which learned the smoother function.

    Within 1 % of each other is called a tie: there is no reason to call either smoother."""
    lam, change = f"λ = {weight_decay:g}", decayed / zero - 1
    if abs(change) < 0.01:
        said = f"about as smooth ({change:+.1%})"
    elif change < 0:
        said = f"the {lam} twin learned the smoother function ({change:+.0%})"
    else:
        said = f"here the λ = 0 twin's function is the smoother ({change:+.0%} with {lam})"
    return (f"Smoothness, mean ‖∂p/∂x‖ over the validation rows (smaller is smoother): {zero:.4f} at λ = 0, "
            f"{decayed:.4f} with {lam}: {said}.")


def sweep_verdict(result: SweepResult) -> str:
    """The sweep's answer in one line: the best λ and how it compares with no decay."""
    best, base, gain = result.best, result.baseline, result.improvement
    if best is None:
        return f"Every λ diverged: {every_lambda_diverged(result)}."
    if best is base:
        return f"Best λ = 0: none of the other values lowers the validation loss ({best.val_loss:.4f})."
    line = f"Best λ = {best.weight_decay:g}: validation loss {best.val_loss:.4f}"
    if gain is None or base is None:
        return line + "."
    return line + f", {gain:.1%} below λ = 0's {base.val_loss:.4f}."


def every_lambda_diverged(result: SweepResult) -> str:
    """What to change when every λ of a sweep diverged.

    That is λ itself where even the smallest one's decay alone makes the weights grow, else the learning rate."""
    config = RunConfig.from_dict(result.config).replace(weight_decay=min(p.weight_decay for p in result.points))
    return decay_diverges(config) or f"try a lower learning rate than {config.lr:g}"
