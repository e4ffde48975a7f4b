"""Query results written by pyoxigraph's own serialisers, in the media type the client negotiated.

A capped answer is still a valid document of its format: the cap is signalled by the caller in
headers, never by an extra member. The W3C writers come from pyoxigraph (``QueryResultsFormat`` for
solutions and booleans, ``RdfFormat`` for graphs); a capped solution sequence is handed to them by
parsing the kept rows back as a SPARQL JSON document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

import pyoxigraph as ox
from rdflib.term import Node

from api.negotiation import TABLE_FORMATS, NotAcceptableError, ResultFormat
from graph.results import RDF_LANGSTRING, XSD_STRING, NativeResult, Solutions, Term, Triples, to_ox

_RESULTS = {ResultFormat.JSON: ox.QueryResultsFormat.JSON, ResultFormat.XML: ox.QueryResultsFormat.XML,
            ResultFormat.CSV: ox.QueryResultsFormat.CSV, ResultFormat.TSV: ox.QueryResultsFormat.TSV}
_RDF = {ResultFormat.TURTLE: ox.RdfFormat.TURTLE, ResultFormat.NTRIPLES: ox.RdfFormat.N_TRIPLES,
        ResultFormat.JSONLD: ox.RdfFormat.JSON_LD, ResultFormat.RDFXML: ox.RdfFormat.RDF_XML,
        ResultFormat.N3: ox.RdfFormat.N3}

def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value not in (XSD_STRING, RDF_LANGSTRING):
            out["datatype"] = term.datatype.value
        return out
    raise ValueError(f"unsupported term in a result: {term!r}")


def _solutions_document(result: Solutions) -> bytes:
    bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True) if t is not None}
                for row in result.rows]
    return json.dumps({"head": {"vars": result.variables}, "results": {"bindings": bindings}}).encode()


def serialize(result: NativeResult, fmt: ResultFormat, *, prefixes: dict[str, str] | None = None) -> bytes:
    """Write ``result`` in ``fmt`` with pyoxigraph's serialisers."""
    if isinstance(result, Triples):
        if fmt not in _RDF:
            raise NotAcceptableError(fmt.value, list(_RDF))
        # prefixes only where the syntax has them; JSON-LD and RDF/XML are written in full
        use = prefixes if fmt in (ResultFormat.TURTLE, ResultFormat.N3) else None
        return ox.serialize(result.triples, format=_RDF[fmt], prefixes=use) or b""
    if fmt not in _RESULTS:
        raise NotAcceptableError(fmt.value, TABLE_FORMATS)
    if isinstance(result, bool):
        doc = json.dumps({"head": {}, "boolean": result}).encode()
    else:
        doc = _solutions_document(result)
    parsed = ox.parse_query_results(doc, format=ox.QueryResultsFormat.JSON)
    return parsed.serialize(format=_RESULTS[fmt]) or b""


def graph_bytes(triples: Iterable[tuple[Node, Node, Node]], fmt: ResultFormat,
                prefixes: dict[str, str] | None = None) -> bytes:
    """rdflib triples (e.g. from :meth:`Store.query`) written like a CONSTRUCT answer."""
    return serialize(Triples([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in triples]), fmt,
                     prefixes=prefixes)
