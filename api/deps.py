"""Dependencies shared by the routes: the loaded graph and its catalogue (read-only, built at start-up),
settings, and bounded pagination."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from api.config import Settings
from api.serving import Served
from graph.loader import ISCMGraph
from graph.profiles import Catalogue


def get_served(request: Request) -> Served:
    # read once per request, so a reload between two dependencies cannot mix two releases
    if "served" not in request.scope.setdefault("state", {}):
        request.scope["state"]["served"] = request.app.state.served
    return request.scope["state"]["served"]


def get_graph(request: Request) -> ISCMGraph:
    return get_served(request).graph


def get_catalogue(request: Request) -> Catalogue:
    return get_served(request).catalogue


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


GraphDep = Annotated[ISCMGraph, Depends(get_graph)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
ServedDep = Annotated[Served, Depends(get_served)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


def page_params(limit: Annotated[int, Query(ge=1, le=1000, description="rows per page (1-1000)")] = 100,
                offset: Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")] = 0) -> Page:
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(page_params)]
AsOf = Annotated[int | None, Query(ge=1900, le=2100, description="answer as of this year (default: today)")]
