"""Static images of a map with matplotlib, ready for a report: PNG (300 dpi by default), SVG with
live text, PDF.

The image draws the spec's own positions (the layout on screen is the layout exported), every
node with its full name (wrapped, never cut with "…"), the title, the filters, the legend and the
footer (:attr:`MapSpec.credit`: release, as-of date, licence, how to cite); the canvas is cropped
to what is drawn.
"""

from __future__ import annotations

import textwrap
import threading
from collections import defaultdict
from collections.abc import Callable
from os import PathLike
from typing import Any, BinaryIO

from graph.maps.credit import NO_RELEASE
from graph.maps.spec import _MARKERS, EDGE_STYLES, MapSpec, curves, wrap_label
from graph.maps.words import word

_MPL_LOCK = threading.Lock()
Target = str | PathLike[str] | BinaryIO
DPI = 300
#: matplotlib settings of every export: text stays text in SVG ,
#: and the output does not vary between runs
RC = {"svg.hashsalt": "iscm-graph", "svg.fonttype": "none", "path.simplify": True,
      "font.family": "DejaVu Sans"}


def _segment(x0: float, y0: float, x1: float, y1: float, smooth: Any) -> list[tuple[float, float]]:
    if smooth is False:
        return [(x0, y0), (x1, y1)]
    bend = smooth["roundness"] * (1 if smooth["type"] == "curvedCW" else -1)
    cx, cy = (x0 + x1) / 2 + bend * (y1 - y0), (y0 + y1) / 2 - bend * (x1 - x0)
    return [((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1,
             (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1) for t in (i / 12 for i in range(13))]


def _draw_edges(ax: Any, spec: MapSpec, pos: dict[str, tuple[float, float]], *, vector: bool) -> None:
    import numpy as np
    from matplotlib.collections import LineCollection
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    groups: dict[tuple[str, float], list[list[tuple[float, float]]]] = defaultdict(list)
    for e, smooth in zip(spec.edges, curves(spec), strict=True):
        groups[(e.style, e.width)].append(_segment(*pos[e.u], *pos[e.v], smooth))
    for (key, width), segs in groups.items():
        style = EDGE_STYLES[key]
        look = {"linewidth": width * 0.6, "alpha": 0.6, "zorder": 1,
                "linestyle": (0, tuple(d * 0.6 for d in style.dashes)) if style.dashes else "solid"}
        if not vector:  # Agg strokes many small paths faster than one large one
            ax.add_collection(LineCollection(segs, colors=style.colour, **look), autolim=False)
            continue
        # SVG and PDF: one compound path per style and width, so the writers write a dozen paths, not
        # one per edge (thousands on the whole partnership network); add_artist skips the data limits
        codes = np.concatenate([[Path.MOVETO] + [Path.LINETO] * (len(seg) - 1) for seg in segs])
        path = Path(np.concatenate([np.asarray(seg, dtype=float) for seg in segs]), codes.astype(np.uint8))
        ax.add_artist(PathPatch(path, fill=False, edgecolor=style.colour, capstyle="round", **look))


def _label_size(n: int) -> float:
    return 8.0 if n <= 60 else 6.0 if n <= 150 else 4.5


#: names drawn on a static image at most: a larger map names its most-linked nodes (and the chosen
#: ones), and its note says so. Hundreds of names at 4.5 pt are unreadable in print and cost most of
#: the export's time; every name stays in the interactive map and the nodes CSV.
MAX_LABELS = 150


def named(spec: MapSpec) -> list[Any]:
    """The nodes whose names an image draws: all, or the MAX_LABELS largest (highlighted first)."""
    if len(spec.nodes) <= MAX_LABELS:
        return list(spec.nodes)
    ranked = sorted(spec.nodes, key=lambda g: (not g.highlight, -g.size, g.label, g.id))
    return ranked[:MAX_LABELS]


def _draw_nodes(ax: Any, spec: MapSpec, pos: dict[str, tuple[float, float]]) -> None:
    n = len(spec.nodes)
    scale = 0.55 if n > 120 else 0.8
    for shape in sorted({node.shape for node in spec.nodes}):
        group = [node for node in spec.nodes if node.shape == shape]
        ax.scatter([pos[g.id][0] for g in group], [pos[g.id][1] for g in group],
                   s=[(g.size * scale) ** 2 for g in group], c=[g.colour for g in group],
                   marker=_MARKERS.get(shape, "o"), edgecolors=["#222222" if g.highlight else "white" for g in group],
                   linewidths=[2.0 if g.highlight else 0.5 for g in group], zorder=2)
    # named nodes in full: wrapped on several lines rather than cut
    labels = named(spec)
    size = _label_size(len(labels))
    for g in labels:
        # just below the marker, whatever the zoom: the offset is in points, like the marker's size
        ax.annotate(wrap_label(g.label, 22), pos[g.id], xytext=(0, -(g.size * scale / 2 + 1.5)),
                    textcoords="offset points", fontsize=size, ha="center", va="top", zorder=3, linespacing=1.0,
                    parse_math=False,
                    weight="bold" if g.highlight else "normal", annotation_clip=False,
                    bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.6, "linewidth": 0})


def _legend(fig: Any, spec: MapSpec) -> None:
    from matplotlib.lines import Line2D

    handles = []
    for entry in spec.legend:
        if entry.kind == "node":
            handles.append(Line2D([], [], linestyle="none", marker=_MARKERS.get(entry.shape or "dot", "o"),
                                  markersize=8, markerfacecolor=entry.colour, markeredgecolor=entry.colour,
                                  label=entry.label))
        else:
            ls = (0, tuple(d * 0.6 for d in entry.dashes)) if entry.dashes else "solid"
            handles.append(Line2D([], [], color=entry.colour, linestyle=ls, linewidth=max(1.0, entry.width),
                                  label=entry.label))
    if handles:
        legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.76, 0.86), fontsize=8,
                            frameon=False, title=word(spec.lang, "legend"), title_fontsize=9, alignment="left")
        for text in legend.get_texts():
            text.set_parse_math(False)


