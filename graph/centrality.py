"""Centrality and structure: who is central, which groups form, who bridges them.

Bipartite measures use networkx's bipartite formulas, which normalise each side against the other
side's size (a State's degree centrality is the share of ISCMs it belongs to). Projection measures
run on the State–State co-membership graph with ``weight`` = shared ISCMs; path-based measures use
``1 / weight`` as distance, so States sharing many ISCMs are "close".

Disconnected graphs: betweenness and closeness are computed on the whole graph (closeness uses the
Wasserman–Faust correction for unreachable nodes); eigenvector centrality is computed within each
connected component and reported with the component's number, because values from different
components are not comparable. Non-convergence raises :class:`graph.errors.ConvergenceError`.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from graph.errors import ConvergenceError
from graph.views import actors, iscm_projection, iscms, state_projection


def _components(G: nx.Graph) -> dict[str, int]:
    comps = sorted(nx.connected_components(G), key=lambda c: (-len(c), min(map(str, c))))
    return {n: i for i, c in enumerate(comps) for n in c}


def _eigenvector(G: nx.Graph, *, weight: str | None, max_iter: int, tol: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for comp in nx.connected_components(G):
        sub = G.subgraph(comp)
        if len(sub) == 1:
            out[next(iter(comp))] = 1.0
            continue
        if len(sub) <= 4:  # ARPACK cannot solve tiny matrices; a dense solver is exact and cheap here
            nodes = list(sub)
            _vals, vecs = np.linalg.eigh(nx.to_numpy_array(sub, nodelist=nodes, weight=weight))
            vec = np.abs(vecs[:, -1])
            out.update(dict(zip(nodes, (vec / np.linalg.norm(vec)).tolist(), strict=True)))
            continue
        try:
            # the numpy solver also converges on bipartite graphs, where power iteration can oscillate
            values = nx.eigenvector_centrality_numpy(sub, weight=weight, max_iter=max_iter, tol=tol)
        except (nx.PowerIterationFailedConvergence, nx.NetworkXException, ArithmeticError) as exc:
            raise ConvergenceError(f"eigenvector centrality did not converge on a component of {len(sub)} "
                                   f"nodes ({exc}); raise max_iter or tol") from exc
        out.update({n: abs(v) for n, v in values.items()})
    return out


def _weighted_paths(G: nx.Graph) -> tuple[dict[str, float], dict[str, float]]:
    """Betweenness (normalised, as networkx's) and Wasserman–Faust closeness with ``1 / weight`` as
    distance, from one all-pairs Dijkstra in C and two triangular solves per source.

    Brandes' recurrences in matrix form: with the nodes reachable from a source in order of distance
    and ``P[i, j]`` = "edge i–j lies on a shortest path to j", the path counts are
    ``sigma = (I - Pᵀ)⁻¹ e_source`` and the dependencies ``delta = sigma * (I - P)⁻¹ (1 / sigma) - 1``.
    Ties are compared with a relative tolerance: networkx compares float sums exactly, so it misses
    ties such as 1/3 + 1/6 = 1/2 and is off by up to 1e-5 on the real data, where this agrees with
    exact rational arithmetic (tested). ~0.5 s on the real data instead of networkx's ~10 s.
    """
    from scipy.linalg import solve_triangular
    from scipy.sparse.csgraph import shortest_path

    nodes = list(G)
    n = len(nodes)
    W = nx.to_numpy_array(G, nodelist=nodes, weight="weight", nonedge=0.0)
    with np.errstate(divide="ignore"):
        W = np.where(W > 0, 1.0 / W, np.inf)
    np.fill_diagonal(W, np.inf)
    D = shortest_path(np.where(np.isfinite(W), W, 0.0), method="D", directed=False)
    betweenness = np.zeros(n)
    closeness = np.zeros(n)
    for s in range(n):
        d = D[s]
        reach = np.flatnonzero(np.isfinite(d))
        total = d[reach].sum()
        if total > 0 and n > 1:
            closeness[s] = (len(reach) - 1) / total * (len(reach) - 1) / (n - 1)
        order = reach[np.argsort(d[reach], kind="stable")]  # the source first (distance 0)
        m = len(order)
        if m < 3:  # no node lies between two others
            continue
        dist = d[order]
        Wr = W[np.ix_(order, order)]
        P = np.triu(np.isfinite(Wr) & np.isclose(dist[:, None] + Wr, dist[None, :], rtol=1e-12, atol=0.0), 1)
        I_P = np.eye(m) - P
        unit = np.zeros(m)
        unit[0] = 1.0
        sigma = solve_triangular(I_P.T, unit, lower=True)
        delta = sigma * solve_triangular(I_P, 1.0 / sigma, lower=False) - 1.0
        delta[0] = 0.0
        betweenness[order] += delta
    if n > 2:
        betweenness /= (n - 1) * (n - 2)
    return dict(zip(nodes, betweenness.tolist(), strict=True)), dict(zip(nodes, closeness.tolist(), strict=True))


# Exact betweenness visits every edge once per source node (Brandes: O(V·E)). Up to this many
# node × edge steps (the real data: ~2·10⁶) it is exact; beyond, the API estimates it from sampled
# sources so that a first call stays within seconds (100x the real data: ~1.4·10⁹ steps, hours).
EXACT_BETWEENNESS_STEPS = 20_000_000
MIN_SAMPLED_SOURCES = 64


def betweenness_sources(B: nx.Graph, *, steps: int | None = None) -> int | None:
    """How many sampled sources estimate ``B``'s betweenness within ``steps`` node × edge steps, or
    None when exact betweenness fits (the ``k`` of :func:`bipartite_centrality` and :func:`brokers`).

    Parameters
    ----------
    B : networkx.Graph
        The graph whose betweenness is wanted.
    steps : int, optional, keyword-only
        The work allowed, in node × edge steps (one breadth-first search per source); default
        :data:`EXACT_BETWEENNESS_STEPS`.

    Returns
    -------
    int or None
        None for exact betweenness; otherwise the number of sources to sample (at least
        :data:`MIN_SAMPLED_SOURCES`).

    Examples
    --------
    >>> from graph.views import example
    >>> betweenness_sources(example()) is None
    True
    >>> betweenness_sources(nx.complete_bipartite_graph(300, 300), steps=1_000_000)
    64
    """
    n, m = len(B), max(B.number_of_edges(), 1)
    steps = EXACT_BETWEENNESS_STEPS if steps is None else steps
    if n * m <= steps:
        return None
    return min(n, max(MIN_SAMPLED_SOURCES, steps // m))


def betweenness_note(B: nx.Graph, k: int | None, seed: int | None) -> str | None:
    """What a table whose betweenness was sampled should say about it (None when it is exact)."""
    if k is None or k >= len(B):
        return None
    return (f"betweenness is estimated from {k:,} sampled sources of {len(B):,} nodes (seed {seed}): "
            "exact betweenness on a graph this size takes too long for a request")


def _bipartite_betweenness(B: nx.Graph, top: set, *, k: int | None, seed: int | None) -> dict[str, float]:
    """networkx's bipartite normalisation (Borgatti & Halgin) over Brandes betweenness, exact or
    estimated from ``k`` sampled sources."""
    n, m = len(top), len(B) - len(top)
    if n == 0 or m == 0:
        return dict.fromkeys(B, 0.0)

    def most_possible(size: int, other: int) -> float:
        s, t = divmod(size - 1, other)
        return ((other**2) * ((s + 1) ** 2) + other * (s + 1) * (2 * t - s - 1) - t * (2 * s - t + 3)) / 2.0

    top_max, bottom_max = most_possible(n, m), most_possible(m, n)
    raw = nx.betweenness_centrality(B, k=k if k is not None and k < len(B) else None, normalized=False,
                                    weight=None, seed=seed)
    return {v: raw[v] / (top_max if v in top else bottom_max) if (top_max if v in top else bottom_max) else 0.0
            for v in B}


def _bipartite_closeness(B: nx.Graph, top: set) -> dict[str, float]:
    """networkx's bipartite closeness (normalised), computed without a search from every node.

    Breadth-first searches run (in C, scipy.sparse.csgraph) only from the smaller side; a node of the
    larger side reaches everything through one of its neighbours, so its distances are one more than
    the nearest neighbour's. At 100x the data (4,500 ISCMs, 246 States) that is seconds, not hours.
    A node linked to its own side (an ISCM that is itself a member of another) gets its own search.
    """
    from scipy.sparse.csgraph import shortest_path

    nodes = list(B)
    size = len(nodes)
    if size <= 1:
        return dict.fromkeys(nodes, 0.0)
    index = {v: i for i, v in enumerate(nodes)}
    in_top = np.array([v in top for v in nodes])
    small_is_top = in_top.sum() <= (~in_top).sum()
    small = np.flatnonzero(in_top if small_is_top else ~in_top)
    A = nx.to_scipy_sparse_array(B, nodelist=nodes, weight=None, format="csr")
    small_dist = shortest_path(A, method="D", unweighted=True, directed=False, indices=small)
    totals = np.zeros(size)
    reached = np.zeros(size)

    def account(i: int, d: np.ndarray) -> None:
        finite = np.isfinite(d)
        totals[i] = d[finite].sum()
        reached[i] = finite.sum()  # includes the node itself (distance 0)

    for row, i in enumerate(small):
        account(i, small_dist[row])
    position = {i: row for row, i in enumerate(small)}
    direct = []  # nodes with a neighbour on their own side (an ISCM that is a member of another)
    for i in np.flatnonzero(~np.isin(np.arange(size), small)):
        neighbours = [position.get(index[u]) for u in B[nodes[i]]]
        if not neighbours:
            continue
        if None in neighbours:
            direct.append(i)
            continue
        d = small_dist[neighbours].min(axis=0) + 1
        d[i] = 0.0
        account(i, d)
    if direct:
        for i, d in zip(direct, shortest_path(A, method="D", unweighted=True, directed=False, indices=direct),
                        strict=True):
            account(i, d)
    n, m = int(in_top.sum()), int((~in_top).sum())
    out = {}
    for i, v in enumerate(nodes):
        if totals[i] <= 0:
            out[v] = 0.0
            continue
        numerator = (m + 2 * (n - 1)) if in_top[i] else (n + 2 * (m - 1))
        out[v] = numerator / totals[i] * (reached[i] - 1) / (size - 1)
    return out


def bipartite_centrality(B: nx.Graph, *, k: int | None = None, seed: int | None = None,
                         max_iter: int = 1000, tol: float = 1e-8) -> pd.DataFrame:
    """Degree, betweenness, closeness and eigenvector centrality of every node of ``B``.

    * ``degree``: share of the other side a node is linked to (a State in half the ISCMs: 0.5);
    * ``betweenness``: how often the node lies on shortest paths between others (brokerage);
      exact by default; ``k`` estimates it from ``k`` sampled sources (``seed`` fixes the sample),
      for graphs far larger than the real data, where exact betweenness is O(V·E) in Python (the
      table's ``attrs["note"]`` then says so; :func:`betweenness_sources` picks ``k``);
    * ``closeness``: how few steps it takes to reach everyone else;
    * ``eigenvector``: being linked to well-linked nodes (within its ``component``).

    Values equal networkx's ``bipartite.betweenness_centrality`` and
    ``bipartite.closeness_centrality`` (tested); closeness is computed from the smaller side only.

    Examples
    --------
    >>> from graph.views import example
    >>> df = bipartite_centrality(example())
    >>> float(df.loc["MAR", "degree"]), round(float(df.loc["SWE", "degree"]), 3)
    (1.0, 0.333)
    >>> df["betweenness"].idxmax()
    'MAR'
    """
    if len(B) == 0:
        return pd.DataFrame(columns=["label", "side", "degree", "betweenness", "closeness", "eigenvector",
                                     "component"])
    top = set(actors(B, type=None))
    degree = nx.bipartite.degree_centrality(B, top)
    betweenness = _bipartite_betweenness(B, top, k=k, seed=seed)
    closeness = _bipartite_closeness(B, top)
    eigen = _eigenvector(B, weight=None, max_iter=max_iter, tol=tol)
    comp = _components(B)
    rows = [{"node": n, "label": B.nodes[n].get("label", n), "side": "actor" if n in top else "iscm",
             "degree": degree[n], "betweenness": betweenness[n], "closeness": closeness[n],
             "eigenvector": eigen[n], "component": comp[n]} for n in B]
    df = pd.DataFrame(rows).set_index("node").sort_index()
    df = df.sort_values(["degree", "betweenness"], ascending=False, kind="stable")
    _note(df, betweenness_note(B, k, seed))
    return df


def projection_centrality(B: nx.Graph, *, max_iter: int = 1000, tol: float = 1e-8) -> pd.DataFrame:
    """Centrality of States in the weighted co-membership graph.

    ``strength`` is the total number of ISCM seats shared with other States; ``betweenness`` and
    ``closeness`` treat ``1 / shared`` as distance; ``eigenvector`` is weighted by shared ISCMs.

    >>> from graph.views import example
    >>> projection_centrality(example()).index[0]
    'MAR'
    """
    G = state_projection(B)
    if len(G) == 0:
        return pd.DataFrame(columns=["label", "strength", "degree", "betweenness", "closeness", "eigenvector",
                                     "component"])
    strength = dict(G.degree(weight="weight"))
    degree = nx.degree_centrality(G)
    betweenness, closeness = _weighted_paths(G)
    eigen = _eigenvector(G, weight="weight", max_iter=max_iter, tol=tol)
    comp = _components(G)
    rows = [{"state": n, "label": G.nodes[n].get("label", n), "strength": strength[n], "degree": degree[n],
             "betweenness": betweenness[n], "closeness": closeness[n], "eigenvector": eigen[n],
             "component": comp[n]} for n in G]
    df = pd.DataFrame(rows).set_index("state")
    df = df.sort_index()
    return df.sort_values(["strength", "eigenvector"], ascending=False, kind="stable")


def communities(B: nx.Graph, *, side: str = "states", resolution: float = 1.0, seed: int = 42) -> pd.DataFrame:
    """Louvain communities of the weighted State (or ISCM) projection.

    Same ``seed`` and ``resolution`` → same communities. Communities are numbered by size
    (0 = largest), ties by their alphabetically first member. Higher ``resolution`` → more,
    smaller communities.

    >>> from graph.views import example
    >>> communities(example(), side="iscms", seed=1)["community"].to_dict()
    {'alpha': 0, 'beta': 0, 'gamma': 0}
    """
    if side not in ("states", "iscms"):
        raise ValueError(f"side must be 'states' or 'iscms', got {side!r}")
    note = None
    if side == "states":
        G = state_projection(B)
    elif _pairs_through_members(B) <= EXACT_OVERLAP_PAIRS:
        G = iscm_projection(B)
    else:
        G = strongest_overlaps(B, per_iscm=STRONGEST_OVERLAPS)
        note = (f"ISCM communities are found on each ISCM's {STRONGEST_OVERLAPS} strongest overlaps: the full "
                f"overlap graph of {len(G):,} ISCMs is too dense to cluster within a request")
    if len(G) == 0:
        return pd.DataFrame(columns=["label", "community", "community_size"])
    found = nx.community.louvain_communities(G, weight="weight", resolution=resolution, seed=seed)
    ordered = sorted(found, key=lambda c: (-len(c), min(c)))
    rows = [{"node": n, "label": G.nodes[n].get("label", n), "community": i, "community_size": len(c)}
            for i, c in enumerate(ordered) for n in sorted(c)]
    df = pd.DataFrame(rows).set_index("node")
    _note(df, note)
    return df


def _note(df: pd.DataFrame, note: str | None) -> None:
    """Add ``note`` (how a table was computed, where a reader must know it: an estimate, a sparsified
    graph) to ``df.attrs["note"]``; the API returns it with the table."""
    if note:
        df.attrs["note"] = "; ".join(filter(None, [df.attrs.get("note"), note]))


# The ISCM overlap graph has an edge for every two ISCMs sharing a member. Up to this many pairs
# through shared members (the real data: ~10⁴; 10x: ~2·10⁶) it is built and clustered whole; beyond
# (100x: ~2·10⁸ pairs, a nearly complete graph of 4,500 ISCMs) on each ISCM's strongest overlaps.
EXACT_OVERLAP_PAIRS = 5_000_000
STRONGEST_OVERLAPS = 20


def _pairs_through_members(B: nx.Graph) -> int:
    """Pairs of ISCMs counted through each shared member: an upper bound of the overlap graph's edges."""
    return sum(d * (d - 1) // 2 for n, d in B.degree() if B.nodes[n].get("bipartite") == 0)


def strongest_overlaps(B: nx.Graph, *, per_iscm: int = STRONGEST_OVERLAPS, block: int = 512) -> nx.Graph:
    """The ISCM overlap graph kept to each ISCM's ``per_iscm`` strongest overlaps (a k-nearest-neighbour
    sparsification), for graphs whose full overlap graph is too dense to cluster.

    An edge is kept when it is among the ``per_iscm`` largest ``weight`` (shared members) of either
    end; ties go to the alphabetically first ISCM, so the graph is the same on every run. Shared
    members are counted with a matrix product over blocks of ``block`` ISCMs (memory: ``block`` × ISCMs).

    Parameters
    ----------
    B : networkx.Graph
        The bipartite membership graph (actors ``bipartite=0``, ISCMs ``bipartite=1``).
    per_iscm : int, keyword-only
        How many of its strongest overlaps each ISCM keeps.
    block : int, keyword-only
        ISCMs per matrix product (bounds memory on very large graphs).

    Returns
    -------
    networkx.Graph
        ISCMs with their node attributes; edges with ``weight`` (shared members) and ``jaccard``.

    Raises
    ------
    ValueError
        If ``per_iscm`` or ``block`` is below 1.

    Examples
    --------
    >>> from graph.views import example
    >>> G = strongest_overlaps(example(), per_iscm=1)
    >>> sorted(G.edges(data="weight"))
    [('alpha', 'beta', 2), ('beta', 'gamma', 2)]
    """
    if per_iscm < 1 or block < 1:
        raise ValueError(f"per_iscm and block must be at least 1, got {per_iscm} and {block}")
    ids = iscms(B)
    members = sorted({m for i in ids for m in B[i]})
    col = {m: j for j, m in enumerate(members)}
    A = np.zeros((len(ids), len(members)), dtype=np.float32)  # exact for counts below 2**24
    for r, i in enumerate(ids):
        A[r, [col[m] for m in B[i]]] = 1.0
    sizes = A.sum(axis=1)
    G = nx.Graph()
    G.add_nodes_from((i, B.nodes[i]) for i in ids)
    keep = min(per_iscm, max(len(ids) - 1, 0))
    for start in range(0, len(ids), block):
        W = A[start:start + block] @ A.T
        for r in range(W.shape[0]):
            W[r, start + r] = 0.0  # no ISCM overlaps itself
        # strongest first; among equals the alphabetically first ISCM (stable sort on the sorted ids)
        order = np.argsort(-W, axis=1, kind="stable")[:, :keep]
        for r, row in enumerate(order):
            u = start + r
            for v in row:
                w = int(W[r, v])
                if w == 0:
                    break
                union = sizes[u] + sizes[v] - w
                G.add_edge(ids[u], ids[v], weight=w, jaccard=float(w / union) if union else 0.0)
    return G


def brokers(B: nx.Graph, *, resolution: float = 1.0, seed: int = 42, k: int | None = None,
            betweenness: pd.Series | None = None) -> pd.DataFrame:
    """States that bridge otherwise separate clusters of ISCMs.

    ISCMs are grouped by Louvain on their overlap graph; a State's ``clusters`` is how many of
    those groups its ISCMs fall in, and ``participation`` (0-1) how evenly its memberships spread
    across them (Guimerà–Amaral participation coefficient). States in two or more clusters are
    brokers, ranked by clusters, participation and bipartite betweenness (exact, or estimated from
    ``k`` sources sampled with ``seed``: see :func:`bipartite_centrality`; ``betweenness``: those
    values already computed, e.g. the ``betweenness`` column of a kept centrality table).

    >>> from graph.views import example
    >>> brokers(example(), resolution=2.0, seed=1).index.tolist()[:1]
    ['MAR']
    """
    found = communities(B, side="iscms", resolution=resolution, seed=seed)
    clusters = found["community"].to_dict()
    if betweenness is None:
        betweenness = bipartite_centrality(B, k=k, seed=seed)["betweenness"] if len(B) else pd.Series(dtype=float)
    rows = []
    for s in actors(B):
        own = [clusters[i] for i in B[s] if i in clusters]
        if not own:
            continue
        counts = pd.Series(own).value_counts()
        participation = 1.0 - float(((counts / len(own)) ** 2).sum())
        rows.append({"state": s, "label": B.nodes[s].get("label", s), "n_iscms": len(own),
                     "clusters": int(counts.size), "participation": participation,
                     "betweenness": float(betweenness.get(s, 0.0))})
    df = pd.DataFrame(rows, columns=["state", "label", "n_iscms", "clusters", "participation", "betweenness"])
    df = df[df["clusters"] >= 2]
    df = df.sort_values(["clusters", "participation", "betweenness", "state"],
                        ascending=[False, False, False, True]).set_index("state")
    _note(df, found.attrs.get("note"))
    _note(df, betweenness_note(B, k, seed))
    return df


__all__ = ["EXACT_BETWEENNESS_STEPS", "EXACT_OVERLAP_PAIRS", "betweenness_note", "betweenness_sources",
           "bipartite_centrality", "brokers", "communities", "iscms", "projection_centrality", "strongest_overlaps"]
