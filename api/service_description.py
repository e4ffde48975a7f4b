"""The SPARQL 1.1 Service Description of ``/sparql`` (https://www.w3.org/TR/sparql11-service-description/).

Returned for a query-less request that asks for RDF: the endpoint, the language, the result formats,
the release's named graphs with their triple counts, and our limits. The limits are described at
``<endpoint#limits>`` — the target of the ``Link`` header on a capped answer — with properties of
the small vocabulary ``https://w3id.org/iscm/service#`` (documented in docs/sparql.md).
"""

from __future__ import annotations

import pyoxigraph as ox

from api.config import Settings
from api.negotiation import GRAPH_FORMATS, TABLE_FORMATS, ResultFormat

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
SVC = "https://w3id.org/iscm/service#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"sd": SD, "formats": FORMATS, "void": VOID, "svc": SVC, "xsd": XSD}

_FORMAT_IRIS = {ResultFormat.JSON: "SPARQL_Results_JSON", ResultFormat.XML: "SPARQL_Results_XML",
                ResultFormat.CSV: "SPARQL_Results_CSV", ResultFormat.TSV: "SPARQL_Results_TSV",
                ResultFormat.TURTLE: "Turtle", ResultFormat.NTRIPLES: "N-Triples", ResultFormat.JSONLD: "JSON-LD",
                ResultFormat.RDFXML: "RDF_XML", ResultFormat.N3: "N3"}
MEDIA = {"text/turtle": ox.RdfFormat.TURTLE, "application/ld+json": ox.RdfFormat.JSON_LD,
         "application/rdf+xml": ox.RdfFormat.RDF_XML, "application/n-triples": ox.RdfFormat.N_TRIPLES}


def _int(n: int | float) -> ox.Literal:
    if isinstance(n, float) and not n.is_integer():
        return ox.Literal(repr(n), datatype=ox.NamedNode(XSD + "decimal"))
    return ox.Literal(str(int(n)), datatype=ox.NamedNode(XSD + "integer"))


def limits(settings: Settings) -> dict[str, int | float]:
    """The limits /sparql enforces, by their property name in the ``svc:`` vocabulary."""
    return {"timeLimitSeconds": settings.sparql_timeout, "maxResultRows": settings.sparql_max_rows,
            "maxQueryLength": settings.sparql_max_length, "maxNestingDepth": settings.sparql_max_depth,
            "maxRequestBytes": settings.sparql_max_body, "memoryPerQueryMegabytes": settings.sparql_memory_mb,
            "concurrentQueries": settings.sparql_workers, "concurrentQueriesPerClient": settings.sparql_per_client,
            "queueWaitSeconds": settings.sparql_queue_timeout}


def description(endpoint: str, graphs: dict[str, int], default_triples: int, settings: Settings) -> list[ox.Triple]:
    """The description as triples; ``graphs`` maps each named graph to its triple count."""
    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    service, dataset, default = iri(endpoint), ox.BlankNode(), ox.BlankNode()
    out = [ox.Triple(service, RDF_TYPE, iri(SD + "Service")),
           ox.Triple(service, iri(SD + "endpoint"), service),
           ox.Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
           ox.Triple(service, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
           ox.Triple(service, iri(SD + "defaultDataset"), dataset),
           ox.Triple(dataset, RDF_TYPE, iri(SD + "Dataset")),
           ox.Triple(dataset, iri(SD + "defaultGraph"), default),
           ox.Triple(default, RDF_TYPE, iri(SD + "Graph")),
           ox.Triple(default, iri(VOID + "triples"), _int(default_triples))]
    out += [ox.Triple(service, iri(SD + "resultFormat"), iri(FORMATS + _FORMAT_IRIS[f]))
            for f in TABLE_FORMATS + GRAPH_FORMATS]
    for name, count in sorted(graphs.items()):
        node, graph = ox.BlankNode(), ox.BlankNode()
        out += [ox.Triple(dataset, iri(SD + "namedGraph"), node),
                ox.Triple(node, RDF_TYPE, iri(SD + "NamedGraph")),
                ox.Triple(node, iri(SD + "name"), iri(name)),
                ox.Triple(node, iri(SD + "graph"), graph),
                ox.Triple(graph, RDF_TYPE, iri(SD + "Graph")),
                ox.Triple(graph, iri(VOID + "triples"), _int(count))]
    lim = iri(endpoint + "#limits")
    out.append(ox.Triple(service, iri(SVC + "limits"), lim))
    out += [ox.Triple(lim, iri(SVC + key), _int(value)) for key, value in limits(settings).items()]
    return out


def render(triples: list[ox.Triple], media_type: str) -> bytes:
    fmt = MEDIA[media_type]
    use = PREFIXES if fmt is ox.RdfFormat.TURTLE else None
    return ox.serialize(triples, format=fmt, prefixes=use) or b""
