"""A PNG canvas whose text costs one FreeType call per line instead of a Python loop per glyph.

matplotlib 3.11 draws Agg text glyph by glyph from Python (set the size, set a transform, render,
blit: ~100 µs a glyph); the partnership network's ~30,000 label glyphs at 300 dpi took about
4.5 s of a 7–9 s export. :class:`LineCanvas` draws each line of plain text as earlier matplotlib
releases did: FreeType lays out and rasterises the whole line (kerning included) into one bitmap,
blitted once. Mathematical text, and matplotlib versions that still draw that way, keep the stock
path. Only PNG uses it: SVG and PDF keep their text as text.
"""

from __future__ import annotations

import math
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

#: matplotlib versions before 3.11 draw a line at once already
PER_GLYPH = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes")


class LineRenderer(RendererAgg):
    """:class:`RendererAgg` drawing a plain text line as one bitmap. Laying a line out is the costly
    step (FreeType loads every glyph), and matplotlib does it twice (to measure the line, then to
    draw it): the bitmap made when measuring is kept for the drawing."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._lines: dict[tuple[str, Any], tuple[Any, float, float, float, float, float]] = {}

    def _line(self, s: str, prop: Any) -> tuple[Any, float, float, float, float, float]:
        """The line's bitmap, its offset (x, y), descent, width and height, in pixels."""
        key = (s, prop)
        if key not in self._lines:
            font = self._prepare_font(prop)
            font.set_text(s, 0, flags=get_hinting_flag())
            font.draw_glyphs_to_bitmap(antialiased=True)
            xo, yo = font.get_bitmap_offset()
            w, h = font.get_width_height()
            self._lines[key] = (font.get_image(), xo / 64.0, yo / 64.0, font.get_descent() / 64.0, w / 64.0, h / 64.0)
        return self._lines[key]

    def get_text_width_height_descent(self, s: str, prop: Any, ismath: Any) -> tuple[float, float, float]:
        if ismath:
            return super().get_text_width_height_descent(s, prop, ismath)
        _, _, _, descent, w, h = self._line(s, prop)
        return w, h, descent

    def draw_text(self, gc: Any, x: float, y: float, s: str, prop: Any, angle: float, ismath: Any = False,
                  mtext: Any = None) -> None:
        if ismath or not gc.get_antialiased():
            super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
            return
        image, xo, yo, descent, _, _ = self._line(s, prop)
        # the bitmap's origin: FreeType's offset and the descent, turned with the text
        x += xo + descent * math.sin(math.radians(angle))
        y += yo + descent * math.cos(math.radians(angle))
        self._renderer.draw_text_image(image, round(x), round(y) + 1, angle, gc)


class LineCanvas(FigureCanvasAgg):
    """:class:`FigureCanvasAgg` with a :class:`LineRenderer` (the stock renderer where it is as fast)."""

    def get_renderer(self) -> RendererAgg:
        if not PER_GLYPH:
            return super().get_renderer()
        w, h = self.get_width_height(physical=True)
        key = (w, h, self.figure.dpi)
        if self._lastKey != key:
            self.renderer = LineRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
