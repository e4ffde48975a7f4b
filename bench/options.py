"""The bench's command-line options (``python bench/bench.py --help``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from common import BENCH


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="ISCM graph benchmarks (writes bench/RESULTS.md)")
    p.add_argument("--scales", type=lambda s: [int(x) for x in s.split(",") if x], default=[1, 10, 100],
                   help="synthetic sizes; '' for none (with --only: the real data alone)")
    p.add_argument("--seed", type=int, default=20261122)
    p.add_argument("--budget", type=float, default=2700.0,
                   help="seconds for the whole run (default 45 min; bench/run adds set-up time)")
    p.add_argument("--reps", type=int, default=7, help="timed repetitions per query on fast engines")
    p.add_argument("--engine-reps", type=int, default=31,
                   help="timed repetitions per request-path query (3c; capped at 5 s per engine): light queries "
                        "take a few ms, where 7 runs on a shared machine give a ratio that moves by 2x")
    p.add_argument("--rdflib-reps-1x", type=int, default=3, help="timed repetitions per query on rdflib at 1x")
    p.add_argument("--build-repeat-1x", type=int, default=2, help="builds of the 1x and real data (median)")
    p.add_argument("--cold-runs", type=int, default=3)
    p.add_argument("--wrk-seconds", type=int, default=10)
    p.add_argument("--wrk-single-seconds", type=int, default=2)
    p.add_argument("--wrk-connections", type=int, default=8)
    p.add_argument("--target-rps", type=float, default=1000.0)
    p.add_argument("--paced-seconds", type=int, default=8, help="the paced 1,000 req/s wrk runs")
    p.add_argument("--mixed-rate", type=float, default=100.0)
    p.add_argument("--probe-rate", type=float, default=200.0, help="the same mix, briefly, at this rate (last)")
    p.add_argument("--probe-seconds", type=float, default=15.0, help="0 = no probe")
    p.add_argument("--mixed-seconds", type=float, default=60.0)
    p.add_argument("--analytics-cap", type=float, default=30.0, help="seconds per analytics function at 100x")
    p.add_argument("--analytics-mem-mb", type=int, default=8000)
    p.add_argument("--betweenness-k", type=int, default=64,
                   help="sampled sources for bipartite betweenness at 10x and 100x (exact at 1x)")
    p.add_argument("--attack-seconds", type=float, default=12.0, help="probe time per under-attack phase")
    p.add_argument("--attacks", default="slow_sparql,analytics,deep_nesting,large_body",
                   help="under-attack scenarios to run (bench/attack.py)")
    p.add_argument("--probe-rps", type=float, default=20.0, help="the under-attack probe's request rate")
    p.add_argument("--page-reps", type=int, default=5, help="visits per page and renders per export (median)")
    p.add_argument("--pages-build", type=Path, default=None,
                   help="pages section: serve this build folder instead of the real data's (built if missing)")
    p.add_argument("--no-largest", action="store_true", help="pages section: leave out the largest map's PNG")
    p.add_argument("--results", type=Path, default=None,
                   help="where the report goes (default bench/RESULTS.md; with --only, bench/out/RESULTS-only.md)")
    p.add_argument("--skip", default="", help="comma-separated section names to skip (for development)")
    p.add_argument("--only", default="", help=(
        "comma-separated section names to run alone, e.g. --only pages; their numbers are merged into "
        "bench/out/results.json beside the last full run's"))
    args = p.parse_args(argv)
    if args.results is None:
        args.results = BENCH / "out" / "RESULTS-only.md" if args.only else BENCH / "RESULTS.md"
    return args
