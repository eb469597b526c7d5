"""Overhead of `train()` (records included) over a bare hand-written PyTorch loop.

Both run the same config on the same tensors, from the same initial weights, with the same
shuffled batches and the same end-of-epoch evaluation of training and validation loss: the
only difference is wdtui's record machinery (divergence check per step, throttled step
records, norms, penalty, observation). They alternate in one process, so machine noise
hits both alike; the ratio of medians is printed. Target: ≤ 1.10.

    python benchmarks/bench_training.py [--epochs 20] [--repeats 15]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
import torch.nn.functional as F

from wdtui.core.config import RunConfig
from wdtui.core.data import prepare
from wdtui.core.model import build_model
from wdtui.core.optim import make_optimizer
from wdtui.core.engine import Engine


def bare_loop(config: RunConfig, data) -> float:
    """The loop a PyTorch user would write by hand; returns the final training loss."""
    model = build_model(data.n_features, config.hidden, data.n_classes, config.seed)
    optimizer, _ = make_optimizer(config, model)
    shuffle = torch.Generator().manual_seed(config.seed)
    x, y, bs = data.x_train, data.y_train, config.batch_size
    for _ in range(config.epochs):
        model.train()
        order = torch.randperm(len(y), generator=shuffle)
        for first in range(0, len(y), bs):
            idx = order[first:first + bs]
            loss = F.cross_entropy(model(x[idx]), y[idx])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            logits = model(x)
            train_loss = float(F.cross_entropy(logits, y))
            float((logits.argmax(1) == y).float().mean())
            val_logits = model(data.x_val)
            float(F.cross_entropy(val_logits, data.y_val))
            float((val_logits.argmax(1) == data.y_val).float().mean())
    return train_loss


def wdtui_run(config: RunConfig, data) -> float:
    engine = Engine(config, dataset=data)
    for _ in engine.run():
        pass
    return engine.history[-1].train_loss


def measure(fn, config, data) -> float:
    start = time.perf_counter()
    fn(config, data)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=15)
    args = parser.parse_args()
    config = RunConfig(epochs=args.epochs)
    data = prepare(config)
    assert abs(bare_loop(config, data) - wdtui_run(config, data)) < 1e-6, "the two loops must agree"
    bare, ours = [], []
    for _ in range(args.repeats):
        bare.append(measure(bare_loop, config, data))
        ours.append(measure(wdtui_run, config, data))
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"bare loop  {b * 1000:8.1f} ms   ({args.epochs} epochs, median of {args.repeats})")
    print(f"train()    {o * 1000:8.1f} ms")
    print(f"ratio train()/bare = {o / b:.3f}  (target ≤ 1.10)")


if __name__ == "__main__":
    main()
