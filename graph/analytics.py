"""The analytics tables the API serves, by name and parameters — one definition for both places
that compute them: the server process (default parameters, memoised per release) and the analytics
worker processes (any other parameters, under a time limit; see :mod:`graph.workpool`).

A table's parameters are split in two. *Heavy* ones change the graph a table is computed on or the
work done on it (``as_of``, ``roles``, the kind/status/derivation filters, ``on``, ``side``,
``resolution``, ``seed``): with all of them at a default value the table is computed once per
release in the server; any other value runs in a worker. *Light* ones (an ISCM list, a State, a
threshold) only select from a table computed on the release's default graph, so they run in the
server too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph import centrality, change, comembership, membership, overlap, partnership

if TYPE_CHECKING:
    from graph.loader import ISCMGraph

Params = tuple[tuple[str, Any], ...]
SAMPLE_SEED = 42  # sampled betweenness (graphs far larger than the real data) is repeatable
# what leaves the graph as it is on the release date: every heavy graph parameter at its default
_GRAPH_DEFAULTS: dict[str, tuple[Any, ...]] = {
    "as_of": (None,), "roles": ("members",), "kinds": (None,), "statuses": (None,), "derivation": ("all",)}


@dataclass(frozen=True)
class Spec:
    compute: Callable[..., pd.DataFrame]
    # heavy parameter → the values computed in the server (and precomputed at start-up)
    defaults: Mapping[str, tuple[Any, ...]] = field(default_factory=lambda: dict(_GRAPH_DEFAULTS))
    precompute: tuple[dict[str, Any], ...] = ()  # light parameters of the tables worth warming


def _graph(cat: ISCMGraph, p: dict[str, Any]) -> Any:
    return cat.bipartite_at(as_of=p.get("as_of"), roles=p.get("roles", "members"), kinds=p.get("kinds"),
                            statuses=p.get("statuses"), derivation=p.get("derivation", "all"))


def _labelled(B: Any, states: list[str]) -> pd.DataFrame:
    return pd.DataFrame({"state": states, "label": [B.nodes[s].get("label") for s in states]})


def _present(B: Any, ids: tuple[str, ...]) -> list[str]:
    return [i for i in dict.fromkeys(ids) if i in B]


def _states_in_all(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    B = _graph(cat, p)
    present = _present(B, p["iscm"])
    # a known ISCM with no members in this view empties the intersection; it is not "unknown"
    return _labelled(B, membership.states_in_all(B, present) if len(present) == len(set(p["iscm"])) else [])


def _states_in_any(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    B = _graph(cat, p)
    return _labelled(B, membership.states_in_any(B, _present(B, p["iscm"])))


def _multi(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    return membership.states_in_at_least(_graph(cat, p), p.get("min_iscms", 1)).drop(columns="roles")


def _comembership(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    B = _graph(cat, p)
    if p.get("state"):
        return comembership.closest_partners(B, p["state"], k=10_000)
    return comembership.pairs(B, min_shared=p.get("min_shared", 1))


def _overlap(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    return overlap.member_overlap(_graph(cat, p), min_shared=p.get("min_shared", 1))


def _centrality(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    B = _graph(cat, p)
    if p.get("on") == "projection":
        return centrality.projection_centrality(B)
    return centrality.bipartite_centrality(B, k=centrality.betweenness_sources(B), seed=SAMPLE_SEED)


def _communities(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    return centrality.communities(_graph(cat, p), side=p.get("side", "states"), resolution=p.get("resolution", 1.0),
                                  seed=p.get("seed", 42))


def _brokers(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    B = _graph(cat, p)
    k, seed = centrality.betweenness_sources(B), p.get("seed", 42)
    shared = None
    if k is None or seed == SAMPLE_SEED:  # the same values as the graph's centrality table: read it, once
        same_graph = {name: p.get(name) for name in ("as_of", "kinds", "statuses", "derivation")}
        cp = params("centrality", on="bipartite", **same_graph)
        shared = cat.memo(memo_key("centrality", cp), lambda: compute(cat, "centrality", cp))["betweenness"]
    return centrality.brokers(B, resolution=p.get("resolution", 1.0), seed=seed, k=k, betweenness=shared)


def _path(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    return partnership.path(cat.partnership(p.get("as_of")), p["source"], p["target"])


def _ego(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    E = partnership.ego(cat.partnership(p.get("as_of")), p["actor"], depth=p.get("depth", 1))
    # each edge from the end its relation is stated from: which end networkx yields first depends
    # on the order nodes were reached, which differs from process to process
    rows = [{"from": d.get("origin", u), "to": v if d.get("origin", u) == u else u,
             **{k: d.get(k) for k in ("relation", "role", "source")}} for u, v, d in E.edges(data=True)]
    # sorted: the edges' order would otherwise follow the store's row order, which engines differ on
    rows.sort(key=lambda r: tuple(str(r[k] or "") for k in ("from", "to", "relation", "role", "source")))
    return pd.DataFrame(rows, columns=["from", "to", "relation", "role", "source"])


def _changes(cat: ISCMGraph, **p: Any) -> pd.DataFrame:
    df = cat.tenures
    if p.get("kinds"):
        df = df[df["organisation_kind"].isin(p["kinds"])]
    if p.get("statuses"):
        df = df[df["organisation_status"].isin(p["statuses"])]
    if p.get("derivation", "all") != "all":
        df = df[df["derived"] == (p["derivation"] == "derived")]
    return change.membership_changes(df, p["year_from"], p["year_to"])


SPECS: dict[str, Spec] = {
    "states-in-all": Spec(_states_in_all),
    "states-in-any": Spec(_states_in_any),
    "multi-membership": Spec(_multi, precompute=({"min_iscms": 1},)),
    "comembership": Spec(_comembership, precompute=({"min_shared": 1},)),
    "overlap": Spec(_overlap, precompute=({"min_shared": 1},)),
    "centrality": Spec(_centrality, {**_GRAPH_DEFAULTS, "on": ("bipartite", "projection")},
                       precompute=({"on": "bipartite"}, {"on": "projection"})),
    "communities": Spec(_communities, {**_GRAPH_DEFAULTS, "side": ("states", "iscms"), "resolution": (1.0,),
                                       "seed": (42,)},
                        precompute=({"side": "states"}, {"side": "iscms"})),
    "brokers": Spec(_brokers, {**_GRAPH_DEFAULTS, "resolution": (1.0,), "seed": (42,)}, precompute=({},)),
    "path": Spec(_path, {"as_of": (None,)}),
    "ego": Spec(_ego, {"as_of": (None,)}),
    # a filtered slice of the tenures: cheap whatever the years, so every call is "default"
    "changes": Spec(_changes, {}),
}


def params(name: str, **values: Any) -> Params:
    """Parameters as a hashable key: sorted, lists as tuples, without those left at their default
    (None, or the first value the spec lists), so a route and the start-up warm-up name a table alike."""
    defaults = SPECS[name].defaults
    return tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in values.items()
                        if v is not None and not (k in defaults and v == defaults[k][0])))


def is_default(name: str, p: Params) -> bool:
    """Every heavy parameter at a value computed in the server (see the module's docstring)."""
    defaults = SPECS[name].defaults
    return all(v in defaults[k] for k, v in p if k in defaults)


def memo_key(name: str, p: Params) -> tuple:
    """Where the table ``name`` for ``p`` is remembered with the release (routes, warm-up, brokers)."""
    return ("analytics", name, p)


def compute(cat: ISCMGraph, name: str, p: Params) -> pd.DataFrame:
    """The table ``name`` for parameters ``p`` (callers must not modify it: it may be memoised)."""
    return SPECS[name].compute(cat, **dict(p))


def warm_list() -> list[tuple[str, Params]]:
    """The default tables worth computing before anyone asks, heaviest first."""
    order = ["centrality", "brokers", "communities", "comembership", "overlap", "multi-membership"]
    return [(name, params(name, **light)) for name in order for light in SPECS[name].precompute]


__all__ = ["SPECS", "Params", "Spec", "compute", "is_default", "memo_key", "params", "warm_list"]
