"""The EU-summary ingester: the 2018 ILO-network evaluation summary (seed) and a summary written for the tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from conftest import DATA, SEEDS

from graph.ingest import eu_summary, meeting, render_document
from graph.ingest.base import Linker, lines_of

SEED = SEEDS / "eu-ilo-network-evaluation-summary-2018.txt"
FIXTURE = Path(__file__).parent / "fixtures" / "documents" / "eu-ilo-network-recast-summary-2019.txt"
FACT_FINDING = ["PAK", "JOR", "EGY", "NGA", "ETH", "ZAF", "ALB", "MAR", "SEN", "GHA", "TUR", "THA", "CHN", "RUS"]


@pytest.fixture(scope="module")
def linker() -> Linker:
    return Linker(DATA)


@pytest.fixture(scope="module")
def seed(linker):
    return eu_summary.extract(SEED.read_text(encoding="utf-8"), path=SEED, linker=linker)


@pytest.fixture(scope="module")
def recast(linker):
    return eu_summary.extract(FIXTURE.read_text(encoding="utf-8"), path=FIXTURE, linker=linker)


def network(extraction, network_id: str) -> dict:
    return next(f for f in extraction.of_type("network") if f["id"] == network_id)


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(lines_of(path.read_text(encoding="utf-8")), start=1) if needle in line)


# ------------------------------------------------------------------------------------------- the seed

def test_detect():
    text = SEED.read_text(encoding="utf-8")
    assert eu_summary.detect(text) >= 0.5
    assert meeting.detect(text) < 0.5
    for name in ("eap-panel-meeting-minsk-2016.txt", "iom-iscm-assessment-2019-igc.txt",
                 "mieux-2009-2015-lessons-learnt.txt"):
        assert eu_summary.detect((SEEDS / name).read_text(encoding="utf-8")) < 0.5, name


def test_seed_document_record(seed):
    doc = seed.document
    assert doc["kind"] == "eu-summary"
    assert doc["as_of"] == dt.date(2018, 5, 17)  # the date beside the procedure reference
    assert doc["title"] == "Immigration: creation of a liaison officers network. Initiative Greece (2003/0817(CNS))"
    assert doc["id"] == "eu-ilo-network-evaluation-summary-2018"


def test_almost_500_ilos_and_the_managers_network(seed):
    ilo = network(seed, "eu-ilo-network")
    assert ilo["name"] == "Immigration liaison officers network"
    assert ilo["legal_basis"] == ["Regulation (EC) 377/2004"]
    assert ilo["officer_count"] == 500
    assert ilo["approximate"] is True
    assert ilo["managers_network"] is True
    assert ilo["line"] == 14


def test_13_emlos(seed):
    emlo = network(seed, "eu-emlo-network")
    assert emlo["name"] == "European Migration Liaison Officers"
    assert emlo["officer_count"] == 13
    assert emlo["approximate"] is False
    assert emlo["legal_basis"] == []  # the summary names no act for them
    assert "managers_network" not in emlo


def test_exactly_the_14_fact_finding_host_countries(seed):
    deployments = seed.of_type("deployment")
    assert [d["host_country"] for d in deployments] == FACT_FINDING
    for d in deployments:
        assert d["purpose"] == "fact-finding"
        assert d["deployed_by"] == "eu-member-states"
        assert d["network"] == "eu-ilo-network"
        assert d["line"] == 14


def test_eu_bodies_named(seed):
    bodies = {f["actor"]: f for f in seed.of_type("named-body")}
    # the Parliament and the expert group are in data/organisations.yaml (sourced to this summary)
    assert set(bodies) == {"european-commission", "eeas", "european-parliament", "ilo-expert-group"}
    assert bodies["european-commission"]["line"] == 7
    assert bodies["eeas"]["line"] == 26
    assert all(f["subject"] == "eu-ilo-network" for f in bodies.values())
    assert bodies["eeas"]["description"].startswith("Promoting the exchange of information")
    # "ILO" is the network's acronym here, never the International Labour Organization
    assert "ilo" not in {m.resolved for m in seed.resolved}


def test_bodies_missing_from_data_are_reported_with_their_lines(seed):
    assert {(m.text, m.line) for m in seed.unresolved} == {
        ("Council", 7),
        ("Immigration Liaison Officers Managers Network", 24),
    }
    assert all(m.kind == "organisation" for m in seed.unresolved)


def test_seed_counts(seed):
    counts: dict[str, int] = {}
    for f in seed.facts:
        counts[f["type"]] = counts.get(f["type"], 0) + 1
    assert counts == {"network": 2, "deployment": 14, "named-body": 4}


def test_every_fact_quotes_its_line(seed, recast):
    for extraction, path in ((seed, SEED), (recast, FIXTURE)):
        lines = lines_of(path.read_text(encoding="utf-8"))
        for f in extraction.facts:
            first = " ".join(lines[f["line"] - 1].split())
            assert f["text"][:40] == first[:40], f  # the text starts with the line it was read from


def test_rendered_yaml_round_trips(seed):
    doc = yaml.safe_load(render_document(seed))
    assert [f["host_country"] for f in doc["facts"] if f["type"] == "deployment"] == FACT_FINDING


# ------------------------------------------------------------------------ a summary written for the tests

def test_recast_networks_and_legal_basis(recast):
    assert recast.document["as_of"] == dt.date(2019, 6, 20)
    ilo = network(recast, "eu-ilo-network")
    assert ilo["name"] == "European network of immigration liaison officers"
    # each act goes to the network named nearest to it
    assert ilo["legal_basis"] == ["Regulation (EU) 2019/1240", "Regulation (EC) No 377/2004"]
    assert (ilo["officer_count"], ilo["approximate"]) == (650, True)  # "Some 650 ILOs"
    assert ilo["managers_network"] is True  # "a network of ILO managers"
    eurlo = network(recast, "eu-eurlo-network")
    assert eurlo["legal_basis"] == ["Regulation (EU) 2019/1896"]
    assert (eurlo["officer_count"], eurlo["approximate"]) == (11, False)


def test_recast_bodies(recast):
    assert {f["actor"] for f in recast.of_type("named-body")} == {"european-commission", "frontex", "euaa",
                                                                   "europol", "european-parliament"}


def test_recast_unresolvable_country_is_reported_and_not_deployed(recast):
    assert [d["host_country"] for d in recast.of_type("deployment")] == ["NER", "MLI", "BGD"]
    line = line_of(FIXTURE, "Freedonia")
    assert ("Freedonia", line, "country") in {(m.text, m.line, m.kind) for m in recast.unresolved}
    assert {(m.text, m.kind) for m in recast.unresolved} == {
        ("Freedonia", "country"), ("Council", "organisation"),
        ("Steering Board", "organisation")}
