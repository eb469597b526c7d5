"""A sweep over λ: K copies of one network trained at once, as one stacked network.

Every copy starts from the weights `build_model` gives for the seed. It sees the same batches in
the same order as the engine's, and differs only in its weight decay. So each point is what a
separate `train()` with that λ reports, to float rounding. It costs a fraction of the time of K
runs: about a tenth at K = 16 (benchmarks/bench_sweep.py). The K small matrix products of a step
become one batched product (`torch.baddbmm`). The per-step Python, dispatch and autograd
overhead dominates networks this small, and it is paid once instead of K times.

Each Linear layer is `nn.Linear`'s weight stacked, (K, out, in), and its bias as (K, out, 1).
Activations are held a column per row, (K, features, rows), so a layer is one `baddbmm` b + W·h.
The class scores come out as (K, classes, rows), the layout `cross_entropy` takes with a (K, rows)
target. (Rows first, the last product would have 2 output columns, a shape matrix kernels handle
several times slower.) Summing the K mean losses before `backward()` gives each copy exactly its
own gradient, as no parameter is shared. The optimizer runs with `weight_decay=0`. The decay is
applied per copy, as torch.optim itself applies it:

- SGD and Adam (coupled): g ← ∇L + λ_k·θ_k on the decayed tensors, then the optimizer step.
- AdamW (decoupled): θ_k ← (1 − γλ_k)·θ_k, then the Adam step.
"""

from __future__ import annotations

import copy
import math
import time
from dataclasses import replace
from typing import Callable, Iterator, Sequence

import torch
import torch.nn.functional as F
from torch import nn

from .boundary import boundary, default_plane
from .config import RunConfig, check_sweep
from .data import Dataset, prepare
from .control import Control
from .lambda_grid import weight_decay_grid
from .histograms import keeps_histograms, raw_histograms_later
from .measures import Boundary
from .model import build_model, linear_layers
from .observe import observe
from .optim import split_parameters
from .records import EpochRecord, SweepPoint, SweepProgress, SweepResult, best_point
from .threads import one_thread


