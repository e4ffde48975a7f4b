"""Sections 3b and 3c: SPARQL over HTTP, every engine side by side in one run, on one release.

Engines: our ``/sparql`` as deployed (default store backend) and with the other embedded backend, a
bare Oxigraph server on each of the same two storages, and rdflib-endpoint. Timing is interleaved:
each round sends the query once to every engine still being timed (A, B, C, A, B, C …), so a change
of load on the shared machine falls on all of them alike.

Our endpoint keeps answers per release (``ISCM_SPARQL_CACHE_MB``): the same text again is a cache
hit. So every figure is taken twice where it matters: with a new text for each request (a comment
``# rep N`` at the end: the engines parse and run it afresh, our cache misses — the figures the
targets judge) and, for the request-path mix, with the same text repeated (our cache hits).
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import queries
from common import (
    BENCH,
    PYTHON,
    Server,
    analytics_default_paths,
    api_server,
    free_port,
    load_oxigraph_memory,
    log,
    median,
    oxigraph_server,
    serving,
    wait_warm,
    warm_paths,
)

SPARQL_JSON = "application/sparql-results+json"
SLOW_S = 2.0  # a first run slower than this is a sample, not a warm-up (as common.timed_runs)


def _fetch(client: httpx.Client, base: str, text: str) -> bytes:
    """One request, the whole body read: what is timed (parsing the answer is the client's cost)."""
    path = "/query" if "/query" in base else "/sparql"
    r = client.get(base.replace("/query", "") + path, params={"query": text}, headers={"Accept": SPARQL_JSON})
    if r.status_code != 200:
        raise RuntimeError(f"{base} answered {r.status_code}: {r.text[:300]}")
    return r.content


def _rows(body: bytes) -> int:
    return len(json.loads(body)["results"]["bindings"])


def default_backend() -> str:
    """The store ``iscm serve`` uses when started as the benchmark starts it (settings + environment)."""
    from api.config import Settings

    return Settings().backend


def interleaved(client: httpx.Client, bases: dict[str, str], text: str, *, reps: dict[str, int],
                cap_s: dict[str, float], vary: bool) -> dict[str, dict]:
    """Time ``text`` on every engine of ``bases`` in rounds (one request per engine per round) until
    each has ``reps[key]`` samples or has spent ``cap_s[key]`` seconds; an untimed warm-up first
    (kept as a sample when slower than 2 s, unless the text repeats: then it is the cache's miss).
    ``vary``: each request's text ends in its own comment."""
    def text_of(i: int) -> str:
        return f"{text}\n# rep {i}" if vary else text

    samples: dict[str, list[float]] = {k: [] for k in bases}
    first: dict[str, float] = {}
    last: dict[str, bytes] = {}
    out: dict[str, dict] = {}

    def one(key: str, i: int) -> float | None:
        try:
            t = time.perf_counter()
            last[key] = _fetch(client, bases[key], text_of(i))
            return time.perf_counter() - t
        except (RuntimeError, httpx.HTTPError) as exc:  # e.g. our 10 s limit: a result, not a crash
            out[key] = {"error": str(exc)[:300]}
            return None

    for key in bases:
        took = one(key, -1)
        if took is not None:
            first[key] = took
            if took > SLOW_S and vary:  # repeated, the warm-up is the one run our cache cannot answer
                samples[key].append(took)
    active = [k for k in bases if k not in out]
    i = 0
    while active:
        for key in list(active):
            if len(samples[key]) >= reps[key] or sum(samples[key]) >= cap_s[key]:
                active.remove(key)
                continue
            took = one(key, i)
            if took is None:
                active.remove(key)
            else:
                samples[key].append(took)
        i += 1
    for key in bases:
        if key not in out:
            s = samples[key]
            out[key] = {"samples": [round(x, 6) for x in s], "median": round(median(s), 6),
                        "first": round(first[key], 6), "rows": _rows(last[key]),
                        "warmup_counted": vary and first[key] > SLOW_S}
    return out


def section(run: object, scale: int | str, out_dir: Path) -> dict:
    """3b and 3c for one scale (``run``: bench.Run, for the release, the options and the budget)."""
    rel = run.release(scale)  # type: ignore[attr-defined]
    args = run.args  # type: ignore[attr-defined]
    logs = out_dir / "logs"
    tag = "real" if scale == "real" else f"{scale}x"
    default = default_backend()
    alt = "oxigraph" if default == "oxigraph-memory" else "oxigraph-memory"
    build = run.build_dir(scale)  # type: ignore[attr-defined]
    ours = api_server(build, free_port(), log_path=logs / f"sparql-ours-{tag}.log")
    other = api_server(build, free_port(), log_path=logs / f"sparql-ours-{alt}-{tag}.log", backend=alt)
    bare_mem = oxigraph_server(rel, free_port(), memory=True, log_path=logs / f"sparql-oxigraph-mem-{tag}.log")
    bare_disk = oxigraph_server(rel, free_port(), memory=False, log_path=logs / f"sparql-oxigraph-disk-{tag}.log")
    port = free_port()
    endpoint = Server([PYTHON, str(BENCH / "endpoint_app.py"), str(rel / "iscm.nq"), "--port", str(port)], port,
                      name="rdflib-endpoint", log_path=logs / f"sparql-rdflib-endpoint-{tag}.log")
    bare = {"oxigraph-memory": "bare-memory", "oxigraph": "bare-disk"}
    out: dict = {"servers": {}, "queries": {}, "engine_queries": {}, "engine_queries_repeat": {},
                 "backends": {"ours": default, "ours-alt": alt},
                 "pairs": {"ours": bare[default], "ours-alt": bare[alt]},
                 "timing": "interleaved; a new query text per request (repeat: the same text)"}
    engines = {"ours": ours, "ours-alt": other, "bare-memory": bare_mem, "bare-disk": bare_disk,
               "rdflib-endpoint": endpoint}
    bases = {k: (s.base + "/query" if k.startswith("bare") else s.base) for k, s in engines.items()}
    iscm_id = queries.REAL_ISCM_ID if scale == "real" else queries.ISCM_ID
    with serving(ours), serving(other), serving(bare_mem), serving(bare_disk), serving(endpoint):
        out["servers"] = _ready(engines, rel)
        # our servers compute their default analytics in the background after start: asking for them
        # waits for that, so no figure is taken while they still work (as the under-attack section)
        for key in ("ours", "ours-alt"):
            warm_paths(engines[key].base, analytics_default_paths())
            wait_warm(engines[key].base)
        with httpx.Client(timeout=300) as client:
            for key in engines:  # spawn the query workers, open the stores, before timing anything
                _fetch(client, bases[key], queries.PREFIXES + "SELECT * WHERE { ?s ?p ?o } LIMIT 1")
            slow_reps = args.rdflib_reps_1x if scale in (1, "real") else 1
            mixes = [("queries", queries.mix(1 if scale == "real" else scale, iscm_id=iscm_id), list(engines),
                      args.reps, True),
                     ("engine_queries", queries.engine_mix(), [k for k in engines if k != "rdflib-endpoint"],
                      args.engine_reps, True),
                     ("engine_queries_repeat", queries.engine_mix(), ["ours", "ours-alt", "bare-memory", "bare-disk"],
                      args.engine_reps, False)]
            for kind, mix, keys, reps, vary in mixes:
                for name, text in mix.items():
                    row = interleaved(client, {k: bases[k] for k in keys}, text, vary=vary,
                                      reps={k: slow_reps if k == "rdflib-endpoint" else reps for k in keys},
                                      cap_s={k: 30.0 if k == "rdflib-endpoint" else 5.0 for k in keys})
                    out[kind][name] = row
                    log(f"http {tag} {kind} {name}: " + ", ".join(
                        f"{k} {v['median'] * 1000:.1f} ms" if "median" in v else f"{k} failed" for k, v in row.items()))
        for key, server in engines.items():
            out["servers"][key]["rss_mb"] = round(server.rss_mb(), 1)
    return out


def _ready(engines: dict[str, Server], rel: Path) -> dict[str, dict]:
    """Seconds until each server answers (the bare in-memory one: until the release is loaded too)."""
    servers = {}
    for key, server in engines.items():
        path = "/sparql" if key == "rdflib-endpoint" else "/query?query=ASK%7B%7D" if key.startswith(
            "bare") else "/health"
        ready = server.wait_ready(path, timeout=300)
        if key == "bare-memory":
            t = time.perf_counter()
            load_oxigraph_memory(server, rel / "iscm.nq")
            ready += time.perf_counter() - t
        servers[key] = {"ready_s": round(ready, 2)}
    return servers
