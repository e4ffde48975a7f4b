"""The ``iscm`` command line, run as a user runs it (the installed console script)."""

from __future__ import annotations

import csv
import io
import json

from conftest import run_iscm

# IGC participating States on the IGC's own page at the date the data cites; the expected answer is
# read from data/iscms/igc.yaml's newest complete list, so it changes only when the data does.
IGC_QUERY = """
SELECT DISTINCT ?code WHERE {
  ?t a iscm:Tenure ; org:organization iscmid:igc ; org:role role:member ; iscm:current true ; org:member ?s .
  ?s iscm:isoAlpha3 ?code .
} ORDER BY ?code
"""


def expected_current_igc_members() -> list[str]:
    """Recompute the IGC's current members from the YAML by the documented rule, independently: a
    State listed as a member holds until a later complete list omits it or a later exit names it."""
    import yaml
    from conftest import DATA

    doc = yaml.safe_load((DATA / "iscms" / "igc.yaml").read_text())
    blocks = [b for b in doc["memberships"] if b["role"] == "member" and b.get("actors")]
    exits = [b for b in doc["memberships"] if b["role"] == "former-member"]
    complete = [b for b in blocks if b.get("complete")]
    members = set()
    for actor in {a for b in blocks for a in b["actors"]}:
        last = max(str(b["as_of"]) for b in blocks if actor in b["actors"])
        if any(str(c["as_of"]) > last and actor not in c["actors"] for c in complete):
            continue
        if any(actor in e["actors"] and str(e.get("until") or e["as_of"]) >= last for e in exits):
            continue
        members.add(actor)
    return sorted(members)


def test_query_members_of_the_igc(built):
    proc = run_iscm("query", IGC_QUERY, "--format", "csv", "--build", str(built))
    assert proc.returncode == 0, proc.stderr
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    assert rows[0] == ["code"]
    got = [r[0] for r in rows[1:]]
    assert got == expected_current_igc_members()
    assert {"AUS", "CAN", "CHE", "USA"} <= set(got)
    assert "FRA" not in got  # France left the IGC (IOM ISCM assessment 2019)


def test_query_json_and_ask(built):
    proc = run_iscm("query", "ASK { iscmid:igc a iscm:ISCM }", "--format", "json", "--build", str(built))
    assert proc.returncode == 0 and json.loads(proc.stdout) is True
    proc = run_iscm("query", "SELECT (COUNT(*) AS ?n) WHERE { ?i a iscm:ISCM }", "--format", "json",
                    "--build", str(built))
    assert json.loads(proc.stdout)[0]["n"] >= 30


def test_query_from_file(built, tmp_path):
    q = tmp_path / "q.rq"
    q.write_text(IGC_QUERY)
    proc = run_iscm("query", "--file", str(q), "--format", "csv", "--build", str(built))
    assert proc.returncode == 0 and "AUS" in proc.stdout


def test_query_syntax_error_is_clear(built):
    proc = run_iscm("query", "SELEKT ?x WHERE { ?x ?y ?z }", "--build", str(built))
    assert proc.returncode == 1
    assert "SPARQL syntax error" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_missing_build_is_clear(tmp_path):
    proc = run_iscm("stats", "--build", str(tmp_path / "nowhere"))
    assert proc.returncode == 1
    assert "run `iscm build` first" in proc.stderr


def test_stats_reports_full_provenance(built):
    proc = run_iscm("stats", "--build", str(built))
    assert proc.returncode == 0, proc.stderr
    assert "(100.0%)" in proc.stdout
    proc = run_iscm("stats", "--format", "json", "--build", str(built))
    stats = json.loads(proc.stdout)
    assert stats["provenance"]["share_with_source"] == 1.0
    assert stats["provenance"]["share_with_as_of"] == 1.0
    assert stats["classes"]["ISCM"] >= 30
    assert stats["classes"]["Membership"] > 1000


# a cross product of every triple with itself, three times over: never finishes on the real data
NEVER_ENDS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_query_timeout_stops_a_query_that_never_ends(built):
    proc = run_iscm("query", NEVER_ENDS, "--timeout", "1", "--build", str(built))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "stopped after 1 s (--timeout" in proc.stderr and "Traceback" not in proc.stderr


def test_query_max_rows_refuses_a_larger_answer_and_prints_nothing(built):
    everything = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    proc = run_iscm("query", everything, "--max-rows", "5", "--format", "csv", "--build", str(built))
    assert proc.returncode == 1 and proc.stdout == ""
    assert "more than 5 rows (--max-rows" in proc.stderr
    # exactly the cap is not more than the cap
    proc = run_iscm("query", everything + " LIMIT 5", "--max-rows", "5", "--format", "csv", "--build", str(built))
    assert proc.returncode == 0, proc.stderr
    assert len(proc.stdout.strip().splitlines()) == 1 + 5
    proc = run_iscm("query", everything + " LIMIT 20000", "--max-rows", "0", "--format", "csv",
                    "--build", str(built))
    assert proc.returncode == 0 and len(proc.stdout.strip().splitlines()) == 1 + 20000
