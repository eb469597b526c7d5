"""Questions made from the user's own run: the answers are the run's numbers.

Each template reads the config, the Setup and the epoch records, plus the `Insight` that
`core.insight.key_insight` computes from them (the same figures the Insight mode shows),
and returns a Question, or None when the run cannot support it yet (too few epochs, λ = 0,
distractors that would print the same as the answer). Distractors are the classic slips:
forgetting γ or ln 2, mixing up steps and epochs, λ versus λ/2.
"""

from __future__ import annotations

import math
import random
from typing import Callable, Iterable, Sequence

from ..core.config import RunConfig
from ..core.insight import Insight, key_insight, steps
from ..core.records import EpochRecord, Setup
from .questions import Question

Template = Callable[[RunConfig, Setup, Sequence[EpochRecord], Insight, random.Random], "Question | None"]


def _question(qid: str, topic: str, prompt: str, answer: str, distractors: Iterable[str],
              explanation: str, rng: random.Random) -> Question | None:
    """A run question: the first three distractors that print differently from the answer and
    from each other (templates list the most tempting first), the answer at a random place."""
    wrong: list[str] = []
    for option in distractors:
        if option != answer and option not in wrong:
            wrong.append(option)
    if len(wrong) < 3:
        return None
    options = wrong[:3]
    place = rng.randrange(4)
    options.insert(place, answer)
    return Question(f"run:{qid}", topic, prompt, tuple(options), place, explanation, from_run=True)


def _percent(share: float) -> str:
    """Three significant figures, so small shares do not all print as 0.0%."""
    return f"{100 * share:.3g}%"


def _decay_kind(config: RunConfig) -> str:
    """The update the shrink factor describes exactly: AdamW's, else plain SGD's."""
    return "AdamW (decoupled decay)" if config.optimizer == "adamw" else "plain SGD (no momentum)"


def _optimizer_note(config: RunConfig) -> str:
    if config.optimizer == "adam":
        return (" Your run uses Adam, whose coupled decay is rescaled by the adaptive step, "
                "so there 1 − γλ is not the real shrink.")
    if config.optimizer == "sgd" and config.momentum > 0:
        return f" Your momentum μ = {config.momentum:g} carries the decay along and strengthens it."
    return ""


def best_val_epoch(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                   rng: random.Random) -> Question | None:
    """Which epoch had the lowest validation loss (needs four epochs to offer four)."""
    if len(epochs) < 4:
        return None
    best = min(epochs, key=lambda e: e.val_loss)
    lowest_train = min(epochs, key=lambda e: e.train_loss)
    last = epochs[-1]
    # The tempting wrong answers first: the best training epoch, then the last and the first.
    order = [lowest_train, last, epochs[0], *rng.sample(list(epochs), len(epochs))]
    wrong = [f"Epoch {e.epoch}" for e in order if e is not best]
    trace = ", ".join(f"{e.epoch}: {e.val_loss:.4f}" for e in epochs)
    if best is last:
        verdict = "It was still falling at the last epoch: no sign of overfitting yet."
    elif last.train_loss < best.train_loss:
        verdict = (f"Later epochs never beat it, while the training loss went on falling to "
                   f"{last.train_loss:.4f}: the gap that weight decay works against.")
    else:
        verdict = "Later epochs never beat it."
    return _question(
        "best-val-epoch", "overfitting",
        f"In your run of {len(epochs)} epochs, which epoch had the lowest validation loss?",
        f"Epoch {best.epoch}", wrong,
        f"Validation loss per epoch — {trace}. The lowest is {best.val_loss:.4f} at epoch {best.epoch}. "
        + verdict, rng)


def shrink_factor(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                  rng: random.Random) -> Question | None:
    """By what factor the decay shrinks a weight in one step: 1 − γλ."""
    lr, lam = insight.lr, insight.weight_decay
    if lam <= 0:
        return None
    rate = lr * lam
    digits = max(6, math.ceil(-math.log10(rate)) + 1)  # enough to see γλ itself

    def fmt(x: float) -> str:
        return f"× {x:.{digits}f}"

    return _question(
        "shrink-factor", "L2 penalty",
        f"Your run uses γ = {lr:g} and λ = {lam:g}. With {_decay_kind(config)}, what does the decay alone "
        "multiply each decayed weight by in one step?",
        fmt(insight.shrink), [fmt(1 - lam), fmt(1 - lr), fmt(1 - rate / 2), fmt(1 + rate), fmt(1 - 2 * rate)],
        f"θ ← θ − γλθ = (1 − γλ)θ = (1 − {lr:g} × {lam:g})θ = {insight.shrink:.{digits}f}·θ. Tiny per step, "
        f"but it compounds: half the weight is gone after {steps(insight.half_life_steps)}."
        + _optimizer_note(config), rng)


