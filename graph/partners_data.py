"""Curated liaison networks and capacity-building programmes: ``data/networks/<id>.yaml`` and
``data/programmes/<id>.yaml``, checked and emitted.

A network file holds one liaison-officer network (legal bases with the period each applied, officer
counts, steering-board seats, deployments by host country with who deploys and since when); a
programme file holds one programme (MIEUX) with its phases, counts and actions (requesting
authority, partner countries or organisations, topic, period, expert-providing States and non-State
expert types). Every fact names one of the file's ``sources`` and an ``as_of`` date.

:func:`load_partners` checks the files against the catalog (States, organisations, unions, theme
ids, ids already taken by ingested documents) and reports every problem with file and line;
:func:`emit_partners` writes them into the curated graph. Facts ingested from documents
(``data/documents/``) stay as they are; a curated network may share its id with a document's
network (the document's deployments then attach to it), a curated action may not reuse a
document's action id. The format is described in ``data/README.md``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from rdflib import RDF, RDFS, SKOS, Graph, URIRef
from rdflib import Literal as Lit
from rdflib.namespace import DCTERMS, FOAF, XSD

from graph import countries
from graph.catalog import Catalog, Errors, Vocabulary, digest, read_folder
from graph.emitter import Emitter
from graph.namespace import ACTION_STATUS, EXPERT_TYPE, ISCM, ORG, ROLE, THEME, entity
from graph.schema import HttpIri, PartialDate, Slug, SourceRecord, YearOrDate

NETWORKS_DIR = "networks"
PROGRAMMES_DIR = "programmes"
EXPERT_TYPES = ("academia", "private-consultant", "ngo", "international-organisation")
BOARD_ROLES = ("chair", "steering-committee-member", "observer")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # a misspelt key fails, as in graph.schema


class _Dated(_Strict):
    source: str
    as_of: YearOrDate
    as_of_inferred: bool = False
    note: str | None = None


def _ordered(since: PartialDate | None, until: PartialDate | None) -> None:
    if since is not None and until is not None and since.start() > until.end():
        raise ValueError(f"since/start {since} is after until/end {until}")


class LegalAct(_Dated):
    """A legal act a network rests on, with the period it applied."""

    act: str
    url: HttpIri | None = None
    adopted: YearOrDate | None = None
    since: YearOrDate | None = None  # applies from
    until: YearOrDate | None = None  # last day it applied (repealed, replaced)

    @model_validator(mode="after")
    def _dates(self) -> LegalAct:
        _ordered(self.since, self.until)
        return self


class CountClaim(_Dated):
    value: int = Field(ge=0)
    approximate: bool = False


class BoardSeat(_Dated):
    """Who sits on the steering board: named actors, or ``via`` a union (each member State one seat)."""

    role: str = "steering-committee-member"
    actors: list[str] = []
    via: str | None = None
    seats: int | None = Field(default=None, ge=1)
    since: YearOrDate | None = None
    until: YearOrDate | None = None

    @model_validator(mode="after")
    def _who(self) -> BoardSeat:
        if not self.actors and not self.via:
            raise ValueError("a board seat needs actors or via")
        _ordered(self.since, self.until)
        return self


class DeploymentRecord(_Dated):
    """Officers of the network in one host country (or a region), deployed by whom, since when."""

    deployed_by: list[str] = Field(min_length=1)
    host: str | None = None
    region: str | None = None
    based_in: str | None = None
    covers: list[str] = []
    since: YearOrDate | None = None
    until: YearOrDate | None = None
    count: int | None = Field(default=None, ge=0)
    approximate: bool = False
    purpose: Literal["posting", "fact-finding"] = "posting"

    @model_validator(mode="after")
    def _where(self) -> DeploymentRecord:
        if self.host is None and self.region is None:
            raise ValueError("a deployment needs a host country or a region")
        _ordered(self.since, self.until)
        return self


class NetworkFile(_Strict):
    """``data/networks/<id>.yaml``."""

    id: Slug
    name: str
    acronym: str | None = None
    alt_names: list[str] = []
    description: str | None = None
    website: HttpIri | None = None
    parent: Slug | None = None
    sources: dict[str, SourceRecord]
    legal_basis: list[LegalAct] = []
    officer_counts: list[CountClaim] = []
    board: list[BoardSeat] = []
    deployments: list[DeploymentRecord] = []


class Phase(_Dated):
    name: str
    since: YearOrDate | None = None
    until: YearOrDate | None = None

    @model_validator(mode="after")
    def _dates(self) -> Phase:
        _ordered(self.since, self.until)
        return self


class ActionRecord(_Dated):
    """One capacity-building action."""

    id: Slug
    title: str
    status: Literal["completed", "ongoing"]
    partners: list[str] = []  # the countries or organisations the action served
    region: str | None = None
    requesting_authority: str | None = None  # as the source words it
    requesting_actor: str | None = None  # the State or organisation that authority belongs to
    topic: str | None = None
    themes: list[str] = []
    experts_from: list[str] = []
    non_state_experts_from: list[str] = []
    expert_types: list[str] = []
    start: YearOrDate | None = None
    end: YearOrDate | None = None

    @model_validator(mode="after")
    def _dates(self) -> ActionRecord:
        _ordered(self.start, self.end)
        if self.status == "ongoing" and self.end is not None and self.end.end() < self.as_of.start():
            raise ValueError(f"status ongoing but the action ended ({self.end}) before as_of {self.as_of}")
        return self


class ProgrammeFile(_Strict):
    """``data/programmes/<id>.yaml``: ``programme`` is an organisation id of type programme."""

    programme: Slug
    sources: dict[str, SourceRecord]
    phases: list[Phase] = []
    action_counts: list[CountClaim] = []
    actions: list[ActionRecord] = []


@dataclass
class LoadedFile:
    path: Path
    display: str
    doc: Any
    record: NetworkFile | ProgrammeFile


@dataclass
class Partners:
    networks: list[LoadedFile]
    programmes: list[LoadedFile]


def _read(data_dir: Path, folder: str, model: type, errors: Errors) -> list[LoadedFile]:
    return [LoadedFile(*found) for found in read_folder(data_dir, folder, model, errors)]


def load_partners(data_dir: Path, cat: Catalog, vocab: Vocabulary, errors: Errors,
                  docs: list | None = None) -> Partners:
    """Read and check every network and programme file; problems go to ``errors`` (file:line each).

    ``docs``: the ingested documents (``(DocumentFile, display)`` pairs), whose action ids must not be reused.
    """
    taken: dict[str, str] = {}
    for doc, shown in docs or []:
        for fact in doc.facts:
            if getattr(fact, "type", None) == "action":
                taken[fact.id] = shown
    nets = _read(data_dir, NETWORKS_DIR, NetworkFile, errors)
    progs = _read(data_dir, PROGRAMMES_DIR, ProgrammeFile, errors)
    net_ids = {lf.record.id for lf in nets}
    for lf in nets:
        _check_network(lf, cat, vocab, errors, net_ids)
    for lf in progs:
        _check_programme(lf, cat, vocab, errors, taken)
    return Partners(nets, progs)


class _Checker:
    """Checks shared by both kinds of file, each problem reported at its record's line."""

    def __init__(self, lf: LoadedFile, cat: Catalog, errors: Errors) -> None:
        self.lf, self.cat, self.errors = lf, cat, errors
        self.orgs = set(cat.organisations) | set(cat.unions)

    def add(self, message: str, loc: tuple) -> None:
        self.errors.add(message, path=self.lf.display, doc=self.lf.doc, loc=loc)

    def dated(self, item: _Dated, loc: tuple) -> None:
        if item.source not in self.lf.record.sources:
            self.add(f"source {item.source!r} is not defined under 'sources' (defined: "
                     f"{', '.join(sorted(self.lf.record.sources))})", (*loc, "source"))
        if item.as_of.start() > dt.date.today():
            self.add(f"as_of {item.as_of} is in the future", (*loc, "as_of"))

    def country(self, code: str, loc: tuple) -> None:
        if not (code == code.upper() and len(code) == 3 and countries.is_country_code(code)):
            hint = f" (did you mean {c}?)" if (c := countries.resolve_country_name(code)) else ""
            self.add(f"unknown country code {code!r}: expected ISO 3166-1 alpha-3{hint}", loc)

    def actor(self, actor: str, loc: tuple) -> None:
        if actor == actor.upper() and len(actor) == 3:
            self.country(actor, loc)
        elif actor not in self.orgs:
            hint = f" (did you mean {c}?)" if actor != actor.lower() and (
                c := countries.resolve_country_name(actor)) else ""
            self.add(f"unknown actor {actor!r}: not an ISO alpha-3 code, nor the id of an organisation "
                     f"(data/organisations.yaml, unions/, igos/){hint}", loc)

    def actors(self, values: list[str], loc: tuple) -> None:
        for j, a in enumerate(values):
            if a in values[:j]:
                self.add(f"{a!r} is listed twice", (*loc, j))
            self.actor(a, (*loc, j))


