"""Reading ``results.json`` and writing Markdown, shared by the report's sections (report.py) and its
targets (report_targets.py): number and table formats, the sections merged across runs, growth exponents."""

from __future__ import annotations

import math
from typing import Any

from queries import NAMES

R = dict[str, Any]


# ----------------------------------------------------------------------------------- formatting


def num(value: float | None, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.{digits}f}"


def ms(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    millis = seconds * 1000
    return f"{millis:,.0f}" if millis >= 100 else f"{millis:.1f}" if millis >= 1 else f"{millis:.2f}"


def grid(head: list[str], rows: list[list[str]], align: str = "") -> str:
    align = align or "l" + "r" * (len(head) - 1)
    sep = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(head) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def dig(d: R | None, *keys: str, default: Any = None) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


def exponent(t1: float | None, t2: float | None, n1: float | None, n2: float | None) -> float | None:
    """b in t ~ n^b between two sizes (1.0 = linear)."""
    if not all(isinstance(x, (int, float)) and x > 0 for x in (t1, t2, n1, n2)):
        return None
    return math.log(t2 / t1) / math.log(n2 / n1)


def all_builds(res: R) -> dict[str, R]:
    out = dict(dig(res, "sections", "build") or {})
    for name, sec in res["sections"].items():
        if name.startswith("build_"):
            out.update(sec)
    return out


def mix_ratio(sec: R, ours: str = "ours") -> tuple[float | None, float | None, dict[str, float]]:
    """(sum of rdflib-endpoint medians / sum of ours, the smallest per-query ratio, per-query ratios)."""
    per = {}
    tot_o = tot_e = 0.0
    for q in NAMES:
        o = dig(sec, "queries", q, ours, "median")
        e = dig(sec, "queries", q, "rdflib-endpoint", "median")
        if o and e:
            per[q] = e / o
            tot_o += o
            tot_e += e
    if not per:
        return None, None, per
    return tot_e / tot_o, min(per.values()), per


ANALYTICS = ["bipartite (table + graph)", "overlap.member_overlap", "comembership.pairs", "centrality.communities",
             "centrality.projection_centrality", "centrality.bipartite_centrality"]


def all_analytics(res: R) -> dict[str, R]:
    out = dict(dig(res, "sections", "analytics") or {})
    for name, sec in res["sections"].items():
        if name.startswith("analytics_"):
            out.update(sec)
    return out


def fn_seconds(a: R, fn: str) -> tuple[float | None, str]:
    if fn.startswith("bipartite"):
        return a.get("bipartite_s"), ""
    f = dig(a, "functions", fn) or {}
    if f.get("timeout"):
        return None, f"> {a.get('cap_s', 0):.0f} (stopped)"
    if "error" in f:
        return None, f["error"][:50]
    return f.get("seconds"), ""


def growth_exponents(res: R) -> dict[str, float | None]:
    """Growth exponents 10x → 100x (or 1x → 10x where 100x is missing), by component."""
    b = all_builds(res)
    a = all_analytics(res)
    out: dict[str, float | None] = {}

    def steps(x: R | None) -> float | None:
        if not x:
            return None
        t = x["timings"]
        return t.get("compile", 0) + t.get("current", 0) + t.get("write", 0)

    hi, lo = ("100x", "10x") if "100x" in b else ("10x", "1x")
    if lo in b and hi in b:
        out[f"build without validation {lo}→{hi}"] = exponent(steps(b[lo]), steps(b[hi]), b[lo]["triples"],
                                                              b[hi]["triples"])
    if "1x" in b and "10x" in b:
        out["SHACL validation 1x→10x"] = exponent(b["1x"]["timings"].get("validate"),
                                                  b["10x"]["timings"].get("validate"), b["1x"]["triples"],
                                                  b["10x"]["triples"])
    sd = dict(dig(res, "sections", "sparql_direct") or {})
    for name, sec in res["sections"].items():
        if name.startswith("sparql_direct_"):
            sd.update(sec)
    for backend in ("oxigraph", "oxigraph-memory"):
        for q in NAMES:
            lo_t = dig(sd, lo, backend, "queries", q, "median")
            hi_t = dig(sd, hi, backend, "queries", q, "median")
            if lo in b and hi in b and max(lo_t or 0, hi_t or 0) >= 0.002:  # sub-ms timings: noise
                out[f"SPARQL `{q}` ({backend})"] = exponent(lo_t, hi_t, b[lo]["triples"], b[hi]["triples"])
    if lo in a and hi in a:
        out["membership table"] = exponent(a[lo].get("memberships_table_s"), a[hi].get("memberships_table_s"),
                                           a[lo].get("membership_rows"), a[hi].get("membership_rows"))
        for fn in ANALYTICS[1:]:
            t_hi, key = fn_seconds(a[hi], fn)[0], f"`{fn.split('.')[-1]}`"
            if t_hi is None and dig(a[hi], "functions", fn, "timeout"):
                t_hi, key = a[hi].get("cap_s"), f"{key} (at least: stopped at the time limit)"
            out[key] = exponent(fn_seconds(a[lo], fn)[0], t_hi, a[lo].get("membership_rows"),
                                a[hi].get("membership_rows"))
    return out
