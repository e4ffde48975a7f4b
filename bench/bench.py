"""The benchmark driver: ``bash bench/run`` (or ``.venv/bin/python bench/bench.py``).

Generates synthetic data at 1x/10x/100x, builds it, and measures build, SPARQL (in-process and over
HTTP against rdflib-endpoint), REST under wrk, a fixed-rate mixed load, analytics and cold start;
writes ``bench/out/results.json`` and regenerates ``bench/RESULTS.md``.

Sections run cheapest-first and everything at 100x last, under one time budget: a section that would
not fit is skipped with a note rather than overrunning. Every child process has a time limit.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import traceback
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import httpx
import load
import pages
import queries
import report
import sparql_http
import synth
from common import (
    BENCH,
    PYTHON,
    ROOT,
    analytics_default_paths,
    api_server,
    free_port,
    last_json,
    log,
    machine_info,
    median,
    merge_previous,
    package_fingerprint,
    percentile,
    run_child,
    serving,
    wait_warm,
    warm_paths,
)
from options import parse_args

OUT = BENCH / "out"
REST_ENDPOINTS = ["/health", "/api/states/MAR", "/api/iscms/budapest-process", "/api/search?q=morocco",
                  "/api/states?min_iscms=10"]
SPARQL_JSON = "application/sparql-results+json"
# the load generator stands for many users but comes from one address: the per-client SPARQL budget
# (2 in flight, then 429) would refuse it as one greedy client, so the load runs lift it
LOAD_SETTINGS = {"ISCM_SPARQL_PER_CLIENT": "64"}


class Run:
    """Paths, options, the time budget and the results being collected."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.t0 = time.perf_counter()
        self.deadline = self.t0 + args.budget
        self.scales: list[int] = args.scales
        self.results: dict = {"machine": machine_info(), "options": vars(args) | {"out": str(OUT)},
                              "package_start": package_fingerprint(), "sections": {}, "notes": [], "errors": {},
                              "load": [(time.strftime("%H:%M"), [round(x, 2) for x in os.getloadavg()])]}
        (OUT / "logs").mkdir(parents=True, exist_ok=True)

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def note(self, text: str) -> None:
        log(f"note: {text}")
        self.results["notes"].append(text)

    def data_dir(self, scale: int | str) -> Path:
        return ROOT / "data" if scale == "real" else OUT / "data" / f"{scale}x"

    def build_dir(self, scale: int | str) -> Path:
        return OUT / "build" / ("real" if scale == "real" else f"{scale}x")

    def release(self, scale: int | str) -> Path:
        return (self.build_dir(scale) / "current").resolve()

    def has_release(self, scale: int | str) -> bool:
        return (self.build_dir(scale) / "current" / "iscm.nq").exists()

    def save(self) -> None:
        self.results.setdefault("load", [])
        at = time.strftime("%H:%M")
        if not self.results["load"] or self.results["load"][-1][0] != at:  # sampled at each section's end
            self.results["load"].append((at, [round(x, 2) for x in os.getloadavg()]))
        self.results["elapsed_s"] = round(time.perf_counter() - self.t0, 1)
        self.results["package_end"] = package_fingerprint()
        (OUT / "results.json").write_text(json.dumps(self.results, indent=1, default=str) + "\n")


def section(run: Run, name: str, fn: Callable[[], object], *, needs: float = 0.0) -> None:
    """Run one section; record its result, or the error, or that it did not fit the budget."""
    if run.left() < needs:
        run.note(f"section {name!r} skipped: {run.left():.0f} s of the time budget left, it needs ~{needs:.0f} s")
        return
    log(f"== {name} ({run.left():.0f} s of budget left)")
    t = time.perf_counter()
    try:
        run.results["sections"][name] = fn()
        run.results.setdefault("section_dates", {})[name] = run.results["machine"]["date"]
    except Exception as exc:
        run.results["errors"][name] = f"{type(exc).__name__}: {exc}"
        log(traceback.format_exc())
    run.results.setdefault("section_seconds", {})[name] = round(time.perf_counter() - t, 1)
    run.save()


# ----------------------------------------------------------------------------------- data + build


def generate(run: Run) -> dict:
    out = {}
    for scale in run.scales:
        t = time.perf_counter()
        counts = synth.write_dataset(run.data_dir(scale), scale, seed=run.args.seed)
        out[f"{scale}x"] = counts | {"seconds": round(time.perf_counter() - t, 2)}
        log(f"generated {scale}x: {counts}")
    out["real"] = synth.describe(run.data_dir("real"))
    return out