def _check_network(lf: LoadedFile, cat: Catalog, vocab: Vocabulary, errors: Errors, net_ids: set[str]) -> None:
    rec = lf.record
    assert isinstance(rec, NetworkFile)
    ck = _Checker(lf, cat, errors)
    if rec.id != lf.path.stem:
        ck.add(f"id {rec.id!r} differs from the file name {lf.path.stem!r}", ("id",))
    if rec.id in cat.iscms or rec.id in cat.organisations or rec.id in cat.unions:
        ck.add(f"id {rec.id!r} is already used by an ISCM, union or organisation", ("id",))
    if rec.parent is not None and rec.parent not in net_ids:
        ck.add(f"parent {rec.parent!r} is not a network in data/networks/", ("parent",))
    for key in ("legal_basis", "officer_counts", "board", "deployments"):
        for i, item in enumerate(getattr(rec, key)):
            ck.dated(item, (key, i))
    for i, seat in enumerate(rec.board):
        if seat.role not in BOARD_ROLES or seat.role not in vocab.roles:
            ck.add(f"role {seat.role!r} is not one of {list(BOARD_ROLES)}", ("board", i, "role"))
        ck.actors(seat.actors, ("board", i, "actors"))
        if seat.via is not None and seat.via not in cat.unions:
            ck.add(f"via {seat.via!r} is not a union or IGO in data/unions/ or data/igos/", ("board", i, "via"))
    for i, dep in enumerate(rec.deployments):
        ck.actors(dep.deployed_by, ("deployments", i, "deployed_by"))
        if dep.host is not None:
            ck.country(dep.host, ("deployments", i, "host"))
        for j, c in enumerate(dep.covers):
            ck.country(c, ("deployments", i, "covers", j))


