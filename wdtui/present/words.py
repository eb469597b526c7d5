"""The sentences wdtui says about a configuration: one source for the CLI, the app and the script.

What weight_decay=λ means differs by optimizer. The Insight table, the Weights anatomy, the key
insight and the generated script's comments all quote `DECAY` below, so they cannot drift.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..core.config import OPTIMIZER_NAMES, RunConfig


@dataclass(frozen=True)
class DecayWords:
    """How one optimizer reads weight_decay = λ."""

    kind: str  # "coupled" or "decoupled" for the Adams (SGD's decay simply is the L2 penalty's gradient)
    does: str  # what λ does to an update
    shrink: str  # what that makes of the shrink per step
    reaches: str  # how λθ reaches one weight in one update (the Weights anatomy)


DECAY = {
    "sgd": DecayWords(
        "",
        "adds λθ to the gradient: the gradient of (λ/2)‖θ‖², so decay and an L2 penalty are one thing",
        "1 − γλ per step without momentum; with momentum μ, in the long run, the larger root of "
        "r² − (1 + μ − γλ)r + μ = 0 (about 1 − γλ/(1 − μ) while γλ ≪ (1 − μ)²)",
        "λθ joins g before momentum, so this step's own decay part is exactly −γλθ, a factor 1 − γλ. "
        "Earlier steps' λθ ride on in the momentum part, so with momentum decay alone shrinks θ faster "
        "in the long run."),
    "adam": DecayWords(
        "coupled",
        "adds λθ to the gradient, which is then divided by √v̂ like the rest",
        "differs per weight, as λθ is divided by each weight's √v̂ + ε: 1 − γλ is only nominal",
        "λθ joins g and passes through the adaptive scaling — it is divided by D like the gradient — "
        "so the shrink differs per weight and is not 1 − γλ."),
    "adamw": DecayWords(
        "decoupled",
        "shrinks the weights directly, θ ← θ − γλθ, apart from the adaptive step",
        "exactly 1 − γλ per step for every decayed weight",
        "−γλθ is applied around the adaptive scaling, so every decayed weight shrinks by exactly 1 − γλ "
        "whatever its gradient; the adaptive step sees g alone."),
}


def label(optimizer: str) -> str:
    """`SGD`, `Adam (coupled)`, `AdamW (decoupled)`."""
    kind = DECAY[optimizer].kind
    return f"{OPTIMIZER_NAMES[optimizer]} ({kind})" if kind else OPTIMIZER_NAMES[optimizer]


def optimizer_line(optimizer: str) -> str:
    """`Adam (coupled): adds λθ to the gradient, …` — one optimizer's reading of λ."""
    return f"{label(optimizer)}: {DECAY[optimizer].does}."


def describe(config: RunConfig) -> str:
    """The settings in one line, every one that changes the maths: `SGD · μ 0.9 · γ 0.02 · λ 0.001 · 5 epochs · …`.

    The Adams' β are PyTorch's defaults, which wdtui does not change."""
    bias = "biases decayed" if config.decay_bias else "biases not decayed"
    moments = f"μ {config.momentum:g}" if config.optimizer == "sgd" else "β 0.9, 0.999"
    return (f"{OPTIMIZER_NAMES[config.optimizer]} · {moments} · γ {config.lr:g} · λ {config.weight_decay:g} · "
            f"{config.epochs} epochs · batch {config.batch_size} · hidden {','.join(map(str, config.hidden))} · "
            f"seed {config.seed} · {bias}")


def changed_settings(now: RunConfig, then: RunConfig) -> str:
    """`λ 0.1, epochs 10`: the settings that differ from `now` in `then`, with `then`'s values."""
    return ", ".join(f"{name.replace('_', ' ')} {getattr(then, name)}" for name in now.__dataclass_fields__
                     if getattr(now, name) != getattr(then, name))
