"""Sources a report can cite: every source has a kind, no membership rests only on a mirror, the
check names the file and line of an unstable URL, and Wikidata QIDs are well-formed and compiled."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import DATA, TINY, run_iscm
from pydantic import ValidationError

from graph.schema import SOURCE_KINDS, SourceRecord
from graph.sources_check import check, is_mirror, url_problems

HAND_WRITTEN = [*sorted((DATA / "iscms").glob("*.yaml")), *sorted((DATA / "unions").glob("*.yaml")),
                *sorted((DATA / "igos").glob("*.yaml")), *sorted((DATA / "events").glob("*.yaml"))]


def _records() -> list[tuple[str, str, dict]]:
    out = []
    for path in HAND_WRITTEN:
        for key, rec in (yaml.safe_load(path.read_text()).get("sources") or {}).items():
            out.append((path.name, key, rec))
    for org in yaml.safe_load((DATA / "organisations.yaml").read_text()):
        out.append(("organisations.yaml", org["id"], org["source"]))
    return out


def test_every_source_record_in_the_real_data_has_a_valid_kind():
    records = _records()
    assert len(records) > 800
    missing = [(f, k) for f, k, r in records if r.get("kind") not in SOURCE_KINDS]
    assert not missing, f"sources without a valid kind: {missing[:10]}"
    kinds = {r["kind"] for _f, _k, r in records}
    assert kinds == set(SOURCE_KINDS)  # all four are used


def test_copies_on_mirror_sites_say_what_they_copy():
    bad = [(f, k) for f, k, r in _records()
           if r.get("url") and is_mirror(r["url"]) and not (r.get("copy_of") or r.get("note"))]
    assert not bad, f"copies without copy_of: {bad}"


def test_no_membership_fact_rests_only_on_a_github_file_or_a_mirror():
    report = check(DATA)
    assert report.membership_facts > 2000
    assert report.mirror_only == 0, "\n".join(str(f) for f in report.findings if f.category == "mirror-only")
    assert not [f for f in report.findings if f.category == "unreadable"]


def test_a_source_kind_outside_the_enum_is_refused():
    with pytest.raises(ValidationError, match="kind"):
        SourceRecord.model_validate({"url": "https://example.org/", "kind": "official"})
    with pytest.raises(ValidationError, match="kind"):
        SourceRecord.model_validate({"url": "https://example.org/"})  # required on every record
    with pytest.raises(ValidationError, match="copy_of is for secondary copies"):
        SourceRecord.model_validate({"url": "https://example.org/", "kind": "igo", "copy_of": "x"})
    with pytest.raises(ValidationError, match="read_at is for a document"):
        SourceRecord.model_validate({"url": "https://example.org/", "kind": "igo",
                                     "read_at": "https://example.org/copy"})


@pytest.mark.parametrize(("url", "for_fact", "expected"), [
    ("https://staging.energy.gov.tt/page", True, "staging"),
    ("https://voa.pangea-cms.com/preview/es/a/x.html", True, "staging, preview"),
    ("http://www.gccegov.net/en/gcc;jsessionid=AB60A868", True, "session id"),
    ("https://example.org/a?utm_source=x&id=3", True, "session id or tracking"),
    ("http://yowlink.com/?rdp_we_resource=https%3A%2F%2Fen.wikipedia.org%2Fwiki%2FX", True, "proxy"),
    ("http://the-uncensored-wiki.com:20121/A/x.html", True, "explicit port 20121"),
    ("https://www.gfmd.org/", True, "homepage"),
    ("https://docplayer.net/amp/1-x.html", True, "mirror or copy"),
])
def test_unstable_urls_are_recognised(url: str, for_fact: bool, expected: str):
    assert any(expected in p for p in url_problems(url, for_fact=for_fact)), url_problems(url, for_fact=for_fact)


@pytest.mark.parametrize("url", [
    "http://www.iom.int/news/x",             # http:// is not unstable in itself
    "https://www.sem.admin.ch/sem/de/home.html",  # admin.ch is the Swiss government, not a back office
    "https://www.lasportal.org/Pages/x.aspx?SID=6",  # a section id, not a session
])
def test_stable_urls_are_not_flagged(url: str):
    assert url_problems(url, for_fact=True) == []


def test_a_homepage_is_fine_for_a_file_but_not_for_a_fact():
    assert url_problems("https://www.gfmd.org/", for_fact=False) == []


def test_the_check_names_the_file_line_and_url_on_a_bad_fixture(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    beta = data / "iscms" / "beta-forum.yaml"
    text = beta.read_text()
    bad = ('  bf: {kind: secondary, url: "https://dev.example.org/beta?PHPSESSID=1"}\n'
           '  wiki: {kind: secondary, url: "https://wikimili.com/en/Beta"}\n')
    text = re.sub(r"  bf: \{[^\n]*\}\n", bad, text)
    beta.write_text(text)
    line = text.splitlines().index('  bf: {kind: secondary, url: "https://dev.example.org/beta?PHPSESSID=1"}') + 1

    proc = run_iscm("sources", "--check", "--data", str(data))
    assert proc.returncode == 0, proc.stderr  # findings alone do not fail without --strict
    out = proc.stdout
    assert (f"data/iscms/beta-forum.yaml:{line}: unstable-url: sources.bf: staging, preview or back-office "
            f"address (dev.example.org): https://dev.example.org/beta?PHPSESSID=1") in out
    assert f"data/iscms/beta-forum.yaml:{line}: unstable-url: sources.bf: session id" in out
    assert "copy-without-original: sources.wiki: a copy on wikimili.com" in out
    # every block of beta-forum rests on bf, now secondary
    assert re.search(r"data/iscms/beta-forum\.yaml:\d+: secondary-only: memberships\[0\]", out)
    assert run_iscm("sources", "--check", "--strict", "--data", str(data)).returncode == 1
    assert run_iscm("sources", "--check", "--strict", "--data", str(TINY)).returncode == 0


def test_a_missing_kind_stops_the_build_with_file_and_line(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    beta = data / "iscms" / "beta-forum.yaml"
    beta.write_text(beta.read_text().replace("{kind: primary, url:", "{url:"))
    proc = run_iscm("validate", "--data", str(data))
    assert proc.returncode != 0
    assert "iscms/beta-forum.yaml:5: sources.bf.kind" in proc.stdout + proc.stderr


def test_one_source_has_one_kind_across_files(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    nu = data / "unions" / "north-union.yaml"
    url = yaml.safe_load((data / "iscms" / "beta-forum.yaml").read_text())["sources"]["bf"]["url"]
    nu.write_text(nu.read_text().replace('{kind: primary, url: "https://example.org/north-union"',
                                         f'{{kind: press, url: "{url}"'))
    proc = run_iscm("validate", "--data", str(data))
    assert proc.returncode != 0
    assert "a source has one kind wherever it is cited" in proc.stdout + proc.stderr


def test_qids_in_the_real_data_are_well_formed_and_unique():
    qids: dict[str, str] = {}
    files = [*(DATA / "unions").glob("*.yaml"), *(DATA / "igos").glob("*.yaml"), *(DATA / "iscms").glob("*.yaml")]
    records = [yaml.safe_load(p.read_text()) for p in files] + yaml.safe_load((DATA / "organisations.yaml").read_text())
    for rec in records:
        qid = (rec.get("identifiers") or {}).get("wikidata")
        if qid:
            assert re.fullmatch(r"Q[1-9]\d*", qid), (rec["id"], qid)
            assert qid not in qids, f"{rec['id']} and {qids[qid]} share {qid}"
            qids[qid] = rec["id"]
    assert qids["Q1065"] == "un" and len(qids) >= 40


def test_a_malformed_qid_is_refused(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    nu = data / "unions" / "north-union.yaml"
    nu.write_text(nu.read_text().replace("type: regional-union", "type: regional-union\nidentifiers: {wikidata: 458}"))
    proc = run_iscm("validate", "--data", str(data))
    assert proc.returncode != 0 and "identifiers.wikidata" in proc.stdout + proc.stderr



def test_state_qids_in_the_real_data_are_well_formed_and_unique():
    from graph.catalog import Errors
    from graph.state_ids import load_state_ids

    errors = Errors()
    qids = load_state_ids(DATA, errors)
    assert not errors.items, [str(e) for e in errors.items]
    assert qids["NGA"] == "Q1033" and qids["NLD"] == "Q29999" and len(qids) >= 240
    organisation_qids = {(r.get("identifiers") or {}).get("wikidata")
                         for r in yaml.safe_load((DATA / "organisations.yaml").read_text())}
    assert not organisation_qids & set(qids.values())  # a State is never one of our organisations


def test_a_state_qid_on_an_unknown_code_or_shared_by_two_codes_is_refused(tmp_path: Path):
    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    (data / "state-identifiers.yaml").write_text(
        "source: {kind: secondary, url: 'https://example.org/qids', title: QIDs, publisher: Example}\n"
        "as_of: 2026\n"
        "wikidata:\n"
        "  FRA: Q142\n"
        "  ZZZ: Q1\n"
        "  DEU: Q142\n")
    proc = run_iscm("validate", "--data", str(data))
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "state-identifiers.yaml:5" in out and "unknown country code 'ZZZ'" in out
    assert "state-identifiers.yaml:6" in out and "Q142 is already given to FRA" in out

def test_kinds_qids_and_shares_reach_the_graph_profiles_and_dumps(built: Path):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.loader import load
    from graph.namespace import SPARQL_PREFIXES
    from graph.stats import graph_stats

    g = load(built)
    rows = g.query(SPARQL_PREFIXES + "SELECT ?k (COUNT(?s) AS ?n) "
                   "WHERE { ?s a iscm:Source ; iscm:sourceKind ?k } GROUP BY ?k").rows
    assert {str(r[0]).rsplit("/", 1)[-1] for r in rows} == set(SOURCE_KINDS)
    p = graph_stats(g)["provenance"]
    assert 0.5 < p["share_primary_or_igo"] < 1
    assert sum(p["memberships_by_source_kind"].values()) == p["memberships"]

    with TestClient(create_app(graph=g)) as client:
        iom = client.get("/api/organisations/iom").json()
        bp = client.get("/api/iscms/budapest-process").json()
        nga = client.get("/api/states/NGA").json()
        entities = client.get("/dumps/entities.csv").text.splitlines()
    assert iom["identifiers"] == {"wikidata": "Q472311", "wikidata_uri": "http://www.wikidata.org/entity/Q472311"}
    kinds = [s["kind"] for s in bp["source_list"]]
    assert {"primary", "igo"} <= set(kinds) and set(kinds) <= {*SOURCE_KINDS, None}, kinds
    # only sources of ingested documents (data/documents/, cited by locator) carry no kind yet
    assert all(s["locator"] for s in bp["source_list"] if s["kind"] is None)
    assert entities[0] == "id,type,label,wikidata"
    assert "eu,union,European Union,Q458" in entities
    # States take theirs from data/state-identifiers.yaml
    assert nga["identifiers"] == {"wikidata": "Q1033", "wikidata_uri": "http://www.wikidata.org/entity/Q1033"}
    assert any(row.startswith("NGA,") and row.endswith(",Q1033") for row in entities)
