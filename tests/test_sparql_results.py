"""The endpoint's fast path: rows counted on the engine's bytes, and the guard's verdict cache."""

from __future__ import annotations

import json
import random

import pyoxigraph as ox
import pytest

from api.negotiation import ResultFormat
from api.serialisers import count_rows, engine_bytes, serialize
from graph.errors import QueryError
from graph.results import capped
from graph.sparql import GuardCache, check_query

# terms that look like row boundaries in one format or another
TRICKY = ['},{', '"},{"', 'a\nb', 'a\r\nb', '<result>', '<result/>', 'x,y', 'tab\there', '\\', '"', '[]}}',
          'end}},{"s":{', "''", 'é ü 中', 'x},{', '},{"s', ',{}', '[{}', '},{}']
G = ox.NamedNode("http://example.org/g")


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    for i, text in enumerate(TRICKY):
        s.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(text), G))
        s.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(text, language="en"), G))
    return s


QUERIES = {
    "all": "SELECT ?s ?o WHERE { ?s ?p ?o }",
    "unbound": "SELECT ?s ?x WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?x } }",
    "none": "SELECT ?s WHERE { ?s <http://example.org/none> ?o }",
    "no variables": "SELECT * WHERE { }",
    "empty rows": "SELECT ?x WHERE { ?s ?p ?o OPTIONAL { ?s <http://example.org/none> ?x } }",
}
TABLES = [ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV]


def _query(store: ox.Store, text: str) -> object:
    return store.query(text, use_default_graph_as_union=True)


@pytest.fixture(scope="module")
def plain_store() -> ox.Store:
    """Strings without any row-like bytes: the JSON count takes its quick path here."""
    s = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    for i in range(30):
        s.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(f"label {i}", language="en"), G))
        s.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(i), G))
    return s


# on "store" the answers hold row-like bytes in literals (the careful path); on "plain_store" none
@pytest.mark.parametrize("which", ["store", "plain_store"])
@pytest.mark.parametrize("fmt", TABLES, ids=lambda f: f.name)
@pytest.mark.parametrize("name", list(QUERIES))
def test_rows_counted_on_the_bytes_match_the_engine(request, which, name, fmt):
    data = request.getfixturevalue(which)
    expected = len(list(_query(data, QUERIES[name])))
    body = _query(data, QUERIES[name]).serialize(format=_ox_format(fmt))
    assert count_rows(body, fmt) == expected


@pytest.mark.parametrize("seed", range(20))
def test_rows_counted_on_random_literals_match_the_engine(seed):
    """Literals drawn from the bytes a row boundary is made of, some rows left empty: every count agrees
    with the engine in every format."""
    rng = random.Random(seed)
    s = ox.Store()
    p, q = ox.NamedNode("http://example.org/p"), ox.NamedNode("http://example.org/q")
    for i in range(rng.randint(1, 40)):
        subject = ox.NamedNode(f"http://example.org/s{i}")
        text = "".join(rng.choice('{},":\\[]x\n') for _ in range(rng.randint(0, 12)))
        s.add(ox.Quad(subject, p, ox.Literal(text), G))
        if rng.random() < 0.7:
            s.add(ox.Quad(subject, q, ox.Literal(rng.choice(["},{", '},{"', "{}", "a", '"}']), language="en"), G))
    for text in ["SELECT ?o ?x WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/q> ?x } }",
                 "SELECT ?x WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?s <http://example.org/q> ?x } }"]:
        expected = len(list(_query(s, text)))
        for fmt in TABLES:
            assert count_rows(_query(s, text).serialize(format=_ox_format(fmt)), fmt) == expected, (fmt, text)


def _ox_format(fmt: ResultFormat) -> ox.QueryResultsFormat:
    return {ResultFormat.JSON: ox.QueryResultsFormat.JSON, ResultFormat.XML: ox.QueryResultsFormat.XML,
            ResultFormat.CSV: ox.QueryResultsFormat.CSV, ResultFormat.TSV: ox.QueryResultsFormat.TSV}[fmt]


@pytest.mark.parametrize("fmt", TABLES, ids=lambda f: f.name)
def test_fast_path_writes_what_the_capped_path_writes(store, fmt):
    text = QUERIES["unbound"] + " ORDER BY ?s ?x"
    fast = engine_bytes(_query(store, text), fmt, max_rows=1000, max_bytes=1 << 20)
    slow = capped(_query(store, text), 1000)
    assert fast is not None and fast.form == "SELECT" and not fast.truncated
    assert fast.rows == len(slow) == 2 * len(TRICKY)
    assert fast.body == serialize(slow, fmt)


def test_fast_path_steps_aside_over_the_row_cap_or_the_byte_budget(store):
    rows = 2 * len(TRICKY)
    fmt = ResultFormat.JSON
    assert engine_bytes(_query(store, QUERIES["all"]), fmt, max_rows=rows, max_bytes=1 << 20).rows == rows
    assert engine_bytes(_query(store, QUERIES["all"]), fmt, max_rows=rows - 1, max_bytes=1 << 20) is None
    assert engine_bytes(_query(store, QUERIES["all"]), fmt, max_rows=rows, max_bytes=100) is None


def test_fast_path_ask_and_construct(store):
    ask = engine_bytes(_query(store, "ASK { ?s ?p '},{' }"), ResultFormat.JSON, max_rows=1, max_bytes=100)
    assert json.loads(ask.body) == {"head": {}, "boolean": True} and ask.form == "ASK"
    graph = engine_bytes(_query(store, "CONSTRUCT WHERE { ?s ?p ?o }"), ResultFormat.NTRIPLES, max_rows=3,
                         max_bytes=100)
    assert graph.form == "GRAPH" and graph.truncated and graph.rows == 3
    assert graph.body.count(b" .\n") == 3


def test_guard_cache_gives_the_guards_verdicts_and_keeps_refusals():
    cache = GuardCache()
    ok = "SELECT * WHERE { ?s ?p ?o }"
    bad = "SELECT * WHERE { ?s ?p ?o #\rSERVICE <http://evil/> {} }"
    assert cache.check(ok) == check_query(ok)
    assert cache.check(ok) == check_query(ok)
    assert cache.hits == 1
    for _ in range(2):
        with pytest.raises(QueryError, match="SERVICE is not allowed"):
            cache.check(bad)
    assert cache.hits == 2


def test_guard_cache_key_holds_the_graphs_and_limits():
    cache = GuardCache()
    text = "SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }"
    assert cache.check(text, allowed_graphs={"http://example.org/g"}).from_graphs == ("http://example.org/g",)
    with pytest.raises(QueryError, match="is not allowed"):
        cache.check(text, allowed_graphs={"http://example.org/other"})
    with pytest.raises(QueryError, match="nests brackets more than 0 deep"):
        cache.check(text, allowed_graphs={"http://example.org/g"}, max_depth=0)


def test_guard_cache_is_bounded_in_characters():
    cache = GuardCache(max_chars=1000)
    for i in range(100):
        cache.check(f"SELECT * WHERE {{ ?s ?p {i} }}")
    held = sum(len(k[0]) * 2 for k in cache._verdicts)
    assert held <= 1000 and len(cache) < 100
    cache.check("SELECT * WHERE { ?s ?p 99 }")  # the newest are kept
    assert cache.hits == 1
