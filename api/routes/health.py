"""Liveness, what is served, and the switch to a new release."""

from __future__ import annotations

import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Header, HTTPException
from pydantic import BaseModel

from api import admission
from api.deps import GateDep, ReloaderDep, ServedDep, SettingsDep
from api.models import PROBLEMS
from api.serving import health_problems
from graph.stats import graph_stats

router = APIRouter(tags=["meta"], responses=PROBLEMS)


class Health(BaseModel):
    status: str  # ok, or degraded (see problems)
    problems: list[str]
    quads: int
    backend: str
    release: str | None
    version: str | None
    built_at: str | None
    fingerprint: str | None
    cite: str | None  # how to cite the release served (more: /api/about)
    # the answers computed once /health answers (profiles, analytics, maps): off, running or done;
    # while running, first requests may wait for what is not warm yet
    warm_up: str


@router.get("/health", response_model=Health, summary="Is the service up, and what release does it serve?")
def health(served: ServedDep) -> Health:
    graph = served.graph
    manifest = graph.manifest
    problems = health_problems(served)
    # the release's manifest knows its size: counting the store on every call grows with the data
    quads = manifest.get("quads") if manifest else None
    return Health(status="degraded" if problems else "ok", problems=problems,
                  quads=quads if quads is not None else len(graph), backend=graph.store.name,
                  release=served.release_name, version=manifest.get("version"),
                  built_at=manifest.get("built_at"), fingerprint=manifest.get("fingerprint"),
                  cite=manifest.get("citation"), warm_up=served.warm_up)


@router.get("/stats", summary="Counts per class, provenance coverage and per-ISCM completeness")
def stats(served: ServedDep, gate: GateDep) -> dict[str, Any]:
    # the SPARQL counters (requests, refusals, timeouts, worker crashes) change; the graph's do not
    return {**served.graph.memo(("stats",), lambda: graph_stats(served.graph)),
            "sparql": admission.stats(gate, served.query_pool, served.sparql_cache)}


class Reloaded(BaseModel):
    changed: bool
    release: str | None
    previous: str | None


@router.post("/admin/reload", response_model=Reloaded, include_in_schema=False)
async def admin_reload(reload: ReloaderDep, settings: SettingsDep,
                       authorization: Annotated[str | None, Header()] = None) -> Reloaded:
    """Serve the build folder's current release (same as ``kill -HUP``); needs ``$ISCM_ADMIN_TOKEN``.
    No release to switch to is a :class:`BuildNotFoundError` (409): the loaded one stays served."""
    token = settings.admin_token.get_secret_value()
    if not token:
        raise HTTPException(403, "reload over HTTP is off: set ISCM_ADMIN_TOKEN (or send the process SIGHUP)")
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not hmac.compare_digest(given.encode(), token.encode()):
        raise HTTPException(401, "wrong or missing bearer token", headers={"WWW-Authenticate": "Bearer"})
    return Reloaded(**await reload())
