"""REST: search, profiles, lists and analytics. JSON by default, CSV for tables.

Routes are plain ``def``: FastAPI runs them in its thread pool, so CPU work never blocks the
event loop. Everything they read was loaded once at start-up and is never written.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

import pandas as pd
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import BaseModel

from api.config import Settings
from api.deps import AS_OF_PATTERN, AsOf, CatalogueDep, FiltersDep, PageDep, ServedDep, SettingsDep
from api.models import PROBLEMS, ISCMProfile, OrganisationProfile, SearchHit, SearchResult, StateProfile, Table
from api.serving import Served
from graph import (
    analytics,
    details,
    panels,
    temporal,
)
from graph.errors import UnknownEntityError
from graph.profiles import Catalogue

router = APIRouter(prefix="/api", responses=PROBLEMS)

# table routes also answer CSV (format=csv or Accept: text/csv)
CSV_TABLE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "one page of the table"}}
_KINDS = "^(regional-consultative-process|interregional-forum|global-process)$"
Format = Annotated[str | None, Query(pattern="^(json|csv)$", description="json (default) or csv")]
Roles = Annotated[str, Query(pattern="^(members|members\\+observers|all)$",
                             description="members, members+observers or all roles")]


def _clean(value: Any) -> Any:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value


def table(df: pd.DataFrame, request: Request, page: PageDep, fmt: str | None, *, index: str | None = None,
          cache: tuple[Catalogue, tuple] | None = None, filters: dict[str, Any] | None = None) -> Response:
    """One page of ``df`` as JSON (``Table``) or CSV (``format=csv`` or ``Accept: text/csv``).

    ``cache=(catalogue, key)``: ``key`` names ``df`` fully (route and arguments), so the rendered page
    is kept with the catalogue's other per-release answers. ``filters``: the time and ISCM filters
    that produced ``df``, returned in the JSON and, for CSV too, in the ``X-ISCM-Filter`` header.
    """
    wants_csv = fmt == "csv" or (fmt is None and "text/csv" in request.headers.get("accept", ""))

    def render() -> tuple[str, str, int]:
        return _render_page(df, page, wants_csv, index, filters)

    if cache is not None:
        cat, key = cache
        body, media_type, total = cat.memo(("page", *key, page.offset, page.limit, wants_csv), render)
    else:
        body, media_type, total = render()
    headers = {"X-Total-Count": str(total)} if wants_csv else {}
    if filters is not None:
        # header values are Latin-1: anything else is percent-encoded
        headers["X-ISCM-Filter"] = quote("; ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                                                   for k, v in filters.items()), safe=" ;=,:-")
    return Response(body, media_type=media_type, headers=headers or None)


def _render_page(df: pd.DataFrame, page: PageDep, wants_csv: bool, index: str | None,
                 filters: dict[str, Any] | None = None) -> tuple[str, str, int]:
    if index is not None:
        df = df.reset_index().rename(columns={"index": index})
    total = len(df)
    window = df.iloc[page.offset: page.offset + page.limit]
    if wants_csv:
        buf = io.StringIO()
        window.to_csv(buf, index=False)
        return buf.getvalue(), "text/csv; charset=utf-8", total
    items = [{k: _clean(v) for k, v in row.items()} for row in window.to_dict(orient="records")]
    body = Table(filters=filters, total=total, limit=page.limit, offset=page.offset,
                 columns=[str(c) for c in df.columns], items=items)
    # already a validated Table: serialise it here instead of FastAPI validating it again
    return body.model_dump_json(), "application/json", total


# ------------------------------------------------------------------------------------ search

@router.get("/search", response_model=SearchResult, tags=["search"],
            summary="Find States, ISCMs and organisations by name, acronym, alias or ISO code")
def search(cat: CatalogueDep,
           q: Annotated[str, Query(min_length=1, max_length=200, description="e.g. Morocco, MAR, Puebla")],
           limit: Annotated[int, Query(ge=1, le=50)] = 10,
           type: Annotated[str | None, Query(pattern="^(state|iscm|union|organisation|network|action|event)$")] = None,
           ) -> SearchResult:
    hits = cat.search(q, limit=limit, types=(type,) if type else None)
    return SearchResult(query=q, hits=[SearchHit(**h.__dict__, url=_url(h.type, h.id)) for h in hits])


def _url(kind: str, entity_id: str) -> str:
    collection = {"state": "state", "iscm": "iscm", "union": "org", "organisation": "org",
                  "network": "network", "action": "action", "event": "event"}.get(kind, "org")
    return f"/id/{collection}/{entity_id}"


# ------------------------------------------------------------------------------------ profiles

@router.get("/states/{code}", response_model=StateProfile, tags=["profiles"],
            summary="A State's ISCMs by role, regional unions, capacity-building actions and liaison links")
def state_profile(cat: CatalogueDep, code: Annotated[str, Path(min_length=1, max_length=12)],
                  as_of: AsOf = None) -> Response:
    if not code.isalpha() or len(code) != 3:
        raise UnknownEntityError("ISO 3166-1 alpha-3 code", code)
    return _profile(cat, StateProfile, ("state", code.upper(), as_of),
                    lambda: details.with_sources(cat, cat.state_profile(code, as_of=as_of)))


@router.get("/iscms/{iscm_id}", response_model=ISCMProfile, tags=["profiles"],
            summary="An ISCM: kind, status, members, observers, chairs, secretariat, partners, themes, sources")
def iscm_profile(cat: CatalogueDep, iscm_id: str, as_of: AsOf = None) -> Response:
    return _profile(cat, ISCMProfile, ("iscm", iscm_id, as_of),
                    lambda: details.with_sources(cat, cat.iscm_profile(iscm_id, as_of=as_of)))


@router.get("/organisations/{org_id}", response_model=OrganisationProfile, tags=["profiles"],
            summary="An organisation or union: its roles in ISCMs and its members")
def organisation_profile(cat: CatalogueDep, org_id: str, as_of: AsOf = None) -> Response:
    return _profile(cat, OrganisationProfile, ("organisation", org_id, as_of),
                    lambda: details.with_sources(cat, cat.organisation_profile(org_id, as_of=as_of)))


def _profile(cat: Catalogue, model: type[BaseModel], key: tuple, compute: Callable[[], dict]) -> Response:
    # validated against the response model and serialised once per release, not on every request
    body = cat.memo(("json", *key), lambda: model.model_validate(compute()).model_dump_json())
    return Response(body, media_type="application/json")


# ------------------------------------------------------------------------------------ lists

@router.get("/iscms", response_model=Table, responses=CSV_TABLE,
            tags=["lists"], summary="ISCMs with kind, status and member count")
def list_iscms(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None,
               kind: Annotated[str | None, Query(pattern=_KINDS)] = None,
               status: Annotated[str | None, Query(pattern="^(active|dormant|succeeded|ended)$")] = None) -> Any:
    return table(cat.list_iscms(kind=kind, status=status), request, page, format,
                 cache=(cat, ("iscms", kind, status)))


@router.get("/states", response_model=Table, responses=CSV_TABLE,
            tags=["lists"],
            summary="States with the number of ISCMs they belong to (filter by count, region, role, year)")
def list_states(request: Request, cat: CatalogueDep, page: PageDep, filters: FiltersDep,
        format: Format = None,
                min_iscms: Annotated[int, Query(ge=0, le=1000)] = 0,
                region: Annotated[str | None, Query(max_length=60, description="UN M49 region or sub-region")] = None,
                role: Annotated[str, Query(pattern="^(member|observer|chair|secretariat|partner)$")] = "member",
                as_of: AsOf = None) -> Any:
    df = cat.list_states(min_iscms=min_iscms, region=region, role=role, as_of=as_of, **filters.kwargs())
    return table(df, request, page, format, cache=(cat, ("states", min_iscms, region, role, as_of, filters)),
                 filters=filters.describe(as_of))


@router.get("/organisations", response_model=Table, responses=CSV_TABLE,
            tags=["lists"], summary="Organisations and unions")
def list_organisations(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None,
                       type: Annotated[str | None, Query(pattern="^(organisation|union)$")] = None) -> Any:
    return table(cat.list_organisations(type=type), request, page, format, cache=(cat, ("organisations", type)))


@router.get("/actions", response_model=Table, responses=CSV_TABLE,
            tags=["lists"],
            summary="Capacity-building (MIEUX) actions with partner, requesting authority, expert-providing "
                    "States, non-State expert types, period, source and as-of date")
def list_actions(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None) -> Any:
    return table(cat.list_actions(), request, page, format, cache=(cat, ("actions",)))


# the AsOf pattern, but here "no as_of" means every action, not the release date
StartedBy = Annotated[str | None, Query(pattern=AS_OF_PATTERN,
                                        description="only actions started by the end of this year (2015), month "
                                                    "(2015-06) or date; default: every action")]


@router.get("/actions/expert-flows", response_model=Table, responses=CSV_TABLE, tags=["lists"],
            summary="Expert flows: expert-providing State → partner country or organisation, with the number "
                    "of actions")
def list_expert_flows(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None,
                      as_of: StartedBy = None,
                      programme: Annotated[str | None, Query(pattern="^[a-z0-9-]{1,80}$")] = None) -> Any:
    return table(cat.expert_flows(as_of=as_of, programme=programme), request, page, format,
                 cache=(cat, ("expert-flows", as_of, programme)))


@router.get("/networks", response_model=Table, responses=CSV_TABLE,
            tags=["lists"], summary="Liaison-officer networks: legal basis, officers, deployments, host countries")
def list_networks(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None) -> Any:
    return table(cat.list_networks(), request, page, format, cache=(cat, ("networks",)))


@router.get("/networks/deployments", response_model=Table, responses=CSV_TABLE, tags=["lists"],
            summary="Liaison deployments: network, host country, countries covered, who deploys, since and until")
def list_deployments(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None,
                     network: Annotated[str | None, Query(pattern="^[a-z0-9-]{1,80}$")] = None) -> Any:
    df = cat.list_deployments()
    if network is not None:
        df = df[df["network"] == network]
    return table(df, request, page, format, cache=(cat, ("deployments", network)))


Year = Annotated[int | None, Query(ge=1900, le=2100)]


@router.get("/events", response_model=Table, responses=CSV_TABLE,
            tags=["lists"],
            summary="Meetings with level, place, hosts, chairs, participants, source and as-of date")
def list_events(request: Request, cat: CatalogueDep, page: PageDep, format: Format = None,
                iscm: Annotated[str | None, Query(max_length=80, description="held under or attended by")] = None,
                state: Annotated[str | None, Query(max_length=80,
                                                   description="a State (alpha-3) or organisation id that "
                                                               "hosted, chaired or took part")] = None,
                role: Annotated[str | None, Query(pattern="^(host|chair|participant)$",
                                                  description="with state: only this part")] = None,
                year: Annotated[Year, Query(description="took place (partly) in this year")] = None,
                year_from: Annotated[Year, Query(alias="from")] = None,
                year_to: Annotated[Year, Query(alias="to")] = None,
                level: Annotated[str | None, Query(pattern="^(ministerial|senior-officials|expert|thematic|summit|"
                                                           "global-meeting|other)$")] = None) -> Any:
    filters = {"iscm": iscm, "state": _actor(state) if state else None, "role": role, "year": year,
               "year_from": year_from, "year_to": year_to, "level": level}
    return table(cat.list_events(**filters), request, page, format,
                 cache=(cat, ("events", *filters.values())))


@router.get("/memberships", response_model=Table, responses=CSV_TABLE,
            tags=["lists"],
            summary="Tenures with their interval, evidence and source (at the release date, as of a date, "
                    "every tenure, or every claim)")
def list_memberships(request: Request, cat: CatalogueDep, page: PageDep, filters: FiltersDep,
        format: Format = None,
                     iscm: Annotated[str | None, Query(max_length=80)] = None,
                     state: Annotated[str | None, Query(max_length=80)] = None,
                     role: Annotated[str | None, Query(max_length=40)] = None,
                     as_of: AsOf = None,
                     history: Annotated[bool, Query(description="every tenure of any date, not only those "
                                                                "holding at as_of")] = False,
                     claims: Annotated[bool, Query(description="the sourced claims themselves, of every date "
                                                               "(before the time model resolves them)")] = False,
                     ) -> Any:
    if claims:
        df = cat.memberships
        cols = ["organisation_id", "organisation_type", "actor_id", "actor_type", "role", "start", "end", "as_of",
                "as_of_inferred", "source_url", "complete_list", "via", "membership"]
    else:
        df = _filtered(cat.tenures if history else cat.memberships_at(as_of), filters)
        cols = ["organisation_id", "organisation_type", "actor_id", "actor_label", "actor_type", "role", "start",
                "end", "since", "until", "start_inferred", "end_reason", "derived", "via", "evidence", "as_of",
                "as_of_inferred", "source_url", "current"]
        df = df.assign(since=[temporal.label(d, p, inferred=i) for d, p, i in
                              zip(df["start"], df["start_precision"], df["start_inferred"], strict=True)],
                       until=[temporal.label(d, p, inferred=i) for d, p, i in
                              zip(df["end"], df["end_precision"], df["end_inferred"], strict=True)])
    if iscm:
        df = df[df["organisation_id"] == iscm]
    if state:
        df = df[df["actor_id"] == state.upper() if len(state) == 3 else df["actor_id"] == state]
    if role:
        df = df[df["role"] == role]
    return table(df[cols].rename(columns={"organisation_id": "organisation", "actor_id": "actor",
                                          "source_url": "source"}), request, page, format,
                 filters=None if claims else filters.describe(None if history else as_of) | {"history": history})


# ------------------------------------------------------------------------------------ timelines and panels

@router.get("/iscms/{iscm_id}/timeline", response_model=Table, responses=CSV_TABLE, tags=["timelines"],
            summary="An ISCM's members and observers per year, or (changes=true) its joins and leaves with sources")
def iscm_timeline(request: Request, cat: CatalogueDep, page: PageDep, iscm_id: str, format: Format = None,
                  changes: Annotated[bool, Query(description="joins and leaves instead of counts")] = False) -> Any:
    cat.entity(iscm_id, kind="iscm")
    if changes:
        roles = ("member", "observer", *temporal.ROTATING_ROLES)
        df = panels.changes(cat.tenures, organisation_id=iscm_id, roles=roles)
    else:
        df = panels.counts_per_year(cat.tenures, organisation_id=iscm_id, last_year=cat.g.release_date.year)
    return table(df, request, page, format, cache=(cat, ("iscm-timeline", iscm_id, changes)))


@router.get("/states/{code}/timeline", response_model=Table, responses=CSV_TABLE, tags=["timelines"],
            summary="Every role a State ever held, with its interval, evidence and source (joins and leaves)")
def state_timeline(request: Request, cat: CatalogueDep, page: PageDep, code: Annotated[str, Path(max_length=12)],
                   format: Format = None) -> Any:
    cat.entity(code, kind="state")
    df = panels.changes(cat.tenures, actor_id=code.upper())
    return table(df, request, page, format, cache=(cat, ("state-timeline", code.upper())))


@router.get("/panels/state-iscm-year", response_model=Table, responses=CSV_TABLE, tags=["panels"],
            summary="Panel: one row per State, ISCM and year of membership (codebook: docs/panels.md)")
def panel_state_iscm_year(request: Request, cat: CatalogueDep, page: PageDep, filters: FiltersDep,
        format: Format = None) -> Any:
    df = cat.panel("state-iscm-year", kinds=filters.kinds, derivation=filters.derivation)
    if filters.statuses:
        df = df[df["iscm"].isin(cat.list_iscms().query("status in @filters.statuses")["id"])]
    return table(df, request, page, format, cache=(cat, ("panel-siy", filters)), filters=filters.describe("every year"))


@router.get("/panels/dyad-year", response_model=Table, responses=CSV_TABLE, tags=["panels"],
            summary="Panel: pairs of States per year with the number of ISCMs both were members of")
def panel_dyad_year(request: Request, cat: CatalogueDep, page: PageDep, filters: FiltersDep,
        format: Format = None) -> Any:
    df = cat.panel("dyad-year", kinds=filters.kinds, derivation=filters.derivation)
    return table(df, request, page, format, cache=(cat, ("panel-dy", filters)), filters=filters.describe("every year"))


# ------------------------------------------------------------------------------------ analytics

Iscms = Annotated[list[str], Query(min_length=1, max_length=50, description="ISCM ids, repeat the parameter")]


def _analytic(name: str, request: Request, served: Served, settings: Settings, page: PageDep, fmt: str | None,
              *, index: str | None = None, described: dict[str, Any] | None = None, **values: Any) -> Response:
    """The table ``name`` of :mod:`graph.analytics`: default parameters computed once per release in
    this process (warmed at start-up), others in an analytics worker under the time limit; either
    way remembered per release, and each page rendered once."""
    cat = served.catalogue
    p = analytics.params(name, **values)
    key = ("analytics", name, p)
    pool = served.analytics_pool
    if pool is None or analytics.is_default(name, p) or cat.cached(key):
        df = cat.memo(key, lambda: analytics.compute(cat, name, p))
    else:
        df = cat.memo(key, lambda: pool.run(name, p, timeout=settings.analytics_timeout))
    return table(df, request, page, fmt, index=index, cache=(cat, key), filters=described)


@router.get("/analytics/states-in-all", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="States that belong to every one of the given ISCMs")
def states_in_all(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  iscm: Iscms, format: Format = None, as_of: AsOf = None, roles: Roles = "members") -> Any:
    _known(served.catalogue, iscm)
    return _analytic("states-in-all", request, served, settings, page, format, described=filters.describe(as_of),
                     iscm=sorted(set(iscm)), as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/states-in-any", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="States that belong to at least one of the given ISCMs")
def states_in_any(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  iscm: Iscms, format: Format = None, as_of: AsOf = None, roles: Roles = "members") -> Any:
    _known(served.catalogue, iscm)
    return _analytic("states-in-any", request, served, settings, page, format, described=filters.describe(as_of),
                     iscm=sorted(set(iscm)), as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/multi-membership", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="States by number of ISCMs (at least min_iscms)")
def multi_membership(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                     filters: FiltersDep, format: Format = None,
                     min_iscms: Annotated[int, Query(ge=0, le=1000)] = 1, as_of: AsOf = None,
                     roles: Roles = "members") -> Any:
    return _analytic("multi-membership", request, served, settings, page, format, index="state",
                     described=filters.describe(as_of), min_iscms=min_iscms, as_of=as_of, roles=roles,
                     **filters.kwargs())


@router.get("/analytics/comembership", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
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
            tags=["analytics"],
            summary="ISCM pairs: shared members, Jaccard, overlap coefficient")
def overlap_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  format: Format = None, min_shared: Annotated[int, Query(ge=0, le=1000)] = 1, as_of: AsOf = None,
                  roles: Roles = "members") -> Any:
    return _analytic("overlap", request, served, settings, page, format, described=filters.describe(as_of),
                     min_shared=min_shared, as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/centrality", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="Degree, betweenness, closeness and eigenvector centrality")
def centrality_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                     filters: FiltersDep, format: Format = None,
                     on: Annotated[str, Query(pattern="^(bipartite|projection)$")] = "bipartite",
                     as_of: AsOf = None, roles: Roles = "members") -> Any:
    return _analytic("centrality", request, served, settings, page, format,
                     index="node" if on == "bipartite" else "state", described=filters.describe(as_of),
                     on=on, as_of=as_of, roles=roles, **filters.kwargs())


@router.get("/analytics/communities", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
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
            tags=["analytics"],
            summary="States that bridge separate clusters of ISCMs")
def brokers_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  format: Format = None, resolution: Annotated[float, Query(gt=0, le=10)] = 1.0,
                  seed: Annotated[int, Query(ge=0, le=2**31)] = 42, as_of: AsOf = None) -> Any:
    return _analytic("brokers", request, served, settings, page, format, index="state",
                     described=filters.describe(as_of), resolution=resolution, seed=seed, as_of=as_of,
                     **filters.kwargs())


@router.get("/analytics/path", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="How two actors are connected: each hop with its relation and source")
def path_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
               source: Annotated[str, Query(alias="from", min_length=1, max_length=80)],
               target: Annotated[str, Query(alias="to", min_length=1, max_length=80)],
               format: Format = None, as_of: AsOf = None) -> Any:
    return _analytic("path", request, served, settings, page, format, source=_actor(source), target=_actor(target),
                     as_of=as_of)


@router.get("/analytics/ego", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="The relations around an actor, to a given depth (edge list)")
def ego_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
              actor: Annotated[str, Query(min_length=1, max_length=80)],
              depth: Annotated[int, Query(ge=0, le=3)] = 1, format: Format = None, as_of: AsOf = None) -> Any:
    return _analytic("ego", request, served, settings, page, format, actor=_actor(actor), depth=depth, as_of=as_of)


@router.get("/analytics/changes", response_model=Table, responses=CSV_TABLE,
            tags=["analytics"],
            summary="Which States joined or left which ISCMs between two years")
def changes_route(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep, filters: FiltersDep,
                  year_from: Annotated[int, Query(alias="from", ge=1900, le=2100)],
                  year_to: Annotated[int, Query(alias="to", ge=1900, le=2100)], format: Format = None) -> Any:
    return _analytic("changes", request, served, settings, page, format,
                     described=filters.describe(f"{year_from}..{year_to}"), year_from=year_from, year_to=year_to,
                     **filters.kwargs())


def _filtered(df: pd.DataFrame, filters: Any) -> pd.DataFrame:
    """Tenures of ISCMs of the filter's kinds and statuses, named or derived as asked (other bodies'
    tenures — unions, IGOs — have no kind or status and pass only when those filters are unset)."""
    if filters.kinds:
        df = df[df["organisation_kind"].isin(filters.kinds)]
    if filters.statuses:
        df = df[df["organisation_status"].isin(filters.statuses)]
    if filters.derivation != "all":
        df = df[df["derived"] == (filters.derivation == "derived")]
    return df


def _known(cat: Catalogue, ids: list[str]) -> None:
    """404 for an id that names no ISCM (a known ISCM with no members in the view is not unknown)."""
    for i in ids:
        cat.entity(i, kind="iscm")


def _actor(value: str) -> str:
    return value.upper() if len(value) == 3 and value.isalpha() else value
