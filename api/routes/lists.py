"""Lists: ISCMs, States, organisations, actions, networks, meetings and memberships, with bounded
paging (JSON, or CSV with ``format=csv``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import AS_OF_PATTERN, AsOf, FiltersDep, GraphDep, PageDep
from api.models import PROBLEMS, Table
from api.tables import CSV_TABLE, Format, filtered, table
from graph import temporal
from graph.columns import Col
from graph.countries import actor_key
from graph.namespace import ISCM_KINDS, ISCM_STATUSES

router = APIRouter(prefix="/api", responses=PROBLEMS, tags=["lists"])

_KINDS = f"^({'|'.join(ISCM_KINDS)})$"
_STATUSES = f"^({'|'.join(ISCM_STATUSES)})$"
Year = Annotated[int | None, Query(ge=1900, le=2100)]


@router.get("/iscms", response_model=Table, responses=CSV_TABLE, summary="ISCMs with kind, status and member count")
def list_iscms(request: Request, cat: GraphDep, page: PageDep, format: Format = None,
               kind: Annotated[str | None, Query(pattern=_KINDS)] = None,
               status: Annotated[str | None, Query(pattern=_STATUSES)] = None) -> Any:
    return table(cat.list_iscms(kind=kind, status=status), request, page, format,
                 cache=(cat, ("iscms", kind, status)))


@router.get("/states", response_model=Table, responses=CSV_TABLE,
            summary="States with the number of ISCMs they belong to (filter by count, region, role, year)")
def list_states(request: Request, cat: GraphDep, page: PageDep, filters: FiltersDep,
                format: Format = None,
                min_iscms: Annotated[int, Query(ge=0, le=1000)] = 0,
                region: Annotated[str | None, Query(max_length=60, description="UN M49 region or sub-region")] = None,
                role: Annotated[str, Query(pattern="^(member|observer|chair|secretariat|partner)$")] = "member",
                as_of: AsOf = None) -> Any:
    df = cat.list_states(min_iscms=min_iscms, region=region, role=role, as_of=as_of, **filters.kwargs())
    return table(df, request, page, format, cache=(cat, ("states", min_iscms, region, role, as_of, filters)),
                 filters=filters.describe(as_of))


@router.get("/organisations", response_model=Table, responses=CSV_TABLE, summary="Organisations and unions")
def list_organisations(request: Request, cat: GraphDep, page: PageDep, format: Format = None,
                       type: Annotated[str | None, Query(pattern="^(organisation|union)$")] = None) -> Any:
    return table(cat.list_organisations(type=type), request, page, format, cache=(cat, ("organisations", type)))


@router.get("/actions", response_model=Table, responses=CSV_TABLE,
            summary="Capacity-building (MIEUX) actions with partner, requesting authority, expert-providing "
                    "States, non-State expert types, period, source and as-of date")
def list_actions(request: Request, cat: GraphDep, page: PageDep, format: Format = None) -> Any:
    return table(cat.list_actions(), request, page, format, cache=(cat, ("actions",)))


# the AsOf pattern, but here "no as_of" means every action, not the release date
StartedBy = Annotated[str | None, Query(pattern=AS_OF_PATTERN,
                                        description="only actions started by the end of this year (2015), month "
                                                    "(2015-06) or date; default: every action")]


@router.get("/actions/expert-flows", response_model=Table, responses=CSV_TABLE,
            summary="Expert flows: expert-providing State → partner country or organisation, with the number "
                    "of actions")
def list_expert_flows(request: Request, cat: GraphDep, page: PageDep, format: Format = None,
                      as_of: StartedBy = None,
                      programme: Annotated[str | None, Query(pattern="^[a-z0-9-]{1,80}$")] = None) -> Any:
    return table(cat.expert_flows(as_of=as_of, programme=programme), request, page, format,
                 cache=(cat, ("expert-flows", as_of, programme)))


@router.get("/networks", response_model=Table, responses=CSV_TABLE,
            summary="Liaison-officer networks: legal basis, officers, deployments, host countries")
def list_networks(request: Request, cat: GraphDep, page: PageDep, format: Format = None) -> Any:
    return table(cat.list_networks(), request, page, format, cache=(cat, ("networks",)))


@router.get("/networks/deployments", response_model=Table, responses=CSV_TABLE,
            summary="Liaison deployments: network, host country, countries covered, who deploys, since and until")
def list_deployments(request: Request, cat: GraphDep, page: PageDep, format: Format = None,
                     network: Annotated[str | None, Query(pattern="^[a-z0-9-]{1,80}$")] = None) -> Any:
    df = cat.list_deployments()
    if network is not None:
        df = df[df["network"] == network]
    return table(df, request, page, format, cache=(cat, ("deployments", network)))


@router.get("/events", response_model=Table, responses=CSV_TABLE,
            summary="Meetings with level, place, hosts, chairs, participants, source and as-of date")
def list_events(request: Request, cat: GraphDep, page: PageDep, format: Format = None,
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
    filters = {"iscm": iscm, "state": actor_key(state) if state else None, "role": role, "year": year,
               "year_from": year_from, "year_to": year_to, "level": level}
    return table(cat.list_events(**filters), request, page, format,
                 cache=(cat, ("events", *filters.values())))


@router.get("/memberships", response_model=Table, responses=CSV_TABLE,
            summary="Tenures with their interval, evidence and source (at the release date, as of a date, "
                    "every tenure, or every claim)")
def list_memberships(request: Request, cat: GraphDep, page: PageDep, filters: FiltersDep,
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
        df = filtered(cat.tenures if history else cat.memberships_at(as_of), filters)
        cols = ["organisation_id", "organisation_type", "actor_id", "actor_label", "actor_type", "role", "start",
                "end", "since", "until", "start_inferred", "end_reason", "derived", "via", "evidence", "as_of",
                "as_of_inferred", "source_url", "current"]
        df = df.assign(since=[temporal.label(d, p, inferred=i) for d, p, i in
                              zip(df[Col.START], df[Col.START_PRECISION], df[Col.START_INFERRED], strict=True)],
                       until=[temporal.label(d, p, inferred=i) for d, p, i in
                              zip(df[Col.END], df[Col.END_PRECISION], df[Col.END_INFERRED], strict=True)])
    if iscm:
        df = df[df[Col.ORGANISATION_ID] == iscm]
    if state:
        df = df[df[Col.ACTOR_ID] == actor_key(state)]
    if role:
        df = df[df[Col.ROLE] == role]
    return table(df[cols].rename(columns={"organisation_id": "organisation", "actor_id": "actor",
                                          "source_url": "source"}), request, page, format,
                 filters=None if claims else filters.describe(None if history else as_of) | {"history": history})
