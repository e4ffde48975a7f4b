"""REST over a real uvicorn server: search, profiles, lists, analytics, errors."""

from __future__ import annotations

import csv
import io
import json

import pytest

from graph import membership


@pytest.fixture(scope="module")
def client(app_client):
    """In-process: these answers do not depend on HTTP or on the store backend."""
    return app_client


def test_search_finds_morocco_by_name_code_and_misspelling(client):
    for q in ("Morocco", "MAR", "Marocco", "morocco"):
        hits = client.get("/api/search", params={"q": q}).json()["hits"]
        assert hits and hits[0]["id"] == "MAR", q
    hits = client.get("/api/search", params={"q": "Puebla Process"}).json()["hits"]
    assert hits[0]["id"] == "rcm"
    assert client.get("/api/search", params={"q": "IGC"}).json()["hits"][0]["id"] == "igc"


def test_state_profile_carries_sources(client):
    p = client.get("/api/states/MAR").json()
    assert p["label"] == "Morocco" and p["region"] == "Africa"
    assert p["iscm_count"] >= 5
    assert all(m["source"] and m["as_of"] for m in p["iscms"] + p["unions_and_igos"])
    assert {"rabat-process"} <= {m["organisation"] for m in p["iscms"]}
    assert client.get("/api/states/mar").json()["id"] == "MAR"


def test_iscm_profile(client):
    p = client.get("/api/iscms/igc").json()
    assert p["kind"] == "interregional-forum" and p["status"] == "active"
    assert p["member_count"] >= 15
    assert {m["actor"] for m in p["former_members"]} >= {"FRA", "ITA"}
    assert p["sources"] and all(m["source"] for m in p["members"])
    assert client.get("/api/iscms/igc", params={"as_of": 2009}).json()["member_count"] >= 15


def test_unknown_ids_are_404_problems_naming_them(client):
    r = client.get("/api/states/XYZ")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")
    assert "XYZ" in r.json()["detail"]
    r = client.get("/api/iscms/no-such-process")
    assert r.status_code == 404 and "no-such-process" in r.json()["detail"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 100000}, {"offset": -1}, {"as_of": 1800},
                                    {"min_iscms": -3}, {"format": "xls"}])
def test_bad_parameters_are_422(client, params):
    r = client.get("/api/states", params=params)
    assert r.status_code == 422, params
    body = r.json()
    assert body["status"] == 422 and body["detail"]
    assert "Traceback" not in r.text


def test_lists_page_and_csv(client):
    page = client.get("/api/states", params={"min_iscms": 10, "limit": 5}).json()
    assert page["limit"] == 5 and len(page["items"]) <= 5 and page["total"] >= len(page["items"])
    assert all(item["iscms"] >= 10 for item in page["items"])
    r = client.get("/api/iscms", params={"format": "csv", "limit": 1000})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert {"budapest-process", "igc", "gfmd"} <= {row["id"] for row in rows}
    r = client.get("/api/iscms", headers={"Accept": "text/csv"})
    assert r.headers["content-type"].startswith("text/csv")
    for path in ("/api/organisations", "/api/actions", "/api/networks", "/api/events", "/api/memberships"):
        assert client.get(path).status_code == 200, path


def test_analytics_endpoints(client):
    r = client.get("/api/analytics/states-in-all", params=[("iscm", "budapest-process"), ("iscm", "prague-process")])
    assert r.status_code == 200 and r.json()["total"] > 20
    assert client.get("/api/analytics/overlap").json()["items"][0]["jaccard"] <= 1
    assert client.get("/api/analytics/centrality", params={"on": "projection"}).status_code == 200
    assert client.get("/api/analytics/communities", params={"seed": 3}).status_code == 200
    assert client.get("/api/analytics/brokers").status_code == 200
    hops = client.get("/api/analytics/path", params={"from": "GHA", "to": "budapest-process"}).json()["items"]
    assert hops[0]["from"] == "GHA" and hops[-1]["to"] == "budapest-process"
    assert client.get("/api/analytics/ego", params={"actor": "MAR", "depth": 1}).json()["total"] > 0
    assert client.get("/api/analytics/comembership", params={"state": "MAR"}).json()["total"] > 0
    r = client.get("/api/analytics/states-in-all", params={"iscm": "nope"})
    assert r.status_code == 404 and "nope" in r.json()["detail"]


