"""Curated meetings: ``data/events/<iscm-id>.yaml`` (and ``global-meetings.yaml``), checked and emitted.

Each file lists the meetings of one ISCM (``iscm: null`` for multi-ISCM meetings such as IOM's global
meetings of ISCM chairs and secretariats), every meeting with one of the file's ``sources`` and an
``as_of`` date. :func:`load_events` checks the files against the catalog (States, organisations and
ISCMs must exist; event ids are unique across files and ingested documents) and reports every
problem with file and line; :func:`emit_events` writes them into the curated graph as ``iscm:Event``
nodes. The format is described in ``data/README.md``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, field_validator, model_validator
from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from graph import countries
from graph.catalog import Catalog, Errors, read_folder
from graph.emitter import Emitter
from graph.namespace import EVENT_LEVEL, ISCM, PROV, entity
from graph.schema import Slug, SourceRecord, YearOrDate

EVENTS_DIR = "events"
# the concepts of ontology/iscm.ttl's iscm:EventLevelScheme (tests/test_events.py keeps them equal)
LEVELS = ("ministerial", "senior-officials", "expert", "thematic", "summit", "global-meeting", "other")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)  # a misspelt key fails, as in graph.schema


class Outcome(_Strict):
    """A document the meeting adopted or issued."""

    title: str
    url: str | None = None

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not re.match(r"^https?://[^\s/$.?#][^\s]*$", value):
            raise ValueError(f"not an http(s) URL: {value!r}")
        return value


class EventRecord(_Strict):
    """One meeting."""

    id: Slug
    title: str
    start: YearOrDate
    end: YearOrDate | None = None
    level: str
    place: str | None = None
    country: str | None = None
    hosts: list[str] = []
    chairs: list[str] = []
    organisers: list[str] = []
    iscms: list[str] = []
    participants: list[str] = []
    participants_complete: bool = False
    outcome: Outcome | None = None
    source: str
    as_of: YearOrDate
    as_of_inferred: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _dates(self) -> EventRecord:
        if self.end is not None and self.start.start() > self.end.end():
            raise ValueError(f"start {self.start} is after end {self.end}")
        if self.participants_complete and not self.participants:
            raise ValueError("participants_complete is true but no participants are listed")
        return self


class EventsFile(_Strict):
    """``data/events/<iscm-id>.yaml``."""

    iscm: Slug | None
    sources: dict[str, SourceRecord]
    events: list[EventRecord]

    @model_validator(mode="after")
    def _has_sources(self) -> EventsFile:
        if not self.sources:
            raise ValueError("sources is empty: every file needs at least one source")
        return self


@dataclass
class LoadedEvents:
    path: Path
    display: str
    doc: Any
    record: EventsFile


def load_events(data_dir: Path, cat: Catalog, errors: Errors, docs: list | None = None) -> list[LoadedEvents]:
    """Read and check every ``data/events/*.yaml``; problems go to ``errors`` (file:line each).

    ``docs``: the ingested documents (``(DocumentFile, display)`` pairs), whose event ids must not be reused.
    """
    taken: dict[str, str] = {}
    for doc, shown in docs or []:
        for fact in doc.facts:
            if getattr(fact, "type", None) == "event":
                taken[fact.id] = shown
    out: list[LoadedEvents] = []
    for found in read_folder(data_dir, EVENTS_DIR, EventsFile, errors):
        loaded = LoadedEvents(*found)
        _check_file(loaded, cat, errors, taken)
        out.append(loaded)
    return out


def _check_file(loaded: LoadedEvents, cat: Catalog, errors: Errors, taken: dict[str, str]) -> None:
    rec, doc, shown, stem = loaded.record, loaded.doc, loaded.display, loaded.path.stem
    if rec.iscm is not None:
        if rec.iscm != stem:
            errors.add(f"iscm {rec.iscm!r} differs from the file name {stem!r}", path=shown, doc=doc, loc=("iscm",))
        if rec.iscm not in cat.iscms:
            errors.add(f"unknown ISCM {rec.iscm!r} (no data/iscms/{rec.iscm}.yaml)", path=shown, doc=doc,
                       loc=("iscm",))
    elif stem in cat.iscms:
        errors.add(f"a file named after an ISCM needs 'iscm: {stem}'", path=shown, doc=doc, loc=("iscm",))
    org_ids = set(cat.organisations) | set(cat.unions)

    def check_actor(actor: str, loc: tuple) -> None:
        if countries.looks_alpha3(actor):
            if not countries.is_country_code(actor):
                errors.add(f"unknown country code {actor!r} (not ISO 3166-1 alpha-3 nor a documented "
                           "user-assigned code)", path=shown, doc=doc, loc=loc)
        elif actor not in org_ids:
            hint = ""
            if actor != actor.lower() and (code := countries.resolve_country_name(actor)):
                hint = f" (did you mean {code}?)"
            errors.add(f"unknown actor {actor!r}: not an ISO alpha-3 code, nor the id of an organisation "
                       f"(data/organisations.yaml, unions/, igos/){hint}", path=shown, doc=doc, loc=loc)

    for i, ev in enumerate(rec.events):
        loc = ("events", i)
        if ev.id in taken:
            errors.add(f"duplicate event id {ev.id!r} (already used in {taken[ev.id]})", path=shown, doc=doc,
                       loc=(*loc, "id"))
        taken[ev.id] = shown
        if rec.iscm is not None and not ev.id.startswith(rec.iscm + "-"):
            errors.add(f"event id {ev.id!r} must start with the ISCM id '{rec.iscm}-'", path=shown, doc=doc,
                       loc=(*loc, "id"))
        if ev.level not in LEVELS:
            errors.add(f"level {ev.level!r} is not one of {list(LEVELS)}", path=shown, doc=doc, loc=(*loc, "level"))
        if ev.source not in rec.sources:
            errors.add(f"source {ev.source!r} is not defined under 'sources' (defined: "
                       f"{', '.join(sorted(rec.sources))})", path=shown, doc=doc, loc=(*loc, "source"))
        if ev.as_of.start() > dt.date.today():
            errors.add(f"as_of {ev.as_of} is in the future", path=shown, doc=doc, loc=(*loc, "as_of"))
        if ev.country is not None and not (ev.country == ev.country.upper() and countries.is_country_code(ev.country)):
            errors.add(f"unknown country code {ev.country!r} for the venue", path=shown, doc=doc,
                       loc=(*loc, "country"))
        for key in ("hosts", "chairs", "organisers", "participants"):
            values = getattr(ev, key)
            for j, actor in enumerate(values):
                if actor in values[:j]:
                    errors.add(f"{actor!r} is listed twice", path=shown, doc=doc, loc=(*loc, key, j))
                check_actor(actor, (*loc, key, j))
        for j, other in enumerate(ev.iscms):
            if other not in cat.iscms:
                errors.add(f"unknown ISCM {other!r} (no data/iscms/{other}.yaml)", path=shown, doc=doc,
                           loc=(*loc, "iscms", j))
            elif other == rec.iscm:
                errors.add(f"iscms lists {other!r}, the file's own ISCM (list only the others)", path=shown,
                           doc=doc, loc=(*loc, "iscms", j))


def emit_events(loaded: list[LoadedEvents], graph: Graph, cat: Catalog) -> Graph:
    """Write the checked events into ``graph`` (the curated named graph), with State nodes for
    countries that only events name."""
    em = Emitter(graph, cat)
    for lf in loaded:
        for ev in lf.record.events:
            _event(em, lf.record, ev)
    em.country_nodes()  # the same triples as the catalog's for codes it already used: a set, no duplicates
    return graph


def _event(em: Any, rec: EventsFile, ev: EventRecord) -> None:
    add = em.add
    node = entity("event", ev.id)
    add(node, RDF.type, ISCM.Event)
    add(node, DCTERMS.identifier, Literal(ev.id))
    add(node, RDFS.label, Literal(ev.title))
    add(node, SKOS.prefLabel, Literal(ev.title, lang="en"))
    add(node, ISCM.eventLevel, EVENT_LEVEL[ev.level])
    if rec.iscm:
        add(node, ISCM.underISCM, entity("iscm", rec.iscm))
    # without an end the meeting fell within its start's day, month or year
    period = em.interval(ev.start, ev.end or ev.start)
    if period is not None:
        add(node, ISCM.period, period)
    if ev.place:
        add(node, ISCM.place, Literal(ev.place))
    if ev.country:
        add(node, ISCM.hostCountry, em.actor(ev.country))
    for pred, values in ((ISCM.host, ev.hosts), (ISCM.chairedBy, ev.chairs), (ISCM.organiser, ev.organisers),
                         (ISCM.participant, ev.participants)):
        for v in values:
            add(node, pred, em.actor(v))
    for other in ev.iscms:
        add(node, ISCM.participatingISCM, entity("iscm", other))
    if ev.participants:
        add(node, ISCM.participantsComplete, Literal(ev.participants_complete))
    if ev.outcome:
        out = entity("outcome", ev.id)
        add(node, ISCM.outcome, out)
        add(out, RDF.type, DCTERMS.BibliographicResource)
        add(out, DCTERMS.title, Literal(ev.outcome.title))
        add(out, RDFS.label, Literal(ev.outcome.title))
        if ev.outcome.url:
            add(out, FOAF.page, URIRef(ev.outcome.url))
    if ev.note:
        add(node, RDFS.comment, Literal(ev.note))
    add(node, PROV.wasDerivedFrom, em.source(rec.sources[ev.source]))
    em.as_of(node, ev.as_of, inferred=ev.as_of_inferred)  # the date, its precision, the inferred flag