def _check_programme(lf: LoadedFile, cat: Catalog, vocab: Vocabulary, errors: Errors,
                     taken: dict[str, str]) -> None:
    rec = lf.record
    assert isinstance(rec, ProgrammeFile)
    ck = _Checker(lf, cat, errors)
    if rec.programme != lf.path.stem:
        ck.add(f"programme {rec.programme!r} differs from the file name {lf.path.stem!r}", ("programme",))
    org = cat.organisations.get(rec.programme)
    if org is None or org[0].type != "programme":
        ck.add(f"programme {rec.programme!r} is not an organisation of type programme in "
               "data/organisations.yaml", ("programme",))
    for key in ("phases", "action_counts", "actions"):
        for i, item in enumerate(getattr(rec, key)):
            ck.dated(item, (key, i))
    for i, act in enumerate(rec.actions):
        loc = ("actions", i)
        if act.id in taken:
            ck.add(f"duplicate action id {act.id!r} (already used in {taken[act.id]})", (*loc, "id"))
        taken[act.id] = lf.display
        if not act.id.startswith(rec.programme + "-"):
            ck.add(f"action id {act.id!r} must start with the programme id '{rec.programme}-'", (*loc, "id"))
        for key in ("partners", "experts_from", "non_state_experts_from"):
            ck.actors(getattr(act, key), (*loc, key))
        if act.requesting_actor is not None:
            ck.actor(act.requesting_actor, (*loc, "requesting_actor"))
        for j, t in enumerate(act.themes):
            if t not in vocab.themes:
                ck.add(f"unknown theme {t!r}; themes are the ids of ontology/iscm.ttl's theme scheme",
                       (*loc, "themes", j))
        for j, t in enumerate(act.expert_types):
            if t not in EXPERT_TYPES:
                ck.add(f"expert type {t!r} is not one of {list(EXPERT_TYPES)}", (*loc, "expert_types", j))


