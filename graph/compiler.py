"""Compile the curated files in ``data/`` into RDF.

The compiler checks every record first and collects *all* problems, each naming its file, line and
record, before it emits a single triple; a data set with any problem produces no graph at all.

Layout of ``data/`` (see ``data/README.md``)::

    data/organisations.yaml      IGOs, EU bodies, NGOs, ... (one list)
    data/unions/<id>.yaml        regional unions with their member States
    data/igos/<id>.yaml          IGOs whose member States matter (UN, IOM), same shape as unions
    data/iscms/<id>.yaml         ISCMs: facts and membership claim blocks
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF

from graph import countries
from graph.datafiles import format_loc, line_of, load_yaml
from graph.errors import DataError, DataErrors
from graph.namespace import (
    BASE,
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

CURATED_GRAPH = URIRef(BASE + "graph/curated")
ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")

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


def _digest(*parts: object) -> str:
    # an identifier, not a security measure
    return hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:12]


@dataclass
class Vocabulary:
    """The concept ids that data files may use, read from the ontology (so a typo fails)."""

    roles: frozenset[str]
    themes: frozenset[str]
    kinds: frozenset[str]
    statuses: frozenset[str]

    @classmethod
    def from_ontology(cls, onto: Graph) -> Vocabulary:
        def ids(scheme: URIRef, prefix: str) -> frozenset[str]:
            return frozenset(
                str(c)[len(prefix):] for c in onto.subjects(SKOS.inScheme, scheme)
                if str(c).startswith(prefix)
            )

        return cls(
            roles=ids(ISCM.RoleScheme, str(ROLE)),
            themes=ids(ISCM.ThemeScheme, str(THEME)),
            kinds=ids(ISCM.KindScheme, str(KIND)),
            statuses=ids(ISCM.StatusScheme, str(STATUS)),
        )


@dataclass
class _Loaded:
    path: Path
    display: str
    doc: Any
    record: CollaborationFile


@dataclass
class Catalog:
    """Everything read from ``data/``, validated, ready to emit."""

    organisations: dict[str, tuple[OrganisationRecord, str, int | None]] = field(default_factory=dict)
    unions: dict[str, _Loaded] = field(default_factory=dict)
    iscms: dict[str, _Loaded] = field(default_factory=dict)
    # ids of records that failed their own checks (reported once, there): references to them are not
    # reported again as "unknown", so one bad file does not cascade into errors in others
    broken: set[str] = field(default_factory=set)
    organisations_unreadable: bool = False

    def explained(self, ref: object) -> bool:
        """Whether an unresolved reference is explained by a record that already failed."""
        if not isinstance(ref, str):
            return False
        return ref in self.broken or (self.organisations_unreadable and ref == ref.lower())


class _Errors:
    def __init__(self) -> None:
        self.items: list[DataError] = []

    def add(self, message: str, *, path: str, doc: Any = None, loc: tuple = (), record: str | None = None) -> None:
        line = line_of(doc, loc) if doc is not None else None
        self.items.append(DataError(message, path=path, line=line, record=record or format_loc(loc) or None))

    def from_pydantic(self, exc: PydanticValidationError, *, path: str, doc: Any, prefix: tuple = ()) -> None:
        for err in exc.errors():
            loc = prefix + tuple(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {loc[-1]!r} (misspelt? see data/README.md)"
            elif err["type"] == "missing":
                msg = f"missing required key {loc[-1]!r}"
            elif err["type"] == "string_type" and isinstance(err.get("input"), (list, dict)):
                from graph.checks import not_an_id

                msg = not_an_id(err["input"])
            self.add(msg, path=path, doc=doc, loc=loc)


def _display(path: Path, data_dir: Path) -> str:
    try:
        return str(Path(data_dir.name) / path.relative_to(data_dir))
    except ValueError:
        return str(path)


def load_catalog(data_dir: Path, vocab: Vocabulary) -> Catalog:
    """Read and check every file under ``data_dir``; raise :class:`DataErrors` listing all problems."""
    errors = _Errors()
    cat = Catalog()
    if not data_dir.is_dir():
        raise DataError("data directory not found", path=str(data_dir))

    org_path = data_dir / "organisations.yaml"
    if org_path.exists():
        shown = _display(org_path, data_dir)
        try:
            doc = load_yaml(org_path, display=shown)
        except DataError as exc:
            errors.items.append(exc)
            cat.organisations_unreadable = True
            doc = []
        if not isinstance(doc, list):
            errors.add("expected a list of organisations", path=shown)
            cat.organisations_unreadable = True
            doc = []
        for i, item in enumerate(doc):
            try:
                rec = OrganisationRecord.model_validate(item)
            except PydanticValidationError as exc:
                errors.from_pydantic(exc, path=shown, doc=doc, prefix=(i,))
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    cat.broken.add(item["id"])
                continue
            if rec.id in cat.organisations:
                errors.add(f"duplicate organisation id {rec.id!r}", path=shown, doc=doc, loc=(i, "id"))
            cat.organisations[rec.id] = (rec, shown, line_of(doc, (i,)))

    for folder, target in (("unions", cat.unions), ("igos", cat.unions), ("iscms", cat.iscms)):
        for path in sorted((data_dir / folder).glob("*.yaml")):
            shown = _display(path, data_dir)
            try:
                doc = load_yaml(path, display=shown)
                rec = CollaborationFile.model_validate(doc)
            except DataError as exc:
                errors.items.append(exc)
                cat.broken.add(path.stem)
                continue
            except PydanticValidationError as exc:
                errors.from_pydantic(exc, path=shown, doc=doc)
                cat.broken.add(path.stem)
                continue
            if rec.id != path.stem:
                errors.add(f"id {rec.id!r} differs from the file name {path.stem!r}", path=shown, doc=doc, loc=("id",))
            if rec.id in cat.unions or rec.id in cat.iscms or rec.id in cat.organisations:
                errors.add(f"id {rec.id!r} is already used by another file", path=shown, doc=doc, loc=("id",))
            target[rec.id] = _Loaded(path, shown, doc, rec)

    from graph.checks import check_references  # the cross-file checks (ids, roles, sources, codes)

    check_references(cat, vocab, errors)
    if errors.items:
        raise DataErrors(errors.items)
    return cat


# ----------------------------------------------------------------------------------- emitting


Origin = tuple[str, int | None, str]  # (file, line, record): where a node came from, for SHACL reports


class _Emitter:
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

    def locate(self, loaded: _Loaded) -> None:
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
        iri = entity("source", _digest(*key))
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
            self.add(iri, DCTERMS.issued, _date_literal(rec.published))
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
        iri = entity("interval", _digest(since, until))
        self.add(iri, RDF.type, TIME.Interval)
        for end, value, pred in ((False, since, TIME.hasBeginning), (True, until, TIME.hasEnd)):
            if value is None:
                continue
            inst = URIRef(f"{iri}-{'end' if end else 'start'}")
            self.add(iri, pred, inst)
            self.add(inst, RDF.type, TIME.Instant)
            self.add(inst, TIME.inXSDDate, Literal(value.end() if end else value.start(), datatype=XSD.date))
            if value.precision == "year":
                self.add(inst, TIME.inXSDGYear, Literal(str(value), datatype=XSD.gYear))
            elif value.precision == "month":
                self.add(inst, TIME.inXSDGYearMonth, Literal(str(value), datatype=XSD.gYearMonth))
        return iri

    def actor(self, actor_id: str) -> URIRef:
        if actor_id == actor_id.upper() and len(actor_id) == 3:
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

    def collaboration(self, loaded: _Loaded, *, is_iscm: bool) -> None:
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
        dates = [i.as_of.start() for i in _all_dated(rec)]
        if dates:
            self.add(iri, ISCM.asOf, Literal(max(dates), datatype=XSD.date))
        self.facts(iri, rec)
        for i, block in enumerate(rec.memberships):
            self.membership_block(iri, rec, block, i)

    def claim(self, subject: URIRef, prop: URIRef, value: Any, fact: Dated, sources: dict, n: int) -> None:
        node = entity("claim", f"{_digest(subject, prop, value, fact.source, fact.as_of.start())}")
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
                self.claim(iri, prop, _date_literal(fact.value), fact, srcs, n)
            if facts:
                newest = max(facts, key=lambda x: x.as_of.start())
                self.add(iri, prop, _date_literal(newest.value))
        for n, fact in enumerate(f.themes):
            for t in fact.value if isinstance(fact.value, list) else [fact.value]:
                self.add(iri, ISCM.theme, THEME[t])
                self.claim(iri, ISCM.theme, THEME[t], fact, srcs, n)
        for fact in f.succeeded_by:
            succ = entity("iscm", fact.value)
            node = entity("change", _digest(iri, succ, fact.source))
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
            node = entity("association", _digest(iri, union, fact.source))
            self.add(node, RDF.type, ISCM.Association)
            self.add(node, ISCM.party, iri)
            self.add(node, ISCM.party, union)
            self.provenance(node, fact, srcs)
            self.add(iri, ISCM.associatedWith, union)
        for fact in f.cooperates_with:
            other = entity("iscm", fact.value) if fact.value in self.cat.iscms else entity("org", fact.value)
            node = entity("cooperation", _digest(iri, other, fact.source, fact.as_of.start()))
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
        node = entity("membership", _digest(org_iri, actor, role, block.source, block.as_of.start(), since, until, via))
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


def _date_literal(value: YearOrDate) -> Literal:
    if value.precision == "year":
        return Literal(str(value), datatype=XSD.gYear)
    if value.precision == "month":
        return Literal(str(value), datatype=XSD.gYearMonth)
    return Literal(value.start(), datatype=XSD.date)


def region_iri(name: str) -> URIRef:
    return entity("region", "-".join(name.lower().replace(",", "").split()))


def _all_dated(rec: CollaborationFile) -> Iterator[Dated]:
    for name in type(rec.facts).model_fields:
        yield from getattr(rec.facts, name)
    yield from rec.memberships


def emit(cat: Catalog, graph: Graph, *, extra_countries: Iterable[str] = (),
         origins: dict[URIRef, Origin] | None = None, country_aliases: dict[str, list[str]] | None = None) -> Graph:
    """Write the catalog's triples into ``graph`` (the curated named graph).

    ``extra_countries``: codes used elsewhere (ingested documents) that need State nodes too.
    ``origins``: filled with node → (file, line, record), so a SHACL violation can name its record.
    ``country_aliases``: alpha-3 → common names (data/aliases.yaml), added as alternative labels.
    """
    em = _Emitter(graph, cat, origins)
    for rec, shown, line in cat.organisations.values():
        em.at = (shown, line, f"organisation {rec.id}")
        em.organisation(rec)
    for loaded in cat.unions.values():
        em.locate(loaded)
        em.collaboration(loaded, is_iscm=False)
    for loaded in cat.iscms.values():
        em.locate(loaded)
        em.collaboration(loaded, is_iscm=True)
    em.at = None  # country and region nodes come from the code tables, not from a record
    em.used_countries |= set(extra_countries)
    em.country_aliases = country_aliases or {}
    em.country_nodes()
    return graph


def compile_dataset(data_dir: Path, ontology: Graph, *, origins: dict[URIRef, Origin] | None = None) -> Dataset:
    """Check ``data_dir`` and compile it, with the ontology, into a dataset of named graphs:
    the ontology, the curated data, and one graph per ingested document. ``origins``: see :func:`emit`."""
    from graph.documents import emit_documents, load_documents
    from graph.events_data import emit_events, load_events
    from graph.partners_data import emit_partners, load_partners

    vocab = Vocabulary.from_ontology(ontology)
    cat = load_catalog(data_dir, vocab)
    errors = _Errors()
    docs = load_documents(data_dir, cat, errors, vocab)
    events = load_events(data_dir, cat, errors, docs)
    partners = load_partners(data_dir, cat, vocab, errors, docs)
    if errors.items:
        raise DataErrors(errors.items)
    ds = Dataset()
    onto_graph = ds.graph(ONTOLOGY_GRAPH)
    for t in ontology:
        onto_graph.add(t)
    used = emit_documents(ds, docs, cat)
    curated = ds.graph(CURATED_GRAPH)
    emit(cat, curated, extra_countries=used, origins=origins, country_aliases=_country_aliases(data_dir))
    emit_events(events, curated, cat)
    emit_partners(partners, curated, cat)
    curated.add((CURATED_GRAPH, RDF.type, PROV.Entity))
    curated.add((CURATED_GRAPH, RDFS.label, Literal("curated data from data/")))
    return ds


def _country_aliases(data_dir: Path) -> dict[str, list[str]]:
    """The entries of data/aliases.yaml keyed by an alpha-3 code ("NLD": ["Holland"]): names people search
    for that country_converter does not know."""
    path = data_dir / "aliases.yaml"
    doc = load_yaml(path) if path.exists() else None
    if not isinstance(doc, dict):
        return {}
    return {str(k): [str(n) for n in v or []] for k, v in doc.items() if countries.is_country_code(str(k))}
