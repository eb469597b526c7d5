"""Weight histograms: every weight counted once, two models over the same bins."""

from __future__ import annotations

import torch

from wdtui.core.histograms import weight_histograms
from wdtui.core.model import build_model, linear_layers, weights_of


@torch.no_grad()
def test_histograms_count_every_weight_over_shared_symmetric_bins():
    a, b = build_model(10, (32,), 2, seed=0), build_model(10, (32,), 2, seed=1)
    b[0].weight.mul_(3)  # b's first layer spreads wider: the bins must cover it
    hists = weight_histograms([weights_of(a), weights_of(b)])
    assert [h.layer for h in hists] == ["hidden1", "output"]
    assert [len(h.edges) - 1 for h in hists] == [14, 8]  # 2·∛320 ≈ 13.7; 2·∛64 = 8
    for h, ((_, la), (_, lb)) in zip(hists, zip(linear_layers(a), linear_layers(b))):
        assert [len(c) for c in h.counts] == [len(h.edges) - 1] * 2
        assert [sum(c) for c in h.counts] == [la.weight.numel(), lb.weight.numel()]
        widest = max(float(la.weight.abs().max()), float(lb.weight.abs().max()))
        assert h.edges[0] == -h.edges[-1] and abs(h.edges[-1] - widest) < 1e-6
    first = hists[0]
    assert first.edges[-1] > 2.5 * float(a[0].weight.abs().max())  # spans b's wider weights


def test_one_model():
    (hidden, output) = weight_histograms([weights_of(build_model(4, (3,), 2, seed=0))])
    assert sum(hidden.counts[0]) == 12 and sum(output.counts[0]) == 6
