"""Liveness and a summary of what is loaded."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
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
    return Health(status="ok", quads=len(graph), backend=graph.store.name,
                  release=graph.release.name if graph.release else None, built_at=manifest.get("built_at"))


@router.get("/stats", summary="Counts per class, provenance coverage and per-ISCM completeness")
def stats(graph: GraphDep) -> dict[str, Any]:
    return graph_stats(graph)
