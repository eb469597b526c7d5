"""The key insight as sentences: what wdtui claims, then the run's own numbers that bear it out.

The numbers come from `core.insight.Insight`; this module only words them, for `wdtui trace`
and the app alike. The seed's sentence is quoted as the seed's. What wdtui itself asserts is
only what a run can show: a smoother *function*, measured, and the training curve as it was.
"""

from __future__ import annotations

import math
import textwrap

from ..core.config import RunConfig
from ..core.decay import DecayAlone, decay_alone
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
    if i.grows:
        return (f"γλ = {lr * lam:g} ≥ 2(1 + μ) = {2 * (1 + i.momentum):g}: decay alone swings each decayed weight "
                "through zero ever wider, so this λ makes the run diverge: choose a smaller λ (or γ).")
    if i.optimizer == "sgd" and i.momentum > 0:
        return (f"With momentum μ = {i.momentum:g}, λθ rides in the momentum buffer as well. Each step's own decay "
                f"part is −γλθ, a factor 1 − γλ = {i.direct_shrink:.6f}; the buffer carries earlier steps' decay "
                f"along, so decay alone follows θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁ and {long_run(i)} From an empty buffer "
                f"it {halves(i)}{epochs} (without momentum: {steps(i.plain_half_life_steps)}).")
    how = "apart from its adaptive step, exactly" if i.optimizer == "adamw" else "exactly"
    flips = "; each step flips its sign" if i.oscillates else ""
    formula = (f" (ln 2 / −ln|1 − γλ| = {math.log(2) / -math.log(abs(i.direct_shrink)):,.1f}, to the next whole step)"
               if 0 < abs(i.direct_shrink) < 1 else "")
    return (f"Per step, decay alone multiplies each decayed weight by 1 − γλ = 1 − {lr:g} × {lam:g} = "
            f"{i.direct_shrink:.6f} ({how}{flips}): it {halves(i)}{epochs}{formula}.")


def long_run(i: Insight) -> str:
    """SGD with momentum: the long-run factor of decay alone, and whether the weight swings."""
    if i.oscillates:
        swings = DecayAlone(i.lr, i.weight_decay, i.momentum).swings_from
        return (f"γλ = {i.lr * i.weight_decay:g} is past (1 − √μ)² = {swings:.3g}: the roots of "
                f"r² − (1 + μ − γλ)r + μ = 0 are complex, so decay alone swings each decayed weight through zero, "
                f"its size shrinking by {i.shrink:.6f} per step in the long run.")
    return (f"in the long run multiplies each decayed weight by {i.shrink:.6f} per step, the larger root of "
            f"r² − (1 + μ − γλ)r + μ = 0 (1 − γλ/(1 − μ) = {1 - i.lr * i.weight_decay / (1 - i.momentum):.6f} "
            f"approximates it only while γλ ≪ (1 − μ)² = {(1 - i.momentum) ** 2:.3g}).")


def halves(i: Insight) -> str:
    """`halves a weight in 40 steps`: for good, where decay swings it through zero."""
    return f"halves a weight {'for good ' if i.oscillates else ''}in {steps(i.half_life_steps)}"


def half_lives(i: Insight) -> str:
    """The run's length against the half-life: `1.9% of a half-life`, or `11.7 half-lives`."""
    n = i.steps_trained / i.half_life_steps
    return f"{n:.1%} of a half-life" if n < 1 else f"{n:,.1f} half-lives"


