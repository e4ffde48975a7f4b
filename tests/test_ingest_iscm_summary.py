"""The iscm-summary ingester: IOM's 2019 "Summary of Findings per ISCM" documents."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO, SEEDS

from graph.ingest import ingest, iscm_summary, write
from graph.ingest.base import Extraction, Linker

IGC = SEEDS / "iom-iscm-assessment-2019-igc.txt"
EAP = SEEDS / "iom-iscm-assessment-2019-eap-panel.txt"
MMD = REPO / "tests" / "fixtures" / "documents" / "iscm-summary-mmd-fictional.txt"


def run(path: Path) -> Extraction:
    return iscm_summary.extract(path.read_text(encoding="utf-8"), path=path, linker=Linker(DATA))


@pytest.fixture(scope="module")
def igc() -> Extraction:
    return run(IGC)


@pytest.fixture(scope="module")
def eap() -> Extraction:
    return run(EAP)


@pytest.fixture(scope="module")
def mmd() -> Extraction:
    return run(MMD)


def of(x: Extraction, fact_type: str, **match: object) -> list[dict]:
    return [f for f in x.of_type(fact_type) if all(f.get(k) == v for k, v in match.items())]


def counts(x: Extraction) -> Counter:
    return Counter(f["type"] for f in x.facts)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


# ---------------------------------------------------------------- detection and the document record


def test_detects_its_kind_and_not_the_others():
    assert iscm_summary.detect(IGC.read_text(encoding="utf-8")) >= 0.9
    assert iscm_summary.detect(EAP.read_text(encoding="utf-8")) >= 0.9
    assert iscm_summary.detect(MMD.read_text(encoding="utf-8")) >= 0.9
    for other in ("eap-panel-meeting-minsk-2016.txt", "mieux-2009-2015-lessons-learnt.txt",
                  "eu-ilo-network-evaluation-summary-2018.txt"):
        assert iscm_summary.detect((SEEDS / other).read_text(encoding="utf-8")) < 0.5, other


def test_document_record(igc):
    doc = igc.document
    assert doc["id"] == "iom-iscm-assessment-2019-igc"
    assert doc["kind"] == "iscm-summary"
    assert doc["as_of"] == dt.date(2019, 1, 1)
    assert "Summary of Findings per ISCM" in doc["title"] and "(IGC)" in doc["title"]
    assert doc["file"] == IGC.name


def test_every_fact_has_provenance(igc, eap, mmd):
    for x, path in ((igc, IGC), (eap, EAP), (mmd, MMD)):
        lines = path.read_text(encoding="utf-8").splitlines()
        for f in x.facts:
            assert 1 <= f["line"] <= len(lines) and f["text"], f
            assert lines[f["line"] - 1].strip(), f  # never a blank line


def test_theme_vocabulary_uses_ontology_ids():
    ttl = (REPO / "ontology" / "iscm.ttl").read_text(encoding="utf-8")
    known = set(re.findall(r"^theme:([a-z-]+) a skos:Concept", ttl, re.M))
    used = {t for _, themes in iscm_summary.THEME_VOCABULARY for t in themes}
    assert used <= known, used - known


# ---------------------------------------------------------------- the IGC seed


def test_igc_links_the_iscm_and_its_former_members(igc):
    assert [m.resolved for m in igc.resolved if m.line == 13] == ["igc"]
    former = {f["actor"] for f in of(igc, "membership", organisation="igc", role="former-member")}
    assert former == {"FRA", "AUT", "ITA"}
    # observers that became members
    assert {f["actor"] for f in of(igc, "membership", organisation="igc", role="member")} == {"NZL", "IRL", "GRC"}
    assert all(f["line"] == 33 for f in igc.of_type("membership"))


def test_igc_themes(igc):
    themes = {f["theme"] for f in igc.of_type("theme")}
    assert themes == {"asylum", "refugee-protection", "legal-migration-and-mobility", "integration",
                      "border-management", "trafficking-in-persons", "migrant-smuggling", "return-and-readmission",
                      "migration-data", "migration-governance"}
    admission = of(igc, "theme", theme="migrant-smuggling")[0]
    assert admission["term"].startswith("Admission, Control and Enforcement") and admission["line"] == 17


def test_igc_structures_and_funding(igc):
    components = Counter(f["component"] for f in igc.of_type("structure"))
    for c in ("chair", "troika", "steering-committee", "secretariat", "working-group", "legal-personality",
              "governing-document"):
        assert components[c] >= 1, c
    legal = of(igc, "structure", component="legal-personality")[0]
    assert legal["actors"] == ["iom"] and not legal["description"].startswith("none")
    assert of(igc, "structure", component="troika")[0]["description"] == "a Chairmanship Troika"
    fee = [f for f in igc.of_type("funding") if "amount" in f]
    assert len(fee) == 1
    assert {k: fee[0][k] for k in ("amount", "currency", "per", "period")} == {
        "amount": 120000, "currency": "CHF", "per": "country", "period": "annual"}


def test_igc_contributions(igc):
    by_level = {f["level"]: f for f in igc.of_type("contribution")}
    assert set(by_level) == {"national", "regional", "global"}
    assert by_level["regional"]["actors"] == ["XKX"]  # Kosovo, footnote mark dropped
    # the national paragraph runs over a page break
    assert by_level["national"]["line"] == 23 and "pursue this objective" in by_level["national"]["description"]


def test_igc_partnerships(igc):
    coop = {f["partner"]: f for f in igc.of_type("cooperation")}
    assert coop["bali-process"]["category"] == "iscm" and coop["bali-process"]["intensity"] == "regular"
    for iscm in ("budapest-process", "rcm", "apc"):
        assert coop[iscm]["category"] == "iscm" and "intensity" not in coop[iscm]
    for igo in ("oecd", "ilo", "council-of-europe", "iata"):
        assert (coop[igo]["category"], coop[igo]["intensity"]) == ("igo", "regular"), igo
    for igo in ("icmpd", "unodc", "unicef", "interpol", "ioe"):
        assert (coop[igo]["category"], coop[igo]["intensity"]) == ("igo", "occasional"), igo
    for igo in ("iom", "unhcr"):  # the sentence continues after a page break and a footnote
        assert (coop[igo]["category"], coop[igo]["intensity"], coop[igo]["line"]) == ("igo", "official", 37)
    for eu in ("eu", "frontex", "europol"):
        assert (coop[eu]["category"], coop[eu]["intensity"], coop[eu]["line"]) == ("regional-union", "regular", 41)
    # "IGOs are regularly participating in RCM activities": RCM is not an IGO partner
    assert [f["category"] for f in of(igc, "cooperation", partner="rcm")] == ["iscm"]


def test_igc_survey_references(igc):
    refs = {f["actor"]: f for f in igc.of_type("survey-reference")}
    assert list(refs) == ["CAN", "POL", "NOR", "NLD", "ESP"]
    assert refs["CAN"]["value"].startswith("Canada values their Membership in the IGC working group")
    assert "study visits" in refs["NOR"]["value"] and "likeminded States" in refs["NOR"]["value"]
    assert refs["NLD"]["value"].startswith("The Netherlands and Norway see the importance")
    assert refs["ESP"]["value"] == ""  # named among the respondents, no view reported


def test_igc_counts_and_unresolved(igc):
    c = counts(igc)
    assert {k: c[k] for k in ("theme", "contribution", "structure", "membership", "funding", "survey-reference")} == {
        "theme": 12, "contribution": 3, "structure": 11, "membership": 6, "funding": 4, "survey-reference": 5}
    assert c["cooperation"] >= 18  # more once aliases for "World Bank" and "EASO" exist
    assert "succession" not in c
    # partners named on line 41 are in data/organisations.yaml (cited to that line): all resolve
    resolved = {(m.text, m.line) for m in igc.resolved}
    for name in ("EMN", "GDISC", "ICMC", "Human Rights Watch", "Seefar", "Fragomen Switzerland",
                 "Society for Human Resource Management"):
        assert (name, 41) in resolved, name
    private = {f["partner"] for f in of(igc, "cooperation", category="private-sector")}
    assert {"adecco", "seefar", "shrm"} <= private
    # generic words and bodies are not names
    assert not {m.text for m in igc.unresolved} & {"Member States", "Steering Committee", "CHF", "Membership"}


# ---------------------------------------------------------------- the EaP Panel seed


def test_eap_successions(eap):
    pairs = {(f["predecessor"], f["successor"]): f for f in eap.of_type("succession")}
    assert set(pairs) == {("eappma", "eap-panel"), ("soderkoping-process", "eappma")}
    assert pairs[("eappma", "eap-panel")]["year"] == 2017
    assert "year" not in pairs[("soderkoping-process", "eappma")]
    # the other merged panel is not in data/: reported, and no succession guessed for it
    assert ("EAP Integrated Border Management", 17, "iscm") in {(m.text, m.line, m.kind) for m in eap.unresolved}


def test_eap_cooperates_with_the_prague_process(eap):
    prague = of(eap, "cooperation", iscm="eap-panel", partner="prague-process")
    assert len(prague) == 1
    assert (prague[0]["category"], prague[0]["intensity"], prague[0]["line"]) == ("iscm", "regular", 31)
    others = {f["partner"]: f["category"] for f in eap.of_type("cooperation")}
    assert others["iom"] == "igo" and others["european-commission"] == "regional-union"
    assert "eap-csf" in others


def test_eap_structures_funding_contribution_survey(eap):
    legal = of(eap, "structure", component="legal-personality")
    assert len(legal) == 1 and legal[0]["description"].startswith("none:")
    secretariat = of(eap, "structure", component="secretariat")[0]
    assert secretariat["actors"] == ["iom", "european-commission", "eeas"]
    assert {f.get("payer") for f in eap.of_type("funding")} == {None, "iom", "eu"}
    national = of(eap, "contribution", level="national")[0]
    assert national["actors"] == ["UKR", "GEO", "POL", "MDA", "CHE"]
    refs = {f["actor"]: f for f in eap.of_type("survey-reference")}
    assert list(refs) == ["POL", "LTU"]
    assert refs["LTU"]["line"] == 37 and "synchronizing migration policies" in refs["LTU"]["value"]
    themes = {f["theme"] for f in eap.of_type("theme")}
    assert {"border-management", "labour-migration", "irregular-migration", "trafficking-in-persons",
            "migrant-rights", "asylum", "visa-and-identity-management"} <= themes
    c = counts(eap)
    assert {k: c[k] for k in ("succession", "theme", "contribution", "structure", "funding", "survey-reference")} == {
        "succession": 2, "theme": 15, "contribution": 1, "structure": 7, "funding": 4, "survey-reference": 2}
    assert c["cooperation"] >= 4 and "membership" not in c


# ---------------------------------------------------------------- a new document of the same kind


def test_new_summary(mmd):
    assert mmd.document["as_of"] == dt.date(2021, 1, 1)
    assert [f for f in mmd.of_type("succession")] == [
        {"type": "succession", "predecessor": "tripoli-process", "successor": "africa-eu-mmd", "year": 2007,
         "line": 15, "text": mmd.of_type("succession")[0]["text"]}]
    assert {f["theme"] for f in mmd.of_type("theme")} == {
        "labour-migration", "remittances", "diaspora", "migration-and-development", "return-and-readmission",
        "reintegration", "trafficking-in-persons", "migrant-smuggling", "asylum", "climate-and-environment"}

    levels = {f["level"]: f["actors"] for f in mmd.of_type("contribution")}
    assert levels == {"national": ["GHA", "SEN", "ETH"], "regional": [], "global": []}
    assert {f["actor"] for f in mmd.of_type("named-body")} == {"ecowas", "gfmd"}

    structure = {f["component"]: f for f in mmd.of_type("structure") if f["line"] == 29}
    assert structure["steering-committee"]["actors"] == ["MAR", "NGA", "BEL", "PRT"]
    assert structure["secretariat"]["actors"] == ["icmpd"]
    assert structure["working-group"]["description"] == "thematic working groups"
    assert structure["legal-personality"]["description"].startswith("none:")

    members = {(f["actor"], f["role"]): f for f in mmd.of_type("membership")}
    assert set(members) == {("LBY", "member"), ("DZA", "member"), ("ERI", "former-member"), ("CHE", "observer")}
    assert members[("LBY", "member")]["since"] == 2019 and members[("ERI", "former-member")]["until"] == 2018

    funding = mmd.of_type("funding")
    assert [f.get("payer") for f in funding] == ["european-commission", None]  # ICMPD implements, it does not pay
    assert {k: funding[1][k] for k in ("amount", "currency", "per", "period")} == {
        "amount": 15000, "currency": "EUR", "per": "member state", "period": "annual"}

    coop = {f["partner"]: (f["category"], f.get("intensity")) for f in mmd.of_type("cooperation")}
    assert coop == {"rabat-process": ("iscm", "official"), "khartoum-process": ("iscm", "official"),
                    "prague-process": ("iscm", "occasional"), "iom": ("igo", "regular"),
                    "unhcr": ("igo", "regular"), "unodc": ("igo", "occasional"), "undp": ("igo", "occasional"),
                    "au": ("regional-union", "official"), "ecowas": ("regional-union", "official"),
                    "eui": ("academia", "regular")}
    # "… official partners of the" / footnote / "Dialogue.": the sentence is rebuilt across the page break
    assert of(mmd, "cooperation", partner="au")[0]["text"].endswith("official partners of the Dialogue.")

    refs = {f["actor"]: f["value"] for f in mmd.of_type("survey-reference")}
    assert list(refs) == ["MAR", "SEN", "DEU"]
    assert refs["MAR"].endswith("labour mobility schemes.") and refs["DEU"] == ""


def test_unresolvable_name_is_reported_with_its_line(mmd):
    line = line_of(MMD, "Sahel Mobility Observatory")
    hits = [m for m in mmd.unresolved if m.text == "Sahel Mobility Observatory"]
    assert len(hits) == 1 and hits[0].line == line and hits[0].kind == "organisation"
    assert "Sahel Mobility Observatory" in hits[0].context
    assert not [f for f in mmd.of_type("cooperation") if f["category"] == "civil-society"]  # nothing guessed


def test_unresolvable_iscm_gives_no_facts_but_a_report(tmp_path):
    text = MMD.read_text(encoding="utf-8").replace("Africa-EU Migration and Mobility Dialogue (MMD)",
                                                   "Atlantis Dialogue on Migration (ADM)")
    path = tmp_path / "atlantis.txt"
    path.write_text(text, encoding="utf-8")
    x = run(path)
    # only the succession between two known ISCMs survives: every other fact needs the ISCM itself
    assert [(f["type"], f["predecessor"], f["successor"]) for f in x.facts] == [
        ("succession", "tripoli-process", "africa-eu-mmd")]
    name_line = line_of(path, "Name of the Inter-state consultation mechanism")
    assert ("Atlantis Dialogue on Migration (ADM)", name_line, "iscm") in {
        (m.text, m.line, m.kind) for m in x.unresolved}


def test_ingest_and_write_through_the_package(tmp_path):
    x = ingest(MMD, data_dir=DATA, kind="iscm-summary")
    written = write(x, tmp_path)
    doc = yaml.safe_load(written.facts_path.read_text(encoding="utf-8"))
    assert doc["document"]["kind"] == "iscm-summary" and len(doc["facts"]) == len(x.facts)
    report = written.report_path.read_text(encoding="utf-8")
    assert "Sahel Mobility Observatory" in report and "| cooperation | 10 |" in report
