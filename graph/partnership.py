"""The wider partnership network, paths between actors, ego networks and MIEUX expert flows.

:func:`partnership_graph` projects every relation we model between actors into one networkx
multigraph — memberships in ISCMs, unions and IGOs (any role), ISCM cooperation and union
associations, successions, capacity-building actions (expert States, requesting and beneficiary
actors), liaison deployments and meetings — each edge with its ``relation``, ``role`` and
``source``. Labels, types and provenance nodes are never nodes here.
"""

from __future__ import annotations

from itertools import pairwise

import networkx as nx
import pandas as pd

from graph import partners, queries, views
from graph.errors import UnknownEntityError
from graph.store import SelectResult, Store
from graph.tables import missing


def _select(store: Store, name: str) -> SelectResult:
    result = store.query(queries.text(name))
    assert isinstance(result, SelectResult)
    return result


def partnership_edges(store: Store, *, as_of: int | str | None = None,
                       tenures: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every relation between two actors as a table: ``source_id``, ``target_id``, ``relation``,
    ``role``, ``source_url`` — the edge list behind :func:`partnership_graph`.

    ``tenures``: the release's tenure table (``ISCMGraph.tenures``); without it the store's claims
    are resolved here, with today as the release date."""
    ents = views.entities(store).set_index("entity")
    frames = []
    table = views.memberships(store) if tenures is None else tenures
    mem = views.filter_memberships(table, roles="all", as_of=as_of,
                                   organisation_types=("iscm", "union", "organisation"))
    if not mem.empty:
        frames.append(pd.DataFrame({"source_id": mem["actor_id"], "target_id": mem["organisation_id"],
                                    "relation": "membership", "role": mem["role"],
                                    "source_url": mem["source_url"]}))
    for relation in queries.PARTNERSHIP_EDGES:
        rows = _select(store, f"partnership.edges-{relation}").records()
        if not rows:
            continue
        df = pd.DataFrame(rows)
        df["source_id"] = df["a"].map(ents["id"])
        df["target_id"] = df["b"].map(ents["id"])
        df["relation"] = relation
        df["source_url"] = df["source"]
        frames.append(df[["source_id", "target_id", "relation", "role", "source_url"]])
    if not frames:
        return pd.DataFrame(columns=["source_id", "target_id", "relation", "role", "source_url"])
    out = pd.concat(frames, ignore_index=True).dropna(subset=["source_id", "target_id"])
    # the source kept for a repeated relation is the first by URL, not by the store's row order
    out = out.sort_values(["source_id", "target_id", "relation", "role", "source_url"], na_position="last")
    out = out.drop_duplicates(["source_id", "target_id", "relation", "role"])
    return out.sort_values(["relation", "source_id", "target_id", "role"]).reset_index(drop=True)


def partnership_graph(store: Store, *, as_of: int | str | None = None,
                      tenures: pd.DataFrame | None = None) -> nx.MultiGraph:
    """All actors and their relations as a multigraph (one edge per relation and role)."""
    ents = views.entities(store).set_index("id")
    edges = partnership_edges(store, as_of=as_of, tenures=tenures)
    G = nx.MultiGraph()
    for row in edges.itertuples(index=False):
        for n in (row.source_id, row.target_id):
            if n not in G:
                info = ents.loc[n] if n in ents.index else None
                G.add_node(n, label=str(info["label"]) if info is not None else n,
                           type=str(info["type"]) if info is not None else "organisation",
                           region=_clean(info["region"]) if info is not None else None)
        # "origin": which end the relation is stated from (the graph is undirected; a table reads it)
        G.add_edge(row.source_id, row.target_id, relation=row.relation, role=_clean(row.role),
                   source=_clean(row.source_url), origin=row.source_id)
    return G


def _clean(value: object) -> str | None:
    return None if missing(value) else str(value)


_PREFERENCE = {"membership": 0, "cooperation": 1, "association": 2, "succession": 3, "event": 4,
               "expert": 5, "beneficiary": 5, "requesting": 5, "programme": 6, "deployment": 5}


def path(G: nx.MultiGraph, source: str, target: str) -> pd.DataFrame:
    """The shortest chain of relations from ``source`` to ``target``, one row per hop, each with
    the relation, the role and the source of the fact ("how is Ghana connected to the Budapest
    Process?").

    >>> G = nx.MultiGraph()
    >>> G.add_edge("GHA", "rabat-process", relation="membership", role="member", source="https://a")
    0
    >>> G.add_edge("rabat-process", "budapest-process", relation="cooperation", role="regular", source="https://b")
    0
    >>> path(G, "GHA", "budapest-process")[["from", "to", "relation"]].values.tolist()
    [['GHA', 'rabat-process', 'membership'], ['rabat-process', 'budapest-process', 'cooperation']]
    """
    for n in (source, target):
        if n not in G:
            raise UnknownEntityError("actor (not in the partnership network)", n)
    try:
        nodes = nx.shortest_path(G, source, target)
    except nx.NetworkXNoPath:
        return pd.DataFrame(columns=["hop", "from", "to", "relation", "role", "source"])
    rows = []
    for i, (u, v) in enumerate(pairwise(nodes), start=1):
        # several facts may link the pair: show the most direct kind, then by role name
        best = min(G.get_edge_data(u, v).values(),
                   key=lambda d: (_PREFERENCE.get(d["relation"], 9), d.get("role") or ""))
        rows.append({"hop": i, "from": u, "to": v, "relation": best["relation"], "role": best.get("role"),
                     "source": best.get("source")})
    return pd.DataFrame(rows)


def ego(G: nx.MultiGraph, actor: str, *, depth: int = 1) -> nx.MultiGraph:
    """The actor, everything within ``depth`` relations of it, and the relations among them."""
    if actor not in G:
        raise UnknownEntityError("actor (not in the partnership network)", actor)
    if depth < 0:
        raise ValueError(f"depth must be >= 0, got {depth}")
    reach = nx.single_source_shortest_path_length(G, actor, cutoff=depth)
    return G.subgraph(reach).copy()


def expert_flows(store: Store, *, as_of: int | str | None = None, programme: str | None = None) -> pd.DataFrame:
    """Expert flows of the capacity-building actions in ``store`` (curated and ingested alike):
    expert-providing State → partner, weighted by the number of actions.

    Columns ``expert_state``, ``partner``, ``actions``, ``first_start``, ``action_ids``; ``as_of`` keeps
    the actions started by then (see :func:`graph.partners.expert_flows`, which does the counting on an
    actions table — the entry point for a DataFrame you already hold)."""
    return partners.expert_flows(partners.actions(store), as_of=as_of, programme=programme)


def expert_flow_graph(flows: pd.DataFrame) -> nx.DiGraph:
    """The expert flows as a directed graph: State → partner, edge ``weight`` = number of actions.

    >>> flows = pd.DataFrame({"expert_state": ["NLD"], "partner": ["AGO"], "actions": [2],
    ...                       "action_ids": ["mieux-a;mieux-b"]})
    >>> G = expert_flow_graph(flows)
    >>> G["NLD"]["AGO"]["weight"]
    2
    """
    G = nx.DiGraph()
    for row in flows.itertuples(index=False):
        G.add_edge(row.expert_state, row.partner, weight=int(row.actions), actions=row.action_ids)
    return G
