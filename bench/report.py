"""Render ``results.json`` (from bench.py) as ``bench/RESULTS.md``: tables per section, the targets
with PASS/MISS, and for each miss the measured reason and what would reach the target."""

from __future__ import annotations

from queries import NAMES
from report_common import (
    ANALYTICS,
    R,
    all_analytics,
    all_builds,
    dig,
    exponent,
    fn_seconds,
    grid,
    growth_exponents,
    ms,
    num,
)
from report_pages import pages_section
from report_path import attack_section, engine_section
from report_targets import targets_table

# ----------------------------------------------------------------------------------- sections


def _machine(res: R) -> str:
    m = res["machine"]
    pk = m["packages"]
    rows = [["date", m["date"]], ["CPU", m["cpu"]], ["cores", f"{m['cores']} ({m['affinity']} usable)"],
            ["RAM", f"{m['ram_gb']} GB"], ["OS", f"{m['os']}, kernel {m['kernel']}"], ["Python", m["python"]],
            ["packages", ", ".join(f"{k} {v}" for k, v in pk.items())], ["wrk", m["wrk"]],
            ["run time", f"{res.get('elapsed_s', 0) / 60:.1f} min (budget {res['options']['budget'] / 60:.0f} min)"]]
    partial = [n for n in res.get("notes", []) if n.startswith("only ")]
    if partial:  # a --only run: say at the top which numbers are from this date and which are older
        rows.append(["sections", partial[0]])
    loads = res.get("load") or []
    if loads:  # the machine is shared: say how busy it was while these numbers were taken
        peak = max(loads, key=lambda x: x[1][0])
        rows.append(["machine load (`uptime`: 1, 5, 15 min)", "; ".join(
            f"{label} {at}: {' '.join(f'{x:.2f}' for x in avg)}"
            for label, (at, avg) in (("start", loads[0]), ("peak", peak), ("end", loads[-1])))
            + f" (sampled after each of {len(loads)} sections) on {m['cores']} cores shared with other work: "
              "numbers are comparable within this run, side by side, more than with other runs"])
    start, end = res.get("package_start") or {}, res.get("package_end") or {}
    rows.append(["code measured", f"installed `graph`/`api`/`ontology`: sha256 {start.get('sha256')}, newest file "
                                  f"{start.get('newest_file')}"])
    text = grid(["", ""], rows, "ll")
    if end and end.get("sha256") != start.get("sha256"):
        text += (f"\n**Warning: the installed package changed during this run** ({start.get('sha256')} → "
                 f"{end.get('sha256')}, newest file {end.get('newest_file')}): sections mix two versions of the "
                 "code. Run again on a quiet tree.\n")
    return text


def _data(res: R) -> str:
    gen = dig(res, "sections", "generate") or {}
    builds = all_builds(res)
    rows = []
    tables = all_analytics(res)
    for scale, g in gen.items():
        b = builds.get(scale, {})
        facts = (dig(tables, scale, "membership_rows")
                 or dig(res, "sections", "rest_profile", scale, "membership_rows"))
        rows.append(["real `data/` (reference)" if scale == "real" else scale, f"{g['iscms']:,}", str(g["unions"]),
                     str(g["organisations"]), f"{g['blocks']:,}", f"{g['actor_entries']:,}", str(g["via_blocks"]),
                     str(g["states_used"]), f"{facts:,}" if facts else "–",
                     f"{b.get('triples', 0):,}" if b else "–", num(g.get("seconds"), 2)])
    return grid(["scale", "ISCMs", "unions + IGOs", "organisations", "claim blocks", "explicit actors",
                   "via blocks", "States in claims", "membership facts", "triples", "generate s"], rows)


def _build(res: R) -> str:
    rows = []
    for scale, b in all_builds(res).items():
        t = b["timings"]
        rate = b["triples"] / b["seconds"] if b["seconds"] else None
        rows.append([scale, "yes" if b["validated"] else "**no**", num(b["seconds"], 2), num(t.get("compile"), 2),
                     num(t.get("validate"), 2) if "validate" in t else "skipped", num(t.get("current"), 2),
                     num(t.get("write"), 2), f"{b['peak_rss_mb']:,.0f}", f"{b['triples']:,}",
                     f"{rate:,.0f}" if rate else "–", ", ".join(num(x, 2) for x in b.get("runs_s", [b["seconds"]]))])
    return grid(["data", "validated", "build s", "compile", "validate", "current", "write", "peak RSS MB",
                   "triples", "triples/s", "runs (s)"], rows)


