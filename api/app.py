"""The FastAPI application. ``create_app`` loads the graph once; every request only reads it."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path

import anyio.to_thread
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api import problems, security, serving, warmup
from api.admission import Gate
from api.config import Settings, get_settings
from api.routes import (
    analytics,
    compare,
    details,
    dumps,
    health,
    linked,
    lists,
    maps,
    profiles,
    releases,
    search,
    sparql,
    timelines,
    web,
)
from api.sparql_front import SparqlFront
from graph.loader import ISCMGraph

log = logging.getLogger("iscm.api")

DESCRIPTION = """Inter-State consultation mechanisms on migration (ISCMs), the States and organisations in
them, and the source and as-of date of every fact.

* **REST** under `/api`: search, profiles, lists with bounded paging (JSON, or CSV with `format=csv`),
  analytics (overlap, co-membership, centrality, communities, paths); `as_of=YEAR` answers for a past year.
* **SPARQL 1.1** at `/sparql` (read-only, time-limited, row-capped).
* **Linked data**: every entity IRI `https://w3id.org/iscm/id/...` resolves at `/id/...`; dumps at `/dumps`.
"""
# the OpenAPI document's sections, in this order (not the order routes are matched in)
TAGS = ("meta", "search", "profiles", "lists", "timelines", "panels", "analytics", "releases", "sparql",
        "linked data", "maps")


def create_app(settings: Settings | None = None, *, graph: ISCMGraph | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        served = serving.open_served(settings, graph)
        # serve only once the workers can answer: the query time limit counts a worker's start
        await anyio.to_thread.run_sync(serving.warm, served, settings)
        serving.install(app, served)
        # warm up each release once it is served (this one, and each one a reload brings); only now:
        # beside start-up it made /health answer 4x later
        app.state.on_served = ((lambda new: warmup.start(new, app.state.activity)) if settings.precompute
                               else (lambda _new: None))
        app.state.on_served(served)
        app.state.sparql_gate = Gate(settings.sparql_workers, settings.sparql_per_client)
        app.state.reload_lock = asyncio.Lock()
        app.state.retiring = set()
        serving.install_sighup(app)
        # the loaded graph and tables live as long as the release: move them out of the collector's
        # generations so a collection during a request does not rescan them (tail latency)
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            for task in list(app.state.retiring):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.gather(*app.state.retiring, return_exceptions=True)
            app.state.served.retire()

    app = FastAPI(title="ISCM graph API", version="0.1.0", lifespan=lifespan, description=DESCRIPTION,
                  docs_url=None, redoc_url=None, openapi_tags=[{"name": t} for t in TAGS])
    app.state.settings = settings
    app.state.activity = warmup.Activity()  # requests in flight: the warm-up steps aside meanwhile
    problems.install(app)
    # innermost of our middleware: queries skip FastAPI's routing, yet keep the headers, CORS and HEAD
    app.add_middleware(SparqlFront)
    security.install(app, settings.cors_origins)
    app.add_middleware(warmup.CountRequests, activity=app.state.activity)
    app.include_router(health.router)
    # /sparql next: a request is matched against the routers in this order, and matching it as the
    # tenth cost ~0.5 ms per query (the document keeps its order through TAGS)
    app.include_router(sparql.router)
    # one router per resource
    for resource in (search, profiles, lists, timelines, analytics, compare):
        app.include_router(resource.router)
    app.include_router(details.router)
    app.include_router(releases.router)
    app.include_router(releases.wellknown)
    app.include_router(linked.router)
    app.include_router(dumps.router)
    app.include_router(web.router)
    app.include_router(maps.router)
    app.mount("/static/swagger", StaticFiles(directory=_swagger_dir()), name="swagger")
    app.mount("/static", StaticFiles(directory=str(files("api").joinpath("static"))), name="static")
    return app


def _swagger_dir() -> str:
    import swagger_ui_bundle

    return str(Path(swagger_ui_bundle.swagger_ui_path))
