"""The time model (graph/temporal.py) on the real data: its invariants, and one "current" everywhere.

Each invariant is checked over every tenure of the release; the small cases show each rule can fail.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, start_server, stop_server

from graph import panels, temporal, views
from graph.store import SelectResult

PAST = dt.date(2016, 6, 30)


@pytest.fixture(scope="module")
def tenures(kg) -> pd.DataFrame:
    return kg.tenures


def _iscm(t: pd.DataFrame) -> pd.DataFrame:
    return t[t["organisation_type"] == "iscm"]


# ------------------------------------------------------------------------------ invariants

def test_no_tenure_outside_its_iscms_lifetime(tenures, kg):
    claims = kg.memberships.drop_duplicates("organisation_id").set_index("organisation_id")
    t = _iscm(tenures)
    start = t["organisation_id"].map(claims["organisation_start"])
    end = t["organisation_id"].map(claims["organisation_end"])
    assert not (start.notna() & (t["start"] < start)).any()
    ended = end.notna()
    assert not (ended & (t["end"].isna() | (t["end"] > end))).any()


def test_nothing_current_in_an_ended_dormant_or_succeeded_iscm(tenures):
    t = _iscm(tenures)
    gone = t["organisation_status"].isin(["ended", "dormant", "succeeded"])
    assert gone.any(), "the data has ISCMs that ended"
    assert not (gone & t["current"]).any()
    # and their history is kept
    assert set(t[gone]["organisation_id"]) >= {"hld", "cis-conference", "eappma"}


def test_a_derived_tenure_never_outlives_the_bloc_tenure_it_comes_from(tenures):
    derived = tenures[tenures["derived"]]
    assert len(derived) > 100
    bloc = tenures[(tenures["role"] == "member") & ~tenures["derived"]]
    by_key = {k: g for k, g in bloc.groupby(["organisation_id", "actor_id"])}
    far = pd.Timestamp("2262-01-01")
    for row in derived.itertuples(index=False):
        spans = by_key.get((row.via, row.actor_id))
        assert spans is not None, (row.organisation_id, row.actor_id, row.via)
        end = row.end if not pd.isna(row.end) else far
        covered = ((spans["start"] <= row.start) & (spans["end"].fillna(far) >= end)).any()
        assert covered, (row.organisation_id, row.actor_id, row.via, row.start, row.end)


def test_member_and_observer_never_at_once(tenures):
    t = tenures[tenures["role"].isin(["member", "observer"])]
    far = pd.Timestamp("2262-01-01")
    for (_o, _a), g in t.groupby(["organisation_id", "actor_id"]):
        if g["role"].nunique() < 2:
            continue
        m, o = g[g["role"] == "member"], g[g["role"] == "observer"]
        for a in m.itertuples():
            for b in o.itertuples():
                overlap = max(a.start, b.start) <= min(a.end if not pd.isna(a.end) else far,
                                                       b.end if not pd.isna(b.end) else far)
                assert not overlap, (_o, _a, a.start, a.end, b.start, b.end)


def test_one_sole_chair_at_a_time(tenures):
    chairs = tenures[tenures["role"].isin(["chair", "presidency-pro-tempore"])]
    assert len(chairs) > 20
    far = pd.Timestamp("2262-01-01")
    for (iscm, role), g in chairs.groupby(["organisation_id", "role"]):
        g = g.sort_values("start")
        ends = g["end"].fillna(far).tolist()
        starts = g["start"].tolist()
        for i in range(1, len(g)):
            assert starts[i] > ends[i - 1], (iscm, role, g.iloc[i - 1]["actor_id"], g.iloc[i]["actor_id"])


def test_no_empty_year_between_an_iscms_first_list_and_its_end(tenures, kg):
    last_year = kg.release_date.year
    for iscm, g in _iscm(tenures[tenures["role"] == "member"]).groupby("organisation_id"):
        end = g["end"].max() if g["end"].notna().all() else None
        counts = panels.counts_per_year(tenures, organisation_id=iscm, roles=("member",),
                                        last_year=end.year if end is not None else last_year)
        empty = counts[counts["member"] == 0]["year"].tolist()
        assert not empty, f"{iscm} has no member in {empty}"


def test_inferred_dates_are_flagged_and_shown(tenures):
    inferred = tenures[tenures["start_inferred"]]
    assert len(inferred) > 100
    row = inferred[inferred["start_precision"] == "year"].iloc[0]
    assert temporal.label(row["start"], row["start_precision"], inferred=True) == f"≈{row['start'].year}"
    assert not tenures["start_basis"].isna().any()


# ------------------------------------------------------------------------------ small cases

def _claims(*rows, start=None, end=None, start_precision=None) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["organisation_id", "actor_id", "role", "as_of", "complete_list", "via"])
    df["as_of"] = pd.to_datetime(df["as_of"])
    df["start"] = pd.to_datetime(start or [None] * len(df))
    df["end"] = pd.to_datetime(end or [None] * len(df))
    if start_precision:
        df["start_precision"] = start_precision
    df["membership"] = [f"c{i}" for i in range(len(df))]
    return df


def test_a_later_complete_list_ends_a_membership_between_two_dates():
    t = temporal.tenures(_claims(("x", "A", "member", "2010-05-01", True, None),
                                 ("x", "B", "member", "2010-05-01", True, None),
                                 ("x", "A", "member", "2015-05-01", True, None)), release_date=dt.date(2020, 1, 1))
    b = t[t["actor_id"] == "B"].iloc[0]
    assert b["end_reason"] == "omitted" and b["end"] == pd.Timestamp("2015-04-30")
    assert b["last_seen"] == pd.Timestamp("2010-05-01") and b["start_inferred"]
    assert t[t["actor_id"] == "A"].iloc[0]["current"]


def test_a_partial_list_never_ends_anything():
    t = temporal.tenures(_claims(("x", "A", "member", "2010-05-01", True, None),
                                 ("x", "B", "member", "2010-05-01", True, None),
                                 ("x", "A", "member", "2015-05-01", False, None)), release_date=dt.date(2020, 1, 1))
    assert t["current"].all()


def test_a_derived_membership_follows_the_bloc_and_its_suspension():
    claims = _claims(("bloc", "A", "member", "2000-01-01", True, None),
                     ("bloc", "A", "suspended", "2012-01-01", False, None),
                     ("iscm", "A", "member", "2005-01-01", True, "bloc"),
                     start=["1990-01-01", "2012-01-01", None], end=[None, "2013-12-31", None])
    claims["organisation_start"] = pd.to_datetime(["1990-01-01", "1990-01-01", "2008-01-01"])
    claims["organisation_end"] = pd.NaT
    claims["organisation_end_reason"] = None
    claims["organisation_end_inferred"] = False
    t = temporal.tenures(claims, release_date=dt.date(2020, 1, 1))
    derived = t[t["organisation_id"] == "iscm"].sort_values("start")
    assert [(str(r.start.date()), None if pd.isna(r.end) else str(r.end.date())) for r in derived.itertuples()] == [
        ("2008-01-01", "2011-12-31"), ("2014-01-01", None)]
    assert derived.iloc[0]["start_basis"] == "established" and derived.iloc[0]["end_reason"] == "suspended"
    assert derived["derived"].all()


def test_a_chair_term_ends_when_the_successor_starts():
    t = temporal.tenures(_claims(("x", "A", "chair", "2018-03-01", True, None),
                                 ("x", "B", "chair", "2020-03-01", True, None)), release_date=dt.date(2021, 1, 1))
    a, b = (t[t["actor_id"] == k].iloc[0] for k in "AB")
    assert a["end"] == pd.Timestamp("2020-02-29") and a["end_reason"] == "successor"
    assert b["current"] and not a["current"]


def test_a_newer_source_changes_the_role():
    t = temporal.tenures(_claims(("x", "A", "observer", "2012-01-01", False, None),
                                 ("x", "A", "member", "2019-06-01", False, None)), release_date=dt.date(2021, 1, 1))
    obs, mem = (t[t["role"] == r].iloc[0] for r in ("observer", "member"))
    assert obs["end_reason"] == "role-change" and obs["end"] == pd.Timestamp("2019-05-31")
    assert mem["current"] and not obs["current"]


def test_as_of_takes_a_year_a_month_or_a_date():
    from graph.errors import ParameterError

    t = temporal.tenures(temporal.example_claims(), release_date=dt.date(2024, 1, 1))
    assert len(temporal.holding(t, as_of="2020")) == 2
    assert len(temporal.holding(t, as_of="2021-01")) == 1
    assert len(temporal.holding(t, as_of=dt.date(2020, 12, 31))) == 2
    with pytest.raises(ParameterError, match="as_of must be a year"):
        temporal.holding(t, as_of="20x0")


def test_one_list_giving_two_exclusive_roles_is_a_build_error(tmp_path: Path):
    import shutil

    from conftest import TINY

    from graph.build import build
    from graph.errors import DataErrors

    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    f = next((data / "iscms").glob("*.yaml"))
    text = f.read_text()
    assert "role: member" in text
    block = text[text.index("  - role: member"):].split("\n  - ")[0]
    f.write_text(text.replace(block, block + "\n" + block.replace("role: member", "role: observer"), 1))
    with pytest.raises(DataErrors, match=r"iscms/.*\.yaml:\d+: .* is listed as member and as observer"):
        build(data, tmp_path / "out")


# ------------------------------------------------------------------------------ one "current"

@pytest.fixture(scope="module")
def past_build(tmp_path_factory) -> Path:
    from graph.build import build

    out = tmp_path_factory.mktemp("past")
    build(DATA, out, release_date=PAST, validate=False)  # the same data; `built` validated it
    return out


@pytest.mark.slow  # a second build of the real data and a server
def test_a_release_built_in_the_past_answers_the_same_in_python_sparql_and_rest(past_build):
    import graph

    g = graph.load(past_build)
    assert g.release_date == PAST
    python = {(r.organisation_id, r.actor_id) for r in temporal.holding(g.tenures).itertuples()
              if r.role == "member" and r.organisation_type == "iscm"}
    assert python == {(r.organisation_id, r.actor_id) for r in temporal.holding(g.tenures, as_of=PAST).itertuples()
                      if r.role == "member" and r.organisation_type == "iscm"}
    result = g.query("""PREFIX iscm: <https://w3id.org/iscm/ontology#> PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX role: <https://w3id.org/iscm/role/>
        SELECT DISTINCT ?o ?a WHERE { ?t a iscm:Tenure ; iscm:current true ; org:role role:member ;
          org:organization [ a iscm:ISCM ; dcterms:identifier ?o ] ; org:member/dcterms:identifier ?a }""")
    assert isinstance(result, SelectResult)
    sparql = {(str(o), str(a)) for o, a in result.rows}
    assert sparql == python and len(python) > 300

    srv = start_server(past_build, env={"ISCM_BACKEND": "oxigraph"})
    try:
        with srv.client() as c:
            rest = set()
            offset = 0
            while True:
                page = c.get("/api/memberships", params={"role": "member", "limit": 1000, "offset": offset}).json()
                rest |= {(i["organisation"], i["actor"]) for i in page["items"] if i["organisation_type"] == "iscm"}
                offset += 1000
                if offset >= page["total"]:
                    break
            assert page["filters"]["as_of"] == "release date"
            assert rest == python
            igc = c.get("/api/iscms/igc").json()
            assert {m["actor"] for m in igc["members"]} == {a for o, a in python if o == "igc"}
    finally:
        stop_server(srv)


@pytest.mark.slow  # a second build of the real data
def test_the_current_release_is_not_the_past_one(past_build, kg):
    import graph

    past = graph.load(past_build)
    now = views.filter_memberships(kg.tenures)
    then = views.filter_memberships(past.tenures)
    assert set(now["organisation_id"]) != set(then["organisation_id"])  # ISCMs founded after mid-2016


def test_a_start_known_to_the_year_follows_the_stated_end_of_the_term_before():
    """Rabat Process: Spain chairs until 14 December 2022, Morocco "since 2022": Morocco's term starts
    on the 15th, it does not cut Spain's short."""
    t = temporal.tenures(_claims(("x", "ESP", "chair", "2022-12-14", True, None),
                                 ("x", "MAR", "chair", "2024-02-01", True, None),
                                 start=["2021-11-18", "2022-01-01"], end=["2022-12-14", None],
                                 start_precision=["day", "year"]),
                         release_date=dt.date(2024, 6, 1))
    esp, mar = (t[t["actor_id"] == k].iloc[0] for k in ("ESP", "MAR"))
    assert esp["end"] == pd.Timestamp("2022-12-14") and esp["end_reason"] == "until"
    assert mar["start"] == pd.Timestamp("2022-12-15") and mar["start_basis"] == "after-predecessor"


def test_a_successor_starts_when_it_took_over(tenures):
    """IOM dates the EaP Panel from 2001 (it counts the Söderköping Process); the Panel succeeded the
    EaPPMA in 2017, so no tenure of the Panel starts before 2017."""
    panel = tenures[tenures["organisation_id"] == "eap-panel"]
    assert len(panel) and panel["start"].min() >= pd.Timestamp("2017-01-01")
