"""Curated liaison networks and capacity-building programmes (data/networks/, data/programmes/):
the real files carry a source and an as-of date on every fact, bad records fail with file and line,
the tables read curated and ingested facts alike, and the REST lists and expert flows show them."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from conftest import DATA, TINY

from graph import partners, partnership
from graph.build import build
from graph.datafiles import load_yaml
from graph.errors import DataErrors
from graph.partners_data import NETWORKS_DIR, PROGRAMMES_DIR, NetworkFile, ProgrammeFile

NETWORK = """\
id: north-liaison
name: North liaison officers
sources:
  reg: {url: "https://example.org/reg", title: "Regulation", kind: primary}
  news: {url: "https://example.org/news", title: "News", kind: press}
legal_basis:
  - {act: "Regulation 1/2004", adopted: 2004-02-19, until: 2019-08-13, source: reg, as_of: 2009-07-08}
officer_counts:
  - {value: 40, approximate: true, source: news, as_of: 2018-05}
board:
  - {role: steering-committee-member, via: north-union, seats: 1, since: 2019-08-14, source: reg, as_of: 2019}
  - {role: chair, actors: [secretariat-org], source: reg, as_of: 2019}
deployments:
  - {deployed_by: [NOR], host: MAR, based_in: Rabat, covers: [SEN], since: 2016, source: news, as_of: 2021,
     as_of_inferred: true}
  - {deployed_by: [SWE, NOR], host: ESP, since: 2017-03, until: 2020, source: news, as_of: 2021}
"""

PROGRAMME = """\
programme: peer-facility
sources:
  site: {url: "https://example.org/facility", title: "Facility actions", kind: primary}
phases:
  - {name: "Phase I", since: 2009-01, until: 2015, source: site, as_of: 2016}
action_counts:
  - {value: 3, source: site, as_of: 2024-02-20}
actions:
  - {id: peer-facility-mar-i, title: Morocco I, status: completed, partners: [MAR], requesting_actor: MAR,
     requesting_authority: Ministry of the Interior, topic: border management, themes: [border-management],
     experts_from: [NOR, SWE], expert_types: [academia], start: 2009-09, end: 2010-07, source: site, as_of: 2015-08}
  - {id: peer-facility-mar-ii, title: Morocco II, status: completed, partners: [MAR], experts_from: [NOR],
     start: 2016, end: 2017, source: site, as_of: 2018}
  - {id: peer-facility-regional, title: Regional, status: ongoing, partners: [SEN, secretariat-org],
     experts_from: [SWE], source: site, as_of: 2024}
"""

FACILITY = """
- id: peer-facility
  name: Peer facility
  type: programme
  source: {url: "https://example.org/facility", title: "Facility", kind: primary}
  as_of: 2020-01-01
