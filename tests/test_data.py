"""The data itself: coverage, provenance, the researcher's spot checks, IOM's headline figure."""

from __future__ import annotations

import re

import yaml
from conftest import DATA

from graph import membership, views

README = (DATA / "README.md").read_text()


def _iscm_files() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text()) for p in sorted((DATA / "iscms").glob("*.yaml"))}


def test_every_iscm_has_sources_and_members_or_a_documented_gap(kg):
    files = _iscm_files()
    assert len(files) >= 40
    for iscm_id, doc in files.items():
        assert doc["sources"], iscm_id
    ever = kg.tenures  # members of any date: an ended ISCM keeps its history
    with_members = set(ever[(ever["organisation_type"] == "iscm") & (ever["role"] == "member")]["organisation_id"])
    without = set(files) - with_members
    gaps = set(re.findall(r"^\| `([a-z0-9-]+)` \| no member list", README, flags=re.M))
    assert without == gaps, f"ISCMs without members must be listed under 'Known gaps' in data/README.md: {without}"


def test_iom_headline_over_200_countries_and_territories(kg, capsys):
    """IOM: "over 200 countries and territories are members of at least one ISCM"."""
    from graph.stats import headline

    B = kg.bipartite()
    n = len(views.actors(B))
    h = headline(kg.tenures, views.iscms(B), claims=len(kg.memberships))
    with capsys.disabled():  # the README's words: States and territories, members now
        print(f"\n{h['states_now']['value']} States and {h['territories_now']['value']} territories are members "
              "of at least one ISCM now")
    assert n == h["states_now"]["value"] + h["territories_now"]["value"]
    assert n > 200


def test_states_in_both_budapest_and_prague_processes(kg):
    """Expected answer recomputed from the cited member lists in data/iscms/*.yaml: a State listed
    by any source holds until a later complete list omits it or a block gives its end."""
    files = _iscm_files()

    def current_members(doc: dict) -> set[str]:
        blocks = [b for b in doc["memberships"] if b["role"] == "member" and b.get("actors")]
        complete = [b for b in blocks if b.get("complete")]

        def key(b: dict) -> str:
            return str(b["as_of"])

        members = set()
        for actor in {a for b in blocks for a in b["actors"]}:
            mine = [b for b in blocks if actor in b["actors"]]
            last = max(mine, key=key)
            if last.get("until"):
                continue
            if any(key(c) > key(last) and actor not in c["actors"] for c in complete):
                continue
            members.add(actor)
        return members

    expected = current_members(files["budapest-process"]) & current_members(files["prague-process"])
    got = set(membership.states_in_all(kg.bipartite(), ["budapest-process", "prague-process"]))
    assert got == expected
    assert {"DEU", "GEO", "UKR", "TUR"} <= got and len(got) >= 40


def test_morocco_number_of_iscms_matches_its_cited_claims(kg):
    B = kg.bipartite()
    mar = set(B["MAR"])
    # direct claims that list MAR, plus memberships that follow a union or IGO Morocco belongs to
    assert {"rabat-process", "five-plus-five-dialogue", "mtm", "africa-eu-mmd", "arcp", "pafom"} <= mar
    assert "khartoum-process" not in mar and "budapest-process" not in mar
    assert membership.memberships_by_state(B).loc["MAR", "n_iscms"] == len(mar) >= 9


def test_every_membership_fact_has_a_source_url_or_document_and_a_date(kg):
    df = kg.memberships
    assert df["source"].notna().all()
    assert df["as_of"].notna().all()


def test_disagreeing_sources_are_kept_side_by_side(kg_any):
    """The Budapest Process's founding year: 1991 and 1993 are both kept, each with its source."""
    from graph.store import SelectResult

    r = kg_any.query("""PREFIX iscm: <https://w3id.org/iscm/ontology#>
      SELECT DISTINCT ?year WHERE { ?c iscm:subject <https://w3id.org/iscm/id/iscm/budapest-process> ;
        iscm:property iscm:established ; iscm:value ?year }""")
    assert isinstance(r, SelectResult)
    assert {str(row[0]) for row in r.rows} >= {"1991", "1993"}


def test_uk_left_the_eu_and_its_eu_celac_membership_ended(kg):
    t = kg.tenures
    uk = t[(t["organisation_id"] == "eu-celac-dialogue") & (t["actor_id"] == "GBR")]
    assert len(uk) == 1 and uk["derived"].all() and (uk["via"] == "eu").all()
    assert (uk["end"].dt.year == 2020).all() and (uk["end_reason"] == "bloc-exit").all()
    assert "GBR" not in set(kg.bipartite()["eu-celac-dialogue"])
    assert "GBR" in set(kg.bipartite(as_of=2015)["eu-celac-dialogue"])


def test_sources_md_is_generated_from_the_data():
    from graph.sources_report import render

    assert (DATA / "SOURCES.md").read_text() == render(DATA), "run `iscm sources --write data/SOURCES.md`"


def test_completeness_flag_needs_the_whole_list():
    """A complete list through a bloc (via) covers that bloc's members only (the Tripoli Process:
    the EU's 28 of 82); members known from partial claims alone leave the list incomplete."""
    import pandas as pd

    from graph.stats import _complete

    def rows(*claims):
        return pd.DataFrame([{"actor_id": a, "complete_list": c, "via": v} for a, c, v in claims])

    eu_only = rows(("FRA", True, "eu"), ("DEU", True, "eu"), ("MLI", False, None))
    assert not _complete(eu_only)
    attendees_inside_the_bloc = rows(("IDN", True, "asean"), ("THA", True, "asean"), ("THA", False, None))
    assert _complete(attendees_inside_the_bloc)
    explicit = rows(("AUS", True, None), ("NZL", False, None))
    assert _complete(explicit)
    assert not _complete(rows())


def test_stats_flags_the_tripoli_process_incomplete(kg_any):
    from graph.stats import graph_stats

    flags = {row["id"]: row["complete"] for row in graph_stats(kg_any)["iscms"]}
    assert flags["tripoli-process"] is False  # IOM: 82 members; the sources read name 74
    assert flags["eu-celac-dialogue"] is True and flags["budapest-process"] is True
