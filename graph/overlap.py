"""ISCM overlap: how much two ISCMs share — members, themes, regions.

* ``shared``: members in both;
* ``jaccard``: shared / members in either (0 = disjoint, 1 = identical);
* ``overlap_coefficient``: shared / members of the smaller (1 = one is inside the other).
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations

import networkx as nx
import numpy as np
import pandas as pd

from graph.views import iscms


def member_overlap(B: nx.Graph, *, min_shared: int = 0) -> pd.DataFrame:
    """One row per pair of ISCMs: sizes, shared members, Jaccard and overlap coefficient.

    >>> from graph.views import example
    >>> print(member_overlap(example()).round(3).to_string(index=False))
    iscm_a iscm_b  size_a  size_b  shared  jaccard  overlap_coefficient
      beta  gamma       4       3       2    0.400                0.667
     alpha   beta       4       4       2    0.333                0.500
     alpha  gamma       4       3       1    0.167                0.333
    """
    names = sorted(iscms(B))
    columns = ["iscm_a", "iscm_b", "size_a", "size_b", "shared", "jaccard", "overlap_coefficient"]
    if len(names) < 2:
        return pd.DataFrame(columns=columns)
    from scipy import sparse  # here: importing it took a tenth of the API's start-up

    # ISCM x State incidence matrix; shared members of every pair = M @ M.T (sparse, in C)
    states = sorted({a for i in names for a in B[i] if B.nodes[a].get("type") == "state"})
    col = {s: k for k, s in enumerate(states)}
    rows_idx, cols_idx = [], []
    for r, i in enumerate(names):
        for a in B[i]:
            if a in col:
                rows_idx.append(r)
                cols_idx.append(col[a])
    M = sparse.csr_matrix((np.ones(len(rows_idx), dtype=np.int32), (rows_idx, cols_idx)),
                          shape=(len(names), len(states)))
    sizes = np.asarray(M.sum(axis=1)).ravel()
    if min_shared > 0:  # only pairs that share members: the sparse product's non-zeros
        S = sparse.triu(M @ M.T, k=1).tocoo()
        keep = S.data >= min_shared
        a, b, shared = S.row[keep], S.col[keep], S.data[keep].astype(np.int64)
    else:  # every pair, including those sharing no member
        a, b = np.triu_indices(len(names), k=1)
        shared = np.asarray((M @ M.T).toarray()[a, b]).astype(np.int64)
    size_a, size_b = sizes[a].astype(np.int64), sizes[b].astype(np.int64)
    union = size_a + size_b - shared
    smaller = np.minimum(size_a, size_b)
    with np.errstate(divide="ignore", invalid="ignore"):
        jaccard = np.where(union > 0, shared / np.maximum(union, 1), 0.0)
        coefficient = np.where(smaller > 0, shared / np.maximum(smaller, 1), 0.0)
    labels = np.array(names, dtype=object)
    df = pd.DataFrame({"iscm_a": labels[a], "iscm_b": labels[b], "size_a": size_a, "size_b": size_b,
                       "shared": shared, "jaccard": jaccard, "overlap_coefficient": coefficient})
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
