"""Offline world geometry: the country outlines that ship with pygal-maps-world (one of our
dependencies), read once, keyed by ISO alpha-3 code.

The file draws every country as SVG paths in one coordinate system, and adds a dot marker for
94 territories and island States too small to see at world scale (Andorra, Malta, Tuvalu, ...):
those dots are kept, so small members stay visible and clickable.

>>> shapes = world_shapes()
>>> len(shapes) > 240, shapes["MAR"].name, shapes["MLT"].dot is not None, shapes["FRA"].dot is None
(True, 'Morocco', True, True)
>>> VIEWBOX
(-30.0, 61.0, 2754.0, 1398.0)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

_SVG = "{http://www.w3.org/2000/svg}"
VIEWBOX = (-30.0, 61.0, 2754.0, 1398.0)  # the geometry's own viewBox (x, y, width, height)


@dataclass(frozen=True)
class Shape:
    """One country: its outline paths (SVG ``d`` strings) and, if it is small, a dot (cx, cy, r)."""

    alpha3: str
    alpha2: str
    name: str
    paths: tuple[str, ...]
    dot: tuple[float, float, float] | None


@cache
def world_shapes() -> dict[str, Shape]:
    """Alpha-3 code → :class:`Shape`, for every outline whose code we know (Antarctica included)."""
    from graph.countries import country
    from graph.errors import UnknownEntityError

    text = files("pygal_maps_world").joinpath("worldmap.svg").read_text(encoding="utf-8")
    # a file of an installed dependency, not outside input
    root = ET.fromstring(text)  # noqa: S314
    out: dict[str, Shape] = {}
    for g in root.iter(f"{_SVG}g"):
        classes = (g.get("class") or "").split()
        if "country" not in classes:
            continue
        a2 = classes[0].upper()
        try:
            info = country(a2)
        except UnknownEntityError:
            continue
        paths = tuple(p.get("d", "") for p in g.iter(f"{_SVG}path") if p.get("d"))
        circle = next(g.iter(f"{_SVG}circle"), None)
        dot = None if circle is None else (float(circle.get("cx", 0)), float(circle.get("cy", 0)),
                                           float(circle.get("r", 6)))
        out[info.alpha3] = Shape(info.alpha3, a2, info.name, paths, dot)
    return out


_TOKEN = re.compile(r"[MmLlHhVvCcZz]|-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
_ARGS = {"m": 2, "l": 2, "h": 1, "v": 1, "c": 6, "z": 0}


def path_codes(d: str) -> tuple[list[tuple[float, float]], list[int]]:
    """An SVG path (the commands the geometry uses: M L H V C Z, absolute or relative) as
    matplotlib path vertices and codes, so static images draw the same outlines.

    >>> path_codes("m 1,2 l 3,0 0,4 z")
    ([(1.0, 2.0), (4.0, 2.0), (4.0, 6.0), (1.0, 2.0)], [1, 2, 2, 79])
    """
    MOVETO, LINETO, CURVE4, CLOSEPOLY = 1, 2, 4, 79  # matplotlib.path.Path codes
    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    x = y = sx = sy = 0.0
    cmd = ""
    tokens = _TOKEN.findall(d)
    i = 0
    while i < len(tokens):
        if tokens[i].isalpha():
            cmd = tokens[i]
            i += 1
            if cmd in "zZ":
                verts.append((sx, sy))
                codes.append(CLOSEPOLY)
                x, y = sx, sy
                continue
        n = _ARGS[cmd.lower()]
        args = [float(t) for t in tokens[i:i + n]]
        i += n
        rel = cmd.islower()
        ox, oy = (x, y) if rel else (0.0, 0.0)
        low = cmd.lower()
        if low in "ml":
            x, y = ox + args[0], oy + args[1]
            verts.append((x, y))
            codes.append(MOVETO if low == "m" else LINETO)
            if low == "m":
                sx, sy = x, y
                cmd = "l" if rel else "L"  # further pairs after a moveto are linetos
        elif low == "h":
            x = ox + args[0] if rel else args[0]
            verts.append((x, y))
            codes.append(LINETO)
        elif low == "v":
            y = oy + args[0] if rel else args[0]
            verts.append((x, y))
            codes.append(LINETO)
        else:  # c: two control points and the end point
            pts = [(ox + args[k], oy + args[k + 1]) for k in (0, 2, 4)]
            verts.extend(pts)
            codes.extend([CURVE4] * 3)
            x, y = pts[-1]
    return verts, codes


@cache
def mpl_path(alpha3: str) -> Any:
    """The country's outline as one matplotlib Path (all its parts)."""
    from matplotlib.path import Path

    verts: list[tuple[float, float]] = []
    codes: list[int] = []
    for d in world_shapes()[alpha3].paths:
        v, c = path_codes(d)
        verts += v
        codes += c
    return Path(verts, codes) if verts else None


def _polygon_parts(alpha3: str) -> list[list[tuple[float, float]]]:
    """The closed parts of a country's outline as vertex lists (curve control points count as
    vertices: close enough for a centroid)."""
    parts: list[list[tuple[float, float]]] = []
    for d in world_shapes()[alpha3].paths:
        verts, codes = path_codes(d)
        current: list[tuple[float, float]] = []
        for v, c in zip(verts, codes, strict=True):
            if c == 1 and current:
                parts.append(current)
                current = []
            if c != 79:
                current.append(v)
        if current:
            parts.append(current)
    return parts


def _area_centroid(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Shoelace area and centroid of a polygon (area 0: the mean of its points)."""
    a = cx = cy = 0.0
    for (x0, y0), (x1, y1) in zip(points, points[1:] + points[:1], strict=True):
        cross = x0 * y1 - x1 * y0
        a += cross
        cx += (x0 + x1) * cross
        cy += (y0 + y1) * cross
    if abs(a) < 1e-9:
        n = len(points) or 1
        return 0.0, sum(p[0] for p in points) / n, sum(p[1] for p in points) / n
    return abs(a) / 2, cx / (3 * a), cy / (3 * a)


@cache
def centroids() -> dict[str, tuple[float, float]]:
    """Alpha-3 code → where the country sits on the world map, in the geometry's coordinates (y down):
    the centroid of its largest part (mainland France, not the average with French Guiana), or its dot.

    >>> c = centroids()
    >>> c["FRA"][0] < c["DEU"][0] < c["POL"][0], c["MAR"][1] > c["ESP"][1]
    (True, True)
    """
    out: dict[str, tuple[float, float]] = {}
    for iso, shape in world_shapes().items():
        parts = [_area_centroid(p) for p in _polygon_parts(iso) if len(p) >= 3]
        if parts:
            _, x, y = max(parts)
            out[iso] = (round(x, 1), round(y, 1))
        elif shape.dot is not None:
            out[iso] = (shape.dot[0], shape.dot[1])
    return out
