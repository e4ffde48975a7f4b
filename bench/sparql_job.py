"""Child process: the SPARQL mix on one store backend of one release; prints JSON on the last line.

A fresh process per backend keeps each store's memory (and rdflib's slowness) out of the others' numbers
and lets the parent kill a run that goes over its time.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import queries
from common import self_peak_rss_mb, timed_runs

from graph.loader import open_store


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("release", type=Path)
    p.add_argument("backend", choices=["oxigraph", "oxigraph-memory", "rdflib"])
    p.add_argument("--scale", type=int, required=True)
    p.add_argument("--iscm", default=queries.ISCM_ID)
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--cap", type=float, default=10.0, help="seconds of timed runs per query at most")
    args = p.parse_args()

    t = time.perf_counter()
    store = open_store(args.release, backend=args.backend)
    load_s = time.perf_counter() - t
    out: dict[str, object] = {"backend": args.backend, "scale": args.scale, "load_s": round(load_s, 3),
                              "quads": len(store), "queries": {}}
    for name, text in queries.mix(args.scale, iscm_id=args.iscm).items():
        def run(text: str = text) -> int:
            return len(store.query(text))

        out["queries"][name] = timed_runs(run, reps=args.reps, cap_s=args.cap)
        print(json.dumps({"progress": name, **out["queries"][name]}), flush=True)
    out["peak_rss_mb"] = round(self_peak_rss_mb(), 1)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