def _sparql_direct(res: R) -> str:
    blocks = []
    secs = dict(dig(res, "sections", "sparql_direct") or {})
    for name, sec in res["sections"].items():
        if name.startswith("sparql_direct_"):
            secs.update(sec)
    for scale, per_backend in secs.items():
        backends = [b for b in ("oxigraph", "oxigraph-memory", "rdflib") if b in per_backend]
        head = ["query", *[f"{b} ms" for b in backends], "rows"]
        rows = [["open / load store", *[ms(dig(per_backend, b, "load_s")) for b in backends], ""]]
        for q in NAMES:
            cells, counts = [], set()
            for b in backends:
                qq = dig(per_backend, b, "queries", q)
                if not qq:
                    cells.append(dig(per_backend, b, "error", default="–")[:40])
                    continue
                cells.append(f"{ms(qq['median'])} (n={len(qq['samples'])})")
                counts.add(qq["rows"])
            rows.append([q, *cells, "/".join(map(str, sorted(counts))) + (" ✓" if len(counts) == 1 else " ✗")])
        rows.append(["peak RSS of the process, MB", *[num(dig(per_backend, b, "peak_rss_mb")) for b in backends], ""])
        blocks.append(f"**{scale}** — median ms per query in-process (`store.query`, rows converted to rdflib "
                      "terms)\n\n"
                      + grid(head, rows))
    return "\n".join(blocks)


def _sparql_http(res: R) -> str:
    blocks = []
    for scale, sec in (dig(res, "sections", "sparql_http") or {}).items():
        rows = []
        be = sec.get("backends", {})
        for q in NAMES:
            row = dig(sec, "queries", q) or {}
            o, m, e = (dig(row, k, "median") for k in ("ours", "ours-alt", "rdflib-endpoint"))
            counts = {dig(row, k, "rows") for k in row}
            rows.append([q, ms(o), ms(m), ms(e), f"{e / o:,.1f}×" if o and e else "–",
                         f"{e / m:,.1f}×" if m and e else "–",
                         "/".join(map(str, sorted(counts, key=str))) + (" ✓" if len(counts) == 1 else " ✗")])
        tot = {k: sum(dig(sec, "queries", q, k, "median") or 0 for q in NAMES)
               for k in ("ours", "ours-alt", "rdflib-endpoint")}
        rows.append(["**whole mix (sum)**", ms(tot["ours"]), ms(tot["ours-alt"]), ms(tot["rdflib-endpoint"]),
                     f"**{tot['rdflib-endpoint'] / tot['ours']:,.1f}×**" if tot["ours"] else "–",
                     f"{tot['rdflib-endpoint'] / tot['ours-alt']:,.1f}×" if tot["ours-alt"] else "–", ""])
        srv = sec.get("servers", {})
        info = ", ".join(f"{k}: ready in {v.get('ready_s')} s, RSS {num(v.get('rss_mb'))} MB" for k, v in srv.items())
        blocks.append(f"**{scale}** — median ms per HTTP request (GET, `Accept: application/sparql-results+json`, "
                      f"keep-alive client). {info}.\n\n"
                      + grid(["query", f"ours `/sparql` (default: {be.get('ours')}) ms",
                                f"ours with {be.get('ours-alt')} ms", "rdflib-endpoint ms", "speed-up",
                                f"speed-up ({be.get('ours-alt')})", "rows"], rows))
    return "\n".join(blocks)


