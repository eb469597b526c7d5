"""The key insight as sentences: what wdtui claims, then the run's own numbers that bear it out.

The numbers come from `core.insight.Insight`; this module only words them, for `wdtui trace`
and the app alike. The seed's sentence is quoted as the seed's: what wdtui itself asserts is
only what a run can show (a smoother *function*, measured; the training curve as it was).
"""

from __future__ import annotations

from ..core.insight import Insight, steps
from ..core.records import EpochRecord
from .words import optimizer_line

SEED_CLAIM = ("Weight decay keeps weights small, which reduces overfitting and leads to smoother training.")
CLAIM = ("Weight decay pulls every decayed weight a little towards zero at every step, so only weights the "
         "data keeps pushing on stay large. Smaller weights make the learned function smoother (smaller "
         "input gradients, a simpler decision boundary), which is how decay curbs overfitting. It does not "
         "promise a smoother training curve: the numbers below say what this run did.")


def decay_line(i: Insight) -> str:
    """What decay alone does to a weight per step under the optimizer in force, and its half-life."""
    lr, lam, per_epoch = i.lr, i.weight_decay, i.steps_per_epoch
    if lam == 0:
        return "λ = 0: nothing is decayed, so no weight shrinks by itself (half-life: never)."
    epochs = f" ≈ {i.half_life_epochs:,.1f} epochs of {per_epoch} steps" if i.half_life_epochs is not None else ""
    if i.optimizer == "adam":
        a = i.adam
        if a is None:
            return (f"Adam passes λθ through its adaptive scaling, so each weight decays at a rate of its own: it is "
                    f"measured from the optimizer's state once the run has taken a step (nominal 1 − γλ would "
                    f"halve a weight in {steps(i.plain_half_life_steps)}).")
        return (f"Adam passes λθ through its adaptive scaling, so each weight decays at a rate of its own, "
                f"measured from this run's optimizer state at step {a.step}: γλ = {lr * lam:.2e} times "
                f"{a.p5_factor:,.3g} to {a.p95_factor:,.3g} per step for 90 % of the {a.weights:,} decayed weights "
                f"(median {a.median_factor:,.3g}×), a half-life of {a.short_half_life:,.0f} to "
                f"{a.long_half_life:,.0f} steps per weight (median {steps(i.half_life_steps)}{epochs}). "
                f"The nominal 1 − γλ would say {steps(i.plain_half_life_steps)}.")
    if i.optimizer == "sgd" and i.momentum > 0:
        return (f"With momentum μ = {i.momentum:g}, λθ rides in the momentum buffer too, so in the long run decay "
                f"alone multiplies each decayed weight by about 1 − γλ/(1 − μ) = 1 − {lr:g} × {lam:g} / "
                f"{1 - i.momentum:g} = {i.shrink:.6f} per step: a half-life of ln 2 / −ln(1 − γλ/(1 − μ)) = "
                f"{steps(i.half_life_steps)}{epochs} (without momentum it would be "
                f"{steps(i.plain_half_life_steps)}).")
    how = "apart from its adaptive step, exactly" if i.optimizer == "adamw" else "exactly"
    return (f"Per step, decay alone multiplies each decayed weight by 1 − γλ = 1 − {lr:g} × {lam:g} = "
            f"{i.shrink:.6f} ({how}): a half-life of ln 2 / −ln(1 − γλ) = {steps(i.half_life_steps)}{epochs}.")


def half_lives(i: Insight) -> str:
    """The run's length against the half-life: `1.9% of a half-life`, or `11.7 half-lives`."""
    n = i.steps_trained / i.half_life_steps
    return f"{n:.1%} of a half-life" if n < 1 else f"{n:,.1f} half-lives"


def run_length_line(i: Insight) -> str | None:
    """What the half-life means for this run's length."""
    if i.left_after_run is None or i.half_life_steps is None or i.steps_trained == 0:
        return None
    return (f"This run took {i.steps_trained:,} steps, {half_lives(i)}: decay alone would leave a weight the "
            f"data never pushed at {100 * i.left_after_run:.3g}% of its size.")


def penalty_line(i: Insight, last: EpochRecord) -> str:
    if i.optimizer == "adamw":
        return (f"At epoch {last.epoch}: data loss {last.train_loss:.4f}, and (λ/2)‖θ‖² = {last.penalty:.4f}. "
                "AdamW does not minimise data loss + (λ/2)‖θ‖²: its decay is decoupled from the gradient, so "
                "no share of an objective is given.")
    return (f"At epoch {last.epoch}: data loss {last.train_loss:.4f} + penalty (λ/2)‖θ‖² {last.penalty:.4f} = "
            f"{last.total_loss:.4f}, the objective being minimised; the penalty is {i.penalty_share:.2%} of it.")