"""


@pytest.fixture
def tiny_partners(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(TINY, dst)
    with (dst / "organisations.yaml").open("a") as f:
        f.write(FACILITY)
    (dst / NETWORKS_DIR).mkdir()
    (dst / NETWORKS_DIR / "north-liaison.yaml").write_text(NETWORK)
    (dst / PROGRAMMES_DIR).mkdir()
    (dst / PROGRAMMES_DIR / "peer-facility.yaml").write_text(PROGRAMME)
    return dst


def _errors(data: Path) -> str:
    with pytest.raises(DataErrors) as info:
        build(data, data.parent / "out")
    return str(info.value)


# ------------------------------------------------------------------------------------- the real data


def _dated_items(path: Path) -> tuple[list[tuple[str, object]], dict]:
    raw = load_yaml(path)
    if path.parent.name == NETWORKS_DIR:
        rec = NetworkFile.model_validate(raw)
        keys = ("legal_basis", "officer_counts", "board", "deployments")
    else:
        rec = ProgrammeFile.model_validate(raw)
        keys = ("phases", "action_counts", "actions")
    return [(f"{path.name}:{k}[{i}]", item) for k in keys for i, item in enumerate(getattr(rec, k))], rec.sources


def test_every_curated_network_and_action_has_a_known_source_and_a_sane_as_of():
    files = sorted((DATA / NETWORKS_DIR).glob("*.yaml")) + sorted((DATA / PROGRAMMES_DIR).glob("*.yaml"))
    assert {p.stem for p in files} >= {"eu-ilo-network", "frontex-liaison-officers", "mieux"}
    for path in files:
        items, sources = _dated_items(path)
        assert items, path
        for where, item in items:
            assert item.source in sources, where
            src = sources[item.source]
            assert src.url or (src.document and src.locator), where
            assert dt.date(2000, 1, 1) <= item.as_of.start() <= dt.date.today(), where
            start = getattr(item, "since", None) or getattr(item, "start", None)
            end = getattr(item, "until", None) or getattr(item, "end", None)
            if start is not None and end is not None:
                assert start.start() <= end.end(), where
        # no GitHub file or document mirror as a source (BRIEF: sources a report can cite)
        for key, src in sources.items():
            assert not any(m in (src.url or "") for m in ("github.com", "scribd", "docplayer", "slideshare")), key


def test_curated_action_ids_do_not_repeat_the_ingested_ones():
    ingested = {f["id"] for f in load_yaml(DATA / "documents" / "mieux-2009-2015-lessons-learnt.yaml")["facts"]
                if f.get("type") == "action"}
    curated = {a.id for a in ProgrammeFile.model_validate(load_yaml(DATA / PROGRAMMES_DIR / "mieux.yaml")).actions}
    assert len(ingested) == 71 and len(curated) >= 20
    assert not ingested & curated


# ------------------------------------------------------------------------------------- bad input


def test_a_record_without_source_or_with_dates_out_of_order_fails_with_file_and_line(tiny_partners: Path):
    net = tiny_partners / NETWORKS_DIR / "north-liaison.yaml"
    net.write_text(net.read_text().replace("since: 2017-03, until: 2020", "since: 2021-03, until: 2020"))
    prog = tiny_partners / PROGRAMMES_DIR / "peer-facility.yaml"
    prog.write_text(prog.read_text().replace("start: 2016, end: 2017, source: site, as_of: 2018",
                                             "start: 2016, end: 2017, as_of: 2018-13"))
    msg = _errors(tiny_partners)
    assert "networks/north-liaison.yaml:16: deployments[1]: since/start 2021-03 is after until/end 2020" in msg
    assert "programmes/peer-facility.yaml:12: actions[1].source: missing required key 'source'" in msg
    assert "programmes/peer-facility.yaml:13: actions[1].as_of: invalid date '2018-13'" in msg


def test_unknown_codes_themes_types_and_source_keys_fail_with_file_and_line(tiny_partners: Path):
    net = tiny_partners / NETWORKS_DIR / "north-liaison.yaml"
    net.write_text(net.read_text().replace("host: MAR", "host: Morocco").replace("covers: [SEN]", "covers: [XYZ]"))
    prog = tiny_partners / PROGRAMMES_DIR / "peer-facility.yaml"
    prog.write_text(prog.read_text().replace("themes: [border-management]", "themes: [borders]")
                    .replace("source: site, as_of: 2018", "source: web, as_of: 2018")
                    .replace("expert_types: [academia]", "expert_types: [professors]"))
    msg = _errors(tiny_partners)
    assert "networks/north-liaison.yaml:14: deployments[0].host: unknown country code 'Morocco'" in msg
    assert "did you mean MAR?" in msg
    assert "networks/north-liaison.yaml:14: deployments[0].covers[0]: unknown country code 'XYZ'" in msg
    assert "programmes/peer-facility.yaml:10: actions[0].themes[0]: unknown theme 'borders'" in msg
    assert "actions[0].expert_types[0]: expert type 'professors' is not one of" in msg
    assert "programmes/peer-facility.yaml:13: actions[1].source: source 'web' is not defined" in msg


def test_an_action_id_taken_by_a_document_or_without_the_programme_prefix_is_refused(tiny_partners: Path):
    prog = tiny_partners / PROGRAMMES_DIR / "peer-facility.yaml"
    prog.write_text(prog.read_text().replace("id: peer-facility-regional", "id: regional-facility")
                    .replace("id: peer-facility-mar-ii", "id: peer-facility-mar-i"))
    msg = _errors(tiny_partners)
    assert "actions[1].id: duplicate action id 'peer-facility-mar-i'" in msg
    assert "actions[2].id: action id 'regional-facility' must start with the programme id 'peer-facility-'" in msg


# ------------------------------------------------------------------------------------- tables


def test_tables_from_a_tiny_build(tiny_partners: Path):
    import graph

    build(tiny_partners, tiny_partners.parent / "out")
    g = graph.load(tiny_partners.parent / "out")
    acts = partners.actions(g.store).set_index("id")
    one = acts.loc["peer-facility-mar-i"]
    assert (one["partners"], one["experts_from"], one["expert_types"]) == ("MAR", "NOR;SWE", "academia")
    assert (one["requesting_authority"], one["requesting_actor"]) == ("Ministry of the Interior", "MAR")
    assert (one["start"], one["end"], one["home"]) == ("2009-09", "2010-07", "curated")  # precision kept
    assert one["source"] == "https://example.org/facility" and one["as_of"] == "2015-08-01"
    assert acts.loc["peer-facility-mar-ii", "start"] == "2016"
    deps = partners.deployments(g.store)
    rabat = deps[deps["host"] == "MAR"].iloc[0]
    assert (rabat["deployed_by"], rabat["covers"], rabat["since"], rabat["place"]) == ("NOR", "SEN", "2016", "Rabat")
    assert deps[deps["host"] == "ESP"].iloc[0]["deployed_by"] == "NOR;SWE"
    net = partners.networks(g.store).set_index("id").loc["north-liaison"]
    assert (net["officers"], net["deployments"], net["hosts"], net["since"]) == ("40", 2, "ESP;MAR", "2016")
    flows = partnership.expert_flows(g.store)
    assert flows.iloc[0][["expert_state", "partner", "actions"]].tolist() == ["NOR", "MAR", 2]
    assert set(zip(flows["expert_state"], flows["partner"], strict=True)) == {
        ("NOR", "MAR"), ("SWE", "MAR"), ("SWE", "SEN"), ("SWE", "secretariat-org")}
    # as_of: actions started by then; an action without a start drops out
    early = partnership.expert_flows(g.store, as_of=2010)
    assert early[["expert_state", "partner", "actions"]].values.tolist() == [["NOR", "MAR", 1], ["SWE", "MAR", 1]]
    G = partnership.expert_flow_graph(flows)
    assert G["NOR"]["MAR"]["weight"] == 2 and not G.has_edge("MAR", "NOR")


def test_expert_flows_from_a_dataframe_without_actions():
    empty = pd.DataFrame(columns=partners.ACTION_COLUMNS)
    assert list(partners.expert_flows(empty).columns) == partners.FLOW_COLUMNS
    assert partners.expert_flows(empty, as_of="2015-06").empty


# ------------------------------------------------------------------------------------- REST


@pytest.fixture(scope="module")
def client(server):
    with server.client() as c:
        yield c


def test_actions_list_has_partner_and_expert_columns(client):
    body = client.get("/api/actions", params={"limit": 1000}).json()
    rows = {r["id"]: r for r in body["items"]}
    assert body["total"] >= 90
    angola = rows["mieux-angola"]  # ingested from the 2015 MIEUX publication
    assert (angola["partners"], angola["experts_from"], angola["start"], angola["end"]) == (
        "AGO", "NLD;PRT;ROU", "2009-09", "2010-07")
    assert angola["requesting_authority"] == "Service of Migration and Foreigners" and angola["source"]
    car = rows["mieux-central-african-republic"]  # curated
    assert car["experts_from"] == "BEL;MLI" and car["requesting_actor"] == "CAF" and car["source"].startswith("https://")
    r = client.get("/api/actions", params={"format": "csv", "limit": 1000})
    header = next(csv.reader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert {"partners", "experts_from", "expert_types", "requesting_authority", "start", "end", "as_of"} <= set(header)


def test_expert_flows_endpoint_json_csv_and_as_of(client):
    all_flows = client.get("/api/actions/expert-flows", params={"limit": 1000}).json()
    pairs = {(r["expert_state"], r["partner"]): r["actions"] for r in all_flows["items"]}
    assert pairs[("NLD", "AGO")] >= 1 and pairs[("BEL", "CAF")] == 1
    early = client.get("/api/actions/expert-flows", params={"as_of": 2010, "limit": 1000}).json()
    assert 0 < early["total"] < all_flows["total"]
    assert ("BEL", "CAF") not in {(r["expert_state"], r["partner"]) for r in early["items"]}
    r = client.get("/api/actions/expert-flows", params={"format": "csv", "limit": 5})
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text.lstrip("\ufeff"))))
    assert rows and set(rows[0]) >= {"expert_state", "partner", "actions", "action_ids"}
    assert client.get("/api/actions/expert-flows", params={"as_of": "2015-13"}).status_code == 422


def test_networks_show_deployments_with_host_deployer_and_since(client):
    nets = {r["id"]: r for r in client.get("/api/networks").json()["items"]}
    assert {"eu-ilo-network", "eu-emlo-network", "frontex-liaison-officers"} <= set(nets)
    assert "Regulation (EU) 2019/1240" in nets["eu-ilo-network"]["legal_basis"]
    flo = nets["frontex-liaison-officers"]
    assert flo["since"] == "2016" and {"TUR", "NER", "SEN", "SRB", "ALB"} <= set(flo["hosts"].split(";"))
    deps = client.get("/api/networks/deployments", params={"network": "frontex-liaison-officers"}).json()["items"]
    niger = [d for d in deps if d["host"] == "NER" and d["since"]]
    assert niger and niger[0]["since"] == "2017" and niger[0]["deployed_by"] == "frontex" and niger[0]["source"]
