"""Content negotiation for every answer the API writes in an RDF or SPARQL results syntax: the
SPARQL endpoint, linked data and the data set description. One set of media types, one choice
rule (RFC 9110 q-values, the most specific range wins, server order breaks ties)."""

from __future__ import annotations

import enum
from functools import lru_cache

from graph.errors import QueryError
from graph.sparql_syntax import QueryForm


class ResultFormat(enum.Enum):
    """Media types for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs."""

    JSON = "application/sparql-results+json"
    XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"
    TURTLE = "text/turtle"
    NTRIPLES = "application/n-triples"
    JSONLD = "application/ld+json"
    RDFXML = "application/rdf+xml"
    N3 = "text/n3"


TABLE_FORMATS = [ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV]
GRAPH_FORMATS = [ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.JSONLD, ResultFormat.RDFXML,
                 ResultFormat.N3]
# other names clients use for the same formats; application/xml means the form's own XML
TABLE_ALIASES = {"application/json": ResultFormat.JSON, "application/xml": ResultFormat.XML,
                 "text/xml": ResultFormat.XML}
GRAPH_ALIASES = {"text/plain": ResultFormat.NTRIPLES, "application/x-turtle": ResultFormat.TURTLE,
                 "application/xml": ResultFormat.RDFXML, "text/xml": ResultFormat.RDFXML,
                 "application/json": ResultFormat.JSONLD, "text/rdf+n3": ResultFormat.N3}
SHORT_NAMES = {"json": ResultFormat.JSON, "xml": ResultFormat.XML, "csv": ResultFormat.CSV,
               "tsv": ResultFormat.TSV, "turtle": ResultFormat.TURTLE, "ttl": ResultFormat.TURTLE,
               "nt": ResultFormat.NTRIPLES, "ntriples": ResultFormat.NTRIPLES, "n3": ResultFormat.N3,
               "jsonld": ResultFormat.JSONLD, "json-ld": ResultFormat.JSONLD, "rdfxml": ResultFormat.RDFXML,
               "rdf+xml": ResultFormat.RDFXML, "rdf": ResultFormat.RDFXML}


class NotAcceptableError(QueryError):
    """No result format the client accepts can express this result."""

    def __init__(self, accept: str, offered: list[ResultFormat]) -> None:
        self.offered = offered
        super().__init__(f"cannot produce any of {accept!r}; available: {', '.join(f.value for f in offered)}")


def parse_accept(accept: str) -> list[tuple[str, float]]:
    """Media ranges with their q-values (malformed q counts as 0), in header order."""
    items = []
    for part in accept.split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = min(max(float(f[2:]), 0.0), 1.0)
                except ValueError:
                    q = 0.0
        items.append((media, q))
    return items


def _quality(media: str, ranges: list[tuple[str, float]]) -> float | None:
    """q of the most specific range matching ``media`` (RFC 9110 §12.5.1), None if none does."""
    kind = media.split("/")[0]
    best: tuple[int, float] | None = None
    for rng, q in ranges:
        spec = 2 if rng == media else 1 if rng == f"{kind}/*" else 0 if rng == "*/*" else -1
        if spec >= 0 and (best is None or spec > best[0]):
            best = (spec, q)
    return None if best is None else best[1]


def choose(accept: str, offered: list[str], aliases: dict[str, str] | None = None) -> str | None:
    """The offered media type the client prefers (server order breaks ties); None if none is acceptable."""
    ranges = [((aliases or {}).get(m, m), q) for m, q in parse_accept(accept)]
    scored = [(q, -i, m) for i, m in enumerate(offered) if (q := _quality(m, ranges)) is not None and q > 0]
    return max(scored)[2] if scored else None


def accepts_anything(accept: str | None) -> bool:
    """No Accept header, or one that says only ``*/*``: the client has no preference."""
    return not accept or not accept.strip() or {m for m, _ in parse_accept(accept)} <= {"*/*"}


def negotiate(accept: str | None, form: QueryForm, *, override: str | None = None) -> ResultFormat:
    """Pick the result format for ``form`` from ``Accept``; ``format=`` counts only when the client
    states no preference (no Accept, or ``*/*``), so it never overrides a type we could serve.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", QueryForm.SELECT).name
    'XML'
    >>> negotiate(None, QueryForm.CONSTRUCT).name
    'TURTLE'
    >>> negotiate("text/*", QueryForm.SELECT).name
    'CSV'
    """
    graphs = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
    offered = GRAPH_FORMATS if graphs else TABLE_FORMATS
    aliases = GRAPH_ALIASES if graphs else TABLE_ALIASES
    if override and accepts_anything(accept):
        name = override.lower()
        fmt = SHORT_NAMES.get(name) or aliases.get(name) or next((f for f in ResultFormat if f.value == name), None)
        if fmt is None or fmt not in offered:
            raise NotAcceptableError(override, offered)
        return fmt
    if accepts_anything(accept):
        return offered[0]
    chosen = choose(accept or "", [f.value for f in offered], {k: v.value for k, v in aliases.items()})
    if chosen is None:
        raise NotAcceptableError(accept or "", offered)
    return ResultFormat(chosen)


# Clients send a handful of distinct Accept headers; parsing one took a tenth of a light query's
# server time. Bounded: a client that varies its header only fills this cache.
negotiate_cached = lru_cache(maxsize=512)(negotiate)


def negotiate_entity(accept: str | None, fmt: str | None) -> ResultFormat | None:
    """The format of an entity's page: a graph format, or None for HTML (browsers, ``*/*`` without Turtle)."""
    if fmt:
        chosen = SHORT_NAMES.get(fmt.lower())
        if chosen is None or chosen not in GRAPH_FORMATS:
            if fmt.lower() == "html":
                return None
            raise NotAcceptableError(fmt, GRAPH_FORMATS)
        return chosen
    if not accept or "text/html" in accept or ("*/*" in accept and "turtle" not in accept):
        return None
    return negotiate(accept, QueryForm.CONSTRUCT)


def negotiate_among(accept: str | None, offered: dict[str, str], *, default: str) -> str:
    """The key of ``offered`` (key → media type) the client prefers, else ``default`` (a description of
    the data set is better than a 406 for a client that asked for nothing we have)."""
    chosen = choose(accept or "", list(offered.values())) if not accepts_anything(accept) else None
    return next((k for k, media in offered.items() if media == chosen), default)
