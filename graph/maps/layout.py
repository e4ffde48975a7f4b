"""Where nodes go and how big they are: seeded, rounded positions (so the same data and seed give
the same picture on the page and in every export) and node sizes from a centrality measure.

Three layouts (:data:`LAYOUTS`): ``spring`` (force-directed, anchors pinned), ``concentric`` (the focus
in the centre, one ring per step away from it) and ``geographic`` (States at their country's centroid
on the offline world geometry, everything else at the mean of its placed neighbours)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.maps.spec import SIZE_MEASURES, MapParameterError

if TYPE_CHECKING:
    from graph.maps.spec import Draft

_MIN_SIZE, _MAX_SIZE = 8.0, 40.0
LAYOUTS = ("spring", "concentric", "geographic")


def simple(draft: Draft) -> nx.Graph:
    """The drawn graph collapsed to one undirected edge per pair (for layout and centrality)."""
    H = nx.Graph()
    H.add_nodes_from(sorted(draft.nodes))
    for e in sorted(draft.edges, key=lambda e: (min(e["u"], e["v"]), max(e["u"], e["v"]))):
        a, b = sorted((e["u"], e["v"]))
        if a == b:
            continue
        w = e["weight"] if e["weight"] is not None else 1.0
        if H.has_edge(a, b):
            H[a][b]["weight"] = max(H[a][b]["weight"], w)
        else:
            H.add_edge(a, b, weight=w)
    return H


def measure(H: nx.Graph, size_by: str, source_degree: Mapping[str, int], seed: int) -> dict[str, float]:
    if size_by == "degree":
        return {n: float(d) for n, d in H.degree()}
    if size_by == "members":
        return {n: float(source_degree.get(n, 0)) for n in H}
    if size_by == "uniform" or H.number_of_edges() == 0:
        return dict.fromkeys(H, 1.0)
    if size_by == "betweenness":
        k = 300 if len(H) > 1500 else None  # sampled (seeded) on very large maps
        return nx.betweenness_centrality(H, k=k, seed=seed if k else None)
    if size_by == "closeness":
        return nx.closeness_centrality(H, wf_improved=True)
    if size_by == "eigenvector":
        from graph.centrality import _eigenvector

        return _eigenvector(H, weight=None, max_iter=1000, tol=1e-8)
    if size_by == "pagerank":
        return nx.pagerank(H, weight=None)
    raise MapParameterError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, got {size_by!r}")


def sizes(values: Mapping[str, float]) -> dict[str, float]:
    if not values:
        return {}
    lo, hi = min(values.values()), max(values.values())
    if hi - lo < 1e-12:
        return dict.fromkeys(values, 16.0)
    return {n: round(_MIN_SIZE + (_MAX_SIZE - _MIN_SIZE) * math.sqrt((v - lo) / (hi - lo)), 2)
            for n, v in values.items()}


def _spring(H: nx.Graph, seed: int, fixed: Mapping[str, tuple[float, float]] | None = None) -> dict[str, Any]:
    iterations = 100 if len(H) <= 200 else 50
    if fixed:
        # pinned anchors sit on a unit circle; a longer natural length spreads their members out
        k = max(0.25, 1.6 / math.sqrt(len(H)))
        return nx.spring_layout(H, pos=dict(fixed), fixed=list(fixed), seed=seed, weight="weight", k=k,
                                iterations=iterations)
    return nx.spring_layout(H, seed=seed, weight="weight", iterations=iterations)


def layout(H: nx.Graph, seed: int, anchors: Sequence[str] = ()) -> dict[str, tuple[float, float]]:
    """Seeded positions in pixels. Anchors (chosen ISCMs, an ego's centre) are pinned: one in the
    middle, several evenly on a circle, so that members shared by two ISCMs sit between them.
    Without anchors, the largest connected component is laid out in the middle and the others on
    rings around it (spring layouts fling disconnected parts far away)."""
    n = len(H)
    if n == 0:
        return {}
    raw: dict[str, tuple[float, float]] = {}
    pinned = [a for a in anchors if a in H]
    if pinned:
        if len(pinned) == 1:
            fixed = {pinned[0]: (0.0, 0.0)}
        else:
            step = 2 * math.pi / len(pinned)
            fixed = {a: (math.cos(-math.pi / 2 + i * step), math.sin(-math.pi / 2 + i * step))
                     for i, a in enumerate(pinned)}
        raw = {k: (float(v[0]), float(v[1])) for k, v in _spring(H, seed, fixed).items()} if n > 1 else fixed
    else:
        comps = sorted(nx.connected_components(H), key=lambda c: (-len(c), min(c)))
        main = H.subgraph(comps[0])
        raw = {k: (float(v[0]), float(v[1])) for k, v in _spring(main, seed).items()} if len(main) > 1 else {
            next(iter(comps[0])): (0.0, 0.0)}
        others = comps[1:]
        per_ring = 24
        for i, comp in enumerate(others):
            ring, slot = divmod(i, per_ring)
            count = min(per_ring, len(others) - ring * per_ring)
            angle = -math.pi / 2 + 2 * math.pi * slot / count
            radius = 1.3 + 0.25 * ring
            cx, cy = radius * math.cos(angle), radius * math.sin(angle)
            sub = H.subgraph(comp)
            if len(sub) == 1:
                raw[next(iter(comp))] = (cx, cy)
                continue
            spread = min(0.3, 0.08 * math.sqrt(len(sub)))
            for k, v in _spring(sub, seed).items():
                raw[k] = (cx + spread * float(v[0]), cy + spread * float(v[1]))
    extent = max((max(abs(x), abs(y)) for x, y in raw.values()), default=1.0) or 1.0
    scale = (90.0 * math.sqrt(n) + 150.0) / extent
    # rounding makes the numbers (and so the page) stable against last-bit floating-point noise
    return {node: (round(x * scale, 1), round(y * scale, 1)) for node, (x, y) in raw.items()}


def place(H: nx.Graph, seed: int, anchors: Sequence[str] = (), how: str = "spring") -> dict[str, tuple[float, float]]:
    """Positions in pixels by the layout ``how`` (one of :data:`LAYOUTS`).

    >>> H = nx.Graph([("alpha", "MAR"), ("alpha", "ESP"), ("MAR", "x")])
    >>> pos = place(H, 1, ["alpha"], "concentric")
    >>> pos["alpha"], round(math.hypot(*pos["MAR"])) == round(math.hypot(*pos["ESP"])) < round(math.hypot(*pos["x"]))
    ((0.0, 0.0), True)
    >>> geo = place(H, 1, [], "geographic")
    >>> geo["ESP"][0] < geo["MAR"][0] or geo["ESP"][1] < geo["MAR"][1]  # Spain west or north of Morocco
    True
    """
    if how == "spring":
        return layout(H, seed, anchors)
    if how not in LAYOUTS:
        raise MapParameterError(f"layout must be one of {', '.join(LAYOUTS)}, got {how!r}")
    if len(H) == 0:
        return {}
    if how == "concentric":  # the focus stays at the origin, where the page and the images centre
        return _to_pixels(concentric(H, anchors), spacing=_SPACING, middle=False)
    return _to_pixels(geographic(H), spacing=_SPACING)


_SPACING = 1.0  # the least distance between two nodes in raw units: _to_pixels makes it _SPACING_PX
_SPACING_PX = 60.0


def _to_pixels(raw: Mapping[str, tuple[float, float]], *, spacing: float,
               middle: bool = True) -> dict[str, tuple[float, float]]:
    """Raw positions (centred on the origin when ``middle``), scaled so that ``spacing`` becomes
    _SPACING_PX pixels, rounded (``+ 0.0`` turns -0.0 into 0.0)."""
    xs = [p[0] for p in raw.values()]
    ys = [p[1] for p in raw.values()]
    cx, cy = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2) if middle else (0.0, 0.0)
    k = _SPACING_PX / spacing
    return {n: (round((x - cx) * k, 1) + 0.0, round((y - cy) * k, 1) + 0.0) for n, (x, y) in raw.items()}


def _centre(H: nx.Graph, anchors: Sequence[str]) -> list[str]:
    """The focus: the anchors in the map, else the node with most links (ties by id)."""
    pinned = [a for a in anchors if a in H]
    return pinned or [min(H, key=lambda n: (-H.degree(n), n))]


def _rings(H: nx.Graph, centre: Sequence[str]) -> list[list[str]]:
    """Nodes by their number of steps from the centre; what the centre cannot reach goes last."""
    dist = nx.multi_source_dijkstra_path_length(H, set(centre), weight=lambda u, v, d: 1)
    rings: list[list[str]] = [[] for _ in range(max(dist.values()) + 1)]
    for n in sorted(dist):
        rings[dist[n]].append(n)
    rings[0] = list(centre)
    unreached = sorted(n for n in H if n not in dist)
    if unreached:
        rings.append(unreached)
    return rings


def concentric(H: nx.Graph, anchors: Sequence[str] = ()) -> dict[str, tuple[float, float]]:
    """The focus in the middle (several on a small circle), every other node on the ring of its
    distance from it, in the order of its neighbours on the ring inside (fewer crossings); a crowded
    ring alternates between two radii so neighbouring labels do not collide."""
    rings = _rings(H, _centre(H, anchors))
    pos: dict[str, tuple[float, float]] = {}
    angle: dict[str, float] = {}
    radius = 0.0
    for k, ring in enumerate(rings):
        if k == 0 and len(ring) == 1:
            pos[ring[0]], angle[ring[0]] = (0.0, 0.0), 0.0
            continue
        if k > 0:
            ring = sorted(ring, key=lambda n: (_mean_angle([angle[m] for m in H[n] if m in angle]), n))
        crowded = len(ring) > 24
        # the circumference gives each node _SPACING (twice that on a crowded ring's two radii)
        radius = max(radius + 1.6 * _SPACING, len(ring) * _SPACING / (2 * math.pi) / (2 if crowded else 1))
        for i, n in enumerate(ring):
            a = -math.pi / 2 + 2 * math.pi * i / len(ring)
            r = radius + (0.8 * _SPACING if crowded and i % 2 else 0.0)
            pos[n], angle[n] = (r * math.cos(a), r * math.sin(a)), a
        if crowded:
            radius += 0.8 * _SPACING
    return pos


def _mean_angle(angles: Sequence[float]) -> float:
    """The circular mean, in [0, 2π) from the top, so that sorting by it goes round the ring once."""
    if not angles:
        return 2 * math.pi
    a = math.atan2(sum(math.sin(x) for x in angles), sum(math.cos(x) for x in angles))
    return (a + math.pi / 2) % (2 * math.pi)


def geographic(H: nx.Graph) -> dict[str, tuple[float, float]]:
    """States and territories at their country's centroid (the world maps' offline geometry, y down);
    ISCMs, unions and organisations at the mean of their placed neighbours (an ISCM of West African
    States sits in West Africa); what has no placed neighbour, in a row under the map. Nodes closer
    than the least spacing are then pushed apart."""
    from graph.maps.geometry import centroids

    world = centroids()
    unit = 22.0  # geometry units (the world is ~2,750 wide) per _SPACING: Europe gets room for its labels
    pos = {n: (world[n][0] / unit, world[n][1] / unit) for n in H if n in world}
    for _ in range(3):  # an organisation linked only to ISCMs is placed once the ISCMs are
        todo = sorted(n for n in H if n not in pos and any(m in pos for m in H[n]))
        if not todo:
            break
        placed = {n: [pos[m] for m in H[n] if m in pos] for n in todo}
        for n, pts in placed.items():
            pos[n] = (sum(p[0] for p in pts) / len(pts), sum(p[1] for p in pts) / len(pts))
    rest = sorted(n for n in H if n not in pos)
    if rest:
        left = min((p[0] for p in pos.values()), default=0.0)
        bottom = max((p[1] for p in pos.values()), default=0.0) + 2 * _SPACING
        pos.update({n: (left + 1.5 * _SPACING * i, bottom) for i, n in enumerate(rest)})
    return _spread(pos, _SPACING)


def _spread(pos: Mapping[str, tuple[float, float]], d: float, rounds: int = 60) -> dict[str, tuple[float, float]]:
    """Push apart nodes closer than ``d`` (coincident ones first fanned out on a golden-angle spiral),
    deterministically: the same input gives the same output."""
    import numpy as np
    from scipy.spatial import cKDTree

    names = sorted(pos)
    xy = np.array([pos[n] for n in names], dtype=float)
    seen: dict[tuple[float, float], int] = {}
    for i, (x, y) in enumerate(xy):  # a fan for nodes on the same spot (ISCMs with the same members)
        j = seen.get((round(x, 6), round(y, 6)), 0)
        seen[(round(x, 6), round(y, 6))] = j + 1
        if j:
            a = j * 2.39996
            xy[i] += 0.5 * d * math.sqrt(j) * np.array([math.cos(a), math.sin(a)])
    for _ in range(rounds):
        pairs = cKDTree(xy).query_pairs(d * 0.999, output_type="ndarray")
        if len(pairs) == 0:
            break
        delta = xy[pairs[:, 1]] - xy[pairs[:, 0]]
        dist = np.hypot(delta[:, 0], delta[:, 1])
        dist[dist < 1e-9] = 1e-9
        push = ((d - dist) / 2 / dist)[:, None] * delta
        move = np.zeros_like(xy)
        np.add.at(move, pairs[:, 1], push)
        np.add.at(move, pairs[:, 0], -push)
        xy += move * 0.6
    return {n: (float(x), float(y)) for n, (x, y) in zip(names, xy, strict=True)}