def frame(fig: Any, title: str, subtitle: str, credit: str, *, note: str = "") -> None:
    """Title and subtitle on top, the footer (credit) at the bottom, wrapped to the figure's width;
    shared with the world maps."""
    width = fig.get_figwidth()
    # ~8 bold 14 pt characters an inch: a longer line would run off the figure (and be cut with it)
    fig.text(0.01, 0.985, textwrap.fill(title, int(width * 8)), fontsize=14, weight="bold", va="top",
             parse_math=False)
    fig.text(0.01, 0.925, textwrap.fill(subtitle, int(width * 15)), fontsize=9, color="#444444", va="top",
             parse_math=False)
    footer = textwrap.fill(credit or NO_RELEASE, int(width * 17))
    if note:
        footer = f"{note}\n{footer}"
    fig.text(0.01, 0.005, footer, fontsize=7, color="#444444", ha="left", va="bottom", parse_math=False)


def figure(spec: MapSpec, *, vector: bool = True) -> Any:
    """The matplotlib figure of ``spec`` (positions from the spec, y pointing down as on screen);
    ``vector=False`` draws the edges the way the PNG writer draws fastest."""
    from matplotlib.figure import Figure

    n = len(spec.nodes)
    width = 12.0 if n <= 120 else 16.0
    fig = Figure(figsize=(width, width * 0.72), dpi=100)
    ax = fig.add_axes((0.01, 0.07, 0.74, 0.80))
    ax.set_axis_off()
    pos = {node.id: (node.x, -node.y) for node in spec.nodes}
    _draw_edges(ax, spec, pos, vector=vector)
    _draw_nodes(ax, spec, pos)
    if spec.nodes:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        pad = 60.0
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad * 1.5, max(ys) + pad)
    else:
        ax.text(0.5, 0.5, word(spec.lang, "empty"), ha="center", transform=ax.transAxes, parse_math=False)
    ax.set_aspect("equal", adjustable="box")
    _legend(fig, spec)
    note = word(spec.lang, "counts", nodes=len(spec.nodes), edges=len(spec.edges))
    if len(spec.nodes) > MAX_LABELS:
        note += " · " + word(spec.lang, "names_shown", shown=MAX_LABELS)
    frame(fig, spec.title, spec.subtitle, spec.credit, note=note)
    return fig


def save_png(fig: Any, target: Target, *, dpi: int = DPI, title: str = "", credit: str = "") -> None:
    """Write a figure as an RGB PNG, cropped to what is drawn. One drawing pass: the crop comes from
    the pixels afterwards (matplotlib's tight box costs a second layout of every label first), and
    the file is written by :mod:`graph.maps.png` (unfiltered rows, zlib level 1)."""
    import numpy as np

    from graph.maps import png
    from graph.maps.agg_text import LineCanvas

    fig.set_dpi(dpi)
    fig.patch.set_facecolor("white")
    canvas = LineCanvas(fig)  # text from glyphs rendered once (graph.maps.agg_text)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    height, width = rgba.shape[:2]
    # one 32-bit word per pixel: "not pure white" over 10 M pixels in ~10 ms
    ink = rgba.view(np.uint32).reshape(height, width) != np.uint32(0xFFFFFFFF)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    pad = int(0.15 * dpi)
    x0, y0, x1, y1 = (0, 0, width, height) if not len(rows) else (
        max(int(cols[0]) - pad, 0), max(int(rows[0]) - pad, 0), min(int(cols[-1]) + pad + 1, width),
        min(int(rows[-1]) + pad + 1, height))
    # the background is opaque white, so the colour channels are the picture
    png.write(target, rgba[y0:y1, x0:x1, :3], dpi=dpi, text={"Title": title, "Source": credit or NO_RELEASE})