def build_one(run: Run, scale: int | str, *, validate: bool, timeout: float) -> dict:
    args = [PYTHON, str(BENCH / "build_job.py"), str(run.data_dir(scale)), str(run.build_dir(scale))]
    if not validate:
        args.append("--no-validate")
    child = run_child(args, timeout=timeout)
    if child.timed_out or child.returncode != 0:
        raise RuntimeError(f"build {scale} failed (rc={child.returncode}, timed out={child.timed_out}): "
                           f"{child.stderr[-800:]}")
    res = last_json(child.stdout)
    res.update(peak_rss_mb=round(child.max_rss_mb, 1), process_s=round(child.seconds, 2))
    log(f"built {scale}: {res['triples']} triples in {res['seconds']} s, peak {res['peak_rss_mb']:.0f} MB, "
        f"{res['timings']}")
    return res


def builds(run: Run, scales: list[int | str], *, repeat_1x: int) -> dict:
    out = {}
    for scale in scales:
        shutil.rmtree(run.build_dir(scale), ignore_errors=True)
        n = repeat_1x if scale == 1 else 1  # 1x carries the build target: a median of several
        runs = [build_one(run, scale, validate=True, timeout=600) for _ in range(n)]
        best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]  # the median run
        out[str(scale) if scale == "real" else f"{scale}x"] = best | {"runs_s": [r["seconds"] for r in runs]}
    return out


def build_100x(run: Run) -> dict:
    # SHACL validation at 100x would add minutes (it grows faster than linearly: see 1x and 10x)
    scale = 100
    shutil.rmtree(run.build_dir(scale), ignore_errors=True)
    ten = _get_path(run.results, "sections", "build", "10x", "timings", "validate")
    run.note("100x is built with validate=False: SHACL validation "
             + (f"took {ten:.0f} s at 10x and " if ten else "")
             + "would add minutes at 100x (and pySHACL's memory on top of the build's ~8 GB), more than the "
               "time budget allows; validation is measured at 1x and 10x")
    return {"100x": build_one(run, scale, validate=False, timeout=max(60.0, run.left() - 60))}


def _get_path(d: object, *keys: str) -> object:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


# ----------------------------------------------------------------------------------- servers


def cold_start(run: Run, scales: list[int]) -> dict:
    out = {}
    for scale in scales:
        samples, rss = [], []
        for i in range(run.args.cold_runs):
            server = api_server(run.build_dir(scale), free_port(), log_path=OUT / "logs" / f"cold-{scale}x-{i}.log")
            with serving(server):
                samples.append(server.wait_ready("/health", timeout=120))
                rss.append(server.rss_mb())
        out[f"{scale}x"] = {"samples_s": [round(s, 3) for s in samples], "median_s": round(median(samples), 3),
                            "rss_at_ready_mb": round(median(rss), 1)}
        log(f"cold start {scale}x: {out[f'{scale}x']}")
    return out


def rest_wrk(run: Run) -> dict:
    """Hot endpoints on the real data's release: capacity at a fixed connection count, the latency of
    one connection (service time), and, where capacity allows, latency at a paced 1,000 req/s."""
    a = run.args
    server = api_server(run.build_dir("real"), free_port(), log_path=OUT / "logs" / "rest-wrk.log")
    out: dict = {"connections": a.wrk_connections, "seconds": a.wrk_seconds, "endpoints": {}}
    with serving(server):
        server.wait_ready("/health", timeout=120)
        warm_paths(server.base, REST_ENDPOINTS)
        out["warm_up_wait_s"] = round(wait_warm(server.base), 1)
        out["rss_start_mb"] = round(server.rss_mb(), 1)
        for path in REST_ENDPOINTS:
            url = server.base + path
            sat = load.run_wrk(url, seconds=a.wrk_seconds, connections=a.wrk_connections)
            one = load.run_wrk(url, seconds=a.wrk_single_seconds, connections=1)
            row = {"saturation": sat, "single": one}
            if sat["rps"] >= a.target_rps:
                # aim 3 % high: under load each request takes a little longer than the estimate;
                # a short unmeasured run first opens the 64 connections and grows the thread pool
                load.paced_wrk(url, rate=a.target_rps * 1.03, seconds=2, connections=64,
                               est_latency_ms=one.get("p50", 1.0))
                row["paced"] = load.paced_wrk(url, rate=a.target_rps * 1.03, seconds=a.paced_seconds,
                                              connections=64, est_latency_ms=one.get("p50", 1.0))
            out["endpoints"][path] = row
            log(f"wrk {path}: {sat['rps']:.0f} req/s, p99 {sat.get('p99', float('nan')):.1f} ms; "
                f"1 conn p50 {one.get('p50', float('nan')):.2f} ms")
        out["rss_end_mb"] = round(server.rss_mb(), 1)
    return out


