"""The per-release answer cache of ``/sparql`` and its entity tags (api/sparqlcache.py).

In-process (FastAPI's TestClient: no server) on the tiny data, with an application of this module's
own, so its counters (``/stats``) and its reload do not touch other tests. Whether an answer came
from the cache is read from the counters: a hit runs no query in a worker.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import TINY
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.sparqlcache import ResultCache, etag, key_size, matches
from graph.build import build

JSON = "application/sparql-results+json"
TOKEN = "s3cret"
MAX_ROWS = 40
# far more work than any time limit allows on any machine: four copies of every triple, joined
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    dst = tmp_path_factory.mktemp("cache") / "data"
    shutil.copytree(TINY, dst)
    return dst


@pytest.fixture(scope="module")
def out(data: Path) -> Path:
    out = data.parent / "out"
    build(data, out)
    return out


@pytest.fixture(scope="module")
def client(out: Path) -> Iterator[TestClient]:
    # the time limit also counts a replaced worker's start: 10 s, not less, so a loaded machine cannot
    # turn an ordinary query after the endless one into a 504
    settings = Settings(build_dir=out, backend="oxigraph-memory", precompute=False, analytics_workers=0,
                        sparql_workers=1, sparql_timeout=10, sparql_max_rows=MAX_ROWS, admin_token=TOKEN)
    with TestClient(create_app(settings)) as c:
        yield c


def counters(c: TestClient) -> dict[str, int]:
    return c.get("/stats").json()["sparql"]


def ask(c: TestClient, text: str, accept: str = JSON, **params: str):
    return c.get("/sparql", params={"query": text, **params}, headers={"Accept": accept})


def test_a_repeated_query_is_answered_from_the_cache_with_the_same_bytes_and_headers(client):
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?s ?o LIMIT 7 # repeated"
    first = ask(client, text)
    before = counters(client)
    again = ask(client, text)
    after = counters(client)
    assert first.status_code == again.status_code == 200
    assert again.content == first.content and dict(again.headers) == dict(first.headers)
    assert first.headers["x-result-rows"] == "7" and first.headers["etag"].startswith('W/"')
    assert after["result_cache_hits"] == before["result_cache_hits"] + 1
    assert after["worker_queries"] == before["worker_queries"]  # no worker ran it


@pytest.mark.parametrize("change", ["format", "limit", "dataset"])
def test_another_format_limit_or_dataset_is_not_a_hit(client, change):
    text = f"SELECT ?s WHERE {{ ?s ?p ?o }} ORDER BY ?s LIMIT 5 # {change}"
    base = ask(client, text)
    assert base.status_code == 200
    graph = _a_graph(client, "https://w3id.org/iscm/graph/")
    other = {"format": lambda: ask(client, text, accept="text/csv"),
             "limit": lambda: ask(client, text.replace("LIMIT 5", "LIMIT 6")),
             "dataset": lambda: ask(client, text, **{"default-graph-uri": graph})}[change]
    before = counters(client)
    r = other()
    after = counters(client)
    assert r.status_code == 200 and r.content != base.content
    assert r.headers["etag"] != base.headers["etag"]
    assert after["result_cache_hits"] == before["result_cache_hits"]
    assert after["worker_queries"] == before["worker_queries"] + 1


def _a_graph(c: TestClient, prefix: str) -> str:
    r = ask(c, "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g")
    return next(b["g"]["value"] for b in r.json()["results"]["bindings"] if b["g"]["value"].startswith(prefix))


def test_errors_timeouts_and_capped_answers_are_not_kept(client):
    cases = [("SELECT * WHERE { ?s ?p }", 400, 2),  # passes the guard, the engine refuses it
             (ENDLESS, 504, 1),  # stopped at the time limit, its worker replaced (once: it takes the limit)
             ("SELECT * WHERE { ?s ?p ?o }", 200, 2)]  # more rows than the cap: truncated
    for text, status, times in cases:
        before = counters(client)
        answers = [ask(client, text) for _ in range(times)]
        after = counters(client)
        assert [r.status_code for r in answers] == [status] * times, answers[0].text
        assert after["worker_queries"] == before["worker_queries"] + times, text  # each ran in a worker
        assert after["result_cache_entries"] == before["result_cache_entries"]
    assert after["worker_timeouts"] >= 1
    assert answers[1].headers["x-result-truncated"] == f"true; limit={MAX_ROWS}"


def test_if_none_match_gets_304_without_running_the_query(client):
    text = "SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o LIMIT 3 # conditional"
    first = ask(client, text)
    tag = first.headers["etag"]
    before = counters(client)
    for sent in (tag, tag.removeprefix("W/"), f'"other", {tag}', "*"):
        r = client.get("/sparql", params={"query": text}, headers={"Accept": JSON, "If-None-Match": sent})
        assert r.status_code == 304 and r.content == b"" and r.headers["etag"] == tag, sent
    head = client.head("/sparql", params={"query": text}, headers={"Accept": JSON, "If-None-Match": tag})
    assert head.status_code == 304
    after = counters(client)
    assert after["worker_queries"] == before["worker_queries"]
    assert after["result_cache_hits"] == before["result_cache_hits"]  # not even the cache was read
    # another representation (CSV) has another tag: the JSON one does not match it
    csv = client.get("/sparql", params={"query": text}, headers={"Accept": "text/csv", "If-None-Match": tag})
    assert csv.status_code == 200 and csv.headers["etag"] != tag
    # a POST is answered, never 304, and carries no tag
    post = client.post("/sparql", data={"query": text}, headers={"Accept": JSON, "If-None-Match": tag})
    assert post.status_code == 200 and "etag" not in post.headers


def test_a_reload_drops_the_cache_and_changes_the_tags(client, data: Path, out: Path):
    text = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 4 # across a reload"
    old = ask(client, text)
    assert ask(client, text).content == old.content  # kept
    path = data / "iscms" / "alpha-process.yaml"
    path.write_text(path.read_text() + "# a new release\n")
    build(data, out)
    r = client.post("/admin/reload", headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and r.json()["changed"], r.text
    fresh = counters(client)
    assert fresh["result_cache_entries"] == 0 and fresh["result_cache_hits"] == 0
    again = client.get("/sparql", params={"query": text},
                       headers={"Accept": JSON, "If-None-Match": old.headers["etag"]})
    assert again.status_code == 200 and again.headers["etag"] != old.headers["etag"]
    assert counters(client)["worker_queries"] == 1  # the new release's worker answered it


def test_the_bound_holds_counting_bytes():
    cache = ResultCache(max_bytes=40_000)
    text = "SELECT * WHERE { ?s ?p ?o } #"
    sizes = []
    for i in range(40):
        key = (f"{text}{i}", JSON, None, None, 100, "http://x/sparql")
        assert cache.put(key, b"x" * 2_000, JSON, 1)
        sizes.append(cache.size)
        assert cache.size <= 40_000
        assert cache.size == sum(e.size for e in cache._lru.values())
        assert all(e.size >= 2_000 + key_size(k) for k, e in cache._lru.items())
    assert max(sizes) > 30_000 and len(cache) < 40  # full, and the oldest went first
    assert cache.get((f"{text}39", JSON, None, None, 100, "http://x/sparql")) is not None
    assert cache.get((f"{text}0", JSON, None, None, 100, "http://x/sparql")) is None
    # an answer over a quarter of the bound is served but not kept; a long query text counts too
    assert not cache.put(("big", JSON, None, None, 100, ""), b"x" * 10_001, JSON, 1)
    assert not cache.put(("y" * 2_600, JSON, None, None, 100, ""), b"", JSON, 0)


def test_tags_follow_the_release_and_the_request():
    key = ("ASK {}", JSON, None, None, 100, "http://x/sparql")
    assert etag("r1", key) == etag("r1", key) != etag("r2", key)
    assert etag("r1", key) != etag("r1", (*key[:4], 99, key[5]))
    assert matches(etag("r1", key), etag("r1", key)) and not matches(None, etag("r1", key))
    assert not matches('W/"abc"', etag("r1", key))


def test_only_local_stores_keep_answers_and_tag_them(server, api_backend):
    """A remote store may be given a newer release before the API reloads: its answers are neither
    kept nor tagged. The release's own stores (in memory, on disk, rdflib) are immutable."""
    with server.client() as c:
        r = c.get("/sparql", params={"query": "ASK { ?s ?p ?o } # which backends tag"}, headers={"Accept": JSON})
        stats = c.get("/stats").json()["sparql"]
    local = not api_backend.startswith("remote")
    assert r.status_code == 200
    assert ("etag" in r.headers) is local and ("result_cache_entries" in stats) is local
