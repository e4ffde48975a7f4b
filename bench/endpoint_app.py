"""rdflib-endpoint serving a release's iscm.nq (an rdflib Dataset, default graph = union of the named
graphs, as in our stores) with uvicorn on 127.0.0.1: the baseline our /sparql is compared with."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import uvicorn
from rdflib import Dataset
from rdflib_endpoint import SparqlEndpoint


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("nquads", type=Path)
    p.add_argument("--port", type=int, required=True)
    args = p.parse_args()
    t = time.perf_counter()
    ds = Dataset(default_union=True)
    ds.parse(args.nquads, format="nquads")
    print(f"loaded {len(ds)} quads in {time.perf_counter() - t:.1f} s", flush=True)
    app = SparqlEndpoint(graph=ds, path="/sparql", title="rdflib-endpoint baseline", cors_enabled=False)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