def test_same_answer_through_rest_sparql_and_python(server, built):
    """States in both the Budapest and the Prague Process, asked three ways, on every backend."""
    with server.client() as client:
        _three_ways(client, built)


# answers read from the store (profiles, search names, lists, facts): the same on every backend
SAME_ON_EVERY_BACKEND = ["/api/states/MAR", "/api/iscms/budapest-process", "/api/organisations/iom",
                         "/api/search?q=Puebla", "/api/iscms?limit=1000", "/api/organisations?limit=1000",
                         "/api/actions?limit=1000", "/api/networks", "/api/events?limit=1000",
                         "/api/states/MAR?as_of=2010", "/api/analytics/path?from=GHA&to=budapest-process",
                         "/api/analytics/ego?actor=MAR", "/stats"]


def test_rest_answers_are_the_same_on_every_backend(server, app_client):
    """The detailed REST tests run in-process on the default backend; this checks that the other
    backends (on-disk Oxigraph, a remote Oxigraph server, rdflib) give the very same answers."""
    with server.client() as c:
        for url in SAME_ON_EVERY_BACKEND:
            want = app_client.get(url)
            got = c.get(url)
            assert want.status_code == 200, url
            assert got.status_code == 200, url
            got_body, want_body = got.json(), want.json()
            if url == "/stats":  # the data's counts; what each server has answered so far is its own
                got_body.pop("sparql", None)
                want_body.pop("sparql", None)
            assert got_body == want_body, (url, _first_difference(got_body, want_body),
                                           _set_difference(got_body, want_body))


def _set_difference(got, want) -> str:
    if not (isinstance(got, dict) and isinstance(want, dict) and "items" in got and "items" in want):
        return ""
    g = {json.dumps(i, sort_keys=True) for i in got["items"]}
    w = {json.dumps(i, sort_keys=True) for i in want["items"]}
    return (f"totals {got.get('total')} vs {want.get('total')}; only here: {sorted(g - w)[:3]}; "
            f"only in-process: {sorted(w - g)[:3]}")


def _first_difference(got, want, path="") -> str:
    if isinstance(got, dict) and isinstance(want, dict):
        for k in sorted(set(got) | set(want), key=str):
            if got.get(k) != want.get(k):
                return _first_difference(got.get(k), want.get(k), f"{path}.{k}")
    if isinstance(got, list) and isinstance(want, list) and len(got) == len(want):
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            if a != b:
                return _first_difference(a, b, f"{path}[{i}]")
    return f"{path}: {got!r} != {want!r}"[:600]


def _three_ways(client, built) -> None:
    rest = client.get("/api/analytics/states-in-all",
                      params=[("iscm", "budapest-process"), ("iscm", "prague-process"), ("limit", 1000)]).json()
    rest_states = sorted(item["state"] for item in rest["items"])
    query = """SELECT DISTINCT ?code WHERE {
      ?a org:organization iscmid:budapest-process ; org:role role:member ; iscm:current true ; org:member ?s .
      ?b org:organization iscmid:prague-process ; org:role role:member ; iscm:current true ; org:member ?s .
      ?s iscm:isoAlpha3 ?code } ORDER BY ?code"""
    r = client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query",
                                                        "Accept": "application/sparql-results+json"})
    sparql_states = [b["code"]["value"] for b in r.json()["results"]["bindings"]]
    import graph

    python_states = membership.states_in_all(graph.load(built).bipartite(), ["budapest-process", "prague-process"])
    assert rest_states == sparql_states == python_states
    assert len(python_states) > 20


@pytest.mark.parametrize(("lang", "title"), [("en", "iscm-graph API"), ("fr", "API d'iscm-graph"),
                                           ("es", "API de iscm-graph")])
def test_api_docs_say_what_they_are_in_the_page_language(client, lang, title):
    import html

    from api import i18n

    r = client.get(f"/docs?lang={lang}")
    assert r.headers["content-language"] == lang
    assert f'<html lang="{lang}">' in r.text and f"<title>{html.escape(title)}</title>" in r.text
    assert i18n.t(lang, "docs_intro") in html.unescape(r.text)  # says the reference itself is English
    assert f'href="/?lang={lang}"' in r.text
    # the page's own link carries its language; without one, Accept-Language decides
    assert f'href="/docs?lang={lang}"' in client.get(f"/?lang={lang}").text
    assert '<html lang="es">' in client.get("/docs", headers={"Accept-Language": "es-MX,es;q=0.9"}).text


