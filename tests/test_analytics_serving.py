"""Analytics as served: defaults computed once per release, other parameters in a worker process
under the time limit (504 when over, the server answering others), and the fast weighted
betweenness against exact rational arithmetic."""

from __future__ import annotations

import threading
import time
from fractions import Fraction
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from graph import analytics, centrality, views


def _served(client: TestClient):
    return client.app.state.served


def test_default_projection_centrality_is_computed_once_per_release(app_client):
    r1 = app_client.get("/api/analytics/centrality", params={"on": "projection"})
    assert r1.status_code == 200 and r1.json()["total"] > 150
    cat = _served(app_client).graph
    key = ("analytics", "centrality", analytics.params("centrality", on="projection", as_of=None, roles="members"))
    assert cat.cached(key)

    def recompute() -> pd.DataFrame:
        raise AssertionError("the default table was computed again")

    # what the route remembered is what a second call reads: no recomputation
    remembered = cat.memo(key, recompute)
    r2 = app_client.get("/api/analytics/centrality", params={"on": "projection"})
    assert r2.status_code == 200 and r2.json() == r1.json()
    assert [i["state"] for i in r1.json()["items"]] == list(remembered.index[:100])


@pytest.mark.slow  # starts an analytics worker process (or an exact reference)
def test_default_and_worker_answers_equal_the_python_api(app_client):
    served = _served(app_client)
    cat = served.graph
    # non-default: computed by the analytics worker process
    r = app_client.get("/api/analytics/centrality", params={"on": "projection", "as_of": "2010", "limit": 1000})
    assert r.status_code == 200
    expected = centrality.projection_centrality(cat.bipartite_at(as_of="2010"))
    got = pd.DataFrame(r.json()["items"]).set_index("state").sort_index()
    expected = expected.sort_index()  # rows tied on strength may order by a last-digit eigenvector difference
    assert list(got.index) == list(expected.index)
    for column in ("strength", "betweenness", "closeness", "eigenvector"):
        assert got[column].to_numpy() == pytest.approx(expected[column].to_numpy(), rel=1e-6), column
    r = app_client.get("/api/analytics/communities", params={"side": "iscms", "seed": 7, "limit": 1000})
    expected = centrality.communities(cat.bipartite(), side="iscms", seed=7)
    assert {i["node"]: i["community"] for i in r.json()["items"]} == expected["community"].to_dict()


@pytest.fixture(scope="module")
def strict_client(built):
    """An API whose analytics limit is 0 s: any call that needs a worker is over it."""
    with TestClient(create_app(Settings(build_dir=built, analytics_timeout=0.0, precompute=False))) as client:
        yield client


@pytest.mark.slow  # starts an analytics worker process (or an exact reference)
def test_non_default_parameters_over_the_limit_answer_504_and_the_server_goes_on(strict_client):
    r = strict_client.get("/api/analytics/centrality", params={"on": "projection", "as_of": "2010"})
    assert r.status_code == 504
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["title"] == "Analytics timed out" and "ISCM_ANALYTICS_TIMEOUT" in body["detail"]
    assert body["instance"] == "/api/analytics/centrality"
    # the defaults are answered in the server, whatever the limit; the rest of the API goes on
    assert strict_client.get("/api/analytics/centrality", params={"on": "projection"}).status_code == 200
    assert strict_client.get("/api/states/MAR").status_code == 200


@pytest.mark.slow  # starts an analytics worker process (or an exact reference)
def test_every_worker_busy_answers_503(built):
    settings = Settings(build_dir=built, sparql_queue_timeout=0.0, precompute=False)
    with TestClient(create_app(settings)) as client:
        pool = _served(client).analytics_pool
        held = pool._idle.get()  # the only worker, taken as a running call would
        try:
            r = client.get("/api/analytics/brokers", params={"seed": 5})
        finally:
            pool._idle.put(held)
        assert r.status_code == 503 and r.headers["retry-after"] == "2"
        assert "analytics workers are busy" in r.json()["detail"]
        assert client.get("/api/analytics/brokers", params={"seed": 5}).status_code == 200


def _exact_reference(G: nx.Graph) -> tuple[dict, dict]:
    for _u, _v, d in G.edges(data=True):
        d["exact"] = Fraction(1, d["weight"])
    return (nx.betweenness_centrality(G, weight="exact"),
            nx.closeness_centrality(G, distance="exact", wf_improved=True))


@pytest.mark.slow  # starts an analytics worker process (or an exact reference)
def test_weighted_betweenness_equals_exact_arithmetic_on_real_data(built):
    """Sums of 1/shared tie in exact arithmetic where floats differ (1/3 + 1/6 vs 1/2): networkx's
    float comparison misses those ties, ours does not; rational weights give the exact answer."""
    import graph

    B = graph.load(built).bipartite()
    some = sorted(views.iscms(B))[::3]  # a third of the ISCMs: the exact reference stays quick
    G = views.state_projection(B.subgraph(set(some) | {s for i in some for s in B[i]}).copy())
    assert len(G) > 60
    betweenness, closeness = centrality._weighted_paths(G)
    ref_b, ref_c = _exact_reference(G.copy())
    for n in G:
        assert betweenness[n] == pytest.approx(float(ref_b[n]), abs=1e-12)
        assert closeness[n] == pytest.approx(ref_c[n], rel=1e-12)