# ----------------------------------------------------------------------------------- emitting


def emit_partners(partners: Partners, graph: Graph, cat: Catalog) -> Graph:
    """Write the checked networks and programmes into ``graph`` (the curated named graph)."""

    em = Emitter(graph, cat)
    for lf in partners.networks:
        _network(em, lf.record)
    for lf in partners.programmes:
        _programme(em, lf.record)
    em.country_nodes()  # State nodes for codes only these files use (a set: no duplicates)
    return graph


def _claim(em: Any, subject: URIRef, prop: URIRef, value: Any, item: _Dated, sources: dict, *key: Any) -> URIRef:

    node = entity("claim", digest(subject, prop, value, item.source, item.as_of.start(), *key))
    em.add(node, RDF.type, ISCM.Claim)
    em.add(node, ISCM.subject, subject)
    em.add(node, ISCM.property, prop)
    em.add(node, ISCM.value, value)
    if item.note:
        em.add(node, RDFS.comment, Lit(item.note))
    em.provenance(node, item, sources)
    return node


def _newest(items: list) -> Any:
    return max(items, key=lambda x: x.as_of.start()) if items else None


def _network(em: Any, rec: NetworkFile) -> None:
    node = entity("network", rec.id)
    add = em.add
    add(node, RDF.type, ISCM.LiaisonNetwork)
    add(node, RDF.type, ORG.OrganizationalCollaboration)
    add(node, DCTERMS.identifier, Lit(rec.id))
    add(node, SKOS.prefLabel, Lit(rec.name, lang="en"))
    add(node, RDFS.label, Lit(rec.name, lang="en"))
    if rec.acronym:
        add(node, ISCM.acronym, Lit(rec.acronym))
    for alt in rec.alt_names:
        add(node, SKOS.altLabel, Lit(alt, lang="en"))
    if rec.description:
        add(node, RDFS.comment, Lit(rec.description, lang="en"))
    if rec.website:
        add(node, FOAF.homepage, URIRef(rec.website))
    if rec.parent:
        add(node, ORG.subOrganizationOf, entity("network", rec.parent))
    dates = [i.as_of.start() for k in ("legal_basis", "officer_counts", "board", "deployments")
             for i in getattr(rec, k)]
    if dates:
        add(node, ISCM.asOf, Lit(max(dates), datatype=XSD.date))
    _network_claims(em, node, rec)
    _board(em, node, rec)
    for i, dep in enumerate(rec.deployments):
        _deployment(em, node, rec, i, dep)


def _network_claims(em: Any, node: URIRef, rec: NetworkFile) -> None:
    """The legal bases and officer counts, each a claim; the newest count is also the network's own."""
    add, srcs = em.add, rec.sources
    for act in rec.legal_basis:
        add(node, ISCM.legalBasis, Lit(act.act))
        claim = _claim(em, node, ISCM.legalBasis, Lit(act.act), act, srcs)
        if (period := em.interval(act.since, act.until)) is not None:
            add(claim, ISCM.period, period)
        if act.url:
            add(claim, FOAF.page, URIRef(act.url))
        if act.adopted:
            add(claim, DCTERMS.date, Lit(act.adopted.start(), datatype=XSD.date))
    for count in rec.officer_counts:
        claim = _claim(em, node, ISCM.officerCount, Lit(count.value), count, srcs)
        add(claim, ISCM.approximate, Lit(count.approximate))
    if newest := _newest(rec.officer_counts):  # the newest count is the network's; every count is a claim
        add(node, ISCM.officerCount, Lit(newest.value))
        add(node, ISCM.approximate, Lit(newest.approximate))


