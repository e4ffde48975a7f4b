"""Dyadic co-membership: for each pair of States, how many ISCMs they share.

This is the measure researchers know from the Correlates of War IGO data: two States that sit
together in many ISCMs have many formal occasions to talk about migration.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd

from graph.errors import UnknownEntityError
from graph.views import actors, state_projection


def pairs(B: nx.Graph, *, min_shared: int = 1) -> pd.DataFrame:
    """Long table: one row per pair of States sharing at least ``min_shared`` ISCMs.

    Columns ``state_a``, ``state_b`` (alphabetical within the pair), ``shared`` (count) and
    ``iscms`` (the shared ISCMs), sorted by ``shared`` then the pair.

    >>> from graph.views import example
    >>> pairs(example(), min_shared=2)[["state_a", "state_b", "shared"]].values.tolist()
    [['MAR', 'NOR', 2], ['MAR', 'SEN', 2]]
    """
    G = state_projection(B)
    rows = []
    for u, v, d in G.edges(data=True):
        if d["weight"] >= min_shared:
            a, b = sorted((u, v))
            rows.append({"state_a": a, "state_b": b, "shared": d["weight"],
                         "iscms": ", ".join(sorted(set(B[a]) & set(B[b])))})
    df = pd.DataFrame(rows, columns=["state_a", "state_b", "shared", "iscms"])
    return df.sort_values(["shared", "state_a", "state_b"], ascending=[False, True, True]).reset_index(drop=True)


def matrix(B: nx.Graph) -> pd.DataFrame:
    """Square State × State matrix of shared ISCMs; the diagonal is each State's own ISCM count.

    >>> from graph.views import example
    >>> m = matrix(example())
    >>> int(m.loc["MAR", "SEN"]), int(m.loc["MAR", "MAR"]), int(m.loc["ESP", "SWE"])
    (2, 3, 0)
    """
    states = actors(B)
    G = state_projection(B)
    m = nx.to_pandas_adjacency(G, nodelist=states, weight="weight", dtype=int)
    for s in states:
        m.loc[s, s] = len(B[s])
    return m


def top_pairs(B: nx.Graph, *, k: int = 10) -> pd.DataFrame:
    """The ``k`` pairs of States sharing the most ISCMs (ties broken alphabetically)."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    return pairs(B).head(k)


def closest_partners(B: nx.Graph, state: str, *, k: int = 10) -> pd.DataFrame:
    """The States that share the most ISCMs with ``state``.

    >>> from graph.views import example
    >>> closest_partners(example(), "SEN")[["partner", "shared"]].values.tolist()[:2]
    [['MAR', 2], ['ESP', 1]]
    """
    if state not in B or B.nodes[state].get("bipartite") != 0:
        raise UnknownEntityError("State (or it has no ISCM membership in this view)", state)
    rows = []
    for other in actors(B):
        if other == state:
            continue
        shared = sorted(set(B[state]) & set(B[other]))
        if shared:
            rows.append({"partner": other, "label": B.nodes[other].get("label", other),
                         "shared": len(shared), "iscms": ", ".join(shared)})
    df = pd.DataFrame(rows, columns=["partner", "label", "shared", "iscms"])
    return df.sort_values(["shared", "partner"], ascending=[False, True]).head(k).reset_index(drop=True)
