"""Hand-made run records for the quiz and insight tests: numbers chosen so the answers can be
worked out on paper."""

from __future__ import annotations

from wdtui.core.config import RunConfig
from wdtui.core.records import EpochRecord, ParamGroup, Setup

# Validation loss lowest at epoch 3; training loss falls throughout.
VAL = (0.70, 0.50, 0.45, 0.48, 0.52)
TRAIN = (0.68, 0.46, 0.38, 0.31, 0.40)


def setup(n_train: int = 800, decay_bias: bool = False) -> Setup:
    """10 → 32 → 2: 320 + 64 weights, 32 + 2 biases."""
    if decay_bias:
        groups = (ParamGroup("decay", ("0.weight", "0.bias", "2.weight", "2.bias"), 0.01, 418),)
    else:
        groups = (ParamGroup("decay", ("0.weight", "2.weight"), 0.01, 384),
                  ParamGroup("no_decay", ("0.bias", "2.bias"), 0.0, 34))
    return Setup(
        source="hand-made", feature_names=tuple(f"x{i}" for i in range(10)), class_names=("a", "b"),
        n_rows=1000, n_train=n_train, n_val=1000 - n_train, mean=(0.0,) * 10, std=(1.0,) * 10,
        architecture="10 → 32 (ReLU) → 2", parameter_count=418, param_groups=groups,
        steps_per_epoch=-(-n_train // 64), head=(), head_labels=(),
    )


def epochs(weight_decay: float = 0.01, penalty: float = 0.1, n: int = 5) -> list[EpochRecord]:
    return [
        EpochRecord(epoch=i + 1, train_loss=TRAIN[i], val_loss=VAL[i], train_acc=0.8, val_acc=0.75,
                    penalty=penalty, weight_norm=4.0 + i, layer_norms={}, seconds=0.0, observation="",
                    weight_decay=weight_decay, lr=0.1, global_step=13 * (i + 1))
        for i in range(n)
    ]


CONFIG = RunConfig(lr=0.1, weight_decay=0.01, momentum=0.0, batch_size=64)
