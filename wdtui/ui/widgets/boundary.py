"""The decision boundary in the app: the picture, and the Train mode's panel that says what it shows.

present.boundary draws the picture, two pixels a cell. Nothing here computes. The Boundary
record was made in a worker: a Watch's look at the run, a twin's, or a sweep's. The picture
only samples its grid. The shading fades into the theme's own background, and the boundary
line is drawn in its foreground colour. So dark and light themes both show it.
"""

from __future__ import annotations

from rich.segment import Segment
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Static

from ...core.measures import Boundary
from ...present.boundary import Palette, fitted, picture


class BoundaryPicture(Widget):
    """A Boundary drawn to the widget's size.

    With `width: auto`, it is as wide as its height draws the plane with pixels `stretch` times
    as wide as high (1: square). Otherwise it takes whatever width the screen's CSS gives it."""

    stretch = 1.0

    DEFAULT_CSS = """
    BoundaryPicture { width: auto; height: 1fr; }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.boundary: Boundary | None = None
        self._strips: list[Strip] | None = None
        self._drawn_for: tuple[object, ...] = ()

    def show(self, boundary: Boundary | None) -> None:
        """Draw `boundary` (None: an empty picture) at the next refresh; a no-op if shown already."""
        if boundary is self.boundary:
            return
        # Only a picture sized by its boundary (`width: auto`) needs the layout done again.
        reshaped = self.styles.width is not None and self.styles.width.is_auto and (
            self.boundary is None or boundary is None or boundary.extent != self.boundary.extent)
        self.boundary, self._strips = boundary, None
        self.refresh(layout=reshaped)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        if self.boundary is None:
            return min(container.width, 2 * container.height)
        return fitted(self.boundary, container.width, container.height, self.stretch)[0]

    def palette(self) -> Palette:
        variables = self.app.get_css_variables()
        return Palette(base=variables.get("background", "#000000"), line=variables.get("foreground", "#ffffff"))

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        key = (self.boundary, width, height, self.app.theme)
        if self._strips is None or key != self._drawn_for:
            self._drawn_for = key
            lines = picture(self.boundary, width, height, self.palette()) if self.boundary is not None else []
            self._strips = [Strip(line, width) for line in lines]
        if y < len(self._strips):
            return self._strips[y]
        return Strip([Segment(" " * width)], width)


class BoundaryPanel(Horizontal):
    """The Train mode's view: the picture, and beside it what it is.

    That is the plane and where in the run it was taken, its two numbers, what the marks mean
    and what the numbers measure."""

    def compose(self) -> ComposeResult:
        picture = BoundaryPicture(id="boundary-picture")
        picture.stretch = 1.5  # room enough: wider, so fewer of the rows share a cell
        yield picture
        yield Static(id="boundary-words")

    def show(self, boundary: Boundary | None, words: str) -> None:
        self.query_one(BoundaryPicture).show(boundary)
        self.query_one("#boundary-words", Static).update(words, layout=False)  # its size is the panel's


class BoundaryStrip(Horizontal):
    """Small multiples: a row of tiles, each a picture with a title above and a caption below.
    The screen decides which boundaries go in which tile; unused tiles are hidden."""

    TILES = 12  # at most; a screen shows as many as fit its width
    TILE_WIDTH = 13
    _fitted = 0  # the tiles its width held when it last said so

    class Refit(Message):
        """The strip's width holds another number of tiles now (it was laid out, or the terminal
        resized): its screen picks the tiles again. Picked before the first layout, a strip of
        no width would keep its three tiles until something else redrew it."""

    def compose(self) -> ComposeResult:
        for i in range(self.TILES):
            with Vertical(classes="tile", id=f"tile-{i}"):
                yield Static(classes="tile-title")
                yield BoundaryPicture()
                yield Static(classes="tile-caption")

    @property
    def fits(self) -> int:
        """How many tiles the strip's width holds (at least 3, at most TILES)."""
        return max(3, min(self.TILES, self.size.width // self.TILE_WIDTH))

    def on_resize(self) -> None:
        if self.fits != self._fitted:
            self._fitted = self.fits
            self.post_message(self.Refit())

    def show(self, tiles: list[tuple[str, Boundary | None, str]]) -> None:
        """(title, boundary, caption) per tile, left to right; the rest hidden."""
        for i, tile in enumerate(self.query(".tile")):
            tile.display = i < len(tiles)
            if i < len(tiles):
                title, boundary, caption = tiles[i]
                tile.query_one(".tile-title", Static).update(title)
                tile.query_one(BoundaryPicture).show(boundary)
                tile.query_one(".tile-caption", Static).update(caption)
