"""Analytics: overlap, co-membership, centrality, communities, brokers, paths, ego networks, changes
(the tables of :mod:`graph.analytics`, each remembered per release)."""

from __future__ import annotations

import re
from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.config import Settings
from api.deps import AsOf, FiltersDep, PageDep, ServedDep, SettingsDep
from api.models import PROBLEMS, Table
from api.serving import Served
from api.tables import CSV_TABLE, Format, table
from graph import analytics
from graph.countries import actor_key
from graph.loader import ISCMGraph
from graph.views import ROLE_PRESETS

router = APIRouter(prefix="/api", responses=PROBLEMS, tags=["analytics"])

Roles = Annotated[str, Query(pattern=f"^({'|'.join(map(re.escape, ROLE_PRESETS))})$",
                             description="members, members+observers or all roles")]
Iscms = Annotated[list[str], Query(min_length=1, max_length=50, description="ISCM ids, repeat the parameter")]


def _analytic(name: str, request: Request, served: Served, settings: Settings, page: PageDep, fmt: str | None,
              *, index: str | None = None, described: dict[str, Any] | None = None, **values: Any) -> Response:
    """The table ``name`` of :mod:`graph.analytics`: default parameters computed once per release in
    this process (warmed at start-up), others in an analytics worker under the time limit; either
    way remembered per release, and each page rendered once."""
    cat = served.graph
    p = analytics.params(name, **values)
    key = analytics.memo_key(name, p)
    pool = served.analytics_pool

    def df() -> pd.DataFrame:  # only when the page asked for is not kept already
        if pool is None or analytics.is_default(name, p) or cat.cached(key):
            return cat.memo(key, lambda: analytics.compute(cat, name, p))
        return cat.memo(key, lambda: pool.run(name, p, timeout=settings.analytics_timeout))

    return table(df, request, page, fmt, index=index, cache=(cat, key), filters=described)


@router.get("/analytics/states-in-all", response_model=Table, responses=CSV_TABLE,
            summary="States that belong to every one of the given ISCMs")
def states_in_all(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  iscm: Iscms, format: Format = None, as_of: AsOf = None, roles: Roles = "members") -> Any:
    _known(served.graph, iscm)
    return _analytic("states-in-all", request, served, settings, page, format, described=filters.describe(as_of),
                     iscm=sorted(set(iscm)), as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/states-in-any", response_model=Table, responses=CSV_TABLE,
            summary="States that belong to at least one of the given ISCMs")
def states_in_any(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  iscm: Iscms, format: Format = None, as_of: AsOf = None, roles: Roles = "members") -> Any:
    _known(served.graph, iscm)
    return _analytic("states-in-any", request, served, settings, page, format, described=filters.describe(as_of),
                     iscm=sorted(set(iscm)), as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/multi-membership", response_model=Table, responses=CSV_TABLE,
            summary="States by number of ISCMs (at least min_iscms)")
def multi_membership(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                     filters: FiltersDep, format: Format = None,
                     min_iscms: Annotated[int, Query(ge=0, le=1000)] = 1, as_of: AsOf = None,
                     roles: Roles = "members") -> Any:
    return _analytic("multi-membership", request, served, settings, page, format, index="state",
                     described=filters.describe(as_of), min_iscms=min_iscms, as_of=as_of, roles=roles,
                     **filters.kwargs())


@router.get("/analytics/comembership", response_model=Table, responses=CSV_TABLE,
            summary="Pairs of States by shared ISCMs, or one State's closest partners")
def comembership_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                       filters: FiltersDep, format: Format = None,
                       state: Annotated[str | None, Query(min_length=3, max_length=3)] = None,
                       min_shared: Annotated[int, Query(ge=1, le=1000)] = 1, as_of: AsOf = None,
                       roles: Roles = "members") -> Any:
    return _analytic("comembership", request, served, settings, page, format, described=filters.describe(as_of),
                     state=state.upper() if state else None, min_shared=None if state else min_shared,
                     as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/overlap", response_model=Table, responses=CSV_TABLE,
            summary="ISCM pairs: shared members, Jaccard, overlap coefficient")
