"""Curated meetings (data/events/): loading, errors with file and line, emission, the REST list with its
filters and CSV, profiles, and the ISCM–ISCM "attended together" network on the real data."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from conftest import TINY
from rdflib import SKOS, Graph, URIRef

from graph import events_analytics as ea
from graph.build import build
from graph.errors import DataErrors
from graph.events_data import LEVELS
from graph.namespace import ISCM, entity
from ontology import ONTOLOGY_PATH

GOOD = """\
iscm: alpha-process
sources:
  ap-meetings: {kind: primary,
    url: https://example.org/alpha/meetings,
    title: "Alpha meetings"}
events:
  - id: alpha-process-2019-ministerial
    title: "Second Ministerial Conference of the Alpha Process"
    start: 2019-02-20
    end: 2019-02-21
    level: ministerial
    place: Rabat
    country: MAR
    hosts: [MAR]
    chairs: [MAR, ESP]
    organisers: [secretariat-org]
    iscms: [beta-forum]
    participants: [MAR, ESP, SEN, BRA]
    participants_complete: true
    outcome:
      title: "Rabat Declaration"
      url: https://example.org/alpha/declaration
    source: ap-meetings
    as_of: 2019-02-21
  - id: alpha-process-2012-experts
    title: "Alpha experts meeting"
    start: 2012
    level: expert
    source: ap-meetings
    as_of: 2013
    as_of_inferred: true
"""

GLOBAL = """\
iscm: null
sources:
  gm: {kind: igo, url: "https://example.org/global", title: "Global meeting"}
events:
  - id: global-meeting-2019
    title: "Global meeting of ISCMs"
    start: 2019-10
    level: global-meeting
    iscms: [alpha-process, beta-forum]
    source: gm
    as_of: 2019-10-30
