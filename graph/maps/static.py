"""Static images of a map with matplotlib: the same positions, title and legend as the page."""

from __future__ import annotations

import textwrap
import threading
from collections import defaultdict
from os import PathLike
from typing import Any, BinaryIO

from graph.maps.html import _short
from graph.maps.spec import _MARKERS, EDGE_STYLES, MapSpec, curves

_MPL_LOCK = threading.Lock()
Target = str | PathLike[str] | BinaryIO


def _figure(spec: MapSpec) -> Any:
    from matplotlib.collections import LineCollection
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    n = len(spec.nodes)
    width = 12.0 if n <= 120 else 16.0
    fig = Figure(figsize=(width, width * 0.68), dpi=100)
    ax = fig.add_axes((0.01, 0.02, 0.74, 0.88))
    ax.set_axis_off()
    pos = {node.id: (node.x, -node.y) for node in spec.nodes}
    by_style: dict[str, list[Any]] = defaultdict(list)
    widths: dict[str, list[float]] = defaultdict(list)
    for e, smooth in zip(spec.edges, curves(spec), strict=True):
        (x0, y0), (x1, y1) = pos[e.u], pos[e.v]
        if smooth is False:
            seg = [(x0, y0), (x1, y1)]
        else:
            assert isinstance(smooth, dict)
            bend = smooth["roundness"] * (1 if smooth["type"] == "curvedCW" else -1)
            cx, cy = (x0 + x1) / 2 + bend * (y1 - y0), (y0 + y1) / 2 - bend * (x1 - x0)
            seg = [((1 - t) ** 2 * x0 + 2 * (1 - t) * t * cx + t ** 2 * x1,
                    (1 - t) ** 2 * y0 + 2 * (1 - t) * t * cy + t ** 2 * y1) for t in (i / 12 for i in range(13))]
        by_style[e.style].append(seg)
        widths[e.style].append(e.width * 0.6)
    for key, segs in by_style.items():
        style = EDGE_STYLES[key]
        ls = (0, tuple(d * 0.6 for d in style.dashes)) if style.dashes else "solid"
        ax.add_collection(LineCollection(segs, colors=style.colour, linewidths=widths[key], linestyles=ls,
                                         alpha=0.6, zorder=1))
    for shape in sorted({node.shape for node in spec.nodes}):
        group = [node for node in spec.nodes if node.shape == shape]
        ax.scatter([pos[g.id][0] for g in group], [pos[g.id][1] for g in group],
                   s=[(g.size * (0.55 if n > 120 else 0.8)) ** 2 for g in group], c=[g.colour for g in group],
                   marker=_MARKERS.get(shape, "o"), edgecolors=["#222222" if g.highlight else "white" for g in group],
                   linewidths=[2.0 if g.highlight else 0.5 for g in group], zorder=2)
    ranked = sorted(spec.nodes, key=lambda g: (-g.highlight, -g.size, g.id))
    shown = ranked if n <= 60 else ranked[:40]
    for g in shown:
        ax.text(pos[g.id][0], pos[g.id][1] - g.size * 1.2, _short(g.label, 28), fontsize=7 if n > 60 else 8,
                ha="center", va="top", zorder=3, parse_math=False,
                bbox={"boxstyle": "round,pad=0.1", "facecolor": "white", "alpha": 0.6, "linewidth": 0})
    if spec.nodes:
        xs = [p[0] for p in pos.values()]
        ys = [p[1] for p in pos.values()]
        pad = 60.0
        ax.set_xlim(min(xs) - pad, max(xs) + pad)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
    else:
        ax.text(0.5, 0.5, "no nodes match the filters", ha="center", transform=ax.transAxes, parse_math=False)
    ax.set_aspect("equal", adjustable="box")
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
        legend = fig.legend(handles=handles, loc="upper left", bbox_to_anchor=(0.76, 0.9), fontsize=8,
                            frameon=False, title="Legend", title_fontsize=9, alignment="left")
        for text in legend.get_texts():
            text.set_parse_math(False)
    fig.text(0.01, 0.97, textwrap.shorten(spec.title, 110, placeholder="…"), fontsize=14, weight="bold", va="top",
             parse_math=False)
    fig.text(0.01, 0.93, spec.subtitle, fontsize=9, color="#555555", va="top", parse_math=False)
    fig.text(0.99, 0.005, f"{len(spec.nodes)} nodes, {len(spec.edges)} relations · iscm-graph", fontsize=7,
             color="#777777", ha="right", va="bottom", parse_math=False)
    return fig


def _save(spec: MapSpec, target: Target, fmt: str, **kw: Any) -> None:
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with _MPL_LOCK, rc_context({"svg.hashsalt": "iscm-graph", "svg.fonttype": "path", "path.simplify": True}):
        fig = _figure(spec)
        FigureCanvasAgg(fig)
        fig.savefig(target, format=fmt, **kw)


def to_png(spec: MapSpec, target: Target, *, dpi: int = 120) -> None:
    """Draw ``spec`` as a PNG (same positions, title and legend as the page) to a path or binary file."""
    _save(spec, target, "png", dpi=dpi, metadata={"Software": None})


def to_svg(spec: MapSpec, target: Target) -> None:
    """Draw ``spec`` as an SVG (text drawn as paths: no fonts, no external reference)."""
    _save(spec, target, "svg", metadata={"Date": None, "Creator": None})