def test_openapi_and_docs_are_offline(client):
    spec = client.get("/openapi.json").json()
    assert "/api/states/{code}" in spec["paths"] and "/sparql" in spec["paths"]
    docs = client.get("/docs").text
    assert "https://" not in docs and "/static/swagger/swagger-ui-bundle.js" in docs
    assert client.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    # Swagger UI 4 reads OpenAPI 3.0 only: /docs gets a 3.0 translation with the same operations
    ui = client.get("/openapi-3.0.json").json()
    assert spec["openapi"].startswith("3.1") and ui["openapi"] == "3.0.3"
    assert {p: sorted(ops) for p, ops in ui["paths"].items()} == {p: sorted(ops) for p, ops in spec["paths"].items()}
    text = json.dumps(ui)
    assert '"type": "null"' not in text and '"nullable": true' in text


def test_openapi_30_translation_of_nullable_and_bounds():
    from api.openapi30 import downgrade

    doc = {"openapi": "3.1.0", "components": {"schemas": {"X": {"properties": {
        "a": {"anyOf": [{"type": "string"}, {"type": "null"}], "title": "A"},
        "b": {"anyOf": [{"$ref": "#/components/schemas/Y"}, {"type": "null"}]},
        "c": {"type": "number", "exclusiveMinimum": 0, "examples": [1.5]}}}}}}
    out = downgrade(doc)["components"]["schemas"]["X"]["properties"]
    assert out["a"] == {"type": "string", "nullable": True, "title": "A"}
    assert out["b"] == {"allOf": [{"$ref": "#/components/schemas/Y"}], "nullable": True}
    assert out["c"] == {"type": "number", "minimum": 0, "exclusiveMinimum": True, "example": 1.5}
    assert doc["openapi"] == "3.1.0"  # the original is untouched


def test_html_pages_carry_csp(client):
    for path in ("/", "/sparql", "/id/state/MAR", "/dumps", "/docs"):
        r = client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 200, path
        csp = r.headers["content-security-policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_an_iscm_with_no_members_that_year_is_an_empty_answer_not_unknown(client):
    for route in ("states-in-all", "states-in-any"):
        r = client.get(f"/api/analytics/{route}", params={"iscm": ["igc", "budapest-process"], "as_of": 1950})
        assert r.status_code == 200, r.text
        assert r.json()["items"] == [] and r.json()["total"] == 0
    r = client.get("/api/analytics/states-in-any", params={"iscm": ["igc", "no-such-process"], "as_of": 1950})
    assert r.status_code == 404 and "no-such-process" in r.json()["detail"]
    # a year with members in one of them: the other, empty, does not hide them in the union
    now = client.get("/api/analytics/states-in-any", params={"iscm": ["igc"]}).json()["total"]
    assert now > 0


SAMPLE_PATH = {"code": "MAR", "iscm_id": "igc", "org_id": "iom", "collection": "state", "local_id": "MAR",
               "name": "iscm.ttl", "key": "unknown", "ext": "html"}
SAMPLE_QUERY = {"q": "Morocco", "iscm": "igc", "from": "2010", "to": "2020", "state": "MAR", "actor": "MAR"}


def test_head_is_answered_wherever_get_is(client):
    spec = client.get("/openapi.json").json()
    paths = [p for p, ops in spec["paths"].items() if "get" in ops] + ["/", "/docs", "/static/style.css"]
    checked = 0
    for path in paths:
        try:
            url = path.format(**SAMPLE_PATH)
        except KeyError:
            continue
        params = {k: v for k, v in SAMPLE_QUERY.items()
                  if any(p.get("name") == k and p.get("required")
                         for p in spec["paths"].get(path, {}).get("get", {}).get("parameters", []))}
        get = client.get(url, params=params)
        head = client.head(url, params=params)
        assert head.status_code == get.status_code, (url, head.status_code, get.status_code)
        assert head.content == b""
        assert head.headers.get("content-type") == get.headers.get("content-type"), url
        checked += 1
    assert checked >= 30
