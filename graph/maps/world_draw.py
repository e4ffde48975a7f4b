"""Drawing a :class:`~graph.maps.world.WorldMap`: an offline SVG for the page (hover titles, a
``data-iso`` attribute on every country so the page can open the State), and PNG / SVG / PDF
images for reports with matplotlib — the same outlines, colours, title, legend and footer.

Small territories and island States are drawn as dots (from the geometry), in their colour, so
a member the size of Malta or Tuvalu is visible and can be clicked.
"""

from __future__ import annotations

import html
import io
import textwrap
from functools import cache
from typing import Any

from graph.maps.credit import NO_RELEASE
from graph.maps.geometry import VIEWBOX, mpl_path, world_shapes
from graph.maps.static import _MPL_LOCK, RC, Target, frame, save_figure
from graph.maps.words import word
from graph.maps.world import NO_DATA, WorldMap

WIDTH = 1000.0  # the map's width in the SVG, in pixels
SIDE = 330.0  # the list beside the map (State maps)
_CSS = ("text{font-family:sans-serif;fill:#222}.t{font-size:18px;font-weight:bold}.s{font-size:12px;fill:#444}"
        ".f{font-size:10px;fill:#444}.l{font-size:12px}.c{stroke:#ffffff;stroke-width:1.4}"
        ".c:hover,.c:focus{stroke:#000000;stroke-width:3}.d{stroke:#333333;stroke-width:1.6}")


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


@cache
def _local_names(lang: str) -> dict[str, str]:
    """Country names in ``lang`` from CLDR (the outlines' own names in English)."""
    from graph.countries import local_names

    return local_names(lang) if lang != "en" else {}


def _country_svg(wm: WorldMap, data: dict[str, Any]) -> list[str]:
    out = []
    local = _local_names(wm.lang)
    for iso, shape in sorted(world_shapes().items()):
        c = data.get(iso)
        fill = wm.colour(c.key) if c else NO_DATA
        name = local.get(iso, shape.name)
        tip = c.tip if c else word(wm.lang, "pair", a=name, b=word(wm.lang, "w_no_data"))
        cls = c.key if c else "none"
        parts = [f'<g class="c" data-iso="{iso}" data-name="{_esc(name)}" data-class="{_esc(cls)}" '
                 f'fill="{fill}"><title>{_esc(tip)}</title>']
        parts += [f'<path d="{_esc(d)}"/>' for d in shape.paths]
        if shape.dot is not None:
            cx, cy, r = shape.dot
            parts.append(f'<circle class="d" cx="{cx:g}" cy="{cy:g}" r="{max(r, 7.0):g}"/>')
        parts.append("</g>")
        out.append("".join(parts))
    return out


def _legend_svg(wm: WorldMap, y: float) -> tuple[list[str], float]:
    heading = _esc(word(wm.lang, "legend"))
    out = [f'<g class="legend"><text class="l" x="12" y="{y + 14:g}" font-weight="bold">{heading}</text>']
    x, row = 80.0, y
    for entry in wm.legend:
        w = 30 + 7.0 * len(entry.label)
        if x + w > WIDTH:
            x, row = 80.0, row + 22
        out.append(f'<rect x="{x:g}" y="{row + 3:g}" width="16" height="14" fill="{entry.colour}" stroke="#888"/>'
                   f'<text class="l" x="{x + 22:g}" y="{row + 15:g}" data-legend="{_esc(entry.key)}">'
                   f"{_esc(entry.label)}</text>")
        x += w
    out.append("</g>")
    return out, row + 26


