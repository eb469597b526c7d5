"""The data stages before the model: raw table → train/validation split → z-score.

The z-score statistics are fitted on the training split only, so no fact about the
validation rows leaks into training: the honest way, and the one the app teaches.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .config import RunConfig, check_network
from .planar import planar_tensors
from .table import Table, read_csv, split_sizes


def synthetic_tensors(seed: int, rows: int, features: int, label_noise: float) -> tuple[torch.Tensor, torch.Tensor]:
    """A seeded binary task whose raw columns sit on very different scales and offsets.

    The label depends on a few standardized columns through a gently curved boundary, and
    each label is flipped with probability `label_noise` (about that share of them: a little
    more or less at each seed), so accuracy cannot reach 100 %. Returns the raw rows (float64,
    rounded to 3 decimals) and the labels (int64). Only torch, no other import: the generated
    script (Code mode) carries this very function.
    """
    g = torch.Generator().manual_seed(seed)
    n, d = rows, features
    z = torch.randn(n, d, generator=g, dtype=torch.float64)
    weights = torch.randn(d, generator=g, dtype=torch.float64) * (torch.rand(d, generator=g) < 0.6)
    weights[0] = 1.5  # at least one informative column, whatever the seed
    curve = 0.5 * z[:, 1 % d] ** 2 - 0.5
    logit = z @ weights + curve
    labels = (logit > logit.median()).long()
    flip = torch.rand(n, generator=g) < label_noise
    labels = torch.where(flip, 1 - labels, labels)
    scales = 10 ** torch.empty(d, dtype=torch.float64).uniform_(-1, 3, generator=g)
    offsets = torch.empty(d, dtype=torch.float64).uniform_(-50, 50, generator=g)
    raw = (z * scales + offsets).round(decimals=3)
    return raw, labels


def synthetic_table(config: RunConfig) -> Table:
    """The synthetic data of `config` (its seed, size and label noise) as a Table."""
    raw, labels = synthetic_tensors(config.seed, config.rows, config.features, config.label_noise)
    return Table(
        feature_names=tuple(f"x{j}" for j in range(config.features)),
        rows=raw.numpy(),
        labels=labels.numpy(),
        class_names=("0", "1"),
        source=f"synthetic data, seed {config.seed}",
    )


def planar_table(config: RunConfig) -> Table:
    """The 2-D data of `config` (its shape, seed, size and noise) as a Table of two features."""
    raw, labels = planar_tensors(config.dataset, config.seed, config.rows, config.noise)
    return Table(
        feature_names=("x0", "x1"),
        rows=raw.numpy(),
        labels=labels.numpy(),
        class_names=("0", "1"),
        source=f"{config.dataset} data, noise {config.noise:g}, seed {config.seed}",
    )


@dataclass(frozen=True)
class Dataset:
    """The tensors a run trains on, with the statistics and indices that produced them."""

    table: Table
    labels: torch.Tensor  # (N,) int64, classes 0..K−1
    train_idx: torch.Tensor  # row numbers in the table
    val_idx: torch.Tensor
    mean: torch.Tensor  # (D,) fitted on the training rows only
    std: torch.Tensor  # (D,) population std of the training rows (0 for a constant column)
    scale: torch.Tensor  # (D,) what z-scores divide by: std, but 1 where a column is constant (its z-scores are 0)
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]

    @property
    def n_classes(self) -> int:
        return self.table.n_classes

    def raw(self, rows: int | slice = slice(None)) -> torch.Tensor:
        """Table rows as read, in float32 (what the z-score takes): one row (an int) or a slice of
        them, made when asked. The dataset keeps no float32 copy of all its rows beside the
        table and the z-scored splits: on a 200 MB CSV that copy was 80 MB for one row's trace."""
        return torch.from_numpy(self.table.rows[rows]).to(torch.float32)

    def normalize(self, raw: torch.Tensor) -> torch.Tensor:
        """The z-score of raw rows with the training statistics."""
        return (raw - self.mean) / self.scale

    def split_of(self, row: int) -> str:
        return "validation" if bool((self.val_idx == row).any()) else "training"


def load_table(config: RunConfig) -> Table:
    """The CSV the user named, or the data made from the seed (synthetic, or a 2-D shape)."""
    if config.data is not None:
        return read_csv(config.data, config.target)
    return planar_table(config) if config.planar else synthetic_table(config)


def prepare(config: RunConfig, table: Table | None = None) -> Dataset:
    """Split the rows with the seed and fit the z-score on the training split."""
    table = table if table is not None else load_table(config)
    check_network(len(table.feature_names), config.hidden, table.n_classes)
    raw = torch.from_numpy(table.rows).to(torch.float32)  # the table's float64, rounded once (kept only while split)
    labels = torch.from_numpy(table.labels)
    n = raw.shape[0]
    n_val = split_sizes(n, config.val_fraction)[1]
    order = torch.randperm(n, generator=torch.Generator().manual_seed(config.seed))
    val_idx, train_idx = order[:n_val].sort().values, order[n_val:].sort().values
    x_train = raw[train_idx]
    mean = x_train.mean(dim=0)
    std = x_train.std(dim=0, unbiased=False)
    scale = torch.where(std > 0, std, torch.ones_like(std))
    return Dataset(
        table=table, labels=labels, train_idx=train_idx, val_idx=val_idx,
        mean=mean, std=std, scale=scale,
        x_train=x_train.sub_(mean).div_(scale), y_train=labels[train_idx],  # in place: no second copy of the rows
        x_val=raw[val_idx].sub_(mean).div_(scale), y_val=labels[val_idx],
    )
