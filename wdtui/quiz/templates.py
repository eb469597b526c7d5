"""Questions made from the user's own run: the answers are the run's numbers.

Each template reads the config, the Setup and the epoch records. It also reads the `Insight`
that `core.insight.key_insight` computes from them, the same figures the Insight mode shows.
It returns a Question, or None when the run cannot support it yet. That may be too few epochs,
λ = 0, or distractors that would print the same as the answer. Distractors are the classic slips:
forgetting γ, ln 2 or the momentum, mixing up steps and epochs, λ versus λ/2. A slip that lands
near the answer (an approximation that holds here) is left out. So no near-truth is marked wrong.
"""

from __future__ import annotations

import math
import random
from typing import Callable, Iterable, Sequence

from ..core.config import RunConfig
from ..core.decay import half_life
from ..core.insight import Insight, key_insight, steps
from ..core.records import EpochRecord, Setup, decay_group
from .questions import Question

APART = 0.2  # a distractor's number lies at least this share of the answer's away from it

Template = Callable[[RunConfig, Setup, Sequence[EpochRecord], Insight, random.Random], "Question | None"]


def _question(qid: str, topic: str, prompt: str, answer: str, distractors: Iterable[str],
              explanation: str, rng: random.Random) -> Question | None:
    """A run question, with the answer at a random place.

    Its distractors are the first three that print differently from the answer and from each
    other; templates list the most tempting first."""
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


def _momentum(config: RunConfig) -> bool:
    return config.optimizer == "sgd" and config.momentum > 0


def _optimizer(config: RunConfig) -> str:
    """The run's optimizer as a question names it."""
    if _momentum(config):
        return f"SGD with momentum μ = {config.momentum:g}"
    return {"sgd": "plain SGD (no momentum)", "adamw": "AdamW (decoupled decay)"}[config.optimizer]


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


def _apart(value: float, answer: float) -> bool:
    """A slip far enough from the answer to be wrong, not an approximation of it.

    It is at least APART of the answer away, so a near-truth is never marked wrong."""
    return math.isfinite(value) and abs(value - answer) >= APART * abs(answer)


def shrink_factor(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                  rng: random.Random) -> Question | None:
    """What decay alone multiplies a weight by per step under the run's optimizer.

    For plain SGD and AdamW that is 1 − γλ, in one step. With momentum it is the long-run factor,
    named as such. That is the larger root of r² − (1 + μ − γλ)r + μ = 0, or √μ where decay
    swings the weight through zero. Then 1 − γλ (one step's direct part) is among the slips. None for Adam,
    whose decay differs per weight, and where one step flips the weight's sign."""
    lr, lam, shrink = insight.lr, insight.weight_decay, insight.shrink
    momentum = _momentum(config)
    if (lam <= 0 or shrink is None or config.optimizer == "adam" or insight.grows
            or (insight.oscillates and not momentum)):
        return None
    rate, mu, direct = 1 - shrink, config.momentum, 1 - lr * lam
    digits = max(6, math.ceil(-math.log10(lr * lam)) + 1)  # enough to see γλ itself

    def fmt(x: float) -> str:
        return f"× {x:.{digits}f}"

    if momentum:
        # This step's direct part only (forgetting the momentum), the small-γλ approximation where
        # it is off, multiplying by 1 − μ instead of dividing, forgetting γ.
        slips = [lr * lam, lr * lam / (1 - mu), lr * lam * (1 - mu), lam / (1 - mu), lam, lr * lam / (1 - mu) ** 2]
        if insight.oscillates:
            how = (f"Here γλ = {lr * lam:g} is past (1 − √μ)² = {(1 - math.sqrt(mu)) ** 2:.3g}, so the roots of "
                   f"r² − (1 + μ − γλ)r + μ = 0 are complex, of size √μ = {shrink:.{digits}f}: θ swings through zero "
                   f"while its size shrinks by that much per step")
        else:
            how = (f"Decay alone follows θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁, so in the long run θ shrinks by the larger "
                   f"root of r² − (1 + μ − γλ)r + μ = 0, {shrink:.{digits}f} per step (1 − γλ/(1 − μ) = "
                   f"{1 - lr * lam / (1 - mu):.{digits}f} approximates it only while γλ ≪ (1 − μ)² = {(1 - mu) ** 2:.3g})")
        how += f". 1 − γλ = {direct:.{digits}f} is one step's own decay part; the buffer carries earlier steps' too"
        when = "per step once the momentum buffer has filled (the long-run factor)"
    else:
        slips = [lam, lr, rate / 2, 2 * rate]
        how = f"θ ← θ − γλθ = (1 − γλ)θ = (1 − {lr:g} × {lam:g})θ = {shrink:.{digits}f}·θ"
        when = "in one step"
    # A factor that prints as 0 or 1 (or below, or past) is no factor a learner could weigh.
    wrong = [fmt(1 - w) for w in slips if 10 ** -digits <= 1 - w <= 1 - 10 ** -digits and _apart(w, rate)]
    return _question(
        "shrink-factor", "L2 penalty",
        f"Your run uses {_optimizer(config)}, γ = {lr:g} and λ = {lam:g}. What does the decay alone multiply each "
        f"decayed weight by {when}?",
        fmt(shrink), wrong,
        f"{how}. Tiny per step, but it compounds: half the weight is gone for good after "
        f"{steps(insight.half_life_steps)}{' (from an empty buffer)' if momentum else ''}.", rng)


