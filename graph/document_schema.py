"""The schema of an ingested document file (``data/documents/<id>.yaml``): the document's record and
one pydantic model per kind of fact, told apart by ``type`` (docs/ingestion.md). Read and compiled by
:mod:`graph.documents`."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from graph.schema import HttpIri

Id = Annotated[str, Field(min_length=1, max_length=120)]


class Fact(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    line: int = Field(ge=1)
    text: str = ""


class MembershipFact(Fact):
    type: Literal["membership"]
    organisation: Id
    actor: Id
    role: str
    since: int | str | None = None
    until: int | str | None = None


class CooperationFact(Fact):
    type: Literal["cooperation"]
    iscm: Id
    partner: Id
    category: str = "other"
    intensity: Literal["official", "regular", "occasional"] | None = None


class SuccessionFact(Fact):
    type: Literal["succession"]
    predecessor: Id
    successor: Id
    year: int | None = None


class ThemeFact(Fact):
    type: Literal["theme"]
    subject: Id
    theme: str
    term: str = ""


class FundingFact(Fact):
    type: Literal["funding"]
    subject: Id
    description: str
    payer: Id | None = None
    amount: float | None = None
    currency: str | None = None
    per: str | None = None
    period: str | None = None


class StructureFact(Fact):
    type: Literal["structure"]
    subject: Id
    component: str
    description: str
    actors: list[Id] = []


class ContributionFact(Fact):
    type: Literal["contribution"]
    subject: Id
    level: str
    description: str
    actors: list[Id] = []


class SurveyReferenceFact(Fact):
    type: Literal["survey-reference"]
    subject: Id
    actor: Id
    value: str = ""


class ActionFact(Fact):
    type: Literal["action"]
    id: Id
    title: str
    programme: Id
    status: Literal["completed", "ongoing"]
    region: str | None = None
    topic: str | None = None
    themes: list[str] = []
    requesting_authority: str | None = None
    requesting_actor: Id | None = None
    beneficiaries: list[Id] = []
    experts_from: list[Id] = []
    non_state_experts_from: list[Id] = []
    expert_types: list[str] = []
    start: str | None = None
    end: str | None = None
    notes: str | None = None


class SupportedFact(Fact):
    type: Literal["supported"]
    programme: Id
    supported: Id


class Speaker(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    affiliation: str | None = None  # the document's wording
    affiliation_id: str | None = None  # the entity it resolved to, if any


class Session(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str
    number: str | None = None
    date: dt.date | None = None
    moderator: str | None = None

    def __str__(self) -> str:
        head = f"Session {self.number}: {self.title}" if self.number else self.title
        extra = "; ".join(x for x in (self.date.isoformat() if self.date else None,
                                      f"moderator {self.moderator}" if self.moderator else None) if x)
        return f"{head} ({extra})" if extra else head


class EventFact(Fact):
    type: Literal["event"]
    id: Id
    title: str
    iscm: Id | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    place: str | None = None
    country: Id | None = None
    hosts: list[Id] = []
    organisers: list[Id] = []
    participants: list[Id] = []
    sessions: list[Session | str] = []
    speakers: list[Speaker] = []
    topics: list[str] = []


class NetworkFact(Fact):
    type: Literal["network"]
    id: Id
    name: str
    legal_basis: list[str] = []
    officer_count: int | None = None
    approximate: bool = False
    managers_network: bool = False
    parent: Id | None = None


class DeploymentFact(Fact):
    type: Literal["deployment"]
    network: Id
    deployed_by: Id
    host_country: Id
    purpose: Literal["posting", "fact-finding"] = "posting"
    count: int | None = None
    approximate: bool = False


class NamedBodyFact(Fact):
    type: Literal["named-body"]
    subject: Id
    actor: Id
    description: str = ""


AnyFact = Annotated[
    MembershipFact | CooperationFact | SuccessionFact | ThemeFact | FundingFact | StructureFact
    | ContributionFact | SurveyReferenceFact | ActionFact | SupportedFact | EventFact | NetworkFact
    | DeploymentFact | NamedBodyFact,
    Field(discriminator="type"),
]


class DocumentInfo(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: Annotated[str, Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")]
    title: str
    kind: str
    file: str | None = None
    url: HttpIri | None = None
    sha256: str
    as_of: dt.date
    extractor: str
    ingested: dt.date
    facts_sha256: str | None = None


class DocumentFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    document: DocumentInfo
    facts: list[AnyFact] = []
