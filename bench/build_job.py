"""Child process: one ``graph.build.build`` run; prints its BuildResult as JSON on the last line.

Run by bench.py in a fresh process so that its peak RSS (read by the parent with ``os.wait4``)
is the build's alone.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from graph.build import build


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("data", type=Path)
    p.add_argument("out", type=Path)
    p.add_argument("--no-validate", action="store_true")
    args = p.parse_args()
    t0 = time.perf_counter()
    # force: a repeated build of the same inputs must do the work again, not reuse the release
    result = build(args.data, args.out, validate=not args.no_validate, force=True)
    print(json.dumps({"release": str(result.release), "triples": result.triples, "quads": result.quads,
                      "seconds": result.seconds, "timings": result.timings,
                      "wall": round(time.perf_counter() - t0, 3), "validated": not args.no_validate}))


if __name__ == "__main__":
    main()
