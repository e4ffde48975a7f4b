"""The FastAPI application. ``create_app`` loads the graph once; every request reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.config import Settings, get_settings
from api.routes import health
from graph.loader import ISCMGraph, load


def create_app(settings: Settings | None = None, *, graph: ISCMGraph | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.graph = graph if graph is not None else load(settings.build_dir, backend=settings.backend)
        app.state.graph.memberships  # noqa: B018 - warm the membership table before the first request
        yield

    app = FastAPI(title="ISCM graph API", version="0.1.0", lifespan=lifespan,
                  description="Inter-State consultation mechanisms on migration, their members and partners, "
                              "with the source of every fact.")
    app.state.settings = settings
    app.include_router(health.router)
    return app
