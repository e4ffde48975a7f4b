"""Child process: the server-side cost of each hot REST endpoint, without the network.

Runs the real application in-process (``fastapi.testclient.TestClient``: the same routes, start-up
and middleware, called through ASGI instead of a socket) and times each endpoint's first call (the
work itself) and repeated calls (what a hot endpoint costs once the app has answered it before).
Together with wrk's numbers this splits a request into "our code" and "uvicorn + HTTP + event loop".
Prints JSON on the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

from common import median, percentile


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("build_dir", type=Path)
    p.add_argument("--iscm", required=True)
    p.add_argument("--reps", type=int, default=200)
    p.add_argument("--cap", type=float, default=3.0, help="seconds of repeated calls per endpoint at most")
    args = p.parse_args()
    os.environ["ISCM_BUILD_DIR"] = str(args.build_dir)
    os.environ["ISCM_SPARQL_WORKERS"] = "1"  # not used here; keep the start-up light

    t = time.perf_counter()
    from fastapi.testclient import TestClient

    from api.app import create_app

    paths = ["/health", "/api/states/MAR", f"/api/iscms/{args.iscm}", "/api/search?q=morocco",
             "/api/states?min_iscms=10",
             # as-of profiles: the time model's answers for a past year and a past date
             "/api/states/MAR?as_of=2010", f"/api/iscms/{args.iscm}?as_of=2015-06-30"]
    out: dict[str, object] = {"iscm": args.iscm, "endpoints": {}}
    with TestClient(create_app()) as client:
        out["startup_s"] = round(time.perf_counter() - t, 3)  # imports + lifespan (load, catalogue)
        cat = client.app.state.served.graph
        out["membership_rows"] = len(cat.memberships)
        out["quads"] = client.get("/health").json().get("quads")
        for path in paths:
            t = time.perf_counter()
            r = client.get(path)
            first = time.perf_counter() - t
            if r.status_code != 200:
                out["endpoints"][path] = {"error": f"HTTP {r.status_code}"}
                continue
            samples: list[float] = []
            while len(samples) < args.reps and sum(samples) < args.cap:
                t = time.perf_counter()
                client.get(path)
                samples.append(time.perf_counter() - t)
            out["endpoints"][path.replace(args.iscm, "<id>")] = {
                "first_ms": round(first * 1000, 3), "repeat_ms": round(median(samples) * 1000, 3),
                "p99_ms": round(percentile(samples, 99) * 1000, 3), "n": len(samples)}
        # both panel datasets from the release's tenures (what /dumps and the panel routes serve)
        from graph import panels

        for name, fn in (("state_iscm_year", panels.state_iscm_year), ("dyad_year", panels.dyad_year)):
            t = time.perf_counter()
            try:
                rows = len(fn(cat.tenures))
            except ValueError as exc:  # a limit of the panel itself (dyad_year: at most 63 ISCMs)
                out.setdefault("panels", {})[name] = {"error": str(exc)}
                continue
            out.setdefault("panels", {})[name] = {"seconds": round(time.perf_counter() - t, 3), "rows": rows}
        # the transport's own cost, to subtract: an endpoint that does nothing
        t = time.perf_counter()
        for _ in range(200):
            client.get("/no-such-path")
        out["asgi_404_ms"] = round((time.perf_counter() - t) / 200 * 1000, 3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
