"""Response models: what the REST API returns, documented in the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class MembershipOut(BaseModel):
    organisation: str
    organisation_label: str | None = None
    organisation_type: str | None = None
    actor: str
    actor_label: str | None = None
    actor_type: str | None = None
    role: str
    start: str | None = Field(None, description="start of the period, if the source gives one")
    end: str | None = Field(None, description="end of the period, if the source gives one")
    as_of: str | None = Field(None, description="date the source says this holds")
    source: str | None = Field(None, description="URL (or document and locator) of the source")
    complete_list: bool = False
    via: str | None = Field(None, description="union or IGO whose membership this follows")


class Claim(BaseModel):
    property: str | None = None
    value: str | None = None
    as_of: str | None = None
    source: str | None = None


class Related(BaseModel):
    relation: str
    other: str
    intensity: str | None = None
    as_of: str | None = None
    source: str | None = None


class EventOut(BaseModel):
    id: str
    title: str
    iscm: str | None = Field(None, description="the ISCM the meeting was held under")
    level: str | None = Field(None, description="ministerial, senior-officials, expert, thematic, summit, "
                                                "global-meeting or other")
    start: str | None = None
    end: str | None = None
    place: str | None = None
    country: str | None = Field(None, description="ISO alpha-3 of the venue")
    iscms: list[str] = Field([], description="other ISCMs that took part")
    source: str | None = Field(None, description="URL (or document and locator) of the source")
    as_of: str | None = Field(None, description="date the source says it")
    as_of_inferred: bool = False


class StateEvents(BaseModel):
    hosted: list[EventOut] = []
    chaired: list[EventOut] = []
    attended: list[EventOut] = Field([], description="meetings whose published participant list names the State")


class StateProfile(BaseModel):
    id: str = Field(examples=["MAR"])
    label: str
    type: str
    region: str | None = None
    subregion: str | None = None
    as_of: int | None = None
    iscm_count: int = Field(description="ISCMs the State is a member of (at as_of, or today)")
    iscms: list[MembershipOut]
    unions_and_igos: list[MembershipOut]
    history: list[MembershipOut] = Field(description="every ISCM claim about the State, of any date")
    actions: list[dict[str, Any]]
    liaison: list[dict[str, Any]]
    events: StateEvents = StateEvents()


class ISCMProfile(BaseModel):
    id: str = Field(examples=["budapest-process"])
    label: str
    type: str
    as_of: int | None = None
    kind: str | None = None
    status: str | None = None
    established: str | None = None
    website: str | None = None
    acronym: str | None = None
    themes: list[str]
    claims: list[Claim]
    related: list[Related]
    sources: list[str]
    member_count: int
    members: list[MembershipOut]
    observers: list[MembershipOut]
    chairs: list[MembershipOut]
    secretariat: list[MembershipOut]
    partners: list[MembershipOut]
    former_members: list[MembershipOut]
    events: list[EventOut] = Field([], description="meetings held under the ISCM or attended by it")


class OrganisationProfile(BaseModel):
    id: str
    label: str
    type: str
    as_of: int | None = None
    roles_in_iscms: list[MembershipOut]
    members: list[MembershipOut]


class SearchHit(BaseModel):
    id: str
    label: str
    type: str = Field(description="state, iscm, union, organisation, network, action or event")
    score: float = Field(description="1 = exact name, acronym or code; lower = partial or fuzzy match")
    matched: str = Field(description="the name that matched")
    url: str = Field(description="the entity's page in this API")


class SearchResult(BaseModel):
    query: str
    hits: list[SearchHit]


class Table(BaseModel):
    total: int = Field(description="rows before paging")
    limit: int
    offset: int
    columns: list[str]
    items: list[dict[str, Any]]


class Problem(BaseModel):
    """An error, as RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None


def _problem(description: str) -> dict[str, Any]:
    return {"model": Problem, "description": description,
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}


PROBLEMS: dict[int | str, dict[str, Any]] = {
    400: _problem("Bad request or query (the detail says what is wrong)"),
    404: _problem("Unknown id or code (named in the detail)"),
    406: _problem("No acceptable response format"),
    422: _problem("Invalid parameter"),
    503: _problem("Busy: too many concurrent queries; retry after the Retry-After seconds"),
    504: _problem("The query ran past the time limit and was stopped"),
}
