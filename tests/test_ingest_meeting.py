"""The meeting-report ingester: the Minsk EaP Panel meeting (seed) and a report written for the tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import DATA, SEEDS

from graph.ingest import eu_summary, meeting, render_document
from graph.ingest.base import Linker, lines_of

SEED = SEEDS / "eap-panel-meeting-minsk-2016.txt"
FIXTURE = Path(__file__).parent / "fixtures" / "documents" / "eap-panel-meeting-chisinau-2017.txt"
ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology" / "iscm.ttl"


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(DATA)


@pytest.fixture(scope="module")
def seed(linker):
    return meeting.extract(SEED.read_text(encoding="utf-8"), path=SEED, linker=linker)


@pytest.fixture(scope="module")
def chisinau(linker):
    return meeting.extract(FIXTURE.read_text(encoding="utf-8"), path=FIXTURE, linker=linker)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(lines_of(path.read_text(encoding="utf-8")), start=1) if needle in line)


def speaker(event: dict, name: str) -> dict:
    return next(s for s in event["speakers"] if s["name"] == name)


# ------------------------------------------------------------------------------------------- the seed

def test_detect_tells_a_meeting_report_from_an_eu_summary():
    text = SEED.read_text(encoding="utf-8")
    assert meeting.detect(text) >= 0.5
    assert eu_summary.detect(text) < 0.5
    other = (SEEDS / "eu-ilo-network-evaluation-summary-2018.txt").read_text(encoding="utf-8")
    assert meeting.detect(other) < 0.5
    for name in ("iom-iscm-assessment-2019-igc.txt", "mieux-2009-2015-lessons-learnt.txt"):
        assert meeting.detect((SEEDS / name).read_text(encoding="utf-8")) < 0.5


def test_seed_document_record(seed):
    doc = seed.document
    assert doc["kind"] == "meeting"
    assert doc["title"] == "Report of the Panel Meeting on Migration Strategies"
    assert doc["as_of"] == dt.date(2016, 12, 8)
    assert doc["id"] == "eap-panel-meeting-minsk-2016"


def test_minsk_meeting_cohosted_by_belarus_and_lithuania(seed):
    (event,) = seed.of_type("event")
    assert event["hosts"] == ["BLR", "LTU"]
    assert event["start"] == dt.date(2016, 12, 7)
    assert event["end"] == dt.date(2016, 12, 8)
    assert event["place"] == "Minsk"
    assert event["country"] == "BLR"
    assert event["line"] == 3


def test_minsk_meeting_iscm_and_id(seed):
    (event,) = seed.of_type("event")
    # the report names "the EaP Panel on Migration and Asylum", which data/ holds as eappma (the predecessor
    # of eap-panel, which took over in 2017)
    assert event["iscm"] == "eappma"
    assert event["id"] == "eappma-minsk-2016-12-07"
    assert any(m.kind == "iscm" and m.resolved == "eappma" and m.line == 147 for m in seed.resolved)


def test_minsk_organisers_and_participants(seed):
    (event,) = seed.of_type("event")
    assert event["organisers"] == ["BLR", "LTU", "european-commission", "iom"]
    assert set(event["participants"]) == {
        "BLR", "LTU", "european-commission", "iom", "eu", "icmpd",
        "HUN", "ARM", "GEO", "UKR", "MDA", "AZE", "DNK", "LVA",
        # speakers' organisations, now in data/
        "far-bulgaria", "europeans-throughout-the-world", "isp-poland", "hfhr",
        "danish-centre-against-human-trafficking",
    }
    # mentioned but did not take part: never participants
    assert not {"interpol", "prague-process", "POL", "BGR"} & set(event["participants"])


def test_minsk_sessions(seed):
    (event,) = seed.of_type("event")
    assert event["sessions"] == [
        {"number": "I", "title": "Role of a strategic document in the sphere of migration",
         "date": dt.date(2016, 12, 7), "moderator": "Robert Rybicki"},
        {"number": "II", "title": "Drafting and adoption of the migration strategies",
         "date": dt.date(2016, 12, 7), "moderator": "Eduard Balandin"},
        {"number": "III", "title": "Implementation of the migration strategies",
         "date": dt.date(2016, 12, 8), "moderator": "Gintaras Valiulis"},
    ]


def test_minsk_speakers_and_affiliations(seed):
    (event,) = seed.of_type("event")
    assert len(event["speakers"]) == 25
    assert len({s["name"] for s in event["speakers"]}) == 25
    expected = {
        "Nikolay Melchenko": "BLR",
        "Andrius Pulokas": "LTU",  # Lithuanian ambassador in Belarus: the sending State
        "Argentina Szabados": "iom",
        "Robert Rybicki": "european-commission",
        "Oleg Chirita": "icmpd",
        "Laura Scorretti": "iom",  # "Mission of IOM in Ukraine"
        "Ágnes Töttős": "HUN",
        "Maria Allahverdyan": "ARM",
        "Temur Goginovi": "GEO",  # "State Commission ... of Georgia" is not the European Commission
        "Tetiana Kasian": "UKR",
        "Daniela Chiperco": "MDA",
        "Namik Jafarov": "AZE",
        "Andrey Kuksov": "BLR",
    }
    for name, actor in expected.items():
        assert speaker(event, name)["affiliation_id"] == actor, name
    chirita = speaker(event, "Oleg Chirita")
    assert chirita["affiliation"] == "International Centre for Migration Policy Development (ICMPD)"
    # organisations added to data/ from this report (cited to their line) now resolve; the wording stays
    for name, org in (("Valeria Ilareva", "far-bulgaria"), ("Raymond C. Xerri", "europeans-throughout-the-world"),
                      ("Anna Piłat", "isp-poland"), ("Marta Szczepanik", "hfhr"),
                      ("Anders Lisborg", "danish-centre-against-human-trafficking")):
        assert speaker(event, name)["affiliation_id"] == org, name
    assert speaker(event, "Marta Szczepanik")["affiliation"] == "Helsinki Foundation for Human Rights, Poland"


def test_minsk_work_programme_topics_and_themes(seed):
    (event,) = seed.of_type("event")
    assert event["topics"] == [
        "border and migration management in emergency situations",
        "return, readmission and reintegration",
        "prevention of facilitation of irregular migration",
        "economic integration of migrants",
    ]
    themes = {(f["term"], f["theme"]) for f in seed.of_type("theme")}
    assert themes == {
        ("Migration Strategies", "migration-governance"),
        ("border and migration management in emergency situations", "border-management"),
        ("return, readmission and reintegration", "return-and-readmission"),
        ("return, readmission and reintegration", "reintegration"),
        ("prevention of facilitation of irregular migration", "irregular-migration"),
        ("economic integration of migrants", "integration"),
    }
    assert all(f["subject"] == event["id"] for f in seed.of_type("theme"))
    assert all(f["line"] == 29 for f in seed.of_type("theme") if f["term"] != "Migration Strategies")


def test_theme_ids_exist_in_the_ontology():
    ttl = ONTOLOGY.read_text(encoding="utf-8")
    for _, theme in meeting.THEME_KEYWORDS:
        assert f"theme:{theme} a skos:Concept" in ttl, theme


def test_minsk_named_bodies(seed):
    bodies = {(f["actor"], f["description"], f["line"]) for f in seed.of_type("named-body")}
    assert bodies == {("european-commission", "supported the meeting", 21), ("iom", "supported the meeting", 21)}


def test_minsk_counts(seed):
    counts: dict[str, int] = {}
    for f in seed.facts:
        counts[f["type"]] = counts.get(f["type"], 0) + 1
    assert counts == {"event": 1, "theme": 6, "named-body": 2}


def test_minsk_unresolved_names_are_listed_with_their_lines(seed):
    # every organisation this report names is now in data/ (the unseen-document test covers reporting)
    assert seed.unresolved == []
    resolved = {(m.text, m.line) for m in seed.resolved}
    assert ("Danish Center against Human Trafficking", 111) in resolved


def test_every_fact_quotes_its_line(seed, chisinau):
    for extraction, path in ((seed, SEED), (chisinau, FIXTURE)):
        lines = lines_of(path.read_text(encoding="utf-8"))
        for f in extraction.facts:
            assert f["line"] >= 1 and f["text"]
            first = " ".join(lines[f["line"] - 1].split())
            assert f["text"][:40] == first[:40], f  # the text starts with the line it was read from


def test_rendered_yaml_round_trips(seed):
    text = render_document(seed)
    assert "&id" not in text  # no YAML anchors for repeated dates
    doc = yaml.safe_load(text)
    assert doc["facts"][0]["hosts"] == ["BLR", "LTU"]


# ------------------------------------------------------------------------- a report written for the tests

def test_chisinau_event(chisinau):
    assert meeting.detect(FIXTURE.read_text(encoding="utf-8")) >= 0.5
    (event,) = chisinau.of_type("event")
    assert event["iscm"] == "eap-panel"  # named in the title
    assert event["id"] == "eap-panel-chisinau-2017-11-30"
    assert (event["start"], event["end"]) == (dt.date(2017, 11, 30), dt.date(2017, 12, 1))
    assert (event["place"], event["country"]) == ("Chisinau", "MDA")
    assert event["hosts"] == ["MDA", "SWE"]
    assert event["organisers"] == ["european-commission", "iom"]
    assert set(event["participants"]) == {"MDA", "SWE", "european-commission", "iom", "GEO", "UKR", "ARM", "BLR",
                                          "swedish-migration-board", "frontex", "unhcr"}
    assert chisinau.document["as_of"] == dt.date(2017, 12, 1)


def test_chisinau_sessions_speakers_topics(chisinau):
    (event,) = chisinau.of_type("event")
    assert event["sessions"] == [
        {"number": "1", "title": "Readmission agreements in practice", "date": dt.date(2017, 11, 30),
         "moderator": "Elena Marin"},
        {"number": "2", "title": "Sustainable reintegration", "date": dt.date(2017, 12, 1),
         "moderator": "Erik Johansson"},
    ]
    affiliations = {s["name"]: s.get("affiliation_id") for s in event["speakers"]}
    assert affiliations == {
        "Ion Popescu": "MDA", "Karin Lindqvist": "SWE", "Elena Marin": "MDA",
        "Tomasz Nowak": "european-commission", "Levan Beridze": "GEO", "Ana Rusu": None,
        "Erik Johansson": "swedish-migration-board", "Olena Shevchenko": "UKR", "Nino Kapanadze": "iom",
    }
    assert event["topics"] == ["labour migration and circular mobility", "data collection and migration statistics",
                               "countering trafficking in human beings"]
    themes = {f["theme"] for f in chisinau.of_type("theme")}
    assert {"return-and-readmission", "reintegration", "labour-migration", "migration-data",
            "trafficking-in-persons"} <= themes


def test_chisinau_unresolved_organisation_is_reported_not_guessed(chisinau):
    line = line_of(FIXTURE, "Centre for Readmission Research")
    assert [(m.text, m.line, m.kind) for m in chisinau.unresolved] == [
        ("Centre for Readmission Research", line, "organisation")]
    assert "Centre for Readmission Research" in chisinau.unresolved[0].context


def test_unresolvable_host_is_listed_and_left_out(linker):
    text = FIXTURE.read_text(encoding="utf-8").replace("co-hosted by Moldova and Sweden",
                                                       "co-hosted by Moldova and Ruritania")
    extraction = meeting.extract(text, path=None, linker=linker)
    (event,) = extraction.of_type("event")
    assert event["hosts"] == ["MDA"]
    line = next(i for i, s in enumerate(lines_of(text), start=1) if "Ruritania" in s)
    assert ("Ruritania", line) in {(m.text, m.line) for m in extraction.unresolved}