def _rest(res: R) -> str:
    sec = dig(res, "sections", "rest_wrk")
    if not sec:
        return "_not run_\n"
    rows = []
    for path, r in sec["endpoints"].items():
        s, one, paced = r["saturation"], r["single"], r.get("paced")
        rows.append([f"`{path}`", f"{s['rps']:,.0f}", num(s.get("p50")), num(s.get("p90")), num(s.get("p99")),
                     num(s.get("max")), str(int(s["errors"])), num(one.get("p50"), 2), num(one.get("p99"), 2),
                     f"{one['rps']:,.0f}",
                     f"{paced['rps']:,.0f} req/s, p99 {num(paced.get('p99'))} ms" if paced else "capacity < target"])
    text = (f"wrk, 1 thread, {sec['connections']} connections for {sec['seconds']} s per endpoint (capacity and "
            f"latency under saturation), then 1 connection (service time). Server: `iscm serve` (one uvicorn "
            f"worker) on the real data's release; RSS {sec['rss_start_mb']} MB before, {sec['rss_end_mb']} MB "
            "after.\n\n")
    text += grid(["endpoint", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "1 conn p50 ms",
                    "1 conn p99 ms", "1 conn req/s", "paced at 1,000 req/s"], rows)
    prof = dig(res, "sections", "rest_profile") or {}
    if prof:
        scales = list(prof)
        rows = []
        for n in prof[scales[0]]["endpoints"]:
            cells = []
            for s in scales:
                e = dig(prof, s, "endpoints", n) or {}
                cells += [num(e.get("first_ms"), 2), num(e.get("repeat_ms"), 2)]
            rows.append([f"`{n}`", *cells])
        rows.append(["transport alone (a 404 through the same client)",
                     *[c for s in scales for c in ("", num(dig(prof, s, "asgi_404_ms"), 2))]])
        rows.append(["start-up: imports + lifespan (s)", *[c for s in scales
                                                           for c in (num(dig(prof, s, "startup_s"), 2), "")]])
        ids = ", ".join(f"{s}: `{dig(prof, s, 'iscm')}`" for s in scales)
        text += ("\nThe same endpoints in-process, through the real application (`TestClient`: routes, start-up and "
                 "middleware, over ASGI instead of a socket): the first call does the work, repeated calls show what "
                 f"a hot endpoint costs once answered (median ms; ISCM `<id>` = {ids}).\n\n"
                 + grid(["endpoint", *[f"{s} {k}" for s in scales for k in ("first ms", "repeat ms")]], rows))
    return text


