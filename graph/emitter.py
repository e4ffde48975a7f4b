"""Emitting RDF for curated records: one :class:`Emitter` per named graph writes organisations,
ISCMs, facts with their claims and sources, memberships, and the country and region nodes; the
meetings loader (:mod:`graph.events_data`) emits through it too. Every node remembers the record
that produced it (``origins``) so a SHACL report can name file and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from graph import countries
from graph.catalog import Catalog, Loaded, digest
from graph.datafiles import format_loc, line_of
from graph.namespace import (
    INTENSITY,
    ISCM,
    KIND,
    ORG,
    PROV,
    ROLE,
    SOURCE_KIND,
    STATUS,
    THEME,
    TIME,
    WIKIDATA,
    entity,
)
from graph.schema import (
    CollaborationFile,
    Dated,
    Identifiers,
    MembershipBlock,
    OrganisationRecord,
    SourceRecord,
    YearOrDate,
)

ORG_CLASSES = {
    "igo": ISCM.IntergovernmentalOrganisation,
    "eu-body": ISCM.EUBody,
    "regional-union": ISCM.RegionalUnion,
    "civil-society": ISCM.CivilSocietyOrganisation,
    "private-sector": ISCM.PrivateSectorOrganisation,
    "academic": ISCM.AcademicInstitution,
    "government-agency": ISCM.GovernmentAgency,
    "programme": ISCM.Programme,
}


Origin = tuple[str, int | None, str]  # (file, line, record): where a node came from, for SHACL reports


class Emitter:
    def __init__(self, graph: Graph, cat: Catalog, origins: dict[URIRef, Origin] | None = None) -> None:
        self.g = graph
        self.cat = cat
        self.used_countries: set[str] = set()
        self.country_aliases: dict[str, list[str]] = {}
        self.sources: dict[tuple, URIRef] = {}
        # node → the record that produced it first; fact nodes → their own claim (see provenance)
        self.origins: dict[URIRef, Origin] = origins if origins is not None else {}
        self.at: Origin | None = None
        self.claims: dict[int, Origin] = {}  # id(fact or block) → its location

    # ---- small pieces
    def add(self, s: URIRef, p: URIRef, o: Any) -> None:
        self.g.add((s, p, o))
        if self.at is not None and s not in self.origins:
            self.origins[s] = self.at

    def locate(self, loaded: Loaded) -> None:
        """Remember where each fact and membership block of a file is, for :meth:`provenance`."""
        rec, doc, shown = loaded.record, loaded.doc, loaded.display
        self.at = (shown, line_of(doc, ()), rec.id)
        for name in type(rec.facts).model_fields:
            for n, fact in enumerate(getattr(rec.facts, name)):
                loc = ("facts", name, n)
                self.claims[id(fact)] = (shown, line_of(doc, loc), f"{rec.id}: {format_loc(loc)}")
        for n, block in enumerate(rec.memberships):
            loc = ("memberships", n)
            self.claims[id(block)] = (shown, line_of(doc, loc), f"{rec.id}: {format_loc(loc)}")

    def source(self, rec: SourceRecord) -> URIRef:
        key = (rec.url, rec.document, rec.locator)
        if key in self.sources:
            return self.sources[key]
        iri = entity("source", digest(*key))
        self.sources[key] = iri
        self.add(iri, RDF.type, ISCM.Source)
        if rec.url:
            self.add(iri, FOAF.page, URIRef(rec.url))
        if rec.document:
            self.add(iri, DCTERMS.isPartOf, Literal(rec.document))
        if rec.locator:
            self.add(iri, ISCM.locator, Literal(rec.locator))
        if rec.title:
            self.add(iri, DCTERMS.title, Literal(rec.title))
        if rec.publisher:
            self.add(iri, DCTERMS.publisher, Literal(rec.publisher))
        if rec.accessed:
            self.add(iri, DCTERMS.date, Literal(rec.accessed, datatype=XSD.date))
        self.add(iri, ISCM.sourceKind, SOURCE_KIND[rec.kind])
        if rec.published:
            self.add(iri, DCTERMS.issued, date_literal(rec.published))
        if rec.copy_of:
            self.add(iri, ISCM.copyOf, Literal(rec.copy_of))
        if rec.note:
            self.add(iri, RDFS.comment, Literal(rec.note))
        label = rec.title or rec.url or f"{rec.document}, {rec.locator}"
        self.add(iri, RDFS.label, Literal(label))
        return iri

    def provenance(self, node: URIRef, item: Dated, sources: dict[str, SourceRecord]) -> URIRef:
        if id(item) in self.claims:  # the fact's own record, not the file's first
            self.origins[node] = self.claims[id(item)]
        src = self.source(sources[item.source])
        self.add(node, PROV.wasDerivedFrom, src)
        self.as_of(node, item.as_of, inferred=item.as_of_inferred)
        return src

    def as_of(self, node: URIRef, as_of: YearOrDate, *, inferred: bool) -> None:
        # the date a comparison needs, plus what it really is: its precision and whether we inferred it
        self.add(node, ISCM.asOf, Literal(as_of.start(), datatype=XSD.date))
        if as_of.precision != "day":
            self.add(node, ISCM.asOfPrecision, Literal(as_of.precision))
        if inferred:
            self.add(node, ISCM.asOfInferred, Literal(True))

    def interval(self, since: YearOrDate | None, until: YearOrDate | None) -> URIRef | None:
        if since is None and until is None:
            return None
        iri = entity("interval", digest(since, until))
        self.add(iri, RDF.type, TIME.Interval)
        for end, value, pred in ((False, since, TIME.hasBeginning), (True, until, TIME.hasEnd)):
            if value is None:
                continue
            inst = URIRef(f"{iri}-{'end' if end else 'start'}")
            self.add(iri, pred, inst)
            self.add(inst, RDF.type, TIME.Instant)
            self.add(inst, TIME.inXSDDate, Literal(value.end() if end else value.start(), datatype=XSD.date))
            if value.precision == "year":
                self.add(inst, TIME.inXSDgYear, Literal(str(value), datatype=XSD.gYear))
            elif value.precision == "month":
                self.add(inst, TIME.inXSDgYearMonth, Literal(str(value), datatype=XSD.gYearMonth))
        return iri

    def actor(self, actor_id: str) -> URIRef:
        if countries.looks_alpha3(actor_id):
            self.used_countries.add(actor_id)
            return entity("state", actor_id)
        if actor_id in self.cat.iscms:  # an ISCM observing another (e.g. the IGC at the Bali Process)
            return entity("iscm", actor_id)
        return entity("org", actor_id)

    def names(self, iri: URIRef, name: str, acronym: str | None, alt: Iterable) -> None:
        self.add(iri, SKOS.prefLabel, Literal(name, lang="en"))
        self.add(iri, RDFS.label, Literal(name, lang="en"))
        if acronym:
            self.add(iri, ISCM.acronym, Literal(acronym))
        for a in alt:
            self.add(iri, SKOS.altLabel, Literal(a.text, lang=a.lang) if a.lang else Literal(a.text))

    def identifiers(self, iri: URIRef, ids: Identifiers) -> None:
        # the same entity in other registries, so users can join their data with ours
        if ids.wikidata:
            self.add(iri, SKOS.exactMatch, WIKIDATA[ids.wikidata])

    # ---- records
    def organisation(self, rec: OrganisationRecord) -> None:
        iri = entity("org", rec.id)
        self.add(iri, RDF.type, ORG_CLASSES[rec.type])
        self.add(iri, RDF.type, ORG.FormalOrganization)
        self.add(iri, DCTERMS.identifier, Literal(rec.id))
        self.names(iri, rec.name, rec.acronym, [])
        for alias in rec.aliases:
            self.add(iri, SKOS.altLabel, Literal(alias))
        if rec.website:
            self.add(iri, ISCM.website, URIRef(rec.website))
        self.identifiers(iri, rec.identifiers)
        if rec.country:
            self.add(iri, ISCM.hostCountry, self.actor(rec.country))
        self.add(iri, PROV.wasDerivedFrom, self.source(rec.source))
        self.as_of(iri, rec.as_of, inferred=rec.as_of_inferred)

    def collaboration(self, loaded: Loaded, *, is_iscm: bool) -> None:
        rec = loaded.record
        iri = entity("iscm" if is_iscm else "org", rec.id)
        if is_iscm:
            self.add(iri, RDF.type, ISCM.ISCM)
            self.add(iri, RDF.type, ORG.OrganizationalCollaboration)
            self.add(iri, ISCM.kind, KIND[rec.kind])
        else:
            self.add(iri, RDF.type, ORG_CLASSES[rec.type or "regional-union"])
            self.add(iri, RDF.type, ORG.FormalOrganization)
        self.add(iri, DCTERMS.identifier, Literal(rec.id))
        self.names(iri, rec.name, rec.acronym, rec.alt_names)
        if rec.website:
            self.add(iri, ISCM.website, URIRef(rec.website))
        self.identifiers(iri, rec.identifiers)
        # The descriptive record (names, kind, website) rests on the file's sources as a whole.
        for s in rec.sources.values():
            self.add(iri, PROV.wasDerivedFrom, self.source(s))
        dates = [i.as_of.start() for i in all_dated(rec)]
        if dates:
            self.add(iri, ISCM.asOf, Literal(max(dates), datatype=XSD.date))
        self.facts(iri, rec)
        for i, block in enumerate(rec.memberships):
            self.membership_block(iri, rec, block, i)

    def claim(self, subject: URIRef, prop: URIRef, value: Any, fact: Dated, sources: dict, n: int) -> None:
        node = entity("claim", f"{digest(subject, prop, value, fact.source, fact.as_of.start())}")
        self.add(node, RDF.type, ISCM.Claim)
        self.add(node, ISCM.subject, subject)
        self.add(node, ISCM.property, prop)
        self.add(node, ISCM.value, value)
        self.provenance(node, fact, sources)

    def facts(self, iri: URIRef, rec: CollaborationFile) -> None:
        f, srcs = rec.facts, rec.sources
        # single-valued: the newest claim is the current value; every claim is kept
        for facts, prop, conv in ((f.established, ISCM.established,
                                   lambda v: Literal(str(v), datatype=XSD.gYear)),
                                  (f.status, ISCM.status, lambda v: STATUS[v])):
            for n, fact in enumerate(facts):
                self.claim(iri, prop, conv(fact.value), fact, srcs, n)
            if facts:
                newest = max(facts, key=lambda x: x.as_of.start())
                self.add(iri, prop, conv(newest.value))
        for facts, prop in ((f.ended, ISCM.ended), (f.dormant_since, ISCM.dormantSince)):
            for n, fact in enumerate(facts):
                self.claim(iri, prop, date_literal(fact.value), fact, srcs, n)
            if facts:
                newest = max(facts, key=lambda x: x.as_of.start())
                self.add(iri, prop, date_literal(newest.value))
        for n, fact in enumerate(f.themes):
            for t in fact.value if isinstance(fact.value, list) else [fact.value]:
                self.add(iri, ISCM.theme, THEME[t])
                self.claim(iri, ISCM.theme, THEME[t], fact, srcs, n)
        for fact in f.succeeded_by:
            succ = entity("iscm", fact.value)
            node = entity("change", digest(iri, succ, fact.source))
            self.add(node, RDF.type, ORG.ChangeEvent)
            self.add(node, ORG.originalOrganization, iri)
            self.add(node, ORG.resultingOrganization, succ)
            if fact.year:
                self.add(node, DCTERMS.date, Literal(str(fact.year), datatype=XSD.gYear))
            self.provenance(node, fact, srcs)
            self.add(iri, ISCM.succeededBy, succ)
            self.add(succ, ISCM.succeeds, iri)
        for fact in f.associated_union:
            union = entity("org", fact.value)
            node = entity("association", digest(iri, union, fact.source))
            self.add(node, RDF.type, ISCM.Association)
            self.add(node, ISCM.party, iri)
            self.add(node, ISCM.party, union)
            self.provenance(node, fact, srcs)
            self.add(iri, ISCM.associatedWith, union)
        for fact in f.cooperates_with:
            other = entity("iscm", fact.value) if fact.value in self.cat.iscms else entity("org", fact.value)
            node = entity("cooperation", digest(iri, other, fact.source, fact.as_of.start()))
            self.add(node, RDF.type, ISCM.Cooperation)
            self.add(node, ISCM.party, iri)
            self.add(node, ISCM.party, other)
            self.add(node, ISCM.intensity, INTENSITY[fact.intensity])
            if fact.note:
                self.add(node, RDFS.comment, Literal(fact.note))
            self.provenance(node, fact, srcs)

    def membership(self, org_iri: URIRef, actor: URIRef, role: str, block: MembershipBlock,
                   sources: dict, since: YearOrDate | None, until: YearOrDate | None,
                   extra_sources: Iterable[URIRef] = (), via: URIRef | None = None) -> URIRef:
        node = entity("membership", digest(org_iri, actor, role, block.source, block.as_of.start(), since, until, via))
        self.add(node, RDF.type, ORG.Membership)
        self.add(node, ORG.organization, org_iri)
        self.add(node, ORG.member, actor)
        self.add(node, ORG.role, ROLE[role])
        self.add(node, ISCM.completeList, Literal(block.complete))
        interval = self.interval(since, until)
        if interval is not None:
            self.add(node, ORG.memberDuring, interval)
        if via is not None:
            self.add(node, ISCM.via, via)
        if block.note:
            self.add(node, RDFS.comment, Literal(block.note))
        self.provenance(node, block, sources)
        for s in extra_sources:
            self.add(node, PROV.wasDerivedFrom, s)
        return node

    def membership_block(self, org_iri: URIRef, rec: CollaborationFile, block: MembershipBlock, i: int) -> None:
        for actor in block.actors:
            self.membership(org_iri, self.actor(actor), block.role, block, rec.sources, block.since, block.until)
        if block.via:
            # one claim per actor the bloc ever had, with the via claim's own period: the time model
            # (graph.temporal) intersects it with the ISCM's lifetime and the actor's bloc tenures
            union = self.cat.unions[block.via].record
            bloc_sources: dict[str, list[URIRef]] = {}
            for ub in union.memberships:
                if ub.role not in ("member", "former-member"):
                    continue
                for actor in ub.actors:
                    bloc_sources.setdefault(actor, []).append(self.source(union.sources[ub.source]))
            for actor, srcs in bloc_sources.items():
                self.membership(org_iri, self.actor(actor), block.role, block, rec.sources, block.since, block.until,
                                extra_sources=srcs, via=entity("org", block.via))

    def country_nodes(self) -> None:
        regions: set[tuple[str, str | None]] = set()
        for code in sorted(self.used_countries):
            c = countries.country(code)
            iri = entity("state", code)
            self.add(iri, RDF.type, ISCM.Territory if c.territory else ISCM.State)
            if c.territory:
                self.add(iri, RDF.type, ISCM.State)
            self.add(iri, SKOS.prefLabel, Literal(c.name, lang="en"))
            self.add(iri, RDFS.label, Literal(c.name, lang="en"))
            for v in (*c.variants, *self.country_aliases.get(code, ())):
                if v != c.name:
                    self.add(iri, SKOS.altLabel, Literal(v, lang="en"))
            self.add(iri, ISCM.isoAlpha3, Literal(c.alpha3))
            self.add(iri, ISCM.isoAlpha2, Literal(c.alpha2))
            self.add(iri, DCTERMS.identifier, Literal(c.alpha3))
            if c.user_assigned:
                self.add(iri, ISCM.userAssignedCode, Literal(True))
            if c.m49:
                self.add(iri, ISCM.m49, Literal(c.m49.zfill(3)))
            if c.region:
                self.add(iri, ISCM.region, region_iri(c.region))
                regions.add((c.region, None))
            if c.subregion:
                self.add(iri, ISCM.subregion, region_iri(c.subregion))
                regions.add((c.subregion, c.region))
        for name, parent in sorted(regions, key=lambda r: (r[0], r[1] or "")):
            iri = region_iri(name)
            self.add(iri, RDF.type, SKOS.Concept)
            self.add(iri, SKOS.inScheme, ISCM.RegionScheme)
            self.add(iri, SKOS.prefLabel, Literal(name, lang="en"))
            self.add(iri, RDFS.label, Literal(name, lang="en"))
            if parent:
                self.add(iri, SKOS.broader, region_iri(parent))


def date_literal(value: YearOrDate) -> Literal:
    if value.precision == "year":
        return Literal(str(value), datatype=XSD.gYear)
    if value.precision == "month":
        return Literal(str(value), datatype=XSD.gYearMonth)
    return Literal(value.start(), datatype=XSD.date)


def region_iri(name: str) -> URIRef:
    return entity("region", "-".join(name.lower().replace(",", "").split()))


def all_dated(rec: CollaborationFile) -> Iterator[Dated]:
    for name in type(rec.facts).model_fields:
        yield from getattr(rec.facts, name)
    yield from rec.memberships