def mixed_requests(iscm_id: str) -> tuple[list[load.Request], list[float]]:
    reqs = [load.Request("rest", p, p) for p in REST_ENDPOINTS]
    weights = [1.0] * len(reqs)
    for name, text in queries.mix(1, iscm_id=iscm_id).items():
        reqs.append(load.Request("sparql", f"sparql:{name}", "/sparql?query=" + quote(text), SPARQL_JSON, vary=True))
        weights.append(len(REST_ENDPOINTS) / 4 * 0.25)  # 80 % REST, 20 % SPARQL
    return reqs, weights


def mixed_load(run: Run) -> dict:
    """The reliability test: REST + SPARQL at a fixed rate for a fixed time; errors must be zero and
    the server's memory flat."""
    a = run.args
    server = api_server(run.build_dir("real"), free_port(), log_path=OUT / "logs" / "mixed.log",
                        settings=LOAD_SETTINGS)
    reqs, weights = mixed_requests(queries.REAL_ISCM_ID)
    with serving(server):
        server.wait_ready("/health", timeout=120)
        # warm-up at the same rate (workers spawned, caches filled), not counted
        asyncio.run(load.FixedRateLoad(server.base, reqs, weights=weights, rate=a.mixed_rate, seconds=5,
                                       seed=1).run())
        res = asyncio.run(load.FixedRateLoad(server.base, reqs, weights=weights, rate=a.mixed_rate,
                                             seconds=a.mixed_seconds, sample_rss=server.rss_mb).run())
    out = res.summary()
    samples = out["rss_samples"]
    out["rss_start_mb"], out["rss_end_mb"] = samples[0][1], samples[-1][1]
    log(f"mixed: {out['sent']} sent, {out['error_count']} errors, p99 {out['all']['p99']:.1f} ms, "
        f"RSS {out['rss_start_mb']} -> {out['rss_end_mb']} MB")
    return out


def rate_probe(run: Run) -> dict:
    """Not a target: the reliability mix at a higher rate (the brief's example, 200 req/s), briefly, to
    show where this machine's capacity for it lies; run last, only if the budget allows."""
    a = run.args
    server = api_server(run.build_dir("real"), free_port(), log_path=OUT / "logs" / "probe.log",
                        settings=LOAD_SETTINGS)
    reqs, weights = mixed_requests(queries.REAL_ISCM_ID)
    with serving(server):
        server.wait_ready("/health", timeout=120)
        asyncio.run(load.FixedRateLoad(server.base, reqs, weights=weights, rate=a.probe_rate, seconds=3,
                                       seed=1).run())
        res = asyncio.run(load.FixedRateLoad(server.base, reqs, weights=weights, rate=a.probe_rate,
                                             seconds=a.probe_seconds, sample_rss=server.rss_mb).run())
    out = res.summary()
    out.pop("names")
    log(f"probe {a.probe_rate:.0f} req/s: {out['error_count']} errors, p50 {out['all']['p50']:.0f} ms, "
        f"p99 {out['all']['p99']:.0f} ms")
    return out


# ----------------------------------------------------------------------------------- SPARQL


def sparql_direct(run: Run, scale: int, backends: list[str]) -> dict:
    out = {}
    for backend in backends:
        rdflib = backend == "rdflib"
        reps = (run.args.rdflib_reps_1x if scale == 1 else 1) if rdflib else run.args.reps
        cap = 30.0 if rdflib else 5.0
        args = [PYTHON, str(BENCH / "sparql_job.py"), str(run.release(scale)), backend, "--scale", str(scale),
                "--reps", str(reps), "--cap", str(cap)]
        child = run_child(args, timeout=min(400.0, max(30.0, run.left() - 30)), cwd=BENCH)
        if child.returncode != 0:
            out[backend] = {"error": f"rc={child.returncode}, timed out={child.timed_out}: {child.stderr[-500:]}"}
            log(f"sparql {scale}x {backend}: FAILED {out[backend]['error']}")
            continue
        res = last_json(child.stdout)
        res["process_peak_rss_mb"] = round(child.max_rss_mb, 1)
        out[backend] = res
        log(f"sparql {scale}x {backend}: load {res['load_s']} s, " + ", ".join(
            f"{q} {v['median'] * 1000:.1f} ms" for q, v in res["queries"].items()))
    return out


# ----------------------------------------------------------------------------------- under attack

ATTACKS = ("slow_sparql", "analytics", "deep_nesting", "large_body")
PROBE_PATHS = {"health": "/health", "profile": "/api/states/MAR?as_of=2010"}


