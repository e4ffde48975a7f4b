"""bench/'s verdicts for the request path and the under-attack section, on made-up measurements
(the numbers themselves are measured by ``bash bench/run``, never asserted in tests)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import report_path  # bench/ is a folder of scripts, not a package


def _sec(ours: dict[str, float], bare: dict[str, float], *, error: str | None = None) -> dict:
    queries = {q: {"ours": {"median": ours[q], "rows": 1}, "bare-memory": {"median": bare[q], "rows": 1}}
               for q in report_path.ENGINE_NAMES}
    if error:
        queries["all_pairs"]["ours"] = {"error": error}
    return {"backends": {"ours": "oxigraph-memory"}, "pairs": {"ours": "bare-memory"}, "engine_queries": queries}


def _verdicts(res: dict, fn) -> list[tuple[str, str, bool | None]]:
    out: list[tuple[str, str, bool | None]] = []
    fn(res, lambda target, measured, ok, why: out.append((target, measured, ok)))
    return out


BARE = dict.fromkeys(report_path.ENGINE_NAMES, 0.010)


@pytest.mark.parametrize(("factor", "ok"), [(1.1, True), (1.2, False), (1.0, True)])
def test_request_path_target_needs_every_query_and_the_geometric_mean(factor, ok):
    ours = {q: v * factor for q, v in BARE.items()}
    res = {"sections": {"sparql_http": {"1x": _sec(ours, BARE)}}}
    (target, measured, verdict), pairs = _verdicts(res, report_path.engine_targets)
    assert verdict is ok and "1x" in target and f"geometric mean {factor:.2f}×" in measured
    assert pairs[2] is True  # all_pairs 10-11 ms ≤ 500 ms


def test_one_slow_query_misses_even_with_a_good_mean():
    ours = dict(BARE, lookup_50=0.014)  # 1.4× on one query, geometric mean ~1.09×
    res = {"sections": {"sparql_http": {"1x": _sec(ours, BARE)}}}
    assert _verdicts(res, report_path.engine_targets)[0][2] is False


def test_a_query_our_endpoint_did_not_answer_is_a_miss():
    res = {"sections": {"sparql_http": {"1x": _sec(BARE, BARE, error="answered 504: time limit")}}}
    verdicts = _verdicts(res, report_path.engine_targets)
    assert verdicts[0][2] is False
    assert not any("all-pairs" in target for target, _, _ in verdicts)  # no time to judge


def test_the_target_judges_new_texts_not_cache_hits():
    """Fast repeated queries (answer cache hits) never pass a target the new texts (misses) miss."""
    sec = _sec({q: v * 1.5 for q, v in BARE.items()}, BARE)
    sec["engine_queries_repeat"] = _sec({q: v * 0.5 for q, v in BARE.items()}, BARE)["engine_queries"]
    (target, measured, verdict), _ = _verdicts({"sections": {"sparql_http": {"1x": sec}}}, report_path.engine_targets)
    assert verdict is False and "cache misses" in target
    assert "geometric mean 1.50×" in measured and "cache hits: geometric mean 0.50×" in measured
    table = report_path.engine_section({"sections": {"sparql_http": {"1x": sec}}})
    assert "the figures the target judges" in table and "**0.50×**" in table and "**1.50×**" in table


def _phase(health: float, profile: float, errors: int = 0) -> dict:
    return {"health": {"p50_ms": health / 2, "p99_ms": health, "errors": errors},
            "profile": {"p50_ms": profile / 2, "p99_ms": profile, "errors": 0}}


def test_under_attack_verdicts_compare_with_the_quiet_phase():
    res = {"sections": {"under_attack": {"paths": {"health": "/health", "profile": "/api/states/MAR"}, "phases": {
        "quiet": _phase(2.0, 3.0), "slow_sparql": _phase(9.9, 15.0), "analytics": _phase(10.1, 3.0),
        "deep_nesting": _phase(2.0, 3.0, errors=1)}}}}
    verdicts = {t: ok for t, _, ok in _verdicts(res, report_path.attack_targets)}
    assert [ok for t, ok in verdicts.items()] == [True, False, False]
    assert all("≤ 5× quiet" in t for t in verdicts)


def _pages(page_s: float, export_s: float, largest_s: float | None = None) -> dict:
    sec = {"release": "build", "reps": 3,
           "pages": {"home": {"first_s": page_s, "median_s": page_s, "max_s": page_s, "samples_s": [page_s]}},
           "exports": {"network map PNG": {"render_median_s": export_s, "cold_s": 0.5, "cached_median_s": 0.01,
                                           "render_samples_s": [export_s]}}}
    if largest_s is not None:
        sec["largest"] = {"name": "partnership network PNG", "render_s": largest_s}
    return {"sections": {"pages": sec}}


@pytest.mark.parametrize(("page_s", "export_s", "largest_s", "verdicts"), [
    (0.4, 1.2, None, (True, True)), (1.3, 1.2, None, (False, True)), (0.4, 2.5, None, (True, False)),
    (0.4, 1.2, 12.0, (True, False)),  # the largest map counts too: "any map export"
])
def test_pages_targets_pass_and_miss(page_s, export_s, largest_s, verdicts):
    import report_pages

    out = _verdicts(_pages(page_s, export_s, largest_s), report_pages.pages_targets)
    assert tuple(v for _, _, v in out) == verdicts
    assert "home" in out[0][1] and "network map PNG" in out[1][1]
    assert "not measured" in _verdicts({"sections": {}}, report_pages.pages_targets)[0][1]
    assert "| home |" in report_pages.pages_section(_pages(page_s, export_s, largest_s))


def test_an_only_run_keeps_the_date_of_each_section_it_did_not_measure(tmp_path: Path):
    """Sections merged from a run that was itself an --only run keep the date they were measured on,
    not the date of the run they were copied from."""
    import json

    from common import merge_previous

    previous = tmp_path / "results.json"
    previous.write_text(json.dumps({
        "machine": {"date": "2026-12-07 00:18 UTC"},
        "sections": {"sparql_http": {}, "cold_start": {}, "pages": {}, "rest_wrk": {}},
        "section_dates": {"sparql_http": "2026-12-07 00:18 UTC", "cold_start": "2026-12-07 00:18 UTC",
                          "pages": "2026-12-06 20:09 UTC"}}))
    results: dict = {"sections": {}}
    note = merge_previous(results, {"rest_profile"}, previous)
    assert results["section_dates"] == {"sparql_http": "2026-12-07 00:18 UTC", "cold_start": "2026-12-07 00:18 UTC",
                                        "pages": "2026-12-06 20:09 UTC", "rest_wrk": "2026-12-07 00:18 UTC"}
    assert note == ("only rest_profile measured in this run; cold_start, rest_wrk, sparql_http from the run of "
                    "2026-12-07 00:18 UTC; pages from the run of 2026-12-06 20:09 UTC")
