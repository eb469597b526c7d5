"""One update of one weight taken apart, as a table: each part, its formula, the run's values.

The numbers are an `UpdateAnatomy`, which core.anatomy works out from the optimizer's own state.
This module only lays them out, with the words of `present.words.DECAY` under them.
"""

from __future__ import annotations

from rich.table import Table

from ..core.config import OPTIMIZER_NAMES
from ..core.decay import DecayAlone
from ..core.measures import UpdateAnatomy
from .words import DECAY, label


def _n(x: float) -> str:
    """Fixed decimals, so the parts' sizes can be compared at a glance down the column."""
    return f"{x + 0.0:+.9f}"  # + 0.0: −γ·0 is −0.0, which would print as "-0.000000000"


def anatomy_table(a: UpdateAnatomy, header: bool = True) -> Table:
    """The update of one weight: each part, its formula with the run's values in it, and its value.

    There are three columns, the middle one wrapping between words. So the table reads whole in
    72 columns (beside the lesson panel) as in 160. It goes without its `header` where rows are few."""
    row, col = a.index
    title = (f"Step {a.step} (the last of epoch {a.epoch}), {OPTIMIZER_NAMES[a.optimizer]}: {a.layer}.weight"
             f"[{row}, {col}] of {a.shape[0]}×{a.shape[1]}")
    table = Table(title=title, title_justify="left", title_style="bold", expand=True, show_edge=False,
                  pad_edge=False, caption=decay_route(a), caption_justify="left", show_header=header)
    table.add_column("Part", style="bold", no_wrap=True)
    table.add_column("Formula, with the run's numbers", ratio=1)
    table.add_column("Value", justify="right", style="bold cyan", no_wrap=True)
    lr, lam = a.lr, a.weight_decay
    table.add_row("θ before the step", "", _n(a.theta))
    table.add_row("g = ∇L of the batch", "data loss only", _n(a.grad))
    if a.optimizer == "sgd":
        table.add_row("Gradient part", f"−γ·g = −{lr:g} × {a.grad:+.4g}", _n(a.gradient_part))
        table.add_row("Decay part", f"−γ·λθ = −{lr:g} × {lam:g} × {a.theta:+.4g}", _n(a.decay_part))
        table.add_row("Momentum part", f"−γ·μ·buffer = −{lr:g} × {a.momentum:g} × {a.first:+.4g}",
                      _n(a.momentum_part))
    else:
        # D is √v̂ + ε written out: a combining hat (v̂) is drawn a cell wide by some terminals.
        table.add_row("Adaptive scaling", f"s = γ(1−β1)/((1−β1^t)·D), t = {a.adam_step}, D = √(v/(1−β2^t)) + ε = "
                                          f"{a.denominator:.6g}", f"{a.scale:.6g}")
        table.add_row("Gradient part", f"−s·g = −{a.scale:.4g} × {a.grad:+.4g}", _n(a.gradient_part))
        if a.optimizer == "adam":
            table.add_row("Decay part", f"−s·λθ = −{a.scale:.4g} × {lam:g} × {a.theta:+.4g}", _n(a.decay_part))
        else:
            table.add_row("Decay part", f"−γ·λθ = −{lr:g} × {lam:g} × {a.theta:+.4g}", _n(a.decay_part))
        table.add_row("Momentum part", f"−γβ1·m/((1−β1^t)·D), m = {a.first:+.4g}", _n(a.momentum_part))
    table.add_row("Change", "the sum of the parts", _n(a.change), style="bold")
    if a.after is not None:
        table.add_row("θ after the step", f"the model's, changed by {_n(a.after - a.theta)}", _n(a.after))
    shrink = f"1 − γλ = 1 − {lr:g} × {lam:g}"
    if a.optimizer == "adam":
        table.add_row("Direct decay factor", f"1 − s·λ, this step's own part: nominal {shrink} = {a.shrink:.6f}; "
                                             f"through the scaling 1 − {a.scale:.4g} × {lam:g}",
                      f"× {a.effective_shrink:.6f}")
        table.add_row("Long-run factor", "1 − γλ/D, once m carries λθ from every step",
                      f"× {1 - lr * lam / a.denominator:.6f}")
    elif a.optimizer == "adamw":
        table.add_row("Direct decay factor", f"every step: {shrink}", f"× {a.shrink:.6f}")
    else:
        table.add_row("Direct decay factor", f"this step's own part: {shrink}", f"× {a.shrink:.6f}")
        if a.momentum > 0 and lam > 0:
            alone = DecayAlone(lr, lam, a.momentum)
            table.add_row("Long-run factor", "larger root of r² − (1 + μ − γλ)r + μ: decay alone once the buffer "
                          "has filled" + (", √μ, θ swinging through 0" if alone.oscillates else ""),
                          f"× {alone.long_run:.6f}")
    return table


def decay_route(a: UpdateAnatomy) -> str:
    """How λθ reached this weight under its optimizer, with this weight's own scaling for Adam(W)."""
    words = f"{label(a.optimizer)}: {DECAY[a.optimizer].reaches}"
    if a.optimizer == "sgd":
        return words
    ratio, factor = f"{a.scale / a.lr:.3g}", f"{1 / a.denominator:.3g}"
    if a.optimizer == "adam":
        return (f"{words} Here s = {ratio} × γ: this step's own decay part is {ratio} × the nominal γλθ; in the "
                f"long run this weight decays by γλ/D = {factor} × γλ a step (the Insight's per-weight factor).")
    return (f"{words} Here s = {ratio} × γ: through the scaling (Adam), this step's own decay part would be "
            f"{ratio} × as large, and in the long run about 1/D = {factor} × γλ.")
