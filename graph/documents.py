"""Compile ingested documents (``data/documents/<id>.yaml``) into one named graph each.

Every fact becomes a node derived from a source that names the document and the line it came from
(``iscm:locator "line 1452"``), dated with the document's as-of date and marked with the extractor
(``iscm:extractor``). The document's named graph is a ``prov:Entity`` carrying its title and hash,
so queries can keep or drop what came from a given document. The file's schema, one model per kind
of fact, is :mod:`graph.document_schema`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from rdflib import RDF, RDFS, SKOS, XSD, Dataset, URIRef
from rdflib import Literal as Lit
from rdflib.namespace import DCTERMS, FOAF

from graph import countries
from graph.catalog import Catalog, Errors, Vocabulary, digest
from graph.datafiles import load_yaml
from graph.document_schema import (
    ActionFact,
    ContributionFact,
    CooperationFact,
    DeploymentFact,
    DocumentFile,
    EventFact,
    Fact,
    FundingFact,
    MembershipFact,
    NamedBodyFact,
    NetworkFact,
    StructureFact,
    SuccessionFact,
    SupportedFact,
    SurveyReferenceFact,
    ThemeFact,
)
from graph.namespace import (
    ACTION_STATUS,
    BASE,
    EXPERT_TYPE,
    INTENSITY,
    ISCM,
    ORG,
    PROV,
    ROLE,
    THEME,
    TIME,
    entity,
)

EXPERT_TYPES = frozenset({"academia", "private-consultant", "ngo", "international-organisation"})

# Ids minted by documents themselves (networks, actions, events) may be referred to by other facts.
_SPECIAL_ACTORS = {"eu-member-states"}


def load_documents(data_dir: Path, cat: Catalog, errors: Errors, vocab: Vocabulary) -> list[tuple[DocumentFile, str]]:
    out = []
    for path in sorted((data_dir / "documents").glob("*.yaml")):
        shown = str(Path(data_dir.name) / path.relative_to(data_dir))
        try:
            raw = load_yaml(path, display=shown)
            doc = DocumentFile.model_validate(raw)
        except PydanticValidationError as exc:
            errors.from_pydantic(exc, path=shown, doc=raw)
            continue
        except Exception as exc:  # DataError from YAML parsing
            errors.items.append(exc)  # type: ignore[arg-type]
            continue
        if doc.document.id != path.stem:
            errors.add(f"document id {doc.document.id!r} differs from the file name {path.stem!r}",
                       path=shown, doc=raw, loc=("document", "id"))
        _check_ids(doc, cat, errors, shown, raw, vocab)
        out.append((doc, shown))
    return out


def _check_ids(doc: DocumentFile, cat: Catalog, errors: Errors, shown: str, raw: Any, vocab: Vocabulary) -> None:
    minted = {f.id for f in doc.facts if isinstance(f, (NetworkFact, ActionFact, EventFact))}
    known = set(cat.organisations) | set(cat.unions) | set(cat.iscms) | minted | _SPECIAL_ACTORS

    def check(value: str | None, loc: tuple) -> None:
        if value is None:
            return
        if countries.looks_alpha3(value):
            if not countries.is_country_code(value):
                errors.add(f"unknown country code {value!r}", path=shown, doc=raw, loc=loc)
        elif value not in known and not cat.explained(value):
            errors.add(f"unknown id {value!r} (not in data/ nor minted by this document)",
                       path=shown, doc=raw, loc=loc)

    for i, f in enumerate(doc.facts):
        base = ("facts", i)
        for name in ("organisation", "actor", "iscm", "partner", "predecessor", "successor", "subject",
                     "payer", "requesting_actor", "programme", "supported", "country", "network",
                     "deployed_by", "host_country", "parent"):
            value = getattr(f, name, None)
            if isinstance(value, str):
                check(value, (*base, name))
        for name in ("actors", "beneficiaries", "experts_from", "non_state_experts_from", "hosts", "organisers",
                     "participants"):
            for j, value in enumerate(getattr(f, name, []) or []):
                check(value, (*base, name, j))
        if isinstance(f, EventFact):
            for j, sp in enumerate(f.speakers):
                check(sp.affiliation_id, (*base, "speakers", j, "affiliation_id"))
        if isinstance(f, MembershipFact) and f.role not in vocab.roles:
            errors.add(f"role {f.role!r} is not one of {sorted(vocab.roles)}", path=shown, doc=raw, loc=(*base, "role"))
        themes = [f.theme] if isinstance(f, ThemeFact) else f.themes if isinstance(f, ActionFact) else []
        for j, theme in enumerate(themes):
            if theme not in vocab.themes:
                errors.add(f"unknown theme {theme!r}", path=shown, doc=raw, loc=(*base, "themes", j))
        for j, kind in enumerate(getattr(f, "expert_types", []) or []):
            if kind not in EXPERT_TYPES:
                errors.add(f"expert type {kind!r} is not one of {sorted(EXPERT_TYPES)}", path=shown, doc=raw,
                           loc=(*base, "expert_types", j))


def _partial(value: int | str | None, *, end: bool = False) -> dt.date | None:
    from graph.schema import _partial_date

    if value is None:
        return None
    p = _partial_date(value)
    return p.end() if end else p.start()


class _DocEmitter:
    def __init__(self, ds: Dataset, doc: DocumentFile, cat: Catalog) -> None:
        self.doc = doc
        self.cat = cat
        self.graph_iri = URIRef(f"{BASE}graph/doc/{doc.document.id}")
        self.g = ds.graph(self.graph_iri)
        self.used_countries: set[str] = set()
        info = doc.document
        self.as_of = Lit(info.as_of, datatype=XSD.date)
        self.extractor = Lit(info.extractor)
        g, d = self.g, self.graph_iri
        g.add((d, RDF.type, PROV.Entity))
        g.add((d, RDFS.label, Lit(info.title)))
        g.add((d, DCTERMS.title, Lit(info.title)))
        g.add((d, ISCM.extractor, self.extractor))
        g.add((d, DCTERMS.identifier, Lit(info.sha256)))
        g.add((d, PROV.generatedAtTime, Lit(info.ingested, datatype=XSD.date)))
        if info.url:
            g.add((d, FOAF.page, URIRef(info.url)))

    def actor(self, value: str) -> URIRef:
        if countries.looks_alpha3(value):
            self.used_countries.add(value)
            return entity("state", value)
        if value in self.cat.iscms:
            return entity("iscm", value)
        if value == "eu-member-states":
            return entity("org", "eu")
        return entity("org", value)

    def source(self, line: int) -> URIRef:
        info = self.doc.document
        iri = entity("source", digest(info.id, line))
        g = self.g
        g.add((iri, RDF.type, ISCM.Source))
        g.add((iri, DCTERMS.isPartOf, Lit(info.title)))
        g.add((iri, ISCM.locator, Lit(f"line {line}")))
        g.add((iri, RDFS.label, Lit(f"{info.title}, line {line}")))
        if info.url:
            g.add((iri, FOAF.page, URIRef(info.url)))
        return iri

    def prov(self, node: URIRef, fact: Fact) -> None:
        self.g.add((node, PROV.wasDerivedFrom, self.source(fact.line)))
        self.g.add((node, ISCM.asOf, self.as_of))
        self.g.add((node, ISCM.extractor, self.extractor))
        if fact.text:
            self.g.add((node, DCTERMS.description, Lit(fact.text)))

    def period(self, node: URIRef, prop: URIRef, start: dt.date | None, end: dt.date | None) -> None:
        """Attach an OWL-Time interval (start and/or end as xsd:date) to ``node`` via ``prop``."""
        if not start and not end:
            return
        interval = entity("interval", digest(node))
        self.g.add((node, prop, interval))
        self.g.add((interval, RDF.type, TIME.Interval))
        for pred, value, suffix in ((TIME.hasBeginning, start, "start"), (TIME.hasEnd, end, "end")):
            if value:
                inst = URIRef(f"{interval}-{suffix}")
                self.g.add((interval, pred, inst))
                self.g.add((inst, RDF.type, TIME.Instant))
                self.g.add((inst, TIME.inXSDDate, Lit(value, datatype=XSD.date)))

    def claim(self, fact: Fact, subject: str, prop: URIRef, value: Any, **extra: Any) -> URIRef:
        node = entity("claim", digest(self.doc.document.id, fact.line, subject, prop, value))
        g = self.g
        g.add((node, RDF.type, ISCM.Claim))
        g.add((node, ISCM.subject, self.actor(subject)))
        g.add((node, ISCM.property, prop))
        g.add((node, ISCM.value, value))
        for key, val in extra.items():
            if val is None:
                continue
            for v in val if isinstance(val, list) else [val]:
                g.add((node, getattr(ISCM, key), v))
        self.prov(node, fact)
        return node

    def emit(self, fact: Any) -> None:
        """Write one fact: each kind of fact has its own method (:data:`_EMIT` finds it by type)."""
        method = _EMIT.get(type(fact))
        if method is not None:
            method(self, fact)

    def membership(self, fact: MembershipFact) -> None:
        g = self.g
        org_iri, actor = self.actor(fact.organisation), self.actor(fact.actor)
        node = entity("membership", digest(self.doc.document.id, fact.line, org_iri, actor, fact.role))
        g.add((node, RDF.type, ORG.Membership))
        g.add((node, ORG.organization, org_iri))
        g.add((node, ORG.member, actor))
        g.add((node, ORG.role, ROLE[fact.role]))
        g.add((node, ISCM.completeList, Lit(False)))
        self.period(node, ORG.memberDuring, _partial(fact.since), _partial(fact.until, end=True))
        self.prov(node, fact)

    def cooperation(self, fact: CooperationFact) -> None:
        g = self.g
        node = entity("cooperation", digest(self.doc.document.id, fact.line, fact.iscm, fact.partner))
        g.add((node, RDF.type, ISCM.Cooperation))
        g.add((node, ISCM.party, self.actor(fact.iscm)))
        g.add((node, ISCM.party, self.actor(fact.partner)))
        g.add((node, ISCM.category, Lit(fact.category)))
        if fact.intensity:
            g.add((node, ISCM.intensity, INTENSITY[fact.intensity]))
        self.prov(node, fact)

    def succession(self, fact: SuccessionFact) -> None:
        g = self.g
        pred, succ = self.actor(fact.predecessor), self.actor(fact.successor)
        node = entity("change", digest(self.doc.document.id, fact.line, pred, succ))
        g.add((node, RDF.type, ORG.ChangeEvent))
        g.add((node, ORG.originalOrganization, pred))
        g.add((node, ORG.resultingOrganization, succ))
        if fact.year:
            g.add((node, DCTERMS.date, Lit(str(fact.year), datatype=XSD.gYear)))
        g.add((pred, ISCM.succeededBy, succ))
        g.add((succ, ISCM.succeeds, pred))
        self.prov(node, fact)

    def theme(self, fact: ThemeFact) -> None:
        g = self.g
        self.claim(fact, fact.subject, ISCM.theme, THEME[fact.theme], term=Lit(fact.term) if fact.term else None)
        g.add((self.actor(fact.subject), ISCM.theme, THEME[fact.theme]))

    def funding(self, fact: FundingFact) -> None:
        self.claim(fact, fact.subject, ISCM.funding, Lit(fact.description),
                   actor=self.actor(fact.payer) if fact.payer else None,
                   amount=Lit(fact.amount, datatype=XSD.decimal) if fact.amount is not None else None,
                   currency=Lit(fact.currency) if fact.currency else None)

    def structure(self, fact: StructureFact) -> None:
        self.claim(fact, fact.subject, ISCM.structure, Lit(fact.description),
                   component=Lit(fact.component), actor=[self.actor(a) for a in fact.actors])

    def contribution(self, fact: ContributionFact) -> None:
        self.claim(fact, fact.subject, ISCM.contribution, Lit(fact.description),
                   level=Lit(fact.level), actor=[self.actor(a) for a in fact.actors])

    def survey_reference(self, fact: SurveyReferenceFact) -> None:
        self.claim(fact, fact.subject, ISCM.surveyReference, Lit(fact.value), actor=self.actor(fact.actor))

    def named_body(self, fact: NamedBodyFact) -> None:
        self.claim(fact, fact.subject, ISCM.namedBody, self.actor(fact.actor))

    def supported(self, fact: SupportedFact) -> None:
        g = self.g
        prog = self.actor(fact.programme)
        g.add((prog, ISCM.supported, self.actor(fact.supported)))
        self.claim(fact, fact.programme, ISCM.supported, self.actor(fact.supported))

    def network(self, fact: NetworkFact) -> None:
        g = self.g
        node = entity("network", fact.id)
        g.add((node, RDF.type, ISCM.LiaisonNetwork))
        g.add((node, RDF.type, ORG.OrganizationalCollaboration))
        g.add((node, DCTERMS.identifier, Lit(fact.id)))
        g.add((node, SKOS.prefLabel, Lit(fact.name, lang="en")))
        g.add((node, RDFS.label, Lit(fact.name, lang="en")))
        for basis in fact.legal_basis:
            g.add((node, ISCM.legalBasis, Lit(basis)))
        if fact.officer_count is not None:
            g.add((node, ISCM.officerCount, Lit(fact.officer_count)))
            g.add((node, ISCM.approximate, Lit(fact.approximate)))
        if fact.parent:
            g.add((node, ORG.subOrganizationOf, entity("network", fact.parent)))
        self.prov(node, fact)

    def deployment(self, fact: DeploymentFact) -> None:
        g = self.g
        network = entity("network", fact.network)
        node = entity("deployment", digest(self.doc.document.id, fact.line, fact.network, fact.host_country))
        g.add((node, RDF.type, ISCM.Deployment))
        g.add((node, ISCM.network, network))
        g.add((node, ISCM.deployedBy, self.actor(fact.deployed_by)))
        g.add((node, ISCM.hostCountry, self.actor(fact.host_country)))
        g.add((node, ISCM.purpose, Lit(fact.purpose)))
        if fact.count is not None:
            g.add((node, ISCM.officerCount, Lit(fact.count)))
            g.add((node, ISCM.approximate, Lit(fact.approximate)))
        self.prov(node, fact)

    def action(self, fact: ActionFact) -> None:
        g = self.g
        node = entity("action", fact.id)
        g.add((node, RDF.type, ISCM.CapacityBuildingAction))
        g.add((node, DCTERMS.identifier, Lit(fact.id)))
        g.add((node, RDFS.label, Lit(fact.title)))
        g.add((node, SKOS.prefLabel, Lit(fact.title, lang="en")))
        g.add((node, ISCM.programme, self.actor(fact.programme)))
        g.add((node, ISCM.actionStatus, ACTION_STATUS[fact.status]))
        if fact.topic:
            g.add((node, ISCM.topic, Lit(fact.topic)))
        for t in fact.themes:
            g.add((node, ISCM.theme, THEME[t]))
        if fact.region:
            g.add((node, ISCM.place, Lit(fact.region)))
        if fact.requesting_actor:
            g.add((node, ISCM.requestingAuthority, self.actor(fact.requesting_actor)))
        if fact.requesting_authority:
            g.add((node, DCTERMS.description, Lit(f"Requesting authority: {fact.requesting_authority}")))
            g.add((node, ISCM.requestingAuthorityName, Lit(fact.requesting_authority)))
        for b in fact.beneficiaries:
            g.add((node, ISCM.beneficiary, self.actor(b)))
        for e in fact.experts_from:
            g.add((node, ISCM.expertsFrom, self.actor(e)))
        for e in fact.non_state_experts_from:
            g.add((node, ISCM.nonStateExpertsFrom, self.actor(e)))
        for t in fact.expert_types:
            g.add((node, ISCM.expertType, EXPERT_TYPE[t]))
        self.period(node, ISCM.period, _partial(fact.start), _partial(fact.end, end=True))
        self.precision(node, fact.start, fact.end)
        self.prov(node, fact)

    def precision(self, node: URIRef, start: str | None, end: str | None) -> None:
        """Say a ``2009-09`` or ``2015`` start or end was given as a month or a year (OWL-Time, as the curated
        files do), so readers show it as the source gave it."""
        from graph.schema import _partial_date

        interval = entity("interval", digest(node))
        for value, suffix in ((start, "start"), (end, "end")):
            if value is None:
                continue
            p = _partial_date(value)
            inst = URIRef(f"{interval}-{suffix}")
            if p.precision == "year":
                self.g.add((inst, TIME.inXSDgYear, Lit(str(p), datatype=XSD.gYear)))
            elif p.precision == "month":
                self.g.add((inst, TIME.inXSDgYearMonth, Lit(str(p), datatype=XSD.gYearMonth)))

    def event(self, fact: EventFact) -> None:
        g = self.g
        node = entity("event", fact.id)
        g.add((node, RDF.type, ISCM.Event))
        g.add((node, DCTERMS.identifier, Lit(fact.id)))
        g.add((node, RDFS.label, Lit(fact.title)))
        g.add((node, SKOS.prefLabel, Lit(fact.title, lang="en")))
        if fact.iscm:
            g.add((node, ISCM.underISCM, self.actor(fact.iscm)))
        if fact.place:
            g.add((node, ISCM.place, Lit(fact.place)))
        if fact.country:
            g.add((node, ISCM.hostCountry, self.actor(fact.country)))
        self.period(node, ISCM.period, fact.start, fact.end)
        for pred, values in ((ISCM.host, fact.hosts), (ISCM.organiser, fact.organisers),
                             (ISCM.participant, fact.participants)):
            for v in values:
                g.add((node, pred, self.actor(v)))
        for s in fact.sessions:
            g.add((node, ISCM.session, Lit(str(s))))
        for t in fact.topics:
            g.add((node, ISCM.topic, Lit(t)))
        for sp in fact.speakers:
            person = entity("speaker", digest(fact.id, sp.name))
            g.add((node, ISCM.speaker, person))
            g.add((person, FOAF.name, Lit(sp.name)))
            if sp.affiliation_id:
                g.add((person, ISCM.affiliation, self.actor(sp.affiliation_id)))
            if sp.affiliation:
                g.add((person, DCTERMS.description, Lit(sp.affiliation)))
        self.prov(node, fact)


# fact type → the emitter method that writes it
_EMIT: dict[type, Any] = {
    MembershipFact: _DocEmitter.membership,
    CooperationFact: _DocEmitter.cooperation,
    SuccessionFact: _DocEmitter.succession,
    ThemeFact: _DocEmitter.theme,
    FundingFact: _DocEmitter.funding,
    StructureFact: _DocEmitter.structure,
    ContributionFact: _DocEmitter.contribution,
    SurveyReferenceFact: _DocEmitter.survey_reference,
    NamedBodyFact: _DocEmitter.named_body,
    SupportedFact: _DocEmitter.supported,
    ActionFact: _DocEmitter.action,
    EventFact: _DocEmitter.event,
    NetworkFact: _DocEmitter.network,
    DeploymentFact: _DocEmitter.deployment,
}

def emit_documents(ds: Dataset, docs: list[tuple[DocumentFile, str]], cat: Catalog) -> set[str]:
    """Emit each document into its own named graph; return the country codes they used."""
    used: set[str] = set()
    for doc, _shown in docs:
        em = _DocEmitter(ds, doc, cat)
        for fact in doc.facts:
            em.emit(fact)
        used |= em.used_countries
    return used
