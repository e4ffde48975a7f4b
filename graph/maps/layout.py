"""Where nodes go and how big they are: seeded, rounded positions (so the same data and seed give
the same picture on the page and in every export) and node sizes from a centrality measure."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import networkx as nx

from graph.maps.spec import SIZE_MEASURES, MapParameterError

if TYPE_CHECKING:
    from graph.maps.spec import Draft

_MIN_SIZE, _MAX_SIZE = 8.0, 40.0


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
