"""The decision boundary as a picture of terminal cells, and the words around it.

One renderer serves `wdtui trace` (Rich) and the app's views (Textual). A cell is two pixels: the
upper half block ▀, in the upper pixel's colour, on the lower pixel's. A pixel shows the model's
probability at the nearest point of the Boundary's grid. Its colour is the predicted class. Its
strength is the confidence: near the background colour at p = ½, the full class colour where the
model is sure. Pixels where the predicted class changes from the pixel to the right or below are
drawn in the line colour. So the boundary, p = ½, stands out. The data's rows sit on top, one
mark per cell, in their true class's colour (see MARKS). No number is made here: the
probabilities, classes and rows all come from the record.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from rich.color import Color
from rich.console import Console, ConsoleOptions
from rich.segment import Segment
from rich.style import Style

from ..core.measures import Boundary

# Class colours: blue and orange as TensorFlow Playground draws its two classes, then more
# for data of more classes.
CLASS_COLOURS = ("#2f7fdf", "#f08a24", "#3fae5a", "#c04fc8", "#d8c033", "#35b8c0")
# The marks of the data's rows, by (training row, misclassified); drawn over the picture in
# this order of precedence when several rows share a cell.
MARKS = {(False, False): "•", (True, False): "●", (False, True): "×", (True, True): "✖"}
PRECEDENCE = ((False, False), (True, False), (False, True), (True, True))
LEVELS = 8  # shades of confidence: few styles, and each a visible step


@dataclass(frozen=True)
class Palette:
    """Where the shading starts (the background: p = ½ fades into it) and the boundary's colour."""

    base: str = "#808080"  # a grey that reads on dark and light terminals alike (the CLI's)
    line: str = "#ffffff"


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    triplet = Color.parse(hex_colour).get_truecolor()
    return triplet.red, triplet.green, triplet.blue


@lru_cache(maxsize=4096)
def _mix(a: str, b: str, t: float) -> Color:
    (r0, g0, b0), (r1, g1, b1) = _rgb(a), _rgb(b)
    return Color.from_rgb(r0 + (r1 - r0) * t, g0 + (g1 - g0) * t, b0 + (b1 - b0) * t)


@lru_cache(maxsize=8192)
def _style(fg: Color, bg: Color, bold: bool = False) -> Style:
    return Style(color=fg, bgcolor=bg, bold=bold)


@lru_cache(maxsize=8192)
def _cell(top: Color, bottom: Color) -> Segment:
    """One cell of two pixels (made once per pair of colours: a picture reuses a few dozen)."""
    return Segment("▀", _style(top, bottom))


def pixel_colour(kind: int, level: int, palette: Palette) -> Color:
    """The colour of a pixel of class `kind` at confidence `level` (0…LEVELS).

    It is a tint of the base colour at 0, and the class colour itself at LEVELS."""
    return _mix(palette.base, CLASS_COLOURS[kind % len(CLASS_COLOURS)], 0.18 + 0.82 * level / LEVELS)


def _pixels(b: Boundary, width: int, height: int) -> tuple[list[list[int]], list[list[int]]]:
    """(classes, levels) of the width × 2·height pixels, each sampled from the grid's nearest cell.

    A pixel's class is the one the cell predicts. Its level is how sure the model is of it, in
    LEVELS steps. That comes from P(class 1) for two classes, or P(predicted class) for more
    (1/K is no surer than chance)."""
    rows, cols = b.shape
    n_classes = max(2, 1 + max(max(r) for r in b.classes))
    chance = 1 / n_classes
    col_of = [min(cols - 1, int((px + 0.5) * cols / width)) for px in range(width)]
    kinds, levels = [], []
    for py in range(2 * height):
        gr = min(rows - 1, int((py + 0.5) * rows / (2 * height)))
        probs, classes = b.probabilities[gr], b.classes[gr]
        kinds.append([classes[c] for c in col_of])
        if n_classes == 2:
            levels.append([round(abs(2 * probs[c] - 1) * LEVELS) for c in col_of])
        else:
            levels.append([round(max(0.0, (probs[c] - chance) / (1 - chance)) * LEVELS) for c in col_of])
    return kinds, levels