def half_life_steps(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                    rng: random.Random) -> Question | None:
    """How many steps decay alone takes to halve a weight: ln 2 / −ln(1 − γλ) ≈ 0.693 / (γλ)."""
    lr, lam, hl = insight.lr, insight.weight_decay, insight.half_life_steps
    if lam <= 0 or math.isinf(hl):
        return None
    rate = lr * lam
    return _question(
        "half-life", "L2 penalty",
        f"Your run uses γ = {lr:g} and λ = {lam:g}. With {_decay_kind(config)}, after how many steps "
        "does the decay alone halve a weight?",
        steps(hl),
        [steps(1 / rate), steps(hl / 2), steps(2 * hl), steps(math.log(2) / lam),
         steps(hl / insight.steps_per_epoch)],
        f"Each step multiplies the weight by 1 − γλ = {insight.shrink:.6f}, so it halves after "
        f"ln 2 / −ln(1 − γλ) ≈ 0.693 / (γλ) = {steps(hl)}: {insight.half_life_epochs:,.1f} epochs of "
        f"{insight.steps_per_epoch} steps." + _optimizer_note(config), rng)


def penalty_share(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                  rng: random.Random) -> Question | None:
    """Which share of the total loss (data + penalty) the penalty is, at the last epoch."""
    share = insight.penalty_share
    if not epochs or share is None or share <= 0:
        return None
    last = epochs[-1]
    return _question(
        "penalty-share", "L2 penalty",
        f"At epoch {last.epoch} your data loss was {last.train_loss:.4f} and the penalty (λ/2)‖θ‖² "
        f"was {last.penalty:.4f}. What share of the total loss is the penalty?",
        _percent(share),
        # Penalty over the data loss (not the total) first, then λ vs λ/2 slips, then the data's share.
        [_percent(x) for x in (last.penalty / last.train_loss, 2 * share, share / 2, 1 - share, 10 * share)
         if 0 < x < 1],
        f"Total = data loss + penalty = {last.train_loss:.4f} + {last.penalty:.4f} = {last.total_loss:.4f}; "
        f"the penalty is {last.penalty:.4f} / {last.total_loss:.4f} = {_percent(share)} of it. "
        "The data loss in the table leaves the penalty out.", rng)


def decayed_parameters(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                       rng: random.Random) -> Question | None:
    """How many parameters the optimizer's decay group holds (biases excluded unless bias decay is on)."""
    if insight.weight_decay <= 0 or not setup.param_groups:
        return None
    decayed = setup.param_groups[0].size  # core.optim puts the decay group first
    total = setup.parameter_count
    biases = sum(config.hidden) + setup.n_classes  # one bias per unit of each Linear layer
    options = {
        total: f"{total:,}: every parameter, biases included",
        total - biases: f"{total - biases:,}: the weights only, biases left out",
        biases: f"{biases:,}: the biases only",
        0: "0: the decay only enters the reported penalty",
    }
    if decayed not in options:
        return None
    groups = "; ".join(f"{len(g.names)} tensors, {g.size:,} values, weight_decay={g.weight_decay:g}"
                       for g in setup.param_groups)
    return _question(
        "decayed-parameters", "biases",
        f"Your model ({setup.architecture}) has {total:,} parameters. How many of them does weight decay "
        "act on in your run?",
        options[decayed], [v for k, v in options.items() if k != decayed],
        f"The optimizer got these param groups: {groups}. PyTorch decays every parameter in a group "
        f"with weight_decay > 0; bias decay is {'on' if config.decay_bias else 'off'} in your run, "
        f"so {'every parameter decays' if config.decay_bias else 'only the weight matrices decay'}.", rng)


def steps_per_epoch(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                    rng: random.Random) -> Question | None:
    """How many optimizer steps make one epoch: what turns a half-life in steps into epochs."""
    n, batch, steps = setup.n_train, config.batch_size, setup.steps_per_epoch
    return _question(
        "steps-per-epoch", "training",
        f"Your run trains on {n:,} rows in batches of {batch}. How many optimizer steps make one epoch?",
        f"{steps:,}",
        [f"{x:,}" for x in (n // batch, math.ceil(setup.n_rows / batch), n, batch, steps * 2)],
        f"One step per batch: ⌈{n:,} / {batch}⌉ = {steps:,}, the last batch "
        f"{'full' if n % batch == 0 else f'holding the {n % batch} rows left over'}. The validation rows "
        f"are never trained on. This is what turns a half-life in steps into epochs.", rng)


TEMPLATES: tuple[Template, ...] = (best_val_epoch, shrink_factor, half_life_steps, penalty_share,
                                   decayed_parameters, steps_per_epoch)


def run_questions(config: RunConfig, setup: Setup | None, epochs: Sequence[EpochRecord],
                  rng: random.Random) -> list[Question]:
    """Every question this run supports now; none before it has finished an epoch."""
    if setup is None or not epochs:
        return []
    insight = key_insight(config, epochs, setup.steps_per_epoch, epochs[-1].weight_decay)
    made = (template(config, setup, epochs, insight, rng) for template in TEMPLATES)
    return [q for q in made if q is not None]
