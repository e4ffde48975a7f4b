"""The SPARQL 1.1 Protocol endpoint over HTTP, with a real SPARQL client, and linked data."""

from __future__ import annotations

import csv
import io
import json
from xml.etree import ElementTree

import pytest
from rdflib import Graph

SELECT = "SELECT ?id WHERE { ?i a iscm:ISCM ; dcterms:identifier ?id } ORDER BY ?id"
CONSTRUCT = "CONSTRUCT { ?i a iscm:ISCM } WHERE { ?i a iscm:ISCM }"


@pytest.fixture(scope="module")
def client(server):
    with server.client() as c:
        yield c


def _ids_json(r):
    return [b["id"]["value"] for b in r.json()["results"]["bindings"]]


def test_get_urlencoded_post_and_direct_post_agree(client):
    acc = {"Accept": "application/sparql-results+json"}
    a = client.get("/sparql", params={"query": SELECT}, headers=acc)
    b = client.post("/sparql", data={"query": SELECT}, headers=acc)
    c = client.post("/sparql", content=SELECT, headers={**acc, "Content-Type": "application/sparql-query"})
    assert a.status_code == b.status_code == c.status_code == 200
    assert _ids_json(a) == _ids_json(b) == _ids_json(c)
    assert "budapest-process" in _ids_json(a)


@pytest.mark.parametrize(("accept", "media"), [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
])
def test_select_formats_by_accept(client, accept, media):
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(media)
    if media.endswith("json"):
        ids = _ids_json(r)
    elif media.endswith("xml"):
        ns = {"s": "http://www.w3.org/2005/sparql-results#"}
        ids = [e.text for e in ElementTree.fromstring(r.content).findall(".//s:binding/s:literal", ns)]
    elif media == "text/csv":
        ids = [row[0] for row in list(csv.reader(io.StringIO(r.text)))[1:]]
    else:
        lines = r.text.splitlines()
        assert lines[0] == "?id"
        ids = [line.strip('"') for line in lines[1:]]
    assert "igc" in ids and ids == sorted(ids)


def test_ask(client):
    r = client.get("/sparql", params={"query": "ASK { iscmid:igc a iscm:ISCM }"},
                   headers={"Accept": "application/sparql-results+json"})
    assert r.json()["boolean"] is True
    r = client.get("/sparql", params={"query": "ASK { iscmid:nope a iscm:ISCM }"}, headers={"Accept": "text/csv"})
    assert r.text.strip() == "false"


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/n-triples", "nt"),
                                              ("application/ld+json", "json-ld"), ("application/rdf+xml", "xml"),
                                              ("text/n3", "n3")])
def test_construct_formats(client, accept, fmt):
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format=fmt)
    assert len(g) >= 30


def test_406_for_unproducible_format(client):
    r = client.get("/sparql", params={"query": SELECT}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "application/sparql-results+json" in r.json()["detail"]
    r = client.get("/sparql", params={"query": CONSTRUCT}, headers={"Accept": "text/csv"})
    assert r.status_code == 406


def test_malformed_query_is_400_with_parser_message(client):
    r = client.get("/sparql", params={"query": "SELECT ?x WHERE { ?x ?y }"})
    assert r.status_code == 400
    assert "syntax error" in r.json()["detail"].lower()
    assert "Traceback" not in r.text


@pytest.mark.parametrize("query", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "LOAD <http://example.org/data.ttl>",
    "CLEAR ALL",
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/remote.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <http://example.org/remote.ttl> WHERE { GRAPH ?g { ?s ?p ?o } }",
])
def test_read_only_and_no_remote_fetching(client, query):
    r = client.post("/sparql", data={"query": query})
    assert r.status_code == 400, query
    r = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-update"})
    assert r.status_code == 400


def test_row_cap_flags_truncation_in_headers_only(client, api_backend):
    if api_backend == "remote-virtuoso":
        # Virtuoso writes the whole 118,000-row answer before we can cut it at the cap: ~20 s here, past
        # the 10 s limit (a 504, as documented in docs/deploy.md); the cap itself is the remote store's
        # code, tested on the Oxigraph server
        pytest.skip("Virtuoso cannot stop a whole-store answer at our row cap within the time limit")
    r = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"},
                   headers={"Accept": "application/sparql-results+json"})
    body = r.json()
    assert set(body) == {"head", "results"}  # no extra member: standard parsers accept the answer
    assert r.headers["X-Result-Truncated"] == "true; limit=10000"
    assert 'rel="http://www.w3.org/ns/ldp#constrainedBy"' in r.headers["Link"]
    assert len(body["results"]["bindings"]) == 10_000


def test_sparqlwrapper_client(server):
    from SPARQLWrapper import CSV, JSON, TURTLE, XML, SPARQLWrapper

    q = "PREFIX iscm: <https://w3id.org/iscm/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/> " + \
        "SELECT ?id WHERE { ?i a iscm:ISCM ; dcterms:identifier ?id } ORDER BY ?id"
    sw = SPARQLWrapper(server.base_url + "/sparql")
    sw.setQuery(q)
    sw.setReturnFormat(JSON)
    ids = [b["id"]["value"] for b in sw.query().convert()["results"]["bindings"]]
    assert "igc" in ids
    sw.setReturnFormat(XML)
    assert "igc" in sw.query().convert().toxml()
    sw.setReturnFormat(CSV)
    assert b"igc" in sw.query().convert()
    sw.setQuery("PREFIX iscm: <https://w3id.org/iscm/ontology#> CONSTRUCT { ?i a iscm:ISCM } WHERE { ?i a iscm:ISCM }")
    sw.setReturnFormat(TURTLE)
    g = Graph().parse(data=sw.query().convert(), format="turtle")
    assert len(g) >= 30


def test_query_page_offline(client):
    r = client.get("/sparql", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "<textarea" in r.text
    assert "http://" not in r.text.split("<pre id=\"prefixes\">")[0] and "cdn" not in r.text.lower()
    assert client.get("/static/sparql.js").status_code == 200


def test_linked_data_negotiation(client):
    html = client.get("/id/state/MAR", headers={"Accept": "text/html"})
    assert html.status_code == 200 and "Morocco" in html.text
    ttl = client.get("/id/state/MAR", headers={"Accept": "text/turtle"})
    assert ttl.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=ttl.text, format="turtle")
    assert len(g) > 10
    jl = client.get("/id/iscm/budapest-process", headers={"Accept": "application/ld+json"})
    assert jl.headers["content-type"].startswith("application/ld+json")
    assert json.loads(jl.text)
    assert client.get("/id/state/MAR", params={"format": "nt"}).headers["content-type"].startswith(
        "application/n-triples")
    r = client.get("/id/state/XYZ")
    assert r.status_code == 404 and "XYZ" in r.json()["detail"]


def test_dumps(client):
    r = client.get("/dumps/memberships.csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) > 1000 and all(row["source_url"] or row["organisation_type"] for row in rows[:50])
    ttl = client.get("/dumps/iscm.ttl")
    assert ttl.status_code == 200 and ttl.headers["content-type"].startswith("text/turtle")
    assert client.get("/dumps/nope.txt").status_code == 404