def half_life_steps(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                    rng: random.Random) -> Question | None:
    """How many steps decay alone takes to halve a weight under the run's optimizer, from the
    recursion itself (momentum's buffer starting empty)."""
    lr, lam, hl = insight.lr, insight.weight_decay, insight.half_life_steps
    if lam <= 0 or hl is None or config.optimizer == "adam":
        return None
    rate, plain = 1 - insight.shrink, insight.plain_half_life_steps
    slips = [1 / rate, hl / 2, 2 * hl, math.log(2) / lam, hl / insight.steps_per_epoch]
    how = (f"each step multiplies the weight by 1 − γλ = {1 - lr * lam:.6f}, so (1 − γλ)ᵗ ≤ ½ from t = "
           f"ln 2 / −ln(1 − γλ) = {half_life(lr * lam):,.1f} on, that is from step")
    if _momentum(config):
        approximate = half_life(lr * lam / (1 - config.momentum))  # the small-γλ approximation's, where it is off
        slips = [plain, approximate, *slips]  # forgetting the momentum first
        how = ("and an empty buffer, decay alone follows θₜ₊₁ = (1 + μ − γλ)θₜ − μθₜ₋₁: stepping it, |θ| stays at "
               "or below half its start from step")
    wrong = [steps(w) for w in slips if w >= 1 and _apart(w, hl)]
    return _question(
        "half-life", "L2 penalty",
        f"Your run uses {_optimizer(config)}, γ = {lr:g} and λ = {lam:g}. After how many steps has the decay "
        "alone halved a weight (for good)?",
        steps(hl), wrong,
        f"With a zero data gradient {how} {hl:,.0f} on: {insight.half_life_epochs:,.1f} epochs of "
        f"{insight.steps_per_epoch} steps."
        + (f" Without momentum it would take {steps(plain)}: the buffer carries earlier steps' decay too, so here "
           f"it halves {plain / hl:.3g}× as fast." if _momentum(config) else ""), rng)


def printed_operands(data_loss: float, penalty: float) -> tuple[str, str]:
    """The data loss and the penalty, with enough digits for the share to check out.

    The share computed from the numbers as printed rounds (by `_percent`) to the true share, so
    a learner can check it."""
    share = _percent(penalty / (data_loss + penalty))
    for digits in range(4, 12):
        loss_text, penalty_text = f"{data_loss:.{digits}f}", f"{penalty:#.{digits}g}"
        shown = float(penalty_text) / (float(loss_text) + float(penalty_text))
        if _percent(shown) == share:
            return loss_text, penalty_text
    return repr(data_loss), repr(penalty)


def _told_apart(value: float, share: float, loss_text: str, penalty_text: str) -> bool:
    """True when `value` (a share) lies outside everything the printed operands could give.

    Each operand is only known to half a unit of its last printed digit."""
    def half_unit(text: str) -> float:
        mantissa, _, exponent = text.lower().partition("e")
        decimals = len(mantissa.partition(".")[2])
        return 0.5 * 10 ** (-decimals + (int(exponent) if exponent else 0))

    t, p, dt, dp = float(loss_text), float(penalty_text), half_unit(loss_text), half_unit(penalty_text)
    lo, hi = (p - dp) / (t + dt + p - dp), (p + dp) / (t - dt + p + dp)
    printed = 0.5 * 10 ** (math.floor(math.log10(100 * share)) - 2) / 100  # _percent's own rounding
    return value < lo - printed or value > hi + printed


def penalty_share(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                  rng: random.Random) -> Question | None:
    """Which share of the total loss (data + penalty) the penalty is, at the last epoch."""
    share = insight.penalty_share
    if not epochs or share is None or share <= 0:
        return None
    last = epochs[-1]
    loss_text, penalty_text = printed_operands(last.train_loss, last.penalty)
    # Penalty over the data loss (not the total) comes first, then λ vs λ/2 slips, then the data's
    # share. Only those a learner can tell from the answer with the numbers shown are kept.
    slips = [last.penalty / last.train_loss, 2 * share, share / 2, 1 - share, 10 * share]
    wrong = [_percent(x) for x in slips if 0 < x < 1 and _told_apart(x, share, loss_text, penalty_text)]
    return _question(
        "penalty-share", "L2 penalty",
        f"At epoch {last.epoch} your data loss was {loss_text} and the penalty (λ/2)‖θ‖² was {penalty_text}. "
        "What share of the total loss is the penalty?",
        _percent(share), wrong,
        f"Total = data loss + penalty = {loss_text} + {penalty_text}; the penalty is {penalty_text} / "
        f"({loss_text} + {penalty_text}) = {_percent(share)} of it. The data loss in the table leaves the penalty out.",
        rng)


def decayed_parameters(config: RunConfig, setup: Setup, epochs: Sequence[EpochRecord], insight: Insight,
                       rng: random.Random) -> Question | None:
    """How many parameters the optimizer's decay group holds (biases excluded unless bias decay is on)."""
    group = decay_group(setup.param_groups)
    if insight.weight_decay <= 0 or group is None:
        return None
    decayed = group.size
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
    """Every question this run supports now, for `config`, the settings in force.

    There are none before the run has finished an epoch. `epochs` are the trained ones, epoch 0 left out."""
    if setup is None or not epochs:
        return []
    insight = key_insight(config, epochs, setup.steps_per_epoch)
    made = (template(config, setup, epochs, insight, rng) for template in TEMPLATES)
    return [q for q in made if q is not None]
