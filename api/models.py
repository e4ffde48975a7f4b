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
    start: str | None = Field(None, description="first day of the tenure (ISO date; see since for its precision)")
    end: str | None = Field(None, description="last day of the tenure; null while it holds")
    since: str | None = Field(None, description="the start as people read it: 2015, 2015-05 or a date; "
                                                "≈ when it is the earliest evidence (held at least since then)")
    until: str | None = Field(None, description="the end as people read it (null while it holds)")
    start_inferred: bool = Field(False, description="the start is the earliest evidence, not a stated start")
    start_basis: str | None = Field(None, description="explicit, evidence, inferred-evidence, established, bloc-…")
    end_reason: str | None = Field(None, description="why it ended: until, omitted, exit, role-change, successor, "
                                                     "suspended, iscm-ended, iscm-dormant, iscm-succeeded, bloc-exit")
    end_inferred: bool = False
    last_seen: str | None = Field(None, description="date of the latest evidence")
    derived: bool = Field(False, description="held through a bloc (see via), not named by a source")
    evidence: int | None = Field(None, description="number of sourced claims the tenure rests on")
    current: bool | None = Field(None, description="holds on the release date")
    as_of: str | None = Field(None, description="date the newest source says this holds")
    as_of_inferred: bool = Field(False, description="that source carries no date; as_of was inferred")
    as_of_label: str | None = Field(None, description="as_of as people read it: 2019, 2019-05 or a date; ≈ when "
                                                      "inferred")
    source: str | None = Field(None, description="URL (or document and locator) of the newest source")
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


class SourceRef(BaseModel):
    n: int = Field(description="the number rows cite")
    key: str = Field(description="the page URL, or the source's IRI for a document")
    url: str | None = None
    title: str | None = None
    publisher: str | None = None
    accessed: str | None = Field(None, description="when the page was read, if recorded")
    locator: str | None = Field(None, description="page, section or line in a document")
    kind: str | None = Field(None, description="primary (the ISCM's, a State's or a union's own), igo, press or "
                                                "secondary (a copy, wiki, aggregator, NGO or reference work)")
    published: str | None = Field(None, description="the date the document itself carries, if recorded")
    copy_of: str | None = Field(None, description="for a secondary copy: what it copies")
    as_of: str | None = Field(None, description="the newest date the cited facts hold")


class StateProfile(BaseModel):
    id: str = Field(examples=["MAR"])
    label: str
    type: str
    identifiers: dict[str, str] = Field({}, description="the same entity in other registries: wikidata (QID) "
                                                       "and wikidata_uri (its skos:exactMatch)")
    region: str | None = None
    subregion: str | None = None
    as_of: str | None = Field(None, description="the year, month or date asked for (null: the release date)")
    iscm_count: int = Field(description="ISCMs the State is a member of (at as_of, or today)")
    iscms: list[MembershipOut]
    unions_and_igos: list[MembershipOut]
    history: list[MembershipOut] = Field(description="every ISCM tenure of the State, of any date")
    actions: list[dict[str, Any]]
    liaison: list[dict[str, Any]]
    events: StateEvents = StateEvents()
    source_list: list[SourceRef] = Field([], description="the sources cited above, numbered in order of first "
                                                        "citation, with title, publisher and date")


class ISCMProfile(BaseModel):
    id: str = Field(examples=["budapest-process"])
    label: str
    type: str
    identifiers: dict[str, str] = Field({}, description="the same entity in other registries: wikidata (QID) "
                                                       "and wikidata_uri (its skos:exactMatch)")
    as_of: str | None = Field(None, description="the year, month or date asked for (null: the release date)")
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
    chairs: list[MembershipOut] = Field(description="chairs, co-chairs and presidencies holding at as_of")
    chair_history: list[MembershipOut] = Field(description="every chair term, with its interval")
    secretariat: list[MembershipOut]
    partners: list[MembershipOut]
    former_members: list[MembershipOut] = Field(description="member tenures that ended before as_of")
    events: list[EventOut] = Field([], description="meetings held under the ISCM or attended by it")
    source_list: list[SourceRef] = Field([], description="the sources cited above, numbered in order of first "
                                                        "citation, with title, publisher and date")


class OrganisationProfile(BaseModel):
    id: str
    label: str
    type: str
    identifiers: dict[str, str] = Field({}, description="the same entity in other registries: wikidata (QID) "
                                                       "and wikidata_uri (its skos:exactMatch)")
    as_of: str | None = Field(None, description="the year, month or date asked for (null: the release date)")
    roles_in_iscms: list[MembershipOut]
    members: list[MembershipOut]
    source_list: list[SourceRef] = Field([], description="the sources cited above, numbered in order of first "
                                                        "citation, with title, publisher and date")


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
    filters: dict[str, Any] | None = Field(None, description="the time and ISCM filters that produced the rows")
    note: str | None = Field(None, description="how the rows were computed, where a reader must know it (e.g. "
                                               "betweenness estimated from sampled sources on a very large graph)")
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


class EntityFact(BaseModel):
    property: str
    value: str | None = None
    id: str | None = Field(None, description="the entity the value names, if any")
    type: str | None = Field(None, description="that entity's type (state, iscm, organisation, …)")


class EntityDetails(BaseModel):
    id: str
    label: str
    type: str
    start: str | None = None
    end: str | None = None
    facts: list[EntityFact]
    sources: list[SourceRef]