def _probe(base: str, seconds: float, rate: float) -> dict:
    """/health and a REST profile, alternately, paced at ``rate`` requests/s for ``seconds``; each
    latency counts from the request's scheduled time (a stalled server cannot hide its queue)."""
    samples: dict[str, list[float]] = {k: [] for k in PROBE_PATHS}
    errors: dict[str, int] = {k: 0 for k in PROBE_PATHS}
    keys = list(PROBE_PATHS)
    with httpx.Client(timeout=30) as client:
        t0 = time.perf_counter()
        i = 0
        while (due := t0 + i / rate) < t0 + seconds:
            time.sleep(max(0.0, due - time.perf_counter()))
            key = keys[i % len(keys)]
            try:
                ok = client.get(base + PROBE_PATHS[key]).status_code == 200
            except httpx.HTTPError:
                ok = False
            samples[key].append(time.perf_counter() - due)
            errors[key] += not ok
            i += 1
    return {k: {"n": len(v), "p50_ms": round(percentile(v, 50) * 1000, 2), "p99_ms": round(percentile(v, 99) * 1000, 2),
                "max_ms": round(max(v) * 1000, 2), "errors": errors[k]} for k, v in samples.items()}


def under_attack(run: Run) -> dict:
    """The same server, quiet and then under each attack (bench/attack.py), one after the other:
    /health and a REST profile p50/p99 beside the quiet figures (issue 18)."""
    a = run.args
    server = api_server(run.build_dir("real"), free_port(), log_path=OUT / "logs" / "under-attack.log")
    out: dict = {"probe_seconds": a.attack_seconds, "probe_rate": a.probe_rps, "paths": PROBE_PATHS, "phases": {}}
    with serving(server):
        server.wait_ready("/health", timeout=120)
        # the server computes its default analytics in the background after start; asking for them
        # waits for that, so the quiet figures are not taken while it still works
        warm_paths(server.base, [*analytics_default_paths(), *PROBE_PATHS.values()])
        # its in-server steps run in quiet moments, so a quiet baseline taken meanwhile had their stalls
        out["warm_up_wait_s"] = round(wait_warm(server.base), 1)
        out["phases"]["quiet"] = _probe(server.base, a.attack_seconds, a.probe_rps)
        for kind in filter(None, a.attacks.split(",")):
            ramp = 2.0
            child = subprocess.Popen([PYTHON, str(BENCH / "attack.py"), server.base, kind, "--seconds",
                                      str(ramp + a.attack_seconds)], cwd=BENCH, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, start_new_session=True)
            time.sleep(ramp)
            phase = _probe(server.base, a.attack_seconds, a.probe_rps)
            try:
                stdout, _ = child.communicate(timeout=30)
                phase["attack"] = last_json(stdout)
            except (subprocess.TimeoutExpired, ValueError) as exc:
                os.killpg(child.pid, signal.SIGKILL)
                child.communicate()
                phase["attack"] = {"error": f"{type(exc).__name__}: {str(exc)[:200]}"}
            phase["rss_mb"] = round(server.rss_mb(), 1)
            out["phases"][kind] = phase
            log(f"under attack {kind}: " + ", ".join(f"{k} p50 {v['p50_ms']} p99 {v['p99_ms']} ms"
                                                    for k, v in phase.items() if k in PROBE_PATHS)
                + f"; attackers got {phase['attack']}")
            time.sleep(3)  # let the last slow queries end before the next phase
        out["phases"]["quiet_after"] = _probe(server.base, a.attack_seconds, a.probe_rps)
        with urllib.request.urlopen(server.base + "/stats", timeout=30) as resp:  # 127.0.0.1 only
            out["stats_sparql"] = json.loads(resp.read()).get("sparql")
    return out


# ----------------------------------------------------------------------------------- analytics


