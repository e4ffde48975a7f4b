"""The facts committed under data/documents/ are exactly what the ingesters produce from the seeds,
and they take part in the graph like curated facts."""

from __future__ import annotations

import pytest
import yaml
from conftest import DATA, SEEDS, run_iscm

from graph.ingest import facts_digest, ingest

SEED_DOCS = sorted(p.stem for p in (DATA / "documents").glob("*.yaml"))


def test_every_seed_is_ingested():
    assert SEEDS.is_dir(), f"the seed documents are expected at {SEEDS}"
    assert sorted(p.stem for p in SEEDS.glob("*.txt")) == SEED_DOCS


@pytest.mark.parametrize("doc_id", SEED_DOCS)
def test_committed_facts_match_a_fresh_ingestion(doc_id):
    committed = yaml.safe_load((DATA / "documents" / f"{doc_id}.yaml").read_text())
    fresh = ingest(SEEDS / f"{doc_id}.txt", data_dir=DATA)
    assert facts_digest(fresh.facts) == committed["document"]["facts_sha256"], (
        f"re-run `iscm ingest ../shared/seeds/{doc_id}.txt --merge`: the ingester's output changed")
    report = (DATA / "documents" / f"{doc_id}.review.md").read_text()
    for mention in fresh.unresolved:
        assert f"| {mention.line} | {mention.text}" in report
    decisions = (DATA / "documents" / "README.md").read_text()
    for mention in fresh.unresolved:
        assert mention.text in decisions, f"no decision recorded for unresolved {mention.text!r}"


def test_ingested_facts_are_queryable_by_document(built):
    q = """SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE {
      GRAPH <https://w3id.org/iscm/graph/doc/mieux-2009-2015-lessons-learnt> { ?a a iscm:CapacityBuildingAction } }"""
    proc = run_iscm("query", q, "--format", "csv", "--build", str(built))
    assert proc.stdout.splitlines()[1] == "71"
    q = """SELECT ?code WHERE { ?a a iscm:CapacityBuildingAction ; dcterms:identifier "mieux-angola" ;
      iscm:expertsFrom/iscm:isoAlpha3 ?code } ORDER BY ?code"""
    proc = run_iscm("query", q, "--format", "csv", "--build", str(built))
    assert proc.stdout.split()[1:] == ["NLD", "PRT", "ROU"]
    q = """SELECT ?code WHERE { ?e a iscm:Event ; iscm:place "Minsk" ; iscm:host/iscm:isoAlpha3 ?code }
           ORDER BY ?code"""
    proc = run_iscm("query", q, "--format", "csv", "--build", str(built))
    assert proc.stdout.split()[1:] == ["BLR", "LTU"]


def test_ingested_facts_carry_line_and_extractor(kg_any):
    from graph.store import SelectResult

    r = kg_any.query("""PREFIX iscm: <https://w3id.org/iscm/ontology#> PREFIX prov: <http://www.w3.org/ns/prov#>
      SELECT (COUNT(*) AS ?missing) WHERE {
        GRAPH ?g { ?f prov:wasDerivedFrom ?s } FILTER(STRSTARTS(STR(?g), "https://w3id.org/iscm/graph/doc/"))
        FILTER NOT EXISTS { ?s iscm:locator ?l } }""")
    assert isinstance(r, SelectResult) and int(r.rows[0][0]) == 0


@pytest.mark.slow  # the ingest command in a subprocess
def test_ingest_cli_writes_candidates_and_review(tmp_path):
    proc = run_iscm("ingest", str(SEEDS / "eap-panel-meeting-minsk-2016.txt"), "--out", str(tmp_path),
                    "--data", str(DATA))
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "eap-panel-meeting-minsk-2016.yaml").exists()
    assert (tmp_path / "eap-panel-meeting-minsk-2016.review.md").exists()
    bad = tmp_path / "empty.txt"
    bad.write_text("nothing to see here\n")
    proc = run_iscm("ingest", str(bad), "--data", str(DATA), "--out", str(tmp_path))
    assert proc.returncode == 1 and "cannot tell what kind of document" in proc.stderr


@pytest.mark.slow  # the ingest command in subprocesses
def test_merge_refuses_to_overwrite_hand_edits(tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    target = data / "documents" / "eap-panel-meeting-minsk-2016.yaml"
    target.write_text(target.read_text().replace("place: Minsk", "place: Minsk (corrected by hand)"))
    proc = run_iscm("ingest", str(SEEDS / "eap-panel-meeting-minsk-2016.txt"), "--merge", "--data", str(data))
    assert proc.returncode == 1 and "edited by hand" in proc.stderr
    assert "corrected by hand" in target.read_text()
    proc = run_iscm("ingest", str(SEEDS / "eap-panel-meeting-minsk-2016.txt"), "--merge", "--force",
                    "--data", str(data))
    assert proc.returncode == 0 and "corrected by hand" in proc.stdout  # the diff shows what was replaced