def save_figure(fig: Any, target: Target, fmt: str, *, dpi: int = DPI, title: str = "", credit: str = "") -> None:
    """Write a figure as PNG, SVG or PDF, cropped to what is drawn, without run-dependent metadata."""

    if fmt == "png":
        save_png(fig, target, dpi=dpi, title=title, credit=credit)
        return

    from graph.maps.agg_text import LineCanvas

    # the crop box from one cheap layout pass, instead of matplotlib's full extra draw at full dpi;
    # text measured from cached glyphs (graph.maps.agg_text), the same widths to a pixel or two
    bbox = fig.get_tightbbox(LineCanvas(fig).get_renderer()).padded(0.15)
    meta: dict[str, Any] = {
        "svg": {"Date": None, "Creator": None, "Title": title, "Description": credit or NO_RELEASE},
        "pdf": {"CreationDate": None, "Creator": None, "Producer": None, "Title": title,
                "Subject": credit or NO_RELEASE},
    }[fmt]
    fig.savefig(target, format=fmt, dpi=dpi, metadata=meta, bbox_inches=bbox, facecolor="white")


def _save(spec: MapSpec, target: Target, fmt: str, dpi: int = DPI) -> None:
    from matplotlib import rc_context

    with _MPL_LOCK, rc_context(RC):
        save_figure(figure(spec, vector=fmt != "png"), target, fmt, dpi=dpi, title=spec.title, credit=spec.credit)


def to_png(spec: MapSpec, target: Target, *, dpi: int = DPI) -> None:
    """Draw ``spec`` as a PNG at ``dpi`` (300: print quality) to a path or binary file."""
    _save(spec, target, "png", dpi)


def to_svg(spec: MapSpec, target: Target) -> None:
    """Draw ``spec`` as an SVG whose text is text (``<text>`` elements: editable, searchable)."""
    _save(spec, target, "svg")


def to_pdf(spec: MapSpec, target: Target) -> None:
    """Draw ``spec`` as a PDF (vector, text embedded as TrueType)."""
    _save(spec, target, "pdf")


def warm_steps() -> list[tuple[str, Callable[[], None]]]:
    """What a process's first export would otherwise pay for, in steps of a fraction of a second
    (so that a server's warm-up can step aside for requests between them):
    matplotlib's PNG, SVG and PDF writers with their fonts, and the world geometry (outlines,
    matplotlib paths, centroids). The server runs them in its background warm-up (api.warmup), so
    the first download is as quick as the next."""
    import io

    def writer(fmt: str) -> Callable[[], None]:
        def step() -> None:
            from matplotlib import rc_context
            from matplotlib.figure import Figure

            with _MPL_LOCK, rc_context(RC):
                fig = Figure(figsize=(2.0, 1.0))
                fig.text(0.1, 0.5, "Aa Éé", fontsize=8, parse_math=False)
                fig.text(0.1, 0.2, "Aa", fontsize=14, weight="bold", parse_math=False)
                save_figure(fig, io.BytesIO(), fmt, dpi=72)
        return step

    def load() -> None:
        import importlib

        for module in ("matplotlib.figure", "matplotlib.backends.backend_agg"):
            importlib.import_module(module)

    def fonts() -> None:
        from matplotlib import font_manager, rc_context

        with rc_context(RC):
            for weight in ("normal", "bold"):
                font_manager.findfont(font_manager.FontProperties(family=RC["font.family"], weight=weight))

    def shapes(i: int) -> Callable[[], None]:
        def step() -> None:  # every tenth outline: the file is read (once) by the first step
            from graph.maps.geometry import mpl_path, world_shapes

            for iso in sorted(world_shapes())[i::10]:
                mpl_path(iso)
        return step

    def centres() -> None:
        from graph.maps.geometry import centroids

        centroids()

    outlines = [(f"world outlines {i + 1}", shapes(i)) for i in range(10)]
    return [("matplotlib", load), ("fonts", fonts),
            *((f"map {fmt} writer", writer(fmt)) for fmt in ("png", "svg", "pdf")),
            *outlines, ("country centroids", centres)]