def run_length_line(i: Insight) -> str | None:
    """What the half-life means for this run's length."""
    if i.left_after_run is None or i.half_life_steps is None or i.steps_trained == 0:
        return None
    side = ", on the other side of zero" if i.left_after_run < 0 else ""
    return (f"This run took {i.steps_trained:,} steps, {half_lives(i)}: decay alone would leave a weight the "
            f"data never pushed at {100 * abs(i.left_after_run):.3g}% of its size{side}.")


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
    elif i.grows:
        rows.append(("Decay alone", f"γλ = {lr * lam:g} ≥ 2(1 + μ): each step swings θ through 0 ever wider",
                     "grows: the run diverges"))
    elif i.optimizer == "sgd" and i.momentum > 0 and lam > 0:
        swings = DecayAlone(lr, lam, i.momentum).swings_from
        rows += [("Direct decay part", f"1 − γλ = 1 − {lr:g} × {lam:g}: one step's own decay, −γλθ",
                  f"× {i.direct_shrink:.6f}"),
                 ("Long-run factor", f"√μ: γλ past (1 − √μ)² = {swings:.3g}, complex roots, θ swings through 0"
                  if i.oscillates else "the larger root of r² − (1 + μ − γλ)r + μ = 0: momentum carries earlier "
                  "steps' decay", f"× {i.shrink:.6f}"),
                 ("Half-life, decay alone", f"steps of θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁ from an empty buffer until "
                  f"|θ| ≤ ½ for good; {i.steps_per_epoch} steps per epoch",
                  steps(i.half_life_steps) + _epochs_of(i, i.half_life_steps)),
                 ("… without momentum", "1 − γλ a step: ln 2 / −ln(1 − γλ), to the next whole step",
                  steps(i.plain_half_life_steps))]
    elif lam == 0:
        rows.append(("Decay per step", "λ = 0: nothing is decayed, so no weight shrinks by itself", "never (λ = 0)"))
    elif i.optimizer != "adam" and i.direct_shrink is not None:
        rows += [("Shrink per step", f"1 − γλ = 1 − {lr:g} × {lam:g}, "
                  + ("apart from the adaptive step, exactly" if i.optimizer == "adamw" else "exactly"),
                  f"× {i.direct_shrink:.6f}"),
                 ("Half-life, decay alone", f"ln 2 / −ln|1 − γλ|, to the next whole step; {i.steps_per_epoch} steps "
                  "per epoch", steps(i.half_life_steps) + _epochs_of(i, i.half_life_steps))]
    if i.left_after_run is not None and i.half_life_steps is not None and i.steps_trained:
        rows.append(("Over this run", f"{i.steps_trained:,} steps, {half_lives(i)}: what decay alone leaves of "
                     "a weight" + (" (signed: it swings through 0)" if i.oscillates else ""),
                     f"{100 * i.left_after_run:.3g}%"))
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


def decay_alone_lines(config: RunConfig, run_steps: int | None, width: int) -> list[str]:
    """What decay alone does to a weight over `run_steps` steps (None: not known): the figures the Insight gives.

    It comes in lines of `width`, for the Code mode's comment. None for Adam."""
    alone = decay_alone(config.optimizer, config.lr, config.weight_decay, config.momentum)
    if alone is None:
        return []
    if config.weight_decay == 0:
        return ["With λ = 0 nothing is decayed: no weight shrinks by itself."]
    if config.optimizer == "sgd" and config.momentum > 0:
        head = ["Decay alone (a zero data gradient) follows, from an empty momentum buffer,",
                "    θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁"]
        text = (f"Each step's own part multiplies θ by {_kept('1 − γλ')} = {alone.direct:.6g}; the buffer carries "
                f"earlier steps' λθ too, so in the long run θ's size shrinks by {alone.long_run:.6f} a step, "
                + (f"√μ: past γλ = {_kept('(1 − √μ)²')} = {alone.swings_from:.3g} it swings through zero."
                   if alone.oscillates else f"the larger root of {_kept('r² − (1 + μ − γλ)r + μ = 0')}."))
    else:
        head = []
        text = f"Decay alone (a zero data gradient) multiplies θ by {_kept('1 − γλ')} = {alone.direct:.6g} each step."
    if alone.grows:
        text += f" As γλ ≥ {_kept('2(1 + μ)')}, the weights swing ever wider and training diverges."
    else:
        text += f" It halves a weight {'for good ' if alone.oscillates else ''}in {alone.half_life():,.0f} steps"
        if run_steps is not None:
            text += f"; after this run's {run_steps:,} steps, {100 * abs(alone.left(run_steps)):.3g}% of it is left"
        text += "."
    return head + [line.replace("\u00a0", " ") for line in textwrap.wrap(text, width)]


def _kept(formula: str) -> str:
    """`formula` with no-break spaces, so that wrapping never splits it (they turn back after)."""
    return formula.replace(" ", "\u00a0")