def _marks(b: Boundary, width: int, height: int) -> dict[tuple[int, int], tuple[str, int]]:
    """{(cell row, cell column): (mark, true class)} of the data's rows on the picture."""
    if b.rows is None:
        return {}
    x0, x1, y0, y1 = b.extent
    r = b.rows
    found: dict[tuple[int, int], tuple[tuple[bool, bool], int]] = {}
    for x, y, label, predicted, training in zip(r.x, r.y, r.label, r.predicted, r.training):
        col = int((x - x0) / (x1 - x0) * width)
        row = int((y1 - y) / (y1 - y0) * 2 * height) // 2
        if not (0 <= col < width and 0 <= row < height):
            continue
        kind = (training, predicted != label)
        held = found.get((row, col))
        if held is None or PRECEDENCE.index(kind) >= PRECEDENCE.index(held[0]):
            found[(row, col)] = (kind, label)
    return {cell: (MARKS[kind], label) for cell, (kind, label) in found.items()}


def picture(b: Boundary, width: int, height: int, palette: Palette = Palette()) -> list[list[Segment]]:
    """`height` lines of `width` cells: the boundary's picture with its rows marked."""
    if width < 1 or height < 1:
        return []
    kinds, levels = _pixels(b, width, height)
    line = Color.parse(palette.line)
    table = [[pixel_colour(k, level, palette) for level in range(LEVELS + 1)] for k in range(len(CLASS_COLOURS))]
    colours = []
    for py, (row, shades) in enumerate(zip(kinds, levels)):
        below = kinds[py + 1] if py + 1 < len(kinds) else row
        right = row[1:] + row[-1:]
        # the boundary: a pixel whose class differs from the one to its right or below it
        colours.append([line if k != r or k != d else table[k % len(table)][s]
                        for k, s, r, d in zip(row, shades, right, below)])
    marks = _marks(b, width, height)
    lines = []
    for r in range(height):
        top, bottom = colours[2 * r], colours[2 * r + 1]
        segments = list(map(_cell, top, bottom))
        for (mr, c), (glyph, label) in marks.items():
            if mr == r:
                fg = _mix(CLASS_COLOURS[label % len(CLASS_COLOURS)], "#ffffff", 0.35)
                segments[c] = Segment(glyph, _style(fg, bottom[c], glyph in "●✖"))
        lines.append(segments)
    return lines


# Without colour (a pipe, a CI log) a cell shows its class by a shade: class 0 blank, then
# these; cells on the boundary are solid.
PLAIN_SHADES, PLAIN_LINE = " ░▒▓", "█"


def plain_picture(b: Boundary, width: int, height: int) -> list[str]:
    """The picture as text without colour: each cell's class (of its upper pixel) as a shade,
    the boundary solid, the rows' marks on top."""
    kinds, _ = _pixels(b, width, height)
    marks = _marks(b, width, height)
    lines = []
    for r in range(height):
        row, below = kinds[2 * r], kinds[2 * r + 1]
        cells = []
        for c, kind in enumerate(row):
            mark = marks.get((r, c))
            edge = (c + 1 < width and row[c + 1] != kind) or below[c] != kind
            cells.append(mark[0] if mark else PLAIN_LINE if edge else PLAIN_SHADES[min(kind, len(PLAIN_SHADES) - 1)])
        lines.append("".join(cells))
    return lines


class BoundaryRenderable:
    """A Rich renderable of the picture, for `wdtui trace`: in colour, or in shades of one
    character where the console has no colour."""

    def __init__(self, b: Boundary, width: int, height: int, palette: Palette = Palette()) -> None:
        self.boundary, self.width, self.height, self.palette = b, width, height, palette

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        width = min(self.width, options.max_width)
        if console.color_system is None:
            for text in plain_picture(self.boundary, width, self.height):
                yield Segment(text)
                yield Segment.line()
            return
        for line in picture(self.boundary, width, self.height, self.palette):
            yield from line
            yield Segment.line()


def fitted(b: Boundary, width: int, height: int, stretch: float = 1.0) -> tuple[int, int]:
    """The largest (cells wide, cells high) within width × height that draws the plane with square pixels.

    A cell is about twice as high as wide, so its two pixels are about square. With `stretch`,
    pixels may be up to that many times as wide: more columns, so fewer rows share a cell."""
    x0, x1, y0, y1 = b.extent
    aspect = stretch * (x1 - x0) / max(y1 - y0, 1e-9)
    w = min(width, max(1, round(2 * height * aspect)))
    return w, min(height, max(1, round(w / aspect / 2)))


def plane_title(b: Boundary) -> str:
    """`x0 × x1, the whole input` or `x3 × x7 (the two features the first layer weighs most);
    the other 8 held at their training mean`."""
    names = " × ".join(b.feature_names)
    if b.n_features == 2:
        return f"{names}, the whole input"
    others = b.n_features - 2
    held = "their training mean" if b.held == 0 else f"z = {b.held:g}"
    return f"{names}; the other {others} feature{'s' * (others != 1)} held at {held}"


