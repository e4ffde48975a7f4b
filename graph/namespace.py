"""IRIs: the ISCM ontology namespace and the scheme for entity IRIs.

``ISCM`` is an rdflib :class:`~rdflib.namespace.DefinedNamespace`, so a misspelt term fails at
import time instead of silently minting a new IRI::

    >>> ISCM.ISCM
    rdflib.term.URIRef('https://w3id.org/iscm/ontology#ISCM')
    >>> ISCM.Membersip  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    AttributeError: term 'Membersip' not in namespace 'https://w3id.org/iscm/ontology#'
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import ORG, PROV, TIME, DefinedNamespace

BASE = "https://w3id.org/iscm/"


class ISCM(DefinedNamespace):
    """Terms of ``ontology/iscm.ttl``; a test checks this list against the ontology file."""

    _NS = Namespace(BASE + "ontology#")
    _fail = True

    # classes
    ISCM: URIRef
    LiaisonNetwork: URIRef
    Programme: URIRef
    State: URIRef
    Territory: URIRef
    IntergovernmentalOrganisation: URIRef
    RegionalUnion: URIRef
    EUBody: URIRef
    GovernmentAgency: URIRef
    CivilSocietyOrganisation: URIRef
    PrivateSectorOrganisation: URIRef
    AcademicInstitution: URIRef
    Claim: URIRef
    Cooperation: URIRef
    Association: URIRef
    Deployment: URIRef
    CapacityBuildingAction: URIRef
    Event: URIRef
    Source: URIRef
    # concept schemes
    KindScheme: URIRef
    StatusScheme: URIRef
    RoleScheme: URIRef
    IntensityScheme: URIRef
    ExpertTypeScheme: URIRef
    ActionStatusScheme: URIRef
    EventLevelScheme: URIRef
    SourceKindScheme: URIRef
    ThemeScheme: URIRef
    RegionScheme: URIRef
    # properties
    asOf: URIRef
    locator: URIRef
    sourceKind: URIRef
    copyOf: URIRef
    extractor: URIRef
    completeList: URIRef
    kind: URIRef
    status: URIRef
    theme: URIRef
    established: URIRef
    acronym: URIRef
    website: URIRef
    succeededBy: URIRef
    succeeds: URIRef
    associatedWith: URIRef
    subject: URIRef
    property: URIRef
    value: URIRef
    party: URIRef
    intensity: URIRef
    network: URIRef
    deployedBy: URIRef
    hostCountry: URIRef
    officerCount: URIRef
    approximate: URIRef
    legalBasis: URIRef
    covers: URIRef
    boardSeat: URIRef
    seats: URIRef
    requestingAuthorityName: URIRef
    programme: URIRef
    requestingAuthority: URIRef
    beneficiary: URIRef
    expertsFrom: URIRef
    nonStateExpertsFrom: URIRef
    expertType: URIRef
    actionStatus: URIRef
    period: URIRef
    underISCM: URIRef
    place: URIRef
    host: URIRef
    organiser: URIRef
    participant: URIRef
    isoAlpha2: URIRef
    isoAlpha3: URIRef
    userAssignedCode: URIRef
    m49: URIRef
    region: URIRef
    subregion: URIRef
    via: URIRef
    current: URIRef
    asOfPrecision: URIRef
    asOfInferred: URIRef
    ended: URIRef
    dormantSince: URIRef
    Tenure: URIRef
    heldFrom: URIRef
    heldUntil: URIRef
    fromPrecision: URIRef
    startInferred: URIRef
    startBasis: URIRef
    endReason: URIRef
    lastSeen: URIRef
    derived: URIRef
    funding: URIRef
    structure: URIRef
    contribution: URIRef
    surveyReference: URIRef
    namedBody: URIRef
    actor: URIRef
    term: URIRef
    amount: URIRef
    currency: URIRef
    level: URIRef
    component: URIRef
    category: URIRef
    session: URIRef
    topic: URIRef
    speaker: URIRef
    affiliation: URIRef
    purpose: URIRef
    supported: URIRef
    eventLevel: URIRef
    chairedBy: URIRef
    participatingISCM: URIRef
    participantsComplete: URIRef
    outcome: URIRef


# ORG, PROV and TIME are rdflib's closed namespaces (imported above): a term the W3C vocabulary does not
# define fails (ORG, PROV) or warns (TIME; tests/test_ontology.py turns the warning into a failure)
# instead of minting an IRI silently — which is how time:inXSDGYear, not OWL-Time's inXSDgYear, was found

ROLE = Namespace(BASE + "role/")
KIND = Namespace(BASE + "kind/")
STATUS = Namespace(BASE + "status/")
# the concepts of ontology/iscm.ttl's iscm:KindScheme and iscm:StatusScheme, for code that needs them
# without parsing the ontology (the API's parameters); tests/test_ontology.py keeps them equal
ISCM_KINDS = ("regional-consultative-process", "interregional-forum", "global-process")
ISCM_STATUSES = ("active", "dormant", "succeeded", "ended")
THEME = Namespace(BASE + "theme/")
INTENSITY = Namespace(BASE + "intensity/")
EXPERT_TYPE = Namespace(BASE + "expert-type/")
ACTION_STATUS = Namespace(BASE + "action-status/")
EVENT_LEVEL = Namespace(BASE + "event-level/")
SOURCE_KIND = Namespace(BASE + "source-kind/")
WIKIDATA = Namespace("http://www.wikidata.org/entity/")
ID = Namespace(BASE + "id/")

PREFIXES: dict[str, str] = {
    "iscm": str(ISCM._NS),
    "role": str(ROLE),
    "kind": str(KIND),
    "status": str(STATUS),
    "theme": str(THEME),
    "intensity": str(INTENSITY),
    "sourcekind": str(SOURCE_KIND),
    "wd": str(WIKIDATA),
    "org": str(ORG),
    "prov": str(PROV),
    "time": str(TIME),
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "state": BASE + "id/state/",
    "iscmid": BASE + "id/iscm/",
    "orgid": BASE + "id/org/",
}

SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

# Entity IRI scheme: https://w3id.org/iscm/id/<collection>/<local id>
COLLECTIONS = ("state", "iscm", "org", "network", "programme", "action", "event", "source",
               "region", "membership", "claim", "cooperation", "association", "deployment",
               "interval", "change", "document", "speaker", "outcome", "tenure")


def entity(collection: str, local_id: str) -> URIRef:
    """The IRI of an entity, e.g. ``entity("state", "MAR")``.

    >>> entity("iscm", "budapest-process")
    rdflib.term.URIRef('https://w3id.org/iscm/id/iscm/budapest-process')
    """
    if collection not in COLLECTIONS:
        raise ValueError(f"unknown IRI collection {collection!r}; expected one of {COLLECTIONS}")
    return URIRef(f"{BASE}id/{collection}/{local_id}")


def split_entity(iri: str) -> tuple[str, str] | None:
    """``(collection, local id)`` for an entity IRI of ours, else None.

    >>> split_entity("https://w3id.org/iscm/id/state/MAR")
    ('state', 'MAR')
    """
    prefix = BASE + "id/"
    if not iri.startswith(prefix):
        return None
    rest = iri[len(prefix):]
    collection, _, local = rest.partition("/")
    if collection not in COLLECTIONS or not local:
        return None
    return collection, local
