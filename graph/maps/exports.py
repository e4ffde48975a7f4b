"""A map as graph files (GEXF for Gephi, GraphML) and tables (nodes and edges as CSV)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

import networkx as nx

from graph.maps.spec import MapSpec
from graph.maps.static import Target


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

