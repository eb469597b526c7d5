"""The decision boundary's two costs, each measured side by side in one run, one torch thread
(as the app's worker trains).

1. Evaluating the 160 × 96 grid through the 2-D presets' network, 2 → 128 → 128 → 2: tile by
   tile (core/tiles.py, what the app runs) against the plain forward pass of every point (in
   chunks of 1024, the previous implementation), alternating, on the untrained model and on
   the moons preset trained for 300 epochs. Target: ≤ 5 ms. The two give the same
   probabilities (the largest difference is printed).
2. One redraw of the view: turning a Boundary record into the strips of terminal cells a
   widget draws (present.boundary.picture: sampling the grid, shading, the boundary line,
   400 rows marked; then Textual's Strips), at the sizes the app draws it, on the UI thread's
   side of the app. Target: ≤ 15 ms.

    python benchmarks/bench_boundary.py [--repeats 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch
from textual.strip import Strip

from wdtui.core.boundary import CHUNK, GRID_SHAPE, boundary, grid_points, plane_extent
from wdtui.core.engine import Engine
from wdtui.core.model import build_model
from wdtui.core.presets import preset_config
from wdtui.core.tiles import plane_logits
from wdtui.present.boundary import Palette, picture

# (what, cells wide, cells high): where the app draws a boundary at 120 × 40, and the largest.
SIZES = (("Sweep tile", 12, 7), ("Train panel", 39, 12), ("Compare twin", 34, 15), ("b: in place of the chart", 82, 15),
         ("a whole 160-column terminal", 160, 48))


def plain(model: torch.nn.Sequential, extent, shape=GRID_SHAPE) -> torch.Tensor:
    """Every grid point through the model, in chunks: the forward pass the tiles replace."""
    points = grid_points(2, (0, 1), extent, shape)
    return torch.cat([model(chunk) for chunk in points.split(CHUNK)])


def side_by_side(a, b, repeats: int) -> tuple[float, float]:
    """Median seconds of a() and b(), called alternately."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(5):
        a(), b()
    for _ in range(repeats):
        for f, out in ((a, times[0]), (b, times[1])):
            start = time.perf_counter()
            f()
            out.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    engine = Engine(preset_config("moons"))  # one torch thread from here on, as every run (core/threads.py)
    list(engine.run())
    models = {"untrained": build_model(2, (128, 128), 2, seed=0), "moons, trained": engine.model.eval()}
    extent = plane_extent(torch.cat([engine.data.x_train, engine.data.x_val]), (0, 1))
    with torch.no_grad():
        for name, model in models.items():
            tiled, whole = side_by_side(lambda: plane_logits(model, (0, 1), extent, GRID_SHAPE),
                                        lambda: plain(model, extent), args.repeats)
            diff = float((plane_logits(model, (0, 1), extent, GRID_SHAPE).reshape(-1, 2) - plain(model, extent))
                         .abs().max())
            print(f"grid 160 × 96, {name:15}: tiles {tiled * 1000:5.2f} ms, plain forward {whole * 1000:5.2f} ms, "
                  f"largest logit difference {diff:.1e}")
            print(f"ratio grid tiles/plain ({name}) = {tiled / whole:.2f}; tiles {tiled * 1000:.2f} ms "
                  "(target ≤ 5 ms)")
    b = boundary(engine.model, engine.data)
    palette = Palette(base="#1e1e1e", line="#e0e0e0")
    worst = 0.0
    for what, width, height in SIZES:
        times = []
        for _ in range(max(20, args.repeats // 4)):
            start = time.perf_counter()
            [Strip(line, width) for line in picture(b, width, height, palette)]
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        worst = max(worst, median)
        print(f"redraw {what:28} {width:3} × {height:2} cells: {median * 1000:5.2f} ms")
    print(f"ratio redraw worst/target = {worst / 0.015:.2f}; worst {worst * 1000:.2f} ms (target ≤ 15 ms)")


if __name__ == "__main__":
    main()