def insight_lines(i: Insight, epochs: list[EpochRecord] | tuple[EpochRecord, ...]) -> list[str]:
    """The key insight's bullet points, each quoting the run's numbers."""
    lines = [decay_line(i)]
    trained = [e for e in epochs if e.epoch > 0]
    length = run_length_line(i)
    if length:
        lines.append(length)
    if trained:
        lines.append(penalty_line(i, trained[-1]))
        lines.append("Weight norm ‖θ‖ per epoch: " + " → ".join(f"{n:.3f}" for n in i.norms) + ".")
        lines.append(f"The training loss fell in {i.train_loss_falls} of the {len(trained)} epochs.")
    if i.gradient_norm is not None:
        lines.append(f"Smoothness of the learned function: the mean ‖∂p/∂x‖ over the validation rows is "
                     f"{i.gradient_norm:.4f} (smaller is smoother).")
    lines.append(optimizer_line(i.optimizer))
    return lines


def _epochs_of(i: Insight, hl: float | None) -> str:
    return "" if hl is None else f" ≈ {hl / i.steps_per_epoch:,.1f} epochs"


def insight_rows(i: Insight, epochs: list[EpochRecord] | tuple[EpochRecord, ...],
                 norms_shown: int = 8) -> list[tuple[str, str, str]]:
    """The Insight mode's table: (quantity, where it comes from with the run's values, value)."""
    lr, lam = i.lr, i.weight_decay
    rows = []
    if i.optimizer == "adam" and i.adam is not None and lam > 0:
        a = i.adam
        rows += [("Decay rate per step", f"γλ/(√v̂ + ε) per weight, from the optimizer at step {a.step}: "
                  f"5th–95th percentile of {a.weights:,} weights", f"γλ × {a.p5_factor:,.3g}–{a.p95_factor:,.3g}"),
                 ("Half-life, decay alone", f"per weight; the median weight's (5–95 %: {a.short_half_life:,.0f} to "
                  f"{a.long_half_life:,.0f} steps)", steps(i.half_life_steps) + _epochs_of(i, i.half_life_steps)),
                 ("… nominal 1 − γλ", f"1 − {lr:g} × {lam:g}, which Adam's scaling does not keep",
                  steps(i.plain_half_life_steps))]
    elif i.optimizer == "sgd" and i.momentum > 0 and lam > 0:
        rows += [("Shrink per step", f"≈ 1 − γλ/(1 − μ) = 1 − {lr:g} × {lam:g} / {1 - i.momentum:g}, long run",
                  f"× {i.shrink:.6f}"),
                 ("Half-life, decay alone", f"ln 2 / −ln(1 − γλ/(1 − μ)); {i.steps_per_epoch} steps per epoch",
                  steps(i.half_life_steps) + _epochs_of(i, i.half_life_steps)),
                 ("… without momentum", "ln 2 / −ln(1 − γλ)", steps(i.plain_half_life_steps))]
    elif lam == 0:
        rows.append(("Decay per step", "λ = 0: nothing is decayed, so no weight shrinks by itself", "never (λ = 0)"))
    elif i.shrink is not None:
        rows += [("Shrink per step", f"1 − γλ = 1 − {lr:g} × {lam:g}", f"× {i.shrink:.6f}"),
                 ("Half-life, decay alone", f"ln 2 / −ln(1 − γλ); {i.steps_per_epoch} steps per epoch",
                  steps(i.half_life_steps) + _epochs_of(i, i.half_life_steps))]
    if i.left_after_run is not None and i.half_life_steps is not None and i.steps_trained:
        rows.append(("Over this run", f"{i.steps_trained:,} steps, {half_lives(i)}: what decay alone leaves of "
                     "a weight", f"{100 * i.left_after_run:.3g}%"))
    trained = [e for e in epochs if e.epoch > 0]
    if trained and i.penalty is not None:
        last = trained[-1]
        rows.append(("Penalty (λ/2)‖θ‖²", f"at epoch {last.epoch}; the data loss in the tables leaves it out",
                     f"{i.penalty:.4f}"))
        if i.penalty_share is None:
            rows.append(("Data loss + penalty", "not AdamW's objective: its decay is decoupled, so no share is given",
                         "—"))
        else:
            rows += [("Data loss + penalty", f"{i.data_loss:.4f} + {i.penalty:.4f}: the objective being minimised",
                      f"{last.total_loss:.4f}"),
                     ("Penalty share", "penalty / (data loss + penalty)", f"{i.penalty_share:.2%}")]
        shown = i.norms[-norms_shown:]
        more = "… → " if len(i.norms) > norms_shown else ""
        rows += [("Weight norm ‖θ‖", "per epoch: " + more + " → ".join(f"{n:.3f}" for n in shown), f"{i.norms[-1]:.3f}"),
                 ("Training loss fell", "epochs whose training loss was below the epoch before's",
                  f"{i.train_loss_falls} of {len(trained)}")]
    if i.gradient_norm is not None:
        rows.append(("Smoothness ‖∂p/∂x‖", "mean over the validation rows of the predicted probability's input "
                     "gradient; smaller is smoother", f"{i.gradient_norm:.4f}"))
    return rows