def _board(em: Any, node: URIRef, rec: NetworkFile) -> None:
    """The board's seats, one claim per seat holder (or per bloc holding a seat)."""
    add, srcs = em.add, rec.sources
    for i, seat in enumerate(rec.board):
        for actor in seat.actors or [None]:
            value = em.actor(actor) if actor else entity("org", seat.via)
            claim = _claim(em, node, ISCM.boardSeat, value, seat, srcs, seat.role, i)
            add(claim, ORG.role, ROLE[seat.role])
            if seat.via and not actor:
                add(claim, ISCM.via, entity("org", seat.via))
            if seat.seats:
                add(claim, ISCM.seats, Lit(seat.seats))
            if (period := em.interval(seat.since, seat.until)) is not None:
                add(claim, ISCM.period, period)


def _deployment(em: Any, node: URIRef, rec: NetworkFile, i: int, dep: DeploymentRecord) -> None:
    """One posting (or fact-finding visit) of the network's officers: where, by whom, how many, when."""
    add, srcs = em.add, rec.sources
    d = entity("deployment", digest(rec.id, dep.host, dep.region, dep.source, dep.as_of.start(), i))
    add(d, RDF.type, ISCM.Deployment)
    add(d, ISCM.network, node)
    for who in dep.deployed_by:
        add(d, ISCM.deployedBy, em.actor(who))
    if dep.host:
        add(d, ISCM.hostCountry, em.actor(dep.host))
    for c in dep.covers:
        add(d, ISCM.covers, em.actor(c))
    if place := ", ".join(p for p in (dep.based_in, dep.region) if p):
        add(d, ISCM.place, Lit(place))
    add(d, ISCM.purpose, Lit(dep.purpose))
    if dep.count is not None:
        add(d, ISCM.officerCount, Lit(dep.count))
        add(d, ISCM.approximate, Lit(dep.approximate))
    if (period := em.interval(dep.since, dep.until)) is not None:
        add(d, ISCM.period, period)
    if dep.note:
        add(d, RDFS.comment, Lit(dep.note))
    em.provenance(d, dep, srcs)


def _programme(em: Any, rec: ProgrammeFile) -> None:
    prog, add, srcs = entity("org", rec.programme), em.add, rec.sources
    for i, phase in enumerate(rec.phases):
        claim = _claim(em, prog, ISCM.structure, Lit(phase.name), phase, srcs, i)
        add(claim, ISCM.component, Lit("phase"))
        if (period := em.interval(phase.since, phase.until)) is not None:
            add(claim, ISCM.period, period)
    for count in rec.action_counts:
        claim = _claim(em, prog, ISCM.contribution, Lit(count.value), count, srcs)
        add(claim, ISCM.approximate, Lit(count.approximate))
        add(claim, ISCM.level, Lit("actions implemented"))
    for act in rec.actions:
        node = entity("action", act.id)
        add(node, RDF.type, ISCM.CapacityBuildingAction)
        add(node, DCTERMS.identifier, Lit(act.id))
        add(node, RDFS.label, Lit(act.title))
        add(node, SKOS.prefLabel, Lit(act.title, lang="en"))
        add(node, ISCM.programme, prog)
        add(node, ISCM.actionStatus, ACTION_STATUS[act.status])
        if act.topic:
            add(node, ISCM.topic, Lit(act.topic))
        for t in act.themes:
            add(node, ISCM.theme, THEME[t])
        if act.region:
            add(node, ISCM.place, Lit(act.region))
        if act.requesting_actor:
            add(node, ISCM.requestingAuthority, em.actor(act.requesting_actor))
        if act.requesting_authority:
            add(node, ISCM.requestingAuthorityName, Lit(act.requesting_authority))
        for pred, values in ((ISCM.beneficiary, act.partners), (ISCM.expertsFrom, act.experts_from),
                             (ISCM.nonStateExpertsFrom, act.non_state_experts_from)):
            for v in values:
                add(node, pred, em.actor(v))
        for t in act.expert_types:
            add(node, ISCM.expertType, EXPERT_TYPE[t])
        if (period := em.interval(act.start, act.end)) is not None:
            add(node, ISCM.period, period)
        if act.note:
            add(node, RDFS.comment, Lit(act.note))
        em.provenance(node, act, srcs)