"""


@pytest.fixture
def tiny_events(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(TINY, dst)
    (dst / "events").mkdir()
    (dst / "events" / "alpha-process.yaml").write_text(GOOD)
    (dst / "events" / "global-meetings.yaml").write_text(GLOBAL)
    return dst


def _errors(data: Path) -> str:
    with pytest.raises(DataErrors) as info:
        build(data, data.parent / "out")
    return str(info.value)


def test_levels_are_the_ontology_scheme():
    onto = Graph().parse(ONTOLOGY_PATH)

    in_scheme = {str(c).rsplit("/", 1)[-1] for c in onto.subjects(SKOS.inScheme, ISCM.EventLevelScheme)}
    assert in_scheme == set(LEVELS)


def test_events_compile_with_provenance_period_and_roles(tiny_events: Path):
    import graph

    build(tiny_events, tiny_events.parent / "out")
    g = graph.load(tiny_events.parent / "out")
    df = ea.events(g.store).set_index("id")
    ev = df.loc["alpha-process-2019-ministerial"]
    assert ev["iscm"] == "alpha-process" and ev["level"] == "ministerial"
    assert (ev["start"], ev["end"], ev["place"], ev["country"]) == ("2019-02-20", "2019-02-21", "Rabat", "MAR")
    assert ev["chairs"] == ["ESP", "MAR"] and ev["hosts"] == ["MAR"] and ev["iscms"] == ["beta-forum"]
    assert ev["participants"] == ["BRA", "ESP", "MAR", "SEN"] and bool(ev["participants_complete"]) is True
    assert ev["organisers"] == ["secretariat-org"]
    assert (ev["outcome"], ev["outcome_url"]) == ("Rabat Declaration", "https://example.org/alpha/declaration")
    assert ev["source"] == "https://example.org/alpha/meetings" and ev["as_of"] == "2019-02-21"
    # a year start without an end spans that year; a year as_of is its first day, flagged inferred
    old = df.loc["alpha-process-2012-experts"]
    assert (old["start"], old["end"], old["as_of"], bool(old["as_of_inferred"])) == (
        "2012-01-01", "2012-12-31", "2013-01-01", True)
    # BRA is named only by an event: it still gets a State node with its name
    assert g.query(f"ASK {{ <{entity('state', 'BRA')}> a <{ISCM.State}> }}")
    glob = df.loc["global-meeting-2019"]
    assert pd_isna(glob["iscm"]) and glob["iscms"] == ["alpha-process", "beta-forum"]
    G = ea.iscm_network(ea.events(g.store))
    assert G["alpha-process"]["beta-forum"]["weight"] == 2


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_bad_records_name_file_line_and_record(tiny_events: Path):
    f = tiny_events / "events" / "alpha-process.yaml"
    text = f.read_text()
    text = text.replace("country: MAR", "country: XYZ").replace("chairs: [MAR, ESP]", "chairs: [MAR, Spain]")
    text = text.replace("level: expert", "level: workshop").replace("iscms: [beta-forum]", "iscms: [gamma]")
    text = text.replace("    source: ap-meetings\n    as_of: 2013", "    source: nowhere\n    as_of: 2013")
    f.write_text(text)
    msg = _errors(tiny_events)
    assert "events/alpha-process.yaml:13: events[0].country: unknown country code 'XYZ'" in msg
    assert "events/alpha-process.yaml:15: events[0].chairs[1]: unknown actor 'Spain'" in msg
    assert "did you mean ESP?" in msg
    assert "events/alpha-process.yaml:17: events[0].iscms[0]: unknown ISCM 'gamma'" in msg
    assert "events[1].level: level 'workshop' is not one of" in msg
    assert "events[1].source: source 'nowhere' is not defined" in msg


def test_duplicate_ids_across_files_and_typos_are_errors(tiny_events: Path):
    (tiny_events / "events" / "beta-forum.yaml").write_text(
        "iscm: beta-forum\nsources:\n  s: {kind: primary, url: 'https://example.org/b'}\nevents:\n"
        "  - id: beta-forum-2020\n    title: B\n    start: 2020\n    level: expert\n    source: s\n"
        "    as_of: 2020-01-01\n    hostz: [MAR]\n")
    g = tiny_events / "events" / "global-meetings.yaml"
    g.write_text(g.read_text().replace("id: global-meeting-2019", "id: alpha-process-2012-experts"))
    msg = _errors(tiny_events)
    assert "events/global-meetings.yaml:5: events[0].id: duplicate event id 'alpha-process-2012-experts' " \
           "(already used in data/events/alpha-process.yaml)" in msg
    assert "events/beta-forum.yaml:11: events[0].hostz: unknown key 'hostz'" in msg


def test_file_must_match_its_iscm_and_ids_carry_its_prefix(tiny_events: Path):
    f = tiny_events / "events" / "alpha-process.yaml"
    f.write_text(f.read_text().replace("id: alpha-process-2019-ministerial", "id: ministerial-2019"))
    (tiny_events / "events" / "beta-forum.yaml").write_text(GLOBAL.replace("global-meeting-2019", "bf-1"))
    msg = _errors(tiny_events)
    assert "events[0].id: event id 'ministerial-2019' must start with the ISCM id 'alpha-process-'" in msg
    assert "events/beta-forum.yaml:1: iscm: a file named after an ISCM needs 'iscm: beta-forum'" in msg


def test_shapes_reject_an_event_without_as_of(tiny_events: Path):
    from graph.build import load_ontology, validate_shapes
    from graph.compiler import CURATED_GRAPH, compile_dataset
    from graph.errors import ValidationError

    ontology = load_ontology()
    ds = compile_dataset(tiny_events, ontology)
    validate_shapes(ds, ontology)  # the events as written conform
    node = entity("event", "alpha-process-2019-ministerial")
    ds.graph(CURATED_GRAPH).remove((node, ISCM.asOf, None))
    ds.graph(CURATED_GRAPH).add((node, ISCM.eventLevel, URIRef("https://w3id.org/iscm/event-level/party")))
    with pytest.raises(ValidationError) as info:
        validate_shapes(ds, ontology)
    assert "as-of date" in str(info.value) and "meeting level" in str(info.value)


# ------------------------------------------------------------------------- the real data over HTTP


@pytest.fixture(scope="module")
def client(server):
    with server.client() as c:
        yield c


def _all(client, **params) -> list[dict]:
    body = client.get("/api/events", params={"limit": 1000, **params}).json()
    assert body["total"] == len(body["items"])
    return body["items"]


def test_every_event_has_a_source_and_as_of(client):
    items = _all(client)
    assert len(items) >= 120
    assert all(i["source"] and i["as_of"] and i["title"] and i["start"] for i in items)
    assert all(i["source"].startswith("http") for i in items if i["id"] != "eappma-minsk-2016-12-07")
    assert len({i["iscm"] for i in items if i["iscm"]}) >= 12


def test_filters_iscm_level_year_state(client):
    gfmd = _all(client, iscm="gfmd", level="summit")
    assert len(gfmd) >= 15 and all(i["iscm"] == "gfmd" and i["level"] == "summit" for i in gfmd)
    brussels = [i for i in gfmd if i["start"].startswith("2007")]
    assert brussels and "BEL" in brussels[0]["chairs"].split(";")
    in_2019 = _all(client, year=2019)
    assert in_2019 and all(i["start"][:4] <= "2019" <= (i["end"] or i["start"])[:4] for i in in_2019)
    span = _all(client, **{"from": 2010, "to": 2012})
    assert span and all(i["start"][:4] <= "2012" and (i["end"] or i["start"])[:4] >= "2010" for i in span)
    chaired = _all(client, state="bel", role="chair")
    assert chaired and all("BEL" in i["chairs"].split(";") for i in chaired)
    anyrole = _all(client, state="BEL")
    assert {i["id"] for i in chaired} <= {i["id"] for i in anyrole}
    # the ISCM filter also finds meetings the ISCM attended, not only its own
    attended = _all(client, iscm="igc", level="global-meeting")
    assert attended and all(i["iscm"] != "igc" and "igc" in i["iscms"].split(";") for i in attended)


def test_csv_and_paging(client):
    r = client.get("/api/events", params={"format": "csv", "iscm": "gfmd", "limit": 5, "offset": 2})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 5 and int(r.headers["X-Total-Count"]) >= 15
    assert {"id", "level", "chairs", "source", "as_of"} <= set(rows[0])
    first = client.get("/api/events", params={"iscm": "gfmd", "limit": 7}).json()["items"]
    assert [row["id"] for row in rows] == [i["id"] for i in first[2:7]]
    for bad in ({"limit": 100000}, {"level": "party"}, {"year": 1800}, {"role": "guest"}):
        assert client.get("/api/events", params=bad).status_code == 422, bad


def test_profiles_list_events(client):
    p = client.get("/api/iscms/gfmd").json()
    assert len(p["events"]) >= 15 and all(e["source"] and e["as_of"] for e in p["events"])
    bel = client.get("/api/states/BEL").json()["events"]
    assert any(e["iscm"] == "gfmd" for e in bel["chaired"])
    igc = client.get("/api/iscms/igc").json()["events"]
    assert any(e["level"] == "global-meeting" for e in igc)


def test_iscm_network_from_joint_meetings_on_real_data(built: Path):
    import graph

    df = ea.events(graph.load(built).store)
    assert len(df) >= 120 and df["as_of"].notna().all()
    G = ea.iscm_network(df)
    assert G.number_of_nodes() >= 15
    # IOM's global meetings bring the Bali Process and the IGC together more than once
    assert G["bali-process"]["igc"]["weight"] >= 2
    edges = ea.network_edges(G)
    assert list(edges.columns) == ["a", "b", "weight", "events"]
    assert edges["weight"].is_monotonic_decreasing and (edges["a"] < edges["b"]).all()


def test_doctests_of_events_analytics():
    import doctest

    from graph import events_analytics

    result = doctest.testmod(events_analytics, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 4 and result.failed == 0
