"""Dependencies shared by the routes: the loaded graph (the one read model, read-only, built at start-up),
settings, the SPARQL admission gate, and bounded pagination. Routes read the application's state only
through these, never ``request.app.state`` themselves."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from functools import partial
from typing import Annotated, Any, Literal

from fastapi import Depends, Query, Request

from api.admission import Gate
from api.config import Settings
from api.openapi30 import downgrade
from api.serving import Served, reload
from graph.loader import ISCMGraph
from graph.namespace import ISCM_KINDS, ISCM_STATUSES


def served_of(request: Request) -> Served:
    """The release this request reads, fixed at its first use (for code outside dependencies)."""
    # read once per request, so a reload between two dependencies cannot mix two releases
    if "served" not in request.scope.setdefault("state", {}):
        request.scope["state"]["served"] = request.app.state.served
    return request.scope["state"]["served"]


# The dependencies below only read the application's state: they are coroutines because FastAPI
# runs a plain ``def`` dependency in the thread pool, a thread hop (and a GIL hand-over, slow on a
# busy machine) per dependency per request for a dictionary read.


async def get_served(request: Request) -> Served:
    return served_of(request)


async def get_graph(request: Request) -> ISCMGraph:
    return served_of(request).graph


async def get_catalogue(request: Request) -> ISCMGraph:
    """The loaded graph (the name of the time when answers lived on a separate ``Catalogue``)."""
    return served_of(request).graph


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_gate(request: Request) -> Gate:
    return request.app.state.sparql_gate


async def get_reloader(request: Request) -> Callable[[], Awaitable[dict[str, Any]]]:
    """Switch this application to the build folder's current release (``POST /admin/reload``)."""
    return partial(reload, request.app)


def get_openapi_30(request: Request) -> dict[str, Any]:
    """The OpenAPI document downgraded to 3.0 (for the bundled Swagger UI), made once per application."""
    app = request.app
    doc = getattr(app.state, "openapi_30", None)
    if doc is None:
        doc = app.state.openapi_30 = downgrade(app.openapi())
    return doc


GraphDep = Annotated[ISCMGraph, Depends(get_graph)]
CatalogueDep = GraphDep  # the same read model; kept for routes written before it was one
ServedDep = Annotated[Served, Depends(get_served)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
GateDep = Annotated[Gate, Depends(get_gate)]
ReloaderDep = Annotated[Callable[[], Awaitable[dict[str, Any]]], Depends(get_reloader)]
OpenAPI30Dep = Annotated[dict[str, Any], Depends(get_openapi_30)]


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int


async def page_params(limit: Annotated[int, Query(ge=1, le=1000, description="rows per page (1-1000)")] = 100,
                offset: Annotated[int, Query(ge=0, le=10_000_000, description="rows to skip")] = 0) -> Page:
    return Page(limit, offset)


PageDep = Annotated[Page, Depends(page_params)]
# a year, a month or a real day of that month (29 February of any year: graph.temporal.period reads it
# as the month's last day in a common year)
AS_OF_PATTERN = (r"^(19|20|21)\d\d(-(0[1-9]|1[0-2])|-(0[13578]|1[02])-(0[1-9]|[12]\d|3[01])"
                 r"|-(0[469]|11)-(0[1-9]|[12]\d|30)|-02-(0[1-9]|1\d|2\d))?$")
AsOf = Annotated[str | None, Query(pattern=AS_OF_PATTERN,
                                   description="answer as of this year (2010: any day of it), month (2010-05) or "
                                               "date (2010-05-14); default: the release date",
                                   examples=["2010", "2019-06-30"])]


@dataclass(frozen=True)
class Filters:
    """Which ISCMs and tenures an answer counts; every table says which filter produced it."""

    kinds: tuple[str, ...] | None
    statuses: tuple[str, ...] | None
    derivation: str

    def describe(self, as_of: str | None) -> dict[str, object]:
        return {"as_of": as_of or "release date", "kinds": list(self.kinds) if self.kinds else "all",
                "statuses": list(self.statuses) if self.statuses else "all", "derivation": self.derivation}

    def kwargs(self) -> dict[str, object]:
        return {"kinds": self.kinds, "statuses": self.statuses, "derivation": self.derivation}


# the ontology's schemes (graph/namespace.py keeps them, tests/test_ontology.py checks them)
KINDS: tuple[str, ...] = ISCM_KINDS
STATUSES: tuple[str, ...] = ISCM_STATUSES
Kind = Literal[KINDS]  # type: ignore[valid-type]
Status = Literal[STATUSES]  # type: ignore[valid-type]


async def filter_params(
        kind: Annotated[list[Kind] | None, Query(description="ISCM kinds to count (repeat; default all)")] = None,
        status: Annotated[list[Status] | None, Query(description="ISCM statuses on the release date (repeat; "
                                                                 "default all)")] = None,
        derivation: Annotated[str, Query(pattern="^(all|named|derived)$",
                                         description="named (listed by a source), derived (held through a "
                                                     "bloc such as the EU or the UN) or all (default)")] = "all",
) -> Filters:
    return Filters(tuple(sorted(set(kind))) if kind else None, tuple(sorted(set(status))) if status else None,
                   derivation)


FiltersDep = Annotated[Filters, Depends(filter_params)]
