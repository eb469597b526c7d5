"""Weight histograms as TensorBoard keeps them: the counts NumPy's own histogram gives, each copy
of a stacked layer over its own range, and taken from the model as it was when asked."""

from __future__ import annotations

import numpy as np
import torch

from wdtui.core.histograms import bins_for, histograms_later, raw_histograms, raw_histograms_later
from wdtui.core.model import build_model


def test_each_copy_is_binned_as_numpy_bins_it():
    rng = np.random.default_rng(0)
    weights = rng.normal(size=(3, 32, 10)) * np.array([0.1, 1.0, 5.0])[:, None, None]
    for k, made in enumerate(raw_histograms([("hidden1", weights)])):
        h, w = made["hidden1"], weights[k].ravel()
        counts, edges = np.histogram(w, bins=bins_for(w.size), range=(w.min(), w.max()))
        assert h["counts"] == counts.tolist() and np.allclose(h["limits"], edges[1:])
        assert (h["min"], h["max"], h["num"]) == (w.min(), w.max(), 320)
        assert np.isclose(h["sum"], w.sum()) and np.isclose(h["sum_squares"], (w * w).sum())


def test_a_copy_that_is_not_finite_gets_none():
    weights = np.ones((2, 4, 4))
    weights[1, 2, 2] = np.inf
    same, broken = raw_histograms([("output", weights)])
    assert broken == {} and same["output"]["counts"][0] == 16  # all alike: one full bucket


def test_histograms_later_are_of_the_model_as_it_was():
    model = build_model(10, (32,), 2, seed=0)
    later = histograms_later(model)
    before = later()
    with torch.no_grad():
        model[0].weight.mul_(3)
    assert later() == before and np.isclose(histograms_later(model)()["hidden1"]["max"], 3 * before["hidden1"]["max"])


def test_a_sweeps_histograms_later_are_of_its_copies_as_they_were_each_binned_alone():
    rng = np.random.default_rng(1)
    weights = rng.normal(size=(3, 16, 8)) * np.array([0.1, 1.0, 5.0])[:, None, None]
    weights[1, 0, 0] = np.nan  # a λ that diverged
    taken = weights.copy()
    later = raw_histograms_later([("hidden1", weights)])
    weights *= 7  # the sweep trains on before the writing thread bins them
    assert len(later) == 3 and later[1]() == {}
    for k in (0, 2):
        w = taken[k].ravel()
        counts, _ = np.histogram(w, bins=bins_for(w.size), range=(w.min(), w.max()))
        assert later[k]()["hidden1"]["counts"] == counts.tolist() and later[k]()["hidden1"]["max"] == w.max()