def test_weighted_paths_on_components_and_isolated_nodes():
    G = nx.Graph()
    G.add_weighted_edges_from([("a", "b", 1), ("b", "c", 2), ("c", "d", 3), ("a", "d", 6), ("e", "f", 1)])
    G.add_node("g")
    betweenness, closeness = centrality._weighted_paths(G)
    ref_b, ref_c = _exact_reference(G.copy())
    assert betweenness == pytest.approx({n: float(v) for n, v in ref_b.items()})
    assert closeness == pytest.approx(ref_c)
    assert closeness["g"] == 0.0 and betweenness["g"] == 0.0


def test_betweenness_on_a_graph_over_the_exact_budget_is_sampled_and_says_so(built, monkeypatch):
    """Far larger graphs (100x the real data) get sampled betweenness, so a first call stays within
    seconds; the answer names the estimate. The real data, under the budget, stays exact."""
    with TestClient(create_app(Settings(build_dir=built, precompute=False))) as client:
        B = _served(client).graph.bipartite()
        assert centrality.betweenness_sources(B) is None
        monkeypatch.setattr(centrality, "EXACT_BETWEENNESS_STEPS", 1_000)  # the real data now counts as huge
        k = centrality.betweenness_sources(B)
        assert k is not None and k < len(B)
        for path in ("/api/analytics/centrality", "/api/analytics/brokers"):
            r = client.get(path, params={"limit": 1000})
            assert r.status_code == 200
            note = r.json()["note"]
            assert f"estimated from {k:,} sampled sources of {len(B):,} nodes (seed 42)" in note
            csv = client.get(path, params={"format": "csv"})
            assert "sampled sources" in csv.headers["x-iscm-note"]
        sampled = centrality.bipartite_centrality(B, k=k, seed=42)["betweenness"]
        got = {i["node"]: i["betweenness"] for i in client.get("/api/analytics/centrality",
                                                                params={"limit": 1000}).json()["items"]}
        assert got == pytest.approx(sampled.to_dict(), rel=1e-9)
        exact = centrality.bipartite_centrality(B)["betweenness"]
        assert got != pytest.approx(exact.to_dict(), rel=1e-9)  # an estimate, not the exact values
        # tables without sampled measures carry no note
        assert client.get("/api/analytics/overlap").json()["note"] is None


@pytest.mark.slow  # starts an analytics worker process
def test_the_analytics_worker_outlives_the_thread_that_started_it(built):
    """The server starts an analytics worker from whichever request thread needs it first, and its
    thread pool ends idle threads. A worker tied to that thread's life (the kernel's parent-death
    signal follows the thread, not the process) was killed with it: the next call got a 500."""
    with TestClient(create_app(Settings(build_dir=built, precompute=False))) as client:
        pool = _served(client).analytics_pool
        p = analytics.params("communities", seed=3)
        first: list[pd.DataFrame] = []
        starter = threading.Thread(target=lambda: first.append(pool.run("communities", p, timeout=300)))
        starter.start()
        starter.join()
        # join() returns before the thread has left the kernel: wait until it has (a hang guard)
        gone, deadline = Path(f"/proc/self/task/{starter.native_id}"), time.monotonic() + 300
        while gone.exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not gone.exists()
        (worker,) = list(pool._idle.queue)
        time.sleep(0.2)  # a signal sent at the thread's exit has arrived by now
        assert worker.proc.is_alive()
        again = pool.run("communities", analytics.params("communities", seed=4), timeout=300)
        assert len(again) == len(first[0]) and worker.proc.is_alive()


def test_a_page_is_kept_when_its_table_is_too_large_to_keep(built, monkeypatch):
    """At 100x the real data the ISCM overlap table (10⁷ pairs) is larger than the answer cache: each
    call recomputed it (7 s) although the page asked for was kept. The page is read first now."""
    calls: list[str] = []
    compute = analytics.compute

    def counted(cat, name, p):  # the real computation, counted
        calls.append(name)
        return compute(cat, name, p)

    monkeypatch.setattr(analytics, "compute", counted)
    with TestClient(create_app(Settings(build_dir=built, precompute=False, cache_mb=1))) as client:
        first = client.get("/api/analytics/comembership")
        assert first.status_code == 200 and first.json()["total"] > 1000
        key = ("analytics", "comembership", analytics.params("comembership", min_shared=1))
        assert not _served(client).graph.cached(key)  # the table itself is over the 1 MB cache
        assert client.get("/api/analytics/comembership").json() == first.json()
        assert calls == ["comembership"]  # the second call read the kept page
        client.get("/api/analytics/comembership", params={"offset": 100})  # another page needs the table
        assert calls == ["comembership", "comembership"]
