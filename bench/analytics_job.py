"""Child process: analytics timings on one release; prints JSON on the last line.

Loads the membership table and the bipartite graph once, then runs each analytics function in a
forked child (copy-on-write, so the graph is not rebuilt) with a time limit and a memory limit: a
pure-Python networkx call cannot be interrupted any other way, and at 100x some of them run for
many minutes or try to allocate many gigabytes.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import multiprocessing as mp
import resource
import time
from collections.abc import Callable
from pathlib import Path

import networkx as nx
from common import self_peak_rss_mb

from graph import centrality, comembership, overlap, temporal, views
from graph.build import MEMBERSHIPS_FILE, TENURES_FILE
from graph.loader import open_store

FUNCTIONS: dict[str, Callable[[nx.Graph], object]] = {
    "overlap.member_overlap": overlap.member_overlap,
    "comembership.pairs": comembership.pairs,
    "centrality.communities": centrality.communities,
    "centrality.projection_centrality": centrality.projection_centrality,
    "centrality.bipartite_centrality": centrality.bipartite_centrality,
}


def _child(conn, name: str, B: nx.Graph, mem_limit_mb: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (mem_limit_mb * 2**20, mem_limit_mb * 2**20))
    try:
        t = time.perf_counter()
        result = FUNCTIONS[name](B)
        seconds = time.perf_counter() - t
        conn.send({"seconds": round(seconds, 3), "rows": len(result), "peak_rss_mb": round(self_peak_rss_mb(), 1)})
    except MemoryError:
        conn.send({"error": f"MemoryError (over the {mem_limit_mb} MB limit)"})
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})


def run_capped(name: str, B: nx.Graph, *, cap_s: float, mem_limit_mb: int) -> dict[str, object]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, name, B, mem_limit_mb))
    t = time.perf_counter()
    proc.start()
    child.close()
    if parent.poll(cap_s):
        try:
            out = parent.recv()
        except EOFError:
            out = {"error": "child died"}
    else:
        proc.kill()
        out = {"timeout": True, "seconds": round(time.perf_counter() - t, 3),
               "error": f"did not finish in {cap_s:.0f} s (killed)"}
    proc.join(10)
    return out


# every analytics route with its default parameters (the ones computed once per release)
ROUTES = ["/api/analytics/multi-membership", "/api/analytics/comembership", "/api/analytics/overlap",
          "/api/analytics/centrality", "/api/analytics/centrality?on=projection", "/api/analytics/communities",
          "/api/analytics/communities?side=iscms", "/api/analytics/brokers",
          "/api/analytics/changes?from=2010&to=2020"]


def _routes_child(conn, release: str, warm_calls: int) -> None:
    """The API in-process on the release, nothing warmed: each route's first call, then its warm p95."""
    try:
        from fastapi.testclient import TestClient

        from api.app import create_app
        from api.config import Settings
        from graph.loader import ISCMGraph

        g = ISCMGraph(open_store(Path(release), backend="oxigraph-memory"), release=Path(release))
        out: dict[str, object] = {}
        settings = Settings(precompute=False, sparql_workers=1, analytics_workers=1)
        with TestClient(create_app(settings, graph=g)) as client:
            for url in ROUTES:
                t = time.perf_counter()
                status = client.get(url).status_code
                first = time.perf_counter() - t
                warm = []
                for _ in range(warm_calls):
                    t = time.perf_counter()
                    client.get(url)
                    warm.append(time.perf_counter() - t)
                warm.sort()
                out[url] = {"status": status, "first_s": round(first, 3),
                            "warm_p95_ms": round(1000 * warm[int(0.95 * (len(warm) - 1))], 2)}
        conn.send(out)
    except Exception as exc:
        conn.send({"error": f"{type(exc).__name__}: {exc}"})


def run_routes(release: Path, *, cap_s: float, warm_calls: int = 50) -> dict[str, object]:
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_routes_child, args=(child, str(release), warm_calls))
    proc.start()
    child.close()
    out = parent.recv() if parent.poll(cap_s * len(ROUTES)) else {"error": "routes did not finish (killed)"}
    proc.kill()
    proc.join(10)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("release", type=Path)
    p.add_argument("--cap", type=float, default=60.0, help="seconds per function at most")
    p.add_argument("--mem-limit-mb", type=int, default=8000)
    p.add_argument("--only", default="", help="comma-separated function names (default: all)")
    p.add_argument("--betweenness-k", type=int, default=0,
                   help="estimate betweenness from this many sampled sources (0 = exact)")
    p.add_argument("--no-routes", action="store_true", help="skip the API routes' first-call and warm timings")
    args = p.parse_args()

    out: dict[str, object] = {"functions": {}, "betweenness_k": args.betweenness_k or None}
    if args.betweenness_k:
        FUNCTIONS["centrality.bipartite_centrality"] = functools.partial(
            centrality.bipartite_centrality, k=args.betweenness_k, seed=1)
    t = time.perf_counter()
    store = open_store(args.release, backend="oxigraph")
    table = views.memberships(store)
    out["memberships_query_s"] = round(time.perf_counter() - t, 3)  # SPARQL, as the build derives it
    saved = args.release / MEMBERSHIPS_FILE
    if saved.exists():  # as graph.load() gets it: the table saved with the release
        t = time.perf_counter()
        table = views.read_memberships(saved)
        out["memberships_table_s"] = round(time.perf_counter() - t, 3)
    else:
        out["memberships_table_s"] = out["memberships_query_s"]
    out["membership_rows"] = len(table)
    tenures = args.release / TENURES_FILE
    if tenures.exists():  # what the API's graph builds from (graph.load: resolved once, by the build)
        t = time.perf_counter()
        table = temporal.read_tenures(tenures)
        out["memberships_table_s"] = round(out["memberships_table_s"] + time.perf_counter() - t, 3)
    t = time.perf_counter()
    B = views.bipartite(table)
    out["bipartite_from_table_s"] = round(time.perf_counter() - t, 3)
    out["bipartite_s"] = round(out["memberships_table_s"] + out["bipartite_from_table_s"], 3)
    states = views.actors(B)
    out["graph"] = {"nodes": B.number_of_nodes(), "edges": B.number_of_edges(), "states": len(states),
                    "iscms": len(views.iscms(B))}
    print(json.dumps({"progress": "bipartite", **out}), flush=True)
    del store, table
    gc.collect()
    gc.freeze()  # keep forked children from touching (and so copying) every page of the graph
    wanted = [n for n in FUNCTIONS if not args.only or n in args.only.split(",")]
    for name in wanted:
        out["functions"][name] = run_capped(name, B, cap_s=args.cap, mem_limit_mb=args.mem_limit_mb)
        print(json.dumps({"progress": name, **out["functions"][name]}), flush=True)
    if not args.no_routes:
        out["routes"] = run_routes(args.release, cap_s=args.cap)
        print(json.dumps({"progress": "routes", **out["routes"]}), flush=True)
    out["peak_rss_mb"] = round(self_peak_rss_mb(), 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