def world_svg(wm: WorldMap) -> str:
    """The map as one self-contained SVG document: no script, no external reference."""
    vx, vy, vw, vh = VIEWBOX
    scale = WIDTH / vw
    top = 70.0
    side = SIDE if wm.listing else 0.0
    map_h = vh * scale
    data = {c.iso: c for c in wm.countries}
    body = [f'<text class="t" x="12" y="26">{_esc(wm.title)}</text>']
    body += [f'<text class="s" x="12" y="{46 + 15 * i}">{_esc(line)}</text>'
             for i, line in enumerate(_lines(wm.subtitle, 150)[:2])]
    body.append(f'<g class="map" transform="translate(0 {top:g}) scale({scale:.6f}) translate({-vx:g} {-vy:g})">')
    body += _country_svg(wm, data)
    body.append("</g>")
    legend, y = _legend_svg(wm, top + map_h + 6)
    body += legend
    if wm.listing:
        body.append(f'<g class="listing"><text class="l" x="{WIDTH + 12:g}" y="{top + 14:g}" font-weight="bold">'
                    f"ISCMs and roles</text>")
        row = top + 34
        for item in wm.listing:
            for k, line in enumerate(_lines(item, 48)):
                body.append(f'<text class="l" x="{WIDTH + (12 if k == 0 else 24):g}" y="{row:g}">{_esc(line)}</text>')
                row += 16
            row += 4
        body.append("</g>")
        y = max(y, row)
    footer = _lines(wm.credit or NO_RELEASE, int((WIDTH + side) / 5.6))
    body += [f'<text class="f" x="12" y="{y + 14 + 13 * i:g}">{_esc(line)}</text>' for i, line in enumerate(footer)]
    height = y + 20 + 13 * len(footer)
    total_w = WIDTH + side
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w:g} {height:g}" width="{total_w:g}" '
            f'height="{height:g}" role="img" aria-label="{_esc(wm.title)}" data-map="{_esc(wm.kind)}">'
            f"<title>{_esc(wm.title)}</title><style>{_CSS}</style>"
            f'<rect width="100%" height="100%" fill="#ffffff"/>' + "".join(body) + "</svg>\n")


def world_figure(wm: WorldMap) -> Any:
    """The map as a matplotlib figure: the same outlines and colours, title, legend, footer."""
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Circle, Patch, PathPatch

    vx, vy, vw, vh = VIEWBOX
    side = 4.0 if wm.listing else 0.0
    fig = Figure(figsize=(12.0 + side, 7.6), dpi=100)
    ax = fig.add_axes((0.01, 0.16, 0.98 * 12.0 / (12.0 + side), 0.72))
    ax.set_axis_off()
    data = {c.iso: c for c in wm.countries}
    patches, colours, dots, dot_colours = [], [], [], []
    for iso, shape in sorted(world_shapes().items()):
        fill = wm.colour(data[iso].key) if iso in data else NO_DATA
        path = mpl_path(iso)
        if path is not None:
            patches.append(PathPatch(path))
            colours.append(fill)
        if shape.dot is not None:
            dots.append(Circle(shape.dot[:2], max(shape.dot[2], 7.0)))
            dot_colours.append(fill)
    ax.add_collection(PatchCollection(patches, facecolors=colours, edgecolors="white", linewidths=0.3))
    ax.add_collection(PatchCollection(dots, facecolors=dot_colours, edgecolors="#333333", linewidths=0.4, zorder=3))
    ax.set_xlim(vx, vx + vw)
    ax.set_ylim(vy + vh, vy)  # SVG's y points down
    ax.set_aspect("equal")
    handles = [Patch(facecolor=c.colour, edgecolor="#888888", label=c.label) for c in wm.legend]
    legend = fig.legend(handles=handles, loc="lower left", bbox_to_anchor=(0.01, 0.075), ncols=min(len(handles), 8),
                        fontsize=9, frameon=False, title=word(wm.lang, "legend"), title_fontsize=9, alignment="left")
    for text in legend.get_texts():
        text.set_parse_math(False)
    if wm.listing:
        lines = ["ISCMs and roles"] + [textwrap.fill(item, 46, subsequent_indent="   ") for item in wm.listing]
        fig.text(0.99 - 0.98 * side / (12.0 + side), 0.88, "\n".join(lines), fontsize=7.5, va="top", ha="left",
                 parse_math=False, linespacing=1.3)
    frame(fig, wm.title, wm.subtitle, wm.credit)
    return fig


def world_image(wm: WorldMap, target: Target, fmt: str, *, dpi: int = 300) -> None:
    """Write the map as ``png``, ``svg`` or ``pdf`` (live text in SVG, 300 dpi PNG, cropped)."""
    from matplotlib import rc_context

    with _MPL_LOCK, rc_context(RC):
        save_figure(world_figure(wm), target, fmt, dpi=dpi, title=wm.title, credit=wm.credit)


def world_bytes(wm: WorldMap, fmt: str) -> bytes:
    """The page's SVG (``svg``) or a report image (``png``, ``pdf``, ``image.svg``) as bytes."""
    if fmt == "svg":
        return world_svg(wm).encode("utf-8")
    buf = io.BytesIO()
    world_image(wm, buf, "svg" if fmt == "image.svg" else fmt)
    return buf.getvalue()