def _mixed(res: R) -> str:
    m = dig(res, "sections", "mixed_load")
    if not m:
        return "_not run_\n"
    rows = [["all", str(m["all"]["n"]), num(m["all"]["p50"]), num(m["all"]["p90"]), num(m["all"]["p99"]),
             num(m["all"]["max"])]]
    rows += [[k, str(v["n"]), num(v["p50"]), num(v["p90"]), num(v["p99"]), num(v["max"])]
             for k, v in m["kinds"].items()]
    rows += [[f"`{k}`", str(v["n"]), num(v["p50"]), num(v["p90"]), num(v["p99"]), num(v["max"])]
             for k, v in m["names"].items()]
    rss = ", ".join(f"{t:.0f} s: {mb:.0f}" for t, mb in m["rss_samples"])
    wrk = dig(res, "sections", "rest_wrk", "endpoints") or {}
    cap = len(wrk) / sum(1 / r["saturation"]["rps"] for r in wrk.values()) if wrk else None
    why_rate = ""
    if m["rate"] < 200:
        why_rate = (f" The rate (`--mixed-rate`) is half the brief's example of 200 req/s: on 2 cores shared by the "
                    f"server, its query workers and the load generator, 200 req/s of this mix is at the edge of "
                    f"capacity (the REST part alone saturates one uvicorn worker at ~{num(cap, 0)} req/s, harmonic "
                    f"mean of 4a), where an open-loop test measures a queue that grows or not from run to run; "
                    f"the probe below shows this run's behaviour at 200 req/s.")
    growth = (m["rss_end_mb"] - m["rss_start_mb"]) / m["rss_start_mb"] * 100 if m["rss_start_mb"] else float("nan")
    return (f"Open-loop generator (bench/load.py): request *i* is sent at t0 + i/rate whatever the server does, and "
            f"its latency counts from that moment. Rate **{m['rate']:.0f} req/s** (offered {m['offered_rate']} req/s) "
            f"for {m['seconds']:.0f} s, 80 % REST (the five hot endpoints) and 20 % SPARQL (the four mix queries on "
            f"the real data), after a 5 s warm-up at the same rate; the server runs with `ISCM_SPARQL_PER_CLIENT=64` "
            f"(the generator stands for many users from one address). Sent {m['sent']:,}, OK {m['ok']:,}, "
            f"**errors {m['error_count']}** {m['errors'] or ''}; {m['late_starts']} requests left the generator more "
            f"than 50 ms late; {m.get('retries', 0)} found their kept-alive connection closed by the server and were "
            f"retried once on a new one (latency counted from the first attempt).{why_rate}\n\n"
            f"Server RSS (process + SPARQL workers, MB) every 5 s: {rss} — "
            f"**{growth:+.1f} %** from start to end.\n\n"
            + grid(["requests", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"], rows) + _probe(res))


def _probe(res: R) -> str:
    p = dig(res, "sections", "rate_probe")
    if not p:
        return ""
    kinds = "; ".join(f"{k} p50 {num(v['p50'])} ms, p99 {num(v['p99'])} ms" for k, v in p["kinds"].items())
    return (f"\n**Probe at {p['rate']:.0f} req/s** (not a target; same mix, {p['seconds']:.0f} s after a 3 s "
            f"warm-up, run last): sent {p['sent']:,}, errors {p['error_count']} {p['errors'] or ''}; all p50 "
            f"{num(p['all']['p50'])} ms, p99 {num(p['all']['p99'])} ms ({kinds}); {p['late_starts']:,} requests "
            f"left the generator more than 50 ms late; RSS {p['rss_samples'][0][1]:.0f} → "
            f"{p['rss_samples'][-1][1]:.0f} MB.\n")


def _analytics(res: R) -> str:
    data = all_analytics(res)
    if not data:
        return "_not run_\n"
    scales = list(data)
    pad = [""] * (len(scales) - 1)
    rows = [["membership table as loaded (`memberships.csv.gz` saved with the release)",
             *[num(data[s].get("memberships_table_s"), 2) for s in scales], *pad],
            ["membership table from SPARQL (`views.memberships`, as the build derives it)",
             *[num(data[s].get("memberships_query_s"), 2) for s in scales], *pad]]
    sizes = {s: data[s].get("membership_rows") for s in scales}
    for fn in ANALYTICS:
        cells, vals = [], []
        for s in scales:
            v, why = fn_seconds(data[s], fn)
            vals.append(v)
            cells.append(why or num(v, 2))
        exps = [num(exponent(vals[i], vals[i + 1], sizes[scales[i]], sizes[scales[i + 1]]), 2)
                for i in range(len(scales) - 1)]
        rows.append([f"`{fn}`" if "." in fn else fn, *cells, *exps])
    rows.append(["result rows of `member_overlap` / `pairs`",
                 *[f"{dig(data[s], 'functions', 'overlap.member_overlap', 'rows', default='–'):,} / "
                   f"{dig(data[s], 'functions', 'comembership.pairs', 'rows', default='–'):,}"
                   if isinstance(dig(data[s], 'functions', 'overlap.member_overlap', 'rows'), int) else "–"
                   for s in scales], *pad])
    rows.append(["graph: nodes / edges (current members)",
                 *[f"{dig(data[s], 'graph', 'nodes', default=0):,} / {dig(data[s], 'graph', 'edges', default=0):,}"
                   for s in scales], *pad])
    rows.append(["membership facts (table rows)", *[f"{sizes[s] or 0:,}" for s in scales], *pad])
    head = ["step", *[f"{s} s" for s in scales],
            *[f"growth exp. {scales[i]}→{scales[i + 1]}" for i in range(len(scales) - 1)]]
    caps = ", ".join(f"{s}: {data[s].get('cap_s', 0):.0f} s" for s in scales)
    sampled = {s: data[s].get("betweenness_k") for s in scales if data[s].get("betweenness_k")}
    note = ("" if not sampled else " `bipartite_centrality` estimates betweenness from k sampled sources ("
            + ", ".join(f"{s}: k={k}" for s, k in sampled.items())
            + "; exact elsewhere), so its growth exponent between an exact and a sampled scale is not comparable.")
    return (f"Seconds per call on the bipartite graph of current members (roles `members`).{note} Each function "
            f"runs in a forked child with a time limit ({caps}) and an "
            f"{res['options']['analytics_mem_mb']:,} MB memory limit. "
            f"*Growth exponent* b in time ∝ (membership facts)^b: 1 = linear.\n\n"
            + grid(head, rows))


def _cold(res: R) -> str:
    c = dig(res, "sections", "cold_start")
    if not c:
        return "_not run_\n"
    rows = [[s, num(v["median_s"], 2), ", ".join(num(x, 2) for x in v["samples_s"]), num(v["rss_at_ready_mb"])]
            for s, v in c.items()]
    return ("From launching `iscm serve --build DIR` to the first 200 from `/health` (polled every 20 ms).\n\n"
            + grid(["data", "median s", "runs s", "RSS at ready MB"], rows))


def _scaling(res: R) -> str:
    lin = growth_exponents(res)
    if not lin:
        return "_not enough scales measured_\n"
    rows = [[k, num(v, 2) if v is not None else "– (not measured at both sizes, or stopped)"] for k, v in lin.items()]
    return ("Growth exponent b in time ∝ size^b between the two largest measured scales (size: triples for build "
            "and SPARQL, membership facts for analytics). 1 = linear, 2 = quadratic.\n\n"
            + grid(["component", "exponent"], rows))


# ----------------------------------------------------------------------------------- page


def render(res: R) -> str:
    return _head(res) + _data_and_build(res) + _sparql(res) + _rest_analytics_notes(res)


def _head(res: R) -> str:
    secs = res.get("section_seconds", {})
    timing = ", ".join(f"{k} {v:.0f} s" for k, v in secs.items())
    return f"""# Benchmark results

Generated by `bash bench/run` — do not edit by hand; run it again to regenerate (raw numbers:
`bench/out/results.json`, not committed). How to run and read this: [README.md](README.md).

## Machine

{_machine(res)}
Section times: {timing}.

## Targets

{targets_table(res)}
"""


def _data_and_build(res: R) -> str:
    return f"""## 1. Synthetic data

`bench/synth.py`, seed {res['options']['seed']}: 45 × scale ISCMs with fictional ids and real ISO alpha-3 codes;
lognormal ISCM sizes, Pareto-weighted State activity (heavy-tailed degree), regional clustering, several
dated and sourced claim blocks per ISCM, rotating chairs with periods. Unions and organisations do not grow
with the scale. Written in the real `data/` YAML format and compiled by the real `graph.build.build`.

{_data(res)}
## 2. Build and validate

`graph.build.build(data_dir, out_dir)` in a fresh child process per build; `build s` is
`BuildResult.seconds`, the step columns are `BuildResult.timings`; peak RSS is the child's own
(`os.wait4` rusage). 1x is built {res['options']['build_repeat_1x']} times (median shown), the others once.

{_build(res)}
"""


def _sparql(res: R) -> str:
    return f"""## 3. SPARQL

The mix (`bench/queries.py`): `members` (current members of one ISCM), `multi_membership` (States in ≥ 10 ×
scale ISCMs, GROUP BY/HAVING), `comembership` (ISCMs shared with Morocco, per partner State), `three_hop`
(ISCMs within two steps of co-membership from Morocco). Medians; warm-up run not counted unless it took
over 2 s. rdflib: 3 runs at 1x, 1 at 10x, not at 100x.

### 3a. In-process, per store backend

{_sparql_direct(res)}
### 3b. Over HTTP: our `/sparql` against rdflib-endpoint

Both serve the same release (rdflib-endpoint: the release's `iscm.nq` in an rdflib `Dataset` with
`default_union=True`, under uvicorn on 127.0.0.1). *Speed-up* = rdflib-endpoint median ÷ ours. Every request
carries a new query text (a comment `# rep N` at its end), so our answer cache never answers one; the engines
are timed in turn, one request each per round, so a change of load falls on all of them alike.

{_sparql_http(res)}
### 3c. The request path: our `/sparql` against a bare Oxigraph server

The request-path mix (`bench/queries.py` `engine_mix`): `per_iscm_count` (a GROUP BY over every current
membership), `label_page` (500 sorted labels), `lookup_50` (a State's roles with the ISCMs' labels, 50 rows),
`all_pairs` (shared ISCMs for every pair of States, the 5,000 closest pairs). Same run, same release, same
client: our `/sparql` (`iscm serve`, default settings, with each embedded store) beside `oxigraph serve` on
the same storage — in memory (the release's `iscm.nq` loaded over the graph store protocol) and read-only on
the release's own on-disk store — both with the union default graph. Timed: the request and the whole body
read (JSON results); the rows are counted once, untimed. The engines are timed in turn (one request each per
round), after our servers have finished their start-up analytics. First with a new query text per request (a
comment `# rep N` at its end: every engine parses and runs it afresh, and our per-release answer cache misses)
— the figures the target judges; then the same text repeated, which our server answers from that cache.

{engine_section(res)}
"""


def _rest_analytics_notes(res: R) -> str:
    notes = "\n".join(f"* {n}" for n in res.get("notes", [])) or "* none"
    errors = "\n".join(f"* **{k}**: {v}" for k, v in res.get("errors", {}).items())
    return f"""## 4. REST

### 4a. Hot endpoints under wrk

{_rest(res)}
### 4b. Mixed REST + SPARQL load at a fixed rate (reliability)

{_mixed(res)}
### 4c. Under attack

{attack_section(res)}
## 5. Analytics

{_analytics(res)}
## 6. Cold start of the API

{_cold(res)}
## 7. Scaling

{_scaling(res)}
## 8. The web page and map exports

{pages_section(res)}
## Notes

{notes}
{errors and chr(10) + "Errors:" + chr(10) + chr(10) + errors + chr(10)}"""