def overlap_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  format: Format = None, min_shared: Annotated[int, Query(ge=0, le=1000)] = 1, as_of: AsOf = None,
                  roles: Roles = "members") -> Any:
    return _analytic("overlap", request, served, settings, page, format, described=filters.describe(as_of),
                     min_shared=min_shared, as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/centrality", response_model=Table, responses=CSV_TABLE,
            summary="Degree, betweenness, closeness and eigenvector centrality")
def centrality_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                     filters: FiltersDep, format: Format = None,
                     on: Annotated[str, Query(pattern="^(bipartite|projection)$")] = "bipartite",
                     as_of: AsOf = None, roles: Roles = "members") -> Any:
    return _analytic("centrality", request, served, settings, page, format,
                     index="node" if on == "bipartite" else "state", described=filters.describe(as_of),
                     on=on, as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/communities", response_model=Table, responses=CSV_TABLE,
            summary="Louvain communities of States or ISCMs (seeded, so repeatable)")
def communities_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                      filters: FiltersDep, format: Format = None,
                      side: Annotated[str, Query(pattern="^(states|iscms)$")] = "states",
                      resolution: Annotated[float, Query(gt=0, le=10)] = 1.0,
                      seed: Annotated[int, Query(ge=0, le=2**31)] = 42, as_of: AsOf = None) -> Any:
    return _analytic("communities", request, served, settings, page, format, index="node",
                     described=filters.describe(as_of), side=side, resolution=resolution, seed=seed, as_of=as_of,
                     **filters.kwargs())


@router.get("/analytics/brokers", response_model=Table, responses=CSV_TABLE,
            summary="States that bridge separate clusters of ISCMs")
def brokers_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  format: Format = None, resolution: Annotated[float, Query(gt=0, le=10)] = 1.0,
                  seed: Annotated[int, Query(ge=0, le=2**31)] = 42, as_of: AsOf = None) -> Any:
    return _analytic("brokers", request, served, settings, page, format, index="state",
                     described=filters.describe(as_of), resolution=resolution, seed=seed, as_of=as_of,
                     **filters.kwargs())


@router.get("/analytics/path", response_model=Table, responses=CSV_TABLE,
            summary="How two actors are connected: each hop with its relation and source")
def path_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
               source: Annotated[str, Query(alias="from", min_length=1, max_length=80)],
               target: Annotated[str, Query(alias="to", min_length=1, max_length=80)],
               format: Format = None, as_of: AsOf = None) -> Any:
    return _analytic("path", request, served, settings, page, format, source=actor_key(source),
                     target=actor_key(target), as_of=as_of)


@router.get("/analytics/ego", response_model=Table, responses=CSV_TABLE,
            summary="The relations around an actor, to a given depth (edge list)")
def ego_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
              actor: Annotated[str, Query(min_length=1, max_length=80)],
              depth: Annotated[int, Query(ge=0, le=3)] = 1, format: Format = None, as_of: AsOf = None) -> Any:
    return _analytic("ego", request, served, settings, page, format, actor=actor_key(actor), depth=depth, as_of=as_of)


@router.get("/analytics/changes", response_model=Table, responses=CSV_TABLE,
            summary="Which States joined or left which ISCMs between two years")
def changes_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  year_from: Annotated[int, Query(alias="from", ge=1900, le=2100)],
                  year_to: Annotated[int, Query(alias="to", ge=1900, le=2100)], format: Format = None) -> Any:
    return _analytic("changes", request, served, settings, page, format,
                     described=filters.describe(f"{year_from}..{year_to}"), year_from=year_from, year_to=year_to,
                     **filters.kwargs())


def _known(cat: ISCMGraph, ids: list[str]) -> None:
    """404 for an id that names no ISCM (a known ISCM with no members in the view is not unknown)."""
    for i in ids:
        cat.entity(i, kind="iscm")
