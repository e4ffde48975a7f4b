"""The page's new API answers, in-process on the real data: compare two ISCMs (JSON and CSV through the
shared table helper), French and Spanish country names in search, M49 region names in three languages,
and the evidence behind each join in the changes analytic."""

from __future__ import annotations

import csv
import io

import pytest


def _states(tenures, iscm: str, as_of=None) -> set[str]:
    from graph import views

    df = views.filter_memberships(tenures, roles="members", as_of=as_of)
    return set(df[(df["organisation_id"] == iscm) & (df["actor_type"] == "state")]["actor_id"])


@pytest.mark.parametrize("as_of", [None, "2015"])
def test_compare_rabat_and_khartoum_matches_the_tenures(app_client, kg, as_of):
    params = {"a": "rabat-process", "b": "khartoum-process", "limit": 1000} | ({"as_of": as_of} if as_of else {})
    body = app_client.get("/api/compare", params=params).json()
    a, b = _states(kg.tenures, "rabat-process", as_of), _states(kg.tenures, "khartoum-process", as_of)
    got = {side: {r["state"] for r in body["items"] if r["in"] == side} for side in ("both", "only_a", "only_b")}
    assert got == {"both": a & b, "only_a": a - b, "only_b": b - a}
    assert got["both"] and got["only_a"] and got["only_b"]
    assert body["total"] == len(a | b)
    assert body["filters"]["a"] == "rabat-process" and body["filters"]["as_of"] == (as_of or "release date")
    row = next(r for r in body["items"] if r["in"] == "both")
    assert row["a_since"] and row["b_since"] and row["a_source"].startswith("http") and row["state_label"]


def test_compare_as_csv_and_one_side(app_client):
    params = {"a": "rabat-process", "b": "khartoum-process", "in": "both", "limit": 1000}
    both = app_client.get("/api/compare", params=params).json()
    resp = app_client.get("/api/compare", params=params | {"format": "csv"})
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/csv")
    assert "in=both" in resp.headers["x-iscm-filter"]
    rows = list(csv.DictReader(io.StringIO(resp.text)))
    assert [r["state"] for r in rows] == [r["state"] for r in both["items"]]
    assert {r["in"] for r in rows} == {"both"} and int(resp.headers["x-total-count"]) == both["total"]


def test_compare_refuses_unknown_iscms_and_sides(app_client):
    resp = app_client.get("/api/compare", params={"a": "rabat-process", "b": "atlantis-dialogue"})
    assert resp.status_code == 404 and "atlantis-dialogue" in resp.json()["detail"]
    assert app_client.get("/api/compare", params={"a": "rabat-process", "b": "khartoum-process",
                                                  "in": "neither"}).status_code == 422
    assert app_client.get("/api/compare", params={"a": "rabat-process"}).status_code == 422


def test_compare_is_in_the_openapi_document(app_client):
    doc = app_client.get("/openapi.json").json()
    op = doc["paths"]["/api/compare"]["get"]
    assert "text/csv" in op["responses"]["200"]["content"]
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Table")


@pytest.mark.parametrize(("query", "code"), [("Maroc", "MAR"), ("Marruecos", "MAR"), ("Allemagne", "DEU"),
                                             ("Alemania", "DEU"), ("Royaume-Uni", "GBR"), ("Suiza", "CHE")])
def test_french_and_spanish_country_names_find_the_state(app_client, query, code):
    hits = app_client.get("/api/search", params={"q": query}).json()["hits"]
    assert hits and hits[0]["id"] == code, hits[:3]


@pytest.mark.parametrize(("lang", "region", "sub"), [("en", "Africa", "Northern Africa"),
                                                     ("fr", "Afrique", "Afrique septentrionale"),
                                                     ("es", "África", "África septentrional")])
def test_region_names_in_three_languages(app_client, lang, region, sub):
    regions = app_client.get("/api/labels", params={"lang": lang}).json()["regions"]
    assert regions["Africa"] == region and regions["Northern Africa"] == sub
    # every region and sub-region a State has is translated
    from graph import countries

    used = {c.subregion for c in countries.all_countries().values() if c.subregion}
    used |= {c.region for c in countries.all_countries().values() if c.region}
    assert used <= set(regions)


def test_changes_carry_the_evidence_of_each_join(app_client):
    body = app_client.get("/api/analytics/changes", params={"from": 2010, "to": 2024, "limit": 1000}).json()
    assert {"since", "start_inferred", "start_basis", "source"} <= set(body["columns"])
    joins = [r for r in body["items"] if r["change"] == "joined"]
    inferred = [r for r in joins if r["start_inferred"]]
    assert inferred and len(inferred) < len(joins)
    assert all(r["since"].startswith("≈") for r in inferred)
    assert not any(r["since"].startswith("≈") for r in joins if not r["start_inferred"])
