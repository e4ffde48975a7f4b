"""What a map is, independent of how it is drawn: :class:`MapSpec` and its parts, the node and
edge styles, and the error a map request raises."""

from __future__ import annotations

import json
import math
import textwrap
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from graph.errors import ISCMError, UnknownEntityError

KINDS = ("membership", "ego", "overlap", "partnership")
SIZE_MEASURES = ("degree", "betweenness", "closeness", "eigenvector", "pagerank", "members", "uniform")
RELATIONS = ("membership", "cooperation", "association", "succession", "expert", "beneficiary", "requesting",
             "programme", "deployment", "event")
ENTITY_TYPES = ("iscm", "state", "union", "organisation", "network", "action", "event")
ISCM_KINDS = ("regional-consultative-process", "interregional-forum", "global-process")
ISCM_STATUSES = ("active", "dormant", "succeeded", "ended")
DERIVATIONS = ("all", "named", "derived")

# Okabe-Ito colours (readable with the common colour-vision deficiencies); shapes repeat the type.
TYPE_COLOURS = {"iscm": "#0072b2", "state": "#e69f00", "union": "#009e73", "organisation": "#cc79a7",
                "network": "#56b4e9", "action": "#d55e00", "event": "#999999"}
TYPE_SHAPES = {"iscm": "diamond", "state": "dot", "union": "square", "organisation": "triangle",
               "network": "triangleDown", "action": "star", "event": "dot"}
TYPE_LABELS = {"iscm": "ISCM", "state": "State or territory", "union": "Regional union",
               "organisation": "Organisation", "network": "Liaison network", "action": "Capacity-building action",
               "event": "Meeting or event"}
_MARKERS = {"diamond": "D", "dot": "o", "square": "s", "triangle": "^", "triangleDown": "v", "star": "*"}


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
    #: which filters produced the map (name → JSON value), as the REST lists report them
    filters: tuple[tuple[str, str], ...] = field(default=())
    #: the footer of every image: release, as-of date, licence, how to cite (:class:`graph.maps.Credit`)
    credit: str = ""
    #: the download's file name without extension, e.g. ``rabat-process-members-2015``
    stem: str = ""
    #: the language of its words (``en``, ``fr``, ``es``: :mod:`graph.maps.words`)
    lang: str = "en"

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
                            "shape": e.shape, "dashes": list(e.dashes)} for e in self.legend],
                "filters": {k: json.loads(v) for k, v in self.filters}, "credit": self.credit,
                "file_name": self.stem or None, "lang": self.lang}


def curves(spec: MapSpec) -> list[dict[str, Any] | bool]:
    """Parallel edges between one pair bend alternately left and right so each stays visible
    (the page and the static images bend them alike)."""
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


def wrap_label(label: str, width: int = 24) -> str:
    r"""A long name on several lines instead of cut with "…" (the page and the images alike).

    >>> wrap_label("Intergovernmental Consultations on Migration, Asylum and Refugees")
    'Intergovernmental\nConsultations on\nMigration, Asylum and\nRefugees'
    """
    return "\n".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False)) or label


@dataclass
class Draft:
    """Nodes and edges copied out of a networkx graph into plain dicts (never the graph itself)."""

    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def add_node(self, node_id: str, data: Mapping[str, Any]) -> None:
        if node_id not in self.nodes:
            self.nodes[node_id] = {"label": str(data.get("label") or node_id),
                                   "type": str(data.get("type") or "organisation"),
                                   "region": cell_text(data.get("region")),
                                   "subregion": cell_text(data.get("subregion"))}


def cell_text(value: object) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