def analytics(run: Run, scale: int | str, *, cap: float) -> dict:
    args = [PYTHON, str(BENCH / "analytics_job.py"), str(run.release(scale)), "--cap", str(cap),
            "--mem-limit-mb", str(run.args.analytics_mem_mb)]
    if isinstance(scale, int) and scale >= 10:  # exact betweenness is O(V·E) in Python: sample at scale
        args += ["--betweenness-k", str(run.args.betweenness_k)]
    child = run_child(args, timeout=max(60.0, run.left() - 20), cwd=BENCH)
    progress = [json.loads(line) for line in child.stdout.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not progress:
        raise RuntimeError(f"analytics {scale} failed (rc={child.returncode}): {child.stderr[-800:]}")
    res = progress[-1] if "progress" not in progress[-1] else _merge_progress(progress)
    res["process_peak_rss_mb"] = round(child.max_rss_mb, 1)
    res["cap_s"] = cap
    log(f"analytics {scale}: table {res.get('memberships_table_s')} s, " + ", ".join(
        f"{k.split('.')[-1]} {v.get('seconds')} s{' (capped)' if v.get('timeout') else ''}"
        for k, v in res.get("functions", {}).items()))
    return res


def _merge_progress(lines: list[dict]) -> dict:
    """A job killed half-way: keep what it reported."""
    out: dict = {"functions": {}, "incomplete": True}
    for line in lines:
        name = line.pop("progress")
        if name == "bipartite":
            out.update({k: v for k, v in line.items() if k != "functions"})
        elif name == "routes":
            out["routes"] = line
        else:
            out["functions"][name] = line
    return out


def pages_section(run: Run) -> dict:
    """The web page in chromium and the map exports (bench/pages.py) on the real data's release, or
    on ``--pages-build``; the real data is built first when neither is there."""
    build = run.args.pages_build or run.build_dir("real")
    if not (Path(build) / "current").exists():
        build_one(run, "real", validate=True, timeout=600)
    return pages.run(Path(build), reps=run.args.page_reps, log_dir=OUT / "logs", largest=not run.args.no_largest)


def rest_profile(run: Run, scale: int | str) -> dict:
    iscm_id = queries.REAL_ISCM_ID if scale == "real" else queries.ISCM_ID
    child = run_child([PYTHON, str(BENCH / "rest_profile_job.py"), str(run.build_dir(scale)), "--iscm", iscm_id],
                      timeout=300, cwd=BENCH)
    if child.returncode != 0:
        raise RuntimeError(child.stderr[-800:])
    return last_json(child.stdout)


# ----------------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    run = Run(args)
    skip = set(filter(None, args.skip.split(",")))
    only = set(filter(None, args.only.split(",")))
    if only:  # the other sections stay as the last run measured them
        note = merge_previous(run.results, only, OUT / "results.json")
        if note:
            run.note(note)
    small = [s for s in run.scales if s < 100]
    big = [s for s in run.scales if s >= 100]

    def do(name: str, fn: Callable[[], object], *, needs: float = 0.0) -> None:
        if only and name not in only:
            return
        if name in skip:
            run.note(f"section {name!r} skipped on request (--skip)")
            return
        section(run, name, fn, needs=needs)

    do("generate", lambda: generate(run))
    do("build", lambda: builds(run, ["real", *small], repeat_1x=args.build_repeat_1x))
    do("rest_profile", lambda: {"real": rest_profile(run, "real"),
                                **{f"{s}x": rest_profile(run, s) for s in small}})
    do("cold_start", lambda: cold_start(run, small), needs=30)
    do("pages", lambda: pages_section(run), needs=240)
    do("rest_wrk", lambda: rest_wrk(run), needs=90)
    do("mixed_load", lambda: mixed_load(run), needs=args.mixed_seconds + 20)
    do("sparql_http", lambda: {"real": sparql_http.section(run, "real", OUT),
                               **{f"{s}x": sparql_http.section(run, s, OUT) for s in small}},
       needs=120)
    do("under_attack", lambda: under_attack(run), needs=6 * args.attack_seconds + 40)
    do("sparql_direct", lambda: {f"{s}x": sparql_direct(run, s, ["oxigraph", "oxigraph-memory", "rdflib"])
                                 for s in small}, needs=60)
    do("analytics", lambda: {f"{s}x": analytics(run, s, cap=120.0) for s in small}, needs=30)
    for scale in big:
        do(f"build_{scale}x", lambda: build_100x(run), needs=240)
        if run.has_release(scale):
            do(f"sparql_direct_{scale}x",
               lambda s=scale: {f"{s}x": sparql_direct(run, s, ["oxigraph", "oxigraph-memory"])}, needs=40)
            run.note(f"rdflib (direct and rdflib-endpoint) is not run at {scale}x: at 10x one pass of the mix "
                     "already takes tens of seconds; at 100x it would take far longer than the time budget")
            # typically two functions run into the cap; shrink it only when the budget cannot take that
            do(f"analytics_{scale}x", lambda s=scale: {f"{s}x": analytics(
                run, s, cap=min(args.analytics_cap, max(5.0, (run.left() - 50) / 3)))}, needs=60)
    if args.probe_seconds > 0:
        do("rate_probe", lambda: rate_probe(run), needs=args.probe_seconds + 25)
    run.save()
    text = report.render(run.results)
    args.results.write_text(text, encoding="utf-8")
    log(f"wrote {args.results} and {OUT / 'results.json'} in {time.perf_counter() - run.t0:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
