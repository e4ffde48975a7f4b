"""ISCM overlap: how much two ISCMs share — members, themes, regions.

* ``shared``: members in both;
* ``jaccard``: shared / members in either (0 = disjoint, 1 = identical);
* ``overlap_coefficient``: shared / members of the smaller (1 = one is inside the other).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

import networkx as nx
import pandas as pd

from graph.views import iscms


def _row(a: str, b: str, sa: set, sb: set) -> dict:
    shared = len(sa & sb)
    union = len(sa | sb)
    smaller = min(len(sa), len(sb))
    return {"iscm_a": a, "iscm_b": b, "size_a": len(sa), "size_b": len(sb), "shared": shared,
            "jaccard": shared / union if union else 0.0,
            "overlap_coefficient": shared / smaller if smaller else 0.0}


def member_overlap(B: nx.Graph, *, min_shared: int = 0) -> pd.DataFrame:
    """One row per pair of ISCMs: sizes, shared members, Jaccard and overlap coefficient.

    >>> from graph.views import example
    >>> print(member_overlap(example()).round(3).to_string(index=False))
    iscm_a iscm_b  size_a  size_b  shared  jaccard  overlap_coefficient
      beta  gamma       4       3       2    0.400                0.667
     alpha   beta       4       4       2    0.333                0.500
     alpha  gamma       4       3       1    0.167                0.333
    """
    members = {i: {a for a in B[i] if B.nodes[a].get("type") == "state"} for i in iscms(B)}
    rows = [_row(a, b, members[a], members[b]) for a, b in combinations(sorted(members), 2)]
    df = pd.DataFrame(rows, columns=["iscm_a", "iscm_b", "size_a", "size_b", "shared", "jaccard",
                                     "overlap_coefficient"])
    df = df[df["shared"] >= min_shared]
    return df.sort_values(["jaccard", "shared", "iscm_a", "iscm_b"],
                          ascending=[False, False, True, True]).reset_index(drop=True)


def jaccard_matrix(B: nx.Graph) -> pd.DataFrame:
    """Square ISCM × ISCM matrix of Jaccard similarity (1 on the diagonal) — the overlap heatmap."""
    names = iscms(B)
    m = pd.DataFrame(0.0, index=names, columns=names)
    for row in member_overlap(B).itertuples(index=False):
        m.loc[row.iscm_a, row.iscm_b] = m.loc[row.iscm_b, row.iscm_a] = row.jaccard
    for n in names:
        m.loc[n, n] = 1.0
    return m


def thematic_overlap(themes: Mapping[str, set[str]]) -> pd.DataFrame:
    """Pairs of ISCMs with the thematic areas they share, from ``{iscm: {theme ids}}``.

    >>> print(thematic_overlap({"alpha": {"asylum", "border-management"}, "beta": {"asylum"}}).to_string(index=False))
    iscm_a iscm_b  shared  jaccard themes
     alpha   beta       1      0.5 asylum
    """
    rows = []
    for a, b in combinations(sorted(themes), 2):
        sa, sb = set(themes[a]), set(themes[b])
        shared = sa & sb
        union = sa | sb
        rows.append({"iscm_a": a, "iscm_b": b, "shared": len(shared),
                     "jaccard": len(shared) / len(union) if union else 0.0, "themes": ", ".join(sorted(shared))})
    df = pd.DataFrame(rows, columns=["iscm_a", "iscm_b", "shared", "jaccard", "themes"])
    return df.sort_values(["shared", "iscm_a", "iscm_b"], ascending=[False, True, True]).reset_index(drop=True)


def geographic_overlap(B: nx.Graph, *, level: str = "region") -> pd.DataFrame:
    """ISCM × region table: how many members each ISCM has in each UN M49 region (or sub-region).

    >>> from graph.views import example
    >>> geographic_overlap(example()).loc["gamma"].to_dict()
    {'Africa': 1, 'Europe': 2}
    """
    if level not in ("region", "subregion"):
        raise ValueError(f"level must be 'region' or 'subregion', got {level!r}")
    rows = []
    for i in iscms(B):
        for a in B[i]:
            if B.nodes[a].get("type") == "state":
                rows.append({"iscm": i, "area": B.nodes[a].get(level) or "unknown"})
    df = pd.DataFrame(rows, columns=["iscm", "area"])
    table = pd.crosstab(df["iscm"], df["area"]) if not df.empty else pd.DataFrame()
    table.columns.name = None
    table.index.name = "iscm"
    return table
