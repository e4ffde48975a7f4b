"""The FastAPI application. ``create_app`` loads the graph once; every request only reads it."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import problems, security
from api.config import Settings, get_settings
from api.routes import health, linked, maps, rest, sparql, web
from graph.loader import ISCMGraph, load
from graph.profiles import Catalogue
from graph.querypool import QueryPool

log = logging.getLogger("iscm.api")

DESCRIPTION = """Inter-State consultation mechanisms on migration (ISCMs), the States and organisations in
them, and the source and as-of date of every fact.

* **REST** under `/api`: search, profiles, lists with bounded paging (JSON, or CSV with `format=csv`),
  analytics (overlap, co-membership, centrality, communities, paths); `as_of=YEAR` answers for a past year.
* **SPARQL 1.1** at `/sparql` (read-only, time-limited, row-capped).
* **Linked data**: every entity IRI `https://w3id.org/iscm/id/...` resolves at `/id/...`; dumps at `/dumps`.
"""


def create_app(settings: Settings | None = None, *, graph: ISCMGraph | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        g = graph if graph is not None else load(settings.build_dir, backend=settings.backend)
        app.state.graph = g
        # query workers load the store while this process builds its tables
        app.state.query_pool = QueryPool(g.release, workers=settings.sparql_workers, backend=settings.backend,
                                         queue_timeout=settings.sparql_queue_timeout,
                                         memory=settings.sparql_memory_mb * 2**20) if g.release else None
        app.state.catalogue = Catalogue(g)
        app.state.catalogue.current  # noqa: B018 - build the membership tables before the first request
        # the loaded graph and tables live as long as the process: move them out of the collector's
        # generations so a collection during a request does not rescan them (tail latency)
        gc.collect()
        gc.freeze()
        app.state.graph_sizes = _graph_sizes(g)
        app.state.graph_names = set(app.state.graph_sizes)
        app.state.default_triples = g.manifest.get("triples") or sum(app.state.graph_sizes.values())
        app.state.sparql_gate = sparql.Gate(settings.sparql_workers, settings.sparql_per_client)
        if app.state.query_pool is not None:
            # serve only once the workers can answer: the query time limit counts a worker's start
            walled = await anyio.to_thread.run_sync(app.state.query_pool.warm)
            if not walled and settings.backend != "remote":
                log.warning("query workers run without the network wall (needs Linux seccomp)")
        try:
            yield
        finally:
            if app.state.query_pool is not None:
                app.state.query_pool.close()

    app = FastAPI(title="ISCM graph API", version="0.1.0", lifespan=lifespan, description=DESCRIPTION,
                  docs_url=None, redoc_url=None)
    app.state.settings = settings
    problems.install(app)
    security.install(app, settings.cors_origins)
    app.include_router(health.router)
    app.include_router(rest.router)
    app.include_router(sparql.router)
    app.include_router(linked.router)
    app.include_router(web.router)
    app.include_router(maps.router)
    app.mount("/static/swagger", StaticFiles(directory=_swagger_dir()), name="swagger")
    app.mount("/static", StaticFiles(directory=str(files("api").joinpath("static"))), name="static")
    return app


def _swagger_dir() -> str:
    import swagger_ui_bundle

    return str(Path(swagger_ui_bundle.swagger_ui_path))


def _graph_sizes(g: ISCMGraph) -> dict[str, int]:
    """Each named graph of the release and its number of triples (the service description lists them)."""
    from graph.store import SelectResult

    result = g.query("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")
    assert isinstance(result, SelectResult)
    return {str(row[0]): int(row[1].toPython()) for row in result.rows}
