"""PNG exports draw text a line at a time from glyphs rendered once (graph/maps/agg_text.py): the
same words in the same place as matplotlib's own Agg text, Latin and shaped scripts alike."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from graph.maps.agg_text import PER_GLYPH, LineCanvas
from graph.maps.static import RC

LINES = [
    ("Intergovernmental Consultations on Migration, Asylum and Refugees", 4.5, "normal"),
    ("Côte d’Ivoire — AVAWAY Tj gjy, São Tomé-et-Príncipe (Ñandú) 2015", 6.0, "normal"),
    ("Processus de Rabat", 8.0, "bold"),
    ("العملية التشاورية العربية", 6.0, "normal"),  # Arabic: joined forms, right to left
    ("Северная Македония", 6.0, "normal"),
]


def ink(canvas_type: type, text: str, size: float, weight: str) -> np.ndarray:
    with rc_context(RC):
        fig = Figure(figsize=(5.0, 0.5), dpi=300)
        fig.patch.set_facecolor("white")
        fig.text(0.02, 0.3, text, fontsize=size, weight=weight, parse_math=False)
        canvas = canvas_type(fig)
        canvas.draw()
        return 255 - np.asarray(canvas.buffer_rgba())[:, :, 0].astype(int)


@pytest.mark.skipif(not PER_GLYPH, reason="this matplotlib draws a line at once itself")
@pytest.mark.parametrize(("text", "size", "weight"), LINES)
def test_lines_drawn_where_and_as_matplotlib_draws_them(text, size, weight):
    stock, ours = ink(FigureCanvasAgg, text, size, weight), ink(LineCanvas, text, size, weight)

    def box(a: np.ndarray) -> tuple[int, int, int, int]:
        rows, cols = np.flatnonzero((a > 60).any(axis=1)), np.flatnonzero((a > 60).any(axis=0))
        return int(rows[0]), int(rows[-1]), int(cols[0]), int(cols[-1])

    # the same place to a pixel or two, and the same length to 2 % (glyphs at whole pixels and
    # unhinted advances, where matplotlib places them at fractions of a pixel)...
    (top, bottom, left, right), (top0, bottom0, left0, right0) = box(ours), box(stock)
    assert max(abs(top - top0), abs(bottom - bottom0), abs(left - left0)) <= 2, (box(ours), box(stock))
    assert abs((right - left) - (right0 - left0)) <= 0.02 * (right0 - left0), (box(ours), box(stock))
    # ...and the same amount of ink: every glyph drawn, in the same weight
    assert abs(ours.sum() - stock.sum()) < 0.04 * stock.sum()


def test_arabic_is_shaped_not_spelt_letter_by_letter():
    """A script whose letters join (Arabic) goes through FreeType's own layout of the line: drawn letter
    by letter it would come out in isolated forms, left to right."""
    from graph.maps.agg_text import _simple

    assert _simple("Côte d’Ivoire — Ñandú") and _simple("Северная Македония")
    assert not _simple("العملية التشاورية العربية") and not _simple("e\u0301")  # a combining accent
    text = "العملية التشاورية العربية"
    stock, ours = ink(FigureCanvasAgg, text, 6.0, "normal"), ink(LineCanvas, text, 6.0, "normal")
    assert np.abs(ours - stock).sum() < 0.02 * stock.sum()
