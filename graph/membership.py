"""Multi-membership: which ISCMs each State belongs to, and who sits in several, all or none.

Every function takes the bipartite actor–ISCM graph ``B`` (:func:`graph.views.bipartite`) first;
choose roles, year and regions when you build ``B``.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import pandas as pd

from graph.errors import UnknownEntityError
from graph.views import actors, iscms


def memberships_by_state(B: nx.Graph) -> pd.DataFrame:
    """One row per State: how many ISCMs it belongs to and which (by role).

    ``n_iscms`` is the number a policy reader usually wants ("Morocco sits in 9 ISCMs"); ``iscms``
    lists them; ``roles`` maps each ISCM to the roles held.

    Examples
    --------
    >>> from graph.views import example
    >>> print(memberships_by_state(example())[["n_iscms", "iscms"]].head(2).to_string())
           n_iscms              iscms
    state
    MAR          3  alpha, beta, gamma
    NOR          2         beta, gamma
    """
    rows = []
    for a in actors(B):
        held = sorted(B[a])
        rows.append({
            "state": a,
            "label": B.nodes[a].get("label", a),
            "region": B.nodes[a].get("region"),
            "n_iscms": len(held),
            "iscms": ", ".join(held),
            "roles": {i: sorted(B.edges[a, i].get("roles", [])) for i in held},
        })
    df = pd.DataFrame(rows, columns=["state", "label", "region", "n_iscms", "iscms", "roles"])
    return df.sort_values(["n_iscms", "state"], ascending=[False, True]).set_index("state")


def states_in_at_least(B: nx.Graph, n: int) -> pd.DataFrame:
    """States that belong to at least ``n`` ISCMs, most first.

    >>> from graph.views import example
    >>> states_in_at_least(example(), 2).index.tolist()
    ['MAR', 'NOR', 'SEN']
    """
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    df = memberships_by_state(B)
    return df[df["n_iscms"] >= n]


def _check_iscms(B: nx.Graph, wanted: Iterable[str]) -> list[str]:
    wanted = list(wanted)
    known = set(iscms(B))
    for w in wanted:
        if w not in known:
            raise UnknownEntityError("ISCM (or it has no members in this view)", w)
    return wanted


def states_in_all(B: nx.Graph, iscm_ids: Iterable[str]) -> list[str]:
    """States that belong to every ISCM in ``iscm_ids`` (the intersection of their members).

    >>> from graph.views import example
    >>> states_in_all(example(), ["alpha", "beta"])
    ['MAR', 'SEN']
    """
    wanted = _check_iscms(B, iscm_ids)
    if not wanted:
        return []
    common = set.intersection(*(set(B[i]) for i in wanted))
    return sorted(s for s in common if B.nodes[s].get("type") == "state")


def states_in_any(B: nx.Graph, iscm_ids: Iterable[str]) -> list[str]:
    """States that belong to at least one ISCM in ``iscm_ids`` (the union of their members).

    >>> from graph.views import example
    >>> states_in_any(example(), ["gamma"])
    ['MAR', 'NOR', 'SWE']
    """
    wanted = _check_iscms(B, iscm_ids)
    found = set().union(*(set(B[i]) for i in wanted)) if wanted else set()
    return sorted(s for s in found if B.nodes[s].get("type") == "state")


def states_in_none(B: nx.Graph, universe: Iterable[str]) -> list[str]:
    """States of ``universe`` (e.g. all UN Member States) that belong to no ISCM in ``B``.

    >>> from graph.views import example
    >>> states_in_none(example(), ["MAR", "USA", "CAN"])
    ['CAN', 'USA']
    """
    members = set(actors(B))
    return sorted(set(universe) - members)
