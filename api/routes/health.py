"""Liveness and a summary of what is loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel

from api.deps import GraphDep
from api.models import PROBLEMS
from graph.stats import graph_stats

router = APIRouter(tags=["meta"], responses=PROBLEMS)


class Health(BaseModel):
    status: str
    quads: int
    backend: str
    release: str | None
    built_at: str | None


@router.get("/health", response_model=Health, summary="Is the service up, and what release does it serve?")
def health(graph: GraphDep) -> Health:
    manifest = graph.manifest
    # the release's manifest knows its size: counting the store on every call grows with the data
    quads = manifest.get("quads") if manifest else None
    return Health(status="ok", quads=quads if quads is not None else len(graph), backend=graph.store.name,
                  release=graph.release.name if graph.release else None, built_at=manifest.get("built_at"))


@router.get("/stats", summary="Counts per class, provenance coverage and per-ISCM completeness")
def stats(request: Request, graph: GraphDep) -> dict[str, Any]:
    from api.routes import sparql

    # the SPARQL counters (requests, refusals, timeouts, worker crashes) change; the graph's do not
    return {**graph_stats(graph), "sparql": sparql.stats(request.app)}