def measures(b: Boundary) -> str:
    """`length 158 · ‖∂p/∂x‖ 0.336`: the boundary's two numbers."""
    return f"length {b.length} · ‖∂p/∂x‖ {b.gradient_norm:.4f}"


def legend(b: Boundary, plain: bool = False) -> str:
    """What the marks and colours mean (`plain`: for text without colour, marks only)."""
    if b.rows is None:
        return ""
    r = b.rows
    sample = f" ({len(r.x):,} of the {r.total:,} rows drawn, evenly spread)" if len(r.x) < r.total else ""
    return (f"{MARKS[(True, False)]} training row  {MARKS[(False, False)]} validation row  "
            f"{MARKS[(True, True)]} {MARKS[(False, True)]} misclassified ({r.misclassified:,})"
            f"{'' if plain else '; colour: the true class'}{sample}")


def taken_at(epoch: int, step: int, steps_per_epoch: int) -> str:
    """`the untrained model`, `after epoch 37` or `epoch 38, step 4 of 8`: where a look was taken."""
    if epoch == 0:
        return "the untrained model"
    if step == steps_per_epoch:
        return f"after epoch {epoch}"
    return f"epoch {epoch}, step {step} of {steps_per_epoch}"


def measures_explained(b: Boundary) -> str:
    """What the two numbers measure, on the grid they were measured on."""
    rows, cols = b.shape
    return (f"length: cells of the {cols} × {rows} grid where the predicted class changes. ‖∂p/∂x‖: the "
            "smoothness number, mean over the validation rows (smaller is a smoother function).")


def next_feature(current: int, other: int, n_features: int) -> int:
    """The feature after `current` (wrapping round), skipping `other`: a plane needs two."""
    step = (current + 1) % n_features
    return (step + 1) % n_features if step == other else step


def class_key(class_names: tuple[str, ...], plain: bool = False) -> str:
    """`■ 0  ■ 1` in the classes' own colours (markup): which colour is which class.

    With `plain`, for text without colour, it says which shade is which class, and the boundary's character."""
    if plain:
        shades = [f"'{PLAIN_SHADES[min(k, len(PLAIN_SHADES) - 1)]}' {_escape(name)}"
                  for k, name in enumerate(class_names)]
        return f"class by shade: {'  '.join(shades)}; boundary {PLAIN_LINE}"
    return "  ".join(f"[{CLASS_COLOURS[k % len(CLASS_COLOURS)]}]■[/] {_escape(name)}"
                     for k, name in enumerate(class_names))


def _escape(text: str) -> str:
    return text.replace("[", "\\[")


def boundary_words(b: Boundary | None, where: str, class_names: tuple[str, ...], untrained: Boundary | None = None,
                   chosen: bool = False) -> str:
    """The words beside the Train mode's picture (markup).

    They say what it is and where in the run it was taken. They give its two numbers (and the
    untrained model's, to compare), the marks and the measures."""
    if b is None:
        return "[b]Decision boundary[/b]\nIt needs two input features; this data has one."
    plane = _escape(plane_title(b))
    if b.n_features > 2:
        plane += (" (chosen with x and y; v: the default)" if chosen else
                  " (the two features the first layer weighs most; x and y choose others)")
    then = f"   [dim](untrained: {measures(untrained)})[/]" if untrained is not None and untrained is not b else ""
    return (f"[b]Decision boundary[/b] · {where}\n"
            f"plane {plane}\n"
            f"[b]{measures(b)}[/b]{then}\n"
            f"{legend(b)}\n{class_key(class_names)}\n"
            f"[dim]{measures_explained(b)}[/]")


def twin_caption(b: Boundary, val_loss: float | None, where: str) -> str:
    """Under a twin's picture: its validation loss (at the epoch it was taken), its two numbers."""
    loss = f"val loss {val_loss:.4f} · " if val_loss is not None else ""
    return f"{loss}length {b.length}\n‖∂p/∂x‖ {b.gradient_norm:.4f} · {where}"


def strip_picks(n: int, slots: int, best: int | None, cursor: int | None) -> list[int]:
    """Which of `n` sweep points a strip of `slots` small pictures shows, in order.

    They are the first (λ = 0), the best, the one under the table's cursor, and the rest spread evenly."""
    if n <= slots:
        return list(range(n))
    must = [i for i in dict.fromkeys((0, best, cursor, n - 1)) if i is not None][:slots]
    spread = [round(i * (n - 1) / (slots - 1)) for i in range(slots)]
    picks = set(must)
    for i in sorted(spread, key=lambda i: min(abs(i - m) for m in must), reverse=True):
        if len(picks) >= slots:
            break
        picks.add(i)
    return sorted(picks)
