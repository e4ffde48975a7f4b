"""A PNG canvas whose text comes from glyphs rendered once, not loaded again for every letter.

matplotlib 3.11 draws Agg text glyph by glyph from Python (set the size and a transform, have
FreeType load and render the glyph — it keeps no glyph cache —, blit: ~100 µs a glyph), and lays
each line out twice (to measure it, then to draw it). The partnership network's ~30,000 label
glyphs at 300 dpi took most of a 5–9 s export. :class:`LineCanvas` lays a line out once, when it is
measured, from a process-wide cache of glyph bitmaps (per font file, size, dpi and character) and
blits it in one call. Text that needs shaping (Arabic, combining marks) is laid out by FreeType
as a whole line instead; mathematical text, and matplotlib versions before 3.11, take matplotlib's
own path. Only PNG uses this: SVG and PDF keep their text as text. docs/maps.md, *Export speed*.
"""

from __future__ import annotations

import math
import threading
from typing import Any

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag

try:
    from matplotlib.ft2font import Kerning
except ImportError:  # matplotlib before 3.10, which draws a line at once anyway
    Kerning = None

#: matplotlib versions before 3.11 draw a line at once already
PER_GLYPH = hasattr(RendererAgg, "_draw_text_glyphs_and_boxes") and Kerning is not None


class LineRenderer(RendererAgg):
    """:class:`RendererAgg` drawing a text line as one bitmap, made when the line is measured and
    kept for its drawing (matplotlib measures each line before it draws it)."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._lines: dict[tuple[str, Any], tuple[Any, float, float, float, float, float]] = {}

    def _line(self, s: str, prop: Any) -> tuple[Any, float, float, float, float, float]:
        """The line's bitmap, its offset (x, y), descent, width and height, in pixels, put together
        from glyphs rendered once per font and size (FreeType loads a glyph in ~25 µs, and a large
        map's labels repeat the same hundred characters thousands of times)."""
        key = (s, prop)
        if key not in self._lines:
            font = self._prepare_font(prop)
            face = (font.fname, prop.get_size_in_points(), self.dpi, get_hinting_flag())
            self._lines[key] = _compose(font, face, s) if _simple(s) else _shaped(font, s)
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


#: (font file, size, dpi, hinting, character) → (bitmap, left offset, descent, height, advance) in pixels,
#: what one character drawn alone gives; kept for the process (a few hundred small arrays)
_GLYPHS: dict[tuple[Any, ...], tuple[Any, float, float, float, float]] = {}
_GLYPHS_LOCK = threading.Lock()


def _glyph(font: Any, face: tuple[Any, ...], char: str) -> tuple[Any, float, float, float, float]:
    key = (*face, char)
    found = _GLYPHS.get(key)
    if found is None:
        flags = get_hinting_flag()
        font.set_text(char, 0, flags=flags)
        font.draw_glyphs_to_bitmap(antialiased=True)
        _w, h = font.get_width_height()
        # the unhinted advance (16.16): hinted ones, rounded to whole pixels glyph by glyph, space letters unevenly
        advance = font.load_char(ord(char), flags=flags).linearHoriAdvance / 65536.0
        found = (font.get_image().copy(), font.get_bitmap_offset()[0] / 64.0, font.get_descent() / 64.0,
                 h / 64.0, advance)
        with _GLYPHS_LOCK:
            _GLYPHS[key] = found
    return found


def _simple(s: str) -> bool:
    """Text whose glyphs simply follow one another: Latin, Greek, Cyrillic and common punctuation,
    precomposed. Arabic, Hebrew, Indic scripts or combining marks need shaping (joined forms, right to
    left, marks placed on letters), which only FreeType's own layout of the whole line gives."""
    return all(ord(c) < 0x0300 or 0x0370 <= ord(c) < 0x0590 or 0x1E00 <= ord(c) < 0x20D0 for c in s)


def _shaped(font: Any, s: str) -> tuple[Any, float, float, float, float, float]:
    """The line laid out and rasterised by FreeType at once (shaped; one call)."""
    font.set_text(s, 0, flags=get_hinting_flag())
    font.draw_glyphs_to_bitmap(antialiased=True)
    xo, yo = font.get_bitmap_offset()
    w, h = font.get_width_height()
    return font.get_image(), xo / 64.0, yo / 64.0, font.get_descent() / 64.0, w / 64.0, h / 64.0


def _compose(font: Any, face: tuple[Any, ...], s: str) -> tuple[Any, float, float, float, float, float]:
    """A line as FreeType would draw it glyph by glyph at whole pixels: each glyph's bitmap where
    drawing it alone at its pen position would put it, on one bitmap whose bottom is the line's
    lowest descent; the pen moves by the glyph's advance and the font's kerning."""
    glyphs = [_glyph(font, face, c) for c in s]
    if not glyphs:
        return np.zeros((1, 1), np.uint8), 0.0, 0.0, 0.0, 0.0, 0.0
    pens, pen, previous = [], 0.0, 0
    for c, g in zip(s, glyphs, strict=True):
        index = font.get_char_index(ord(c))
        if previous and index:
            pen += font.get_kerning(previous, index, Kerning.DEFAULT) / 64.0
        pens.append(pen)
        pen += g[4]
        previous = index
    descent = max(g[2] for g in glyphs)
    height = max(g[3] - g[2] for g in glyphs) + descent
    lefts = [round(p + g[1]) for p, g in zip(pens, glyphs, strict=True)]
    bottoms = [round(descent - g[2]) for g in glyphs]  # rows between a glyph's bottom and the line's
    base = min(lefts)
    cols = max(left + g[0].shape[1] for left, g in zip(lefts, glyphs, strict=True)) - base
    rows = max(b + g[0].shape[0] for b, g in zip(bottoms, glyphs, strict=True))
    image = np.zeros((rows, cols), np.uint8)
    for left, bottom, g in zip(lefts, bottoms, glyphs, strict=True):
        r, c = g[0].shape
        window = image[rows - bottom - r:rows - bottom, left - base:left - base + c]
        np.maximum(window, g[0], out=window)
    return image, float(base), 0.0, descent, pen, height


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