class _Stack:
    """K copies of the network as stacked tensors, with the optimizer and per-copy decay."""

    def __init__(self, config: RunConfig, model: nn.Sequential, weight_decays: Sequence[float]) -> None:
        self.k = k = len(weight_decays)
        decayed = {id(p) for _, p in split_parameters(model, config.decay_bias)[0]}
        self.layers: list[tuple[torch.Tensor, torch.Tensor]] = []
        self.decayed: list[torch.Tensor] = []
        for linear in (m for m in model if isinstance(m, nn.Linear)):
            w = linear.weight.detach().repeat(k, 1, 1).requires_grad_()
            b = linear.bias.detach().view(1, -1, 1).repeat(k, 1, 1).requires_grad_()
            self.layers.append((w, b))
            self.decayed += [t for t, p in ((w, linear.weight), (b, linear.bias)) if id(p) in decayed]
        params = [t for layer in self.layers for t in layer]
        self.coupled = config.optimizer != "adamw"
        # λ_k (coupled) or 1 − γλ_k (decoupled), each rounded to float32 once as torch.optim
        # rounds its Python-float scalars, shaped to scale each copy's slice.
        factors = weight_decays if self.coupled else [1 - config.lr * wd for wd in weight_decays]
        self.factor = torch.tensor(factors, dtype=torch.float32).view(k, 1, 1)
        if config.optimizer == "sgd":
            self.optimizer: torch.optim.Optimizer = torch.optim.SGD(
                params, lr=config.lr, momentum=config.momentum, weight_decay=0.0)
        else:
            self.optimizer = torch.optim.Adam(params, lr=config.lr, weight_decay=0.0)

    def logits(self, x: torch.Tensor) -> torch.Tensor:
        """(K, classes, B) class scores of the rows `x` (B, in), which every copy is given."""
        h = x.T.expand(self.k, -1, -1)
        for i, (w, b) in enumerate(self.layers):
            h = torch.baddbmm(b, w, h)
            if i < len(self.layers) - 1:
                h = h.relu_()  # in place: one activation tensor fewer to allocate per layer
        return h

    def losses(self, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        """(K,) mean cross-entropy of each copy on the rows (x, y)."""
        return F.cross_entropy(self.logits(x), y.expand(self.k, -1), reduction="none").mean(1)

    def step(self, loss: torch.Tensor) -> None:
        """One optimizer step of every copy, each with its own λ."""
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        with torch.no_grad():
            for t in self.decayed:
                if self.coupled:
                    t.grad.add_(t * self.factor)
                else:
                    t.mul_(self.factor)
        self.optimizer.step()

    @torch.no_grad()
    def evaluate(self, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(K, N) cross-entropy and correctness (1 or 0) of every copy on each row of (x, y)."""
        logits = self.logits(x)
        # argmax over the class axis of rows made contiguous: taken directly over the strided
        # axis of 2 classes, it takes several times as long as the whole forward pass.
        predicted = logits.transpose(1, 2).contiguous().argmax(-1)
        return F.cross_entropy(logits, y.expand(self.k, -1), reduction="none"), (predicted == y).float()

    @torch.no_grad()
    def weight_norms(self) -> torch.Tensor:
        """(K,) ‖θ‖ over each copy's decayed tensors, in float64 like `optim.decayed_norm`."""
        return torch.sqrt(sum((t.double() ** 2).flatten(1).sum(1) for t in self.decayed))


def _points(weight_decays: Sequence[float], metrics: list[list[float]],
            diverged: list[bool]) -> tuple[SweepPoint, ...]:
    return tuple(
        SweepPoint(wd, None, None, None, None, None, True) if gone else SweepPoint(wd, *values)
        for wd, values, gone in zip(weight_decays, zip(*metrics), diverged)
    )


class Sweep:
    """A sweep over λ as one stacked network; `run()` trains it.

    Between two of its records, on the thread that runs it, any copy can be read out as a model
    of its own (`model`). All of them can be read as decision boundaries over one plane
    (`boundaries`)."""

    def __init__(self, config: RunConfig, weight_decays: Sequence[float] | None = None,
                 control: Control | None = None, *, dataset: Dataset | None = None, measure: bool = False,
                 histograms: bool = False) -> None:
        one_thread()  # as the engine: the same floats on any number of cores
        if weight_decays is None:
            weight_decays = weight_decay_grid(config.optimizer, lr=config.lr)
        self.config = config
        self.weight_decays = tuple(config.replace(weight_decay=float(wd)).weight_decay for wd in weight_decays)
        self.cancelled = (control if control is not None else Control()).cancelled
        self.data = dataset if dataset is not None else prepare(config)
        check_sweep(len(self.weight_decays), self.data.n_features, config.hidden, self.data.n_classes)
        self.model0 = build_model(self.data.n_features, config.hidden, self.data.n_classes, config.seed)
        self.stack = _Stack(config, self.model0, self.weight_decays)
        self.alive = torch.ones(len(self.weight_decays), dtype=torch.bool)
        self.measure = measure  # the result's points get each λ's boundary length and smoothness
        self.histograms = histograms  # each progress record carries every λ's weight histograms
        self.epoch = 0
        self._boundaries: tuple[int, tuple[int, int] | None, tuple[Boundary | None, ...]] | None = None

    def model(self, k: int) -> nn.Sequential:
        """Copy k (of λ = weight_decays[k]) as it is now, as a network of its own."""
        model = copy.deepcopy(self.model0)
        with torch.no_grad():
            for linear, (w, b) in zip((m for m in model if isinstance(m, nn.Linear)), self.stack.layers):
                linear.weight.copy_(w[k])
                linear.bias.copy_(b[k, :, 0])
        return model.eval()

    def boundaries(self, features: tuple[int, int] | None = None) -> tuple[Boundary | None, ...]:
        """Every copy's decision boundary now (None for a diverged one), all over one plane.

        The plane is `features`, or else the two that the first layer of the smallest λ's copy
        weighs most."""
        if self._boundaries is not None and self._boundaries[:2] == (self.epoch, features):
            return self._boundaries[2]
        return self.boundaries_later(features)()

    def boundaries_later(self, features: tuple[int, int] | None = None) -> Callable[[], tuple[Boundary | None, ...]]:
        """`boundaries(features)` of the copies as they are now, worked out when called, on any
        thread: the copies are taken now (milliseconds), the boundaries (a few each) later, say
        by the trainer's look worker while the sweep trains on (trainer/look_worker.py)."""
        if self.data.n_features < 2:
            return lambda: (None,) * len(self.weight_decays)
        alive, epoch, data = self.alive.tolist(), self.epoch, self.data
        models = [self.model(k) if alive[k] else None for k in range(len(alive))]

        def work() -> tuple[Boundary | None, ...]:
            plane = features or next((default_plane(m) for m in models if m is not None), (0, 1))
            found = tuple(boundary(m, data, plane) if m is not None else None for m in models)
            self._boundaries = (epoch, features, found)  # one assignment: safe from any thread
            return found

        return work

    def run(self) -> Iterator[SweepProgress | SweepResult]:
        """Yields a progress record after every epoch, then the result.

        Each progress record holds every λ's EpochRecord. With `histograms`, at the epochs that
        keep them (core/histograms.py), it holds a function per λ that makes its weight histograms
        (the weights copied, binned when called). Epoch 1's record carries epoch 0's as
        `initial`. It stops as the engine does: between two steps, with no result, once
        cancelled. A copy whose loss stops being finite is marked diverged (as the engine would
        stop it), and the others carry on."""
        config, data, stack, alive = self.config, self.data, self.stack, self.alive
        histories: list[list[tuple[float, float, float, float]]] = [[] for _ in self.weight_decays]
        shuffle = torch.Generator().manual_seed(config.seed)
        x, y, bs = data.x_train, data.y_train, config.batch_size
        start = time.perf_counter()
        initial: SweepProgress | None = self._progress(0, 0.0, histories)
        epoch_start = time.perf_counter()
        for epoch in range(1, config.epochs + 1):
            order = torch.randperm(len(y), generator=shuffle)
            for first in range(0, len(y), bs):
                if self.cancelled.is_set():
                    return
                idx = order[first:first + bs]
                losses = stack.losses(x[idx], y[idx])
                total = losses.sum()
                if not math.isfinite(total.item()):
                    # A copy diverged, now or before: from here on only the others take a gradient.
                    alive &= torch.isfinite(losses)
                    total = losses[alive].sum()
                stack.step(total)
            self.epoch = epoch
            now = time.perf_counter()
            progress = self._progress(epoch, now - epoch_start, histories)
            yield replace(progress, seconds=now - start, initial=initial)
            initial, epoch_start = None, now
        points = progress.points
        if self.measure:
            points = tuple(p if b is None else replace(p, boundary_length=b.length, gradient_norm=b.gradient_norm)
                           for p, b in zip(points, self.boundaries()))
        yield SweepResult(config.to_dict(), points, best_point(points))

    def _progress(self, epoch: int, seconds: float, histories: list[list[tuple[float, float, float, float]]]
                  ) -> SweepProgress:
        """Every copy now, after `epoch` (0: before any step), as the engine records an epoch.

        Each Observation is read against that copy's epochs so far, epoch 0 included, as a run's is."""
        config, data, stack, alive = self.config, self.data, self.stack, self.alive
        names = [name for name, _ in linear_layers(self.model0)]
        n = len(data.y_train)
        # Training and validation rows are evaluated in one pass, then split at n.
        row_losses, correct = stack.evaluate(torch.cat([data.x_train, data.x_val]), torch.cat([data.y_train, data.y_val]))
        train_loss, val_loss = row_losses[:, :n].mean(1), row_losses[:, n:].mean(1)
        train_acc, val_acc = correct[:, :n].mean(1), correct[:, n:].mean(1)
        norms = stack.weight_norms()
        alive &= torch.isfinite(train_loss) & torch.isfinite(val_loss) & torch.isfinite(norms)
        metrics = [t.tolist() for t in (train_loss, val_loss, train_acc, val_acc, norms)]
        gone = (~alive).tolist()
        points = _points(self.weight_decays, metrics, gone)
        layers = [dict(zip(names, norms)) for norms in zip(*(w.detach().flatten(1).norm(dim=1).tolist()
                                                           for w, _ in stack.layers))]
        records: list[EpochRecord | None] = []
        for k, (p, history) in enumerate(zip(points, histories)):
            if gone[k]:
                records.append(None)
                continue
            records.append(EpochRecord(
                epoch=epoch, train_loss=p.train_loss, val_loss=p.val_loss, train_acc=p.train_acc,
                val_acc=p.val_acc, penalty=0.5 * p.weight_decay * p.weight_norm ** 2, weight_norm=p.weight_norm,
                layer_norms=layers[k], seconds=seconds,
                observation=observe(p.train_loss, p.val_loss, p.train_acc, p.val_acc, history, data.n_classes, epoch),
                weight_decay=p.weight_decay, lr=config.lr, global_step=epoch * math.ceil(n / config.batch_size)))
            history.append((p.train_loss, p.val_loss, p.train_acc, p.val_acc))
        weights: tuple[Callable[[], dict] | None, ...] = ()
        # Copied now, binned by the recording's writing thread; at the epochs a run keeps them at.
        if self.histograms and keeps_histograms(epoch, config.epochs):
            weights = tuple(None if gone[k] else h for k, h in enumerate(
                raw_histograms_later([(name, w.detach().numpy()) for name, (w, _) in zip(names, stack.layers)])))
        return SweepProgress(epoch, config.epochs, points, seconds, tuple(records), weights)


def sweep(config: RunConfig, weight_decays: Sequence[float] | None = None,
          control: Control | None = None, *, dataset: Dataset | None = None, measure: bool = False,
          histograms: bool = False) -> Iterator[SweepProgress | SweepResult]:
    """Train `config` once per λ in `weight_decays` (default: the optimizer's grid), all at once
    (`config.weight_decay` is not used): Sweep(…).run(). With `measure`, the result's points
    carry each λ's boundary length and smoothness number; with `histograms`, each progress
    record each λ's weight histograms."""
    return Sweep(config, weight_decays, control, dataset=dataset, measure=measure, histograms=histograms).run()
