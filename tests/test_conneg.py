"""Content negotiation and the query guard, without a server."""

from __future__ import annotations

import pytest

from api.negotiation import NotAcceptableError, ResultFormat, negotiate
from graph.errors import QueryError
from graph.sparql import check_query
from graph.store import QueryForm

S, C = QueryForm.SELECT, QueryForm.CONSTRUCT


@pytest.mark.parametrize(("accept", "form", "expected"), [
    (None, S, ResultFormat.JSON),
    ("", S, ResultFormat.JSON),
    ("*/*", S, ResultFormat.JSON),
    ("text/csv", S, ResultFormat.CSV),
    ("text/csv;q=0.2, application/sparql-results+xml;q=0.9", S, ResultFormat.XML),
    ("application/sparql-results+json;q=0.1, text/tab-separated-values", S, ResultFormat.TSV),
    ("text/html, */*;q=0.8", S, ResultFormat.JSON),
    ("application/xml", S, ResultFormat.XML),
    (None, C, ResultFormat.TURTLE),
    ("application/ld+json", C, ResultFormat.JSONLD),
    ("application/n-triples, text/turtle;q=0.5", C, ResultFormat.NTRIPLES),
    ("text/plain", C, ResultFormat.NTRIPLES),
])
def test_negotiate(accept, form, expected):
    assert negotiate(accept, form) is expected


@pytest.mark.parametrize(("accept", "form"), [("image/png", S), ("text/csv", C), ("text/turtle", S),
                                              ("text/csv;q=0", S)])
def test_not_acceptable(accept, form):
    with pytest.raises(NotAcceptableError):
        negotiate(accept, form)


def test_format_counts_only_without_an_accept_preference():
    """format= never overrides an Accept we can serve (SPARQLWrapper sends both); it decides when
    Accept is absent or */*."""
    assert negotiate("text/csv", S, override="json") is ResultFormat.CSV
    assert negotiate("application/ld+json", C, override="json") is ResultFormat.JSONLD
    assert negotiate(None, S, override="json") is ResultFormat.JSON
    assert negotiate("*/*", S, override="tsv") is ResultFormat.TSV
    with pytest.raises(NotAcceptableError):
        negotiate(None, S, override="turtle")


@pytest.mark.parametrize(("accept", "form", "expected"), [
    ("text/*", S, ResultFormat.CSV),
    ("text/*", C, ResultFormat.TURTLE),
    ("application/rdf+xml", C, ResultFormat.RDFXML),
    ("application/xml", C, ResultFormat.RDFXML),
    ("application/xml", S, ResultFormat.XML),
    ("text/n3", C, ResultFormat.N3),
    ("application/*;q=0.5, text/tab-separated-values;q=0.4", S, ResultFormat.JSON),
    ("text/csv;q=0.1, */*;q=0.9", S, ResultFormat.JSON),
    ("*/*;q=0.9, text/csv;q=0", S, ResultFormat.JSON),
])
def test_negotiate_ranges_and_specificity(accept, form, expected):
    assert negotiate(accept, form) is expected


@pytest.mark.parametrize("query", [
    "SELECT * WHERE { ?s ?p 'SERVICE <http://x/>' }",
    "SELECT * WHERE { ?s <http://example.org/INSERT> ?o }",
    "# LOAD <http://x>\nSELECT * WHERE { ?s ?p ?o }",
    "SELECT ?service ?load WHERE { ?service ?load ?o }",
    "PREFIX ex: <http://x/> SELECT * WHERE { ?s ex:SERVICE ?o }",
    'SELECT * WHERE { ?s ?p """multi\nline DELETE"""}',
])
def test_guard_accepts_keywords_inside_strings_iris_comments_names(query):
    assert check_query(query).form is QueryForm.SELECT


@pytest.mark.parametrize(("query", "reason"), [
    ("select * where { service <http://x/> { ?s ?p ?o } }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o . FILTER(?a<1)SERVICE?x> }", "SERVICE"),
    ("INSERT DATA { <a:b> <a:c> <a:d> }", "read-only"),
    ("WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "read-only"),
    ("SELECT * FROM <http://evil.example/x.ttl> WHERE { ?s ?p ?o }", "FROM"),
    ("", "empty"),
    ("   ", "empty"),
    ("x" * 30_000, "limit"),
    ("SELECT \x00 WHERE {}", "NUL"),
    ("HELLO", "expected SELECT"),
    ("SELECT * WHERE { ?s ?p ?o #x\rSERVICE <http://x/> {} }", "SERVICE"),
    ("SELECT * WHERE { SERVICEex:x {} }", "SERVICE"),
    ("SELECT * WHERE { \\u0053ERVICE <http://x/> {} }", "SERVICE"),
    ("SELECT * WHERE { ?s ?p ?o }" + " {" * 50 + " }" * 50, "nests brackets more than 40 deep"),
    ("SELECT * WHERE { ?s ?p '\\uD800' }", "invalid codepoint escape"),
])
def test_guard_rejects(query, reason):
    with pytest.raises(QueryError, match=reason):
        check_query(query)


def test_guard_allows_own_graphs_and_reports_them():
    g = "https://w3id.org/iscm/graph/curated"
    checked = check_query(f"SELECT * FROM <{g}> FROM NAMED <{g}> WHERE {{ ?s ?p ?o }}", allowed_graphs=[g])
    assert checked.form is QueryForm.SELECT
    assert checked.from_graphs == (g,) and checked.from_named == (g,)


def test_guard_hands_back_the_canonical_text():
    checked = check_query("SELECT * WHERE { ?s ?p '\\u00E9' } #x\r\n")
    assert checked.text == "SELECT * WHERE { ?s ?p 'é' } #x\n"


def test_nesting_within_the_limit_is_accepted():
    assert check_query("SELECT * WHERE " + "{ " * 40 + "?s ?p ?o" + " }" * 40).form is QueryForm.SELECT
