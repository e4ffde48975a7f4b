"""The MIEUX ingester: the 2009-2015 report's annex, a second report of the same kind, unresolved names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import DATA, REPO, SEEDS

from graph.ingest import mieux
from graph.ingest.base import Linker, lines_of

SEED = SEEDS / "mieux-2009-2015-lessons-learnt.txt"
FIXTURE = REPO / "tests" / "fixtures" / "documents" / "mieux-2016-2018-progress.txt"


def _extract(path: Path):
    text = path.read_text(encoding="utf-8")
    return text, mieux.extract(text, path=path, linker=Linker(DATA))


@pytest.fixture(scope="module")
def seed():
    return _extract(SEED)


@pytest.fixture(scope="module")
def fixture_doc():
    return _extract(FIXTURE)


def _actions(ex) -> dict[str, dict]:
    return {f["id"]: f for f in ex.of_type("action")}


# ---------------------------------------------------------------- the seed


def test_seed_counts(seed):
    _, ex = seed
    actions = ex.of_type("action")
    assert len(actions) == 71
    assert sum(a["status"] == "completed" for a in actions) == 40
    assert sum(a["status"] == "ongoing" for a in actions) == 31
    assert len({a["id"] for a in actions}) == 71
    assert all(a["programme"] == "mieux" for a in actions)
    assert all(a["region"] for a in actions)
    assert {a["region"] for a in actions} == {"Africa", "Asia", "Eastern Europe", "Latin America and Caribbean",
                                               "Middle East and North Africa"}


def test_seed_document(seed):
    text, ex = seed
    doc = ex.document
    assert doc["kind"] == "mieux"
    assert doc["id"] == "mieux-2009-2015-lessons-learnt"
    assert doc["title"].startswith("Migration EU eXpertise 2009-2015")
    assert doc["as_of"] == dt.date(2015, 8, 1)  # copyright 2015; latest month in the annex: August 2015
    assert mieux.detect(text) >= 0.9


def test_seed_angola(seed):
    text, ex = seed
    angola = _actions(ex)["mieux-angola"]
    assert angola["experts_from"] == ["NLD", "PRT", "ROU"]
    assert angola["expert_types"] == []
    assert angola["status"] == "completed"
    assert angola["region"] == "Africa"
    assert angola["requesting_actor"] == "AGO"
    assert angola["beneficiaries"] == ["AGO"]
    assert angola["requesting_authority"] == "Service of Migration and Foreigners"
    assert angola["topic"] == "Asylum, migration legislation and THB"
    assert set(angola["themes"]) == {"asylum", "migration-governance", "trafficking-in-persons"}
    assert (angola["start"], angola["end"]) == ("2009-09", "2010-07")
    assert lines_of(text)[angola["line"] - 1] == "Angola"
    assert "The Netherlands, Portugal, Romania" in angola["text"]


def test_seed_non_state_experts(seed):
    _, ex = seed
    actions = _actions(ex)
    cv2 = actions["mieux-cabo-verde-ii"]
    # academics from Cabo Verde and Portugal are not State administrations
    assert cv2["experts_from"] == []
    assert cv2["expert_types"] == ["academia"]
    assert cv2["non_state_experts_from"] == ["CPV", "PRT"]
    cv1 = actions["mieux-cabo-verde-i"]
    assert cv1["experts_from"] == ["FIN", "FRA", "NLD"]
    assert cv1["expert_types"] == ["private-consultant"]
    comesa = actions["mieux-comesa-i"]
    assert comesa["experts_from"] == ["GBR"]
    assert comesa["expert_types"] == ["academia", "private-consultant"]
    kgz = actions["mieux-kyrgyzstan-i"]  # "Ukraine (private)"
    assert kgz["experts_from"] == ["BGR", "ITA"]
    assert kgz["non_state_experts_from"] == ["UKR"]
    panama = actions["mieux-panama"]  # Frontex sent experts: an organisation, not a State
    assert panama["experts_from"] == ["GRC"]
    assert "international-organisation" in panama["expert_types"]
    bodies = [f for f in ex.of_type("named-body") if f["subject"] == "mieux-panama"]
    assert [b["actor"] for b in bodies] == ["frontex"]
    assert actions["mieux-nigeria-iii"]["experts_from"] == []  # "TBD"


def test_seed_regional_and_joint_actions(seed):
    _, ex = seed
    actions = _actions(ex)
    for aid, org in (("mieux-comesa-i", "comesa"), ("mieux-comesa-ii", "comesa"), ("mieux-ecowas", "ecowas"),
                     ("mieux-mercosur", "mercosur"), ("mieux-central-american-integration-system", "sica")):
        assert actions[aid]["requesting_actor"] == org, aid
        assert actions[aid]["beneficiaries"] == [org], aid
    wca1 = actions["mieux-west-and-central-africa-i"]
    assert wca1["beneficiaries"] == ["BFA", "GAB", "MLI", "MRT", "SEN"]
    assert "requesting_actor" not in wca1  # five national authorities asked together
    wca2 = actions["mieux-west-and-central-africa-ii"]
    assert wca2["beneficiaries"] == ["BEN", "CMR", "MLI", "SEN"]
    assert wca2["requesting_actor"] == "BEN"
    assert actions["mieux-west-africa"]["beneficiaries"] == ["BEN", "GNB", "TGO"]
    arg_bra = actions["mieux-argentina-and-brazil"]
    assert arg_bra["beneficiaries"] == ["ARG", "BRA"]
    assert "requesting_actor" not in arg_bra
    moldova = actions["mieux-republic-of-moldova-i"]
    assert moldova["requesting_actor"] == "MDA"
    assert moldova["beneficiaries"] == ["MDA", "ARM", "AZE", "BLR", "GEO", "UKR"]
    apei = actions["mieux-mauritius-apei"]
    assert apei["requesting_actor"] == "MUS"
    assert actions["mieux-southeast-asia"]["beneficiaries"] == ["IDN", "VNM"]


def test_seed_time_frames(seed):
    _, ex = seed
    actions = _actions(ex)
    assert (actions["mieux-malawi-i"]["start"], actions["mieux-malawi-i"]["end"]) == ("2009-06", "2009-11")
    assert (actions["mieux-kazakhstan"]["start"], actions["mieux-kazakhstan"]["end"]) == ("2009-08", "2009-10")
    assert actions["mieux-argentina-and-brazil"]["end"] == "2014-03"  # no final full stop in the source
    for a in actions.values():
        assert a["start"], a["id"]
        if a["status"] == "ongoing":
            assert "end" not in a, a["id"]
        else:
            assert a["end"] >= a["start"], a["id"]
    assert actions["mieux-sierra-leone-ii"]["start"] == "2013-03"  # "March 2013-ongoing (on hold)"


def test_seed_themes(seed):
    _, ex = seed
    actions = _actions(ex)
    assert actions["mieux-ecowas"]["themes"] == ["border-management", "migrant-rights"]
    assert actions["mieux-togo-i"]["themes"] == ["labour-migration"]
    assert actions["mieux-burundi-ii"]["themes"] == ["diaspora"]
    assert actions["mieux-the-gambia"]["themes"] == ["migration-data"]
    assert actions["mieux-west-africa"]["themes"] == ["climate-and-environment"]
    assert actions["mieux-benin"]["themes"] == ["migration-and-development", "remittances"]
    assert actions["mieux-morocco-ii"]["themes"] == ["refugee-protection", "integration"]


def test_seed_supported(seed):
    text, ex = seed
    supported = {f["supported"] for f in ex.of_type("supported")}
    assert supported == {"budapest-process", "euromed-migration", "rabat-process",
                         "sica", "comesa", "mercosur", "ecowas"}
    lines = lines_of(text)
    for f in ex.of_type("supported"):
        assert f["programme"] == "mieux"
        assert f["line"] < 1439  # the report's body, not the annex
        assert f["text"].rstrip("…") in lines[f["line"] - 1]  # the sentence or bullet it was read from


def test_seed_unresolved(seed):
    _, ex = seed
    unresolved = {(m.text, m.line) for m in ex.unresolved}
    assert ("Diaspora Matters", 2063) in unresolved
    # APEI resolves through data/aliases.yaml (the report's wording), so it is no longer unresolved
    assert not any("APEI" in text for text, _line in unresolved)
    mauritius = next(f for f in ex.of_type("action") if "apei" in f["id"])
    assert "apei" in mauritius["beneficiaries"]


def test_detect_other_kinds():
    for path in SEEDS.glob("*.txt"):
        if path != SEED:
            assert mieux.detect(path.read_text(encoding="utf-8")) < 0.5, path.name


# ---------------------------------------------------------------- another report of the kind


def test_fixture_actions(fixture_doc):
    text, ex = fixture_doc
    assert mieux.detect(text) >= 0.9
    assert ex.document["as_of"] == dt.date(2018, 5, 1)
    actions = _actions(ex)
    assert list(actions) == ["mieux-sadc", "mieux-niger", "mieux-horn-of-africa", "mieux-bangladesh-i",
                             "mieux-georgia-and-armenia", "mieux-ioc-i", "mieux-ecuador", "mieux-egypt-ii"]
    assert [a["status"] for a in actions.values()] == ["completed"] * 5 + ["ongoing"] * 3

    sadc = actions["mieux-sadc"]
    assert sadc["requesting_actor"] == "sadc"
    assert sadc["experts_from"] == ["SWE", "ZWE"]
    assert sadc["expert_types"] == ["academia", "ngo"]
    assert sadc["themes"] == ["labour-migration", "migration-data"]
    assert (sadc["start"], sadc["end"]) == ("2016-01", "2016-09")

    niger = actions["mieux-niger"]
    assert niger["experts_from"] == ["ITA", "DEU"]
    assert niger["expert_types"] == ["international-organisation"]
    assert [(b["subject"], b["actor"]) for b in ex.of_type("named-body")] == [("mieux-niger", "unodc")]

    horn = actions["mieux-horn-of-africa"]
    assert horn["region"] == "Africa"
    assert horn["beneficiaries"] == ["DJI", "ETH", "SOM"]
    assert "requesting_actor" not in horn
    assert horn["expert_types"] == ["academia", "private-consultant"]
    assert horn["non_state_experts_from"] == ["KEN", "UGA"]
    assert horn["themes"] == ["mixed-migration", "asylum"]

    bgd = actions["mieux-bangladesh-i"]
    assert bgd["region"] == "Asia"
    assert (bgd["start"], bgd["end"]) == ("2016-09", "2017-06")
    assert bgd["experts_from"] == ["PHL", "PRT", "IRL"]

    geo = actions["mieux-georgia-and-armenia"]
    assert geo["region"] == "Eastern Europe"
    assert geo["beneficiaries"] == ["GEO", "ARM"]
    assert (geo["start"], geo["end"]) == ("2017-03", "2017-03")
    assert geo["themes"] == ["return-and-readmission", "reintegration"]

    ecu = actions["mieux-ecuador"]
    assert ecu["region"] == "Latin America and Caribbean"
    assert ecu["start"] == "2018-04" and "end" not in ecu
    assert ecu["experts_from"] == ["ESP", "COL"]

    egypt = actions["mieux-egypt-ii"]
    assert egypt["experts_from"] == ["GRC", "CYP"]
    assert egypt["start"] == "2017-10" and "end" not in egypt


def test_fixture_wrapped_field(fixture_doc):
    _, ex = fixture_doc
    # the SADC objective runs over two lines: the second must not start a new action
    assert all(not a["title"].startswith("in line with") for a in ex.of_type("action"))


def test_fixture_supported(fixture_doc):
    _, ex = fixture_doc
    assert [f["supported"] for f in ex.of_type("supported")] == ["sadc", "igad", "prague-process",
                                                                 "khartoum-process"]


# ---------------------------------------------------------------- unresolved names


def test_unresolved_names_are_reported(fixture_doc):
    text, ex = fixture_doc
    lines = lines_of(text)
    found = {m.text: m for m in ex.unresolved}
    # the Indian Ocean Commission was unresolved until data/unions/ioc.yaml existed; now it links
    assert "Indian Ocean Commission (IOC)" not in found
    ioc_action = _actions(ex)["mieux-ioc-i"]
    assert ioc_action["requesting_actor"] == "ioc" and ioc_action["beneficiaries"] == ["ioc"]
    ruritania = found["Ruritania"]
    assert lines[ruritania.line - 1].startswith("Experts involved\t")
    assert "Ruritania" in ruritania.context
    assert all(len(code) == 3 for code in _actions(ex)["mieux-egypt-ii"]["experts_from"])


def test_unresolved_in_small_document():
    doc = ("MIEUX report\n\nAnnex\n\nOngoing Actions\n\nPacific\n\n\n\nAtlantis Migration Board (AMB) I\n\n"
           "Topic\tTHB.\nRequesting Authority\tAMB Secretariat.\nExperts involved\tAtlantis, Spain.\n"
           "Time frame\tJune 2018-ongoing.\n")
    ex = mieux.extract(doc, path=None, linker=Linker(DATA))
    (action,) = ex.of_type("action")
    assert action["region"] == "Pacific" and action["status"] == "ongoing"
    assert action["experts_from"] == ["ESP"]
    assert {(m.text, m.line) for m in ex.unresolved} == {("Atlantis Migration Board (AMB)", 11), ("Atlantis", 15)}


@pytest.mark.parametrize(("frame", "expected"), [
    ("September 2009-July 2010.", ("2009-09", "2010-07", False)),
    ("June-November 2009.", ("2009-06", "2009-11", False)),
    ("November-February 2010", ("2009-11", "2010-02", False)),
    ("May 2013-ongoing.", ("2013-05", None, True)),
    ("March 2013-ongoing (on hold).", ("2013-03", None, True)),
    ("Since April 2018.", ("2018-04", None, True)),
    ("Sept. 2016 to June 2017", ("2016-09", "2017-06", False)),
    ("January–September 2016.", ("2016-01", "2016-09", False)),
    ("March 2017.", ("2017-03", "2017-03", False)),
    ("2014-2015", (None, None, False)),
])
def test_time_frames(frame, expected):
    assert mieux.parse_time_frame(frame) == expected
