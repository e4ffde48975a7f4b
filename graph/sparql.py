"""SPARQL for untrusted callers: a guard that fails closed, and result serialisers.

Security
--------
A SPARQL engine is also an HTTP client: pyoxigraph executes ``SERVICE <http://…>`` by fetching the
URL, and ``FROM <http://…>`` may make other engines do the same. Updates (``INSERT``, ``LOAD``,
``CLEAR`` …) change the store. :func:`check_query` tokenises the query — comments, strings, IRIs
and prefixed names are recognised, so a keyword hidden in a string or an IRI is not mistaken for
one, and a keyword cannot be smuggled past a prefix check — and accepts only a SELECT, ASK,
CONSTRUCT or DESCRIBE query without SERVICE, without update operations, and without FROM / FROM
NAMED except for the graphs this store holds. The engine's own parser then decides the syntax.
"""

from __future__ import annotations

import csv
import enum
import io
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph.errors import QueryError
from graph.store import AskResult, GraphResult, QueryForm, Result, SelectResult

MAX_QUERY_LENGTH = 20_000

_FORMS = {f.value for f in QueryForm}
_FORBIDDEN = {
    "SERVICE": "SERVICE is not allowed: it makes the server fetch other endpoints",
    "LOAD": "updates are not allowed: this endpoint is read-only (LOAD)",
    "CLEAR": "updates are not allowed: this endpoint is read-only (CLEAR)",
    "DROP": "updates are not allowed: this endpoint is read-only (DROP)",
    "CREATE": "updates are not allowed: this endpoint is read-only (CREATE)",
    "ADD": "updates are not allowed: this endpoint is read-only (ADD)",
    "MOVE": "updates are not allowed: this endpoint is read-only (MOVE)",
    "COPY": "updates are not allowed: this endpoint is read-only (COPY)",
    "INSERT": "updates are not allowed: this endpoint is read-only (INSERT)",
    "DELETE": "updates are not allowed: this endpoint is read-only (DELETE)",
    "WITH": "updates are not allowed: this endpoint is read-only (WITH)",
    "USING": "updates are not allowed: this endpoint is read-only (USING)",
}

# Longest alternatives first; strings before IRIs before comparison operators.
_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\s]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<pname>(?:[A-Za-z][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-.:%\\\u00B7-\uFFFF]*[\w\-:%\u00B7-\uFFFF])?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class CheckedQuery:
    text: str
    form: QueryForm


def _tokens(text: str) -> Iterable[tuple[str, str]]:
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the 'other' alternative matches any character
            raise QueryError(f"cannot read the query at character {pos}")
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield kind, m.group()
        pos = m.end()


def check_query(text: str, *, allowed_graphs: Iterable[str] = (), max_length: int = MAX_QUERY_LENGTH) -> CheckedQuery:
    """Accept a read-only, self-contained query or raise :class:`QueryError` saying why not.

    Examples
    --------
    >>> check_query("SELECT * WHERE { ?s ?p 'SERVICE' }").form
    <QueryForm.SELECT: 'SELECT'>
    >>> check_query("PREFIX x: <http://x/> ASK { x:a ?p ?o }").form
    <QueryForm.ASK: 'ASK'>
    >>> check_query("SELECT * WHERE { SERVICE <http://evil/> { ?s ?p ?o } }")
    Traceback (most recent call last):
    graph.errors.QueryError: SERVICE is not allowed: it makes the server fetch other endpoints
    >>> check_query("INSERT DATA { <a:b> <a:c> <a:d> }")
    Traceback (most recent call last):
    graph.errors.QueryError: updates are not allowed: this endpoint is read-only (INSERT)
    """
    if not text or not text.strip():
        raise QueryError("empty query")
    if len(text) > max_length:
        raise QueryError(f"query is {len(text)} characters long; the limit is {max_length}")
    if "\x00" in text:
        raise QueryError("query contains a NUL character")
    allowed = set(allowed_graphs)
    form: QueryForm | None = None
    tokens = list(_tokens(text))
    for i, (kind, value) in enumerate(tokens):
        if kind == "iri" and ("(" in value or ")" in value):
            # '<' may be a comparison, not an IRI: look inside for hidden keywords (fail closed)
            for word in re.findall(r"[A-Za-z]+", value):
                if word.upper() in _FORBIDDEN:
                    raise QueryError(_FORBIDDEN[word.upper()])
        if kind != "word":
            continue
        upper = value.upper()
        if upper in _FORBIDDEN:
            raise QueryError(_FORBIDDEN[upper])
        if form is None and upper in _FORMS:
            form = QueryForm(upper)
        if upper == "FROM":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "NAMED":
                j += 1
            target = tokens[j] if j < len(tokens) else ("other", "")
            iri = target[1][1:-1] if target[0] == "iri" else None
            if iri is None or iri not in allowed:
                raise QueryError(
                    f"FROM {target[1]} is not allowed: only this store's graphs may be named "
                    f"({', '.join(sorted(allowed)) or 'none'})")
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return CheckedQuery(text, form)


# ----------------------------------------------------------------------------- result formats


class ResultFormat(enum.Enum):
    """Media types for SELECT/ASK results and for CONSTRUCT/DESCRIBE graphs."""

    JSON = "application/sparql-results+json"
    XML = "application/sparql-results+xml"
    CSV = "text/csv"
    TSV = "text/tab-separated-values"
    TURTLE = "text/turtle"
    NTRIPLES = "application/n-triples"
    JSONLD = "application/ld+json"

    @property
    def for_graphs(self) -> bool:
        return self in (ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.JSONLD)


TABLE_FORMATS = [ResultFormat.JSON, ResultFormat.XML, ResultFormat.CSV, ResultFormat.TSV]
GRAPH_FORMATS = [ResultFormat.TURTLE, ResultFormat.NTRIPLES, ResultFormat.JSONLD]
ALIASES = {
    "application/json": ResultFormat.JSON,
    "application/xml": ResultFormat.XML,
    "text/xml": ResultFormat.XML,
    "text/plain": ResultFormat.NTRIPLES,
    "application/x-turtle": ResultFormat.TURTLE,
}
SHORT_NAMES = {"json": ResultFormat.JSON, "xml": ResultFormat.XML, "csv": ResultFormat.CSV,
               "tsv": ResultFormat.TSV, "turtle": ResultFormat.TURTLE, "ttl": ResultFormat.TURTLE,
               "nt": ResultFormat.NTRIPLES, "ntriples": ResultFormat.NTRIPLES,
               "jsonld": ResultFormat.JSONLD, "json-ld": ResultFormat.JSONLD}


class NotAcceptableError(QueryError):
    """No result format the client accepts can express this result."""

    def __init__(self, accept: str, offered: list[ResultFormat]) -> None:
        self.offered = offered
        super().__init__(f"cannot produce any of {accept!r}; available: {', '.join(f.value for f in offered)}")


def _parse_accept(accept: str) -> list[tuple[str, float]]:
    items = []
    for n, part in enumerate(accept.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        items.append((media, q, -n))
    items.sort(key=lambda t: (t[1], t[2]), reverse=True)
    return [(m, q) for m, q, _ in items if q > 0]


def negotiate(accept: str | None, form: QueryForm, *, override: str | None = None) -> ResultFormat:
    """Pick the result format for ``form`` from an ``Accept`` header (or a ``format=`` override).

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", QueryForm.SELECT).name
    'XML'
    >>> negotiate(None, QueryForm.CONSTRUCT).name
    'TURTLE'
    """
    offered = GRAPH_FORMATS if form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE) else TABLE_FORMATS
    if override:
        fmt = SHORT_NAMES.get(override.lower()) or ALIASES.get(override.lower())
        if fmt is None:
            fmt = next((f for f in ResultFormat if f.value == override.lower()), None)
        if fmt is None or fmt not in offered:
            raise NotAcceptableError(override, offered)
        return fmt
    if not accept or not accept.strip():
        return offered[0]
    for media, _q in _parse_accept(accept):
        if media in ("*/*", "application/*", "text/*"):
            return offered[0]
        fmt = ALIASES.get(media) or next((f for f in ResultFormat if f.value == media), None)
        if fmt in offered:
            return fmt
    raise NotAcceptableError(accept, offered)


def _json_term(term: Node) -> dict[str, str]:
    if isinstance(term, URIRef):
        return {"type": "uri", "value": str(term)}
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    assert isinstance(term, Literal)
    out = {"type": "literal", "value": str(term)}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = str(term.datatype)
    return out


def _xml_term(term: Node) -> str:
    if isinstance(term, URIRef):
        return f"<uri>{xml_escape(str(term))}</uri>"
    if isinstance(term, BNode):
        return f"<bnode>{xml_escape(str(term))}</bnode>"
    assert isinstance(term, Literal)
    attrs = ""
    if term.language:
        attrs = f" xml:lang={quoteattr(term.language)}"
    elif term.datatype is not None and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
        attrs = f" datatype={quoteattr(str(term.datatype))}"
    return f"<literal{attrs}>{xml_escape(str(term))}</literal>"


def _tsv_term(term: Node | None) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal) and not term.language and (
            term.datatype is None or str(term.datatype) == "http://www.w3.org/2001/XMLSchema#string"):
        term = Literal(str(term))  # a simple literal: written "text", without ^^xsd:string
    return term.n3().replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def serialize(result: Result, fmt: ResultFormat) -> bytes:
    """Serialise a result in ``fmt`` following the W3C SPARQL 1.1 result formats."""
    if isinstance(result, GraphResult):
        from rdflib import Graph

        from graph.namespace import PREFIXES

        g = Graph(bind_namespaces="none")
        for prefix, iri in PREFIXES.items():
            g.bind(prefix, iri)
        for t in result.triples:
            g.add(t)
        name = {ResultFormat.TURTLE: "turtle", ResultFormat.NTRIPLES: "nt", ResultFormat.JSONLD: "json-ld"}[fmt]
        return g.serialize(format=name, encoding="utf-8")
    if isinstance(result, AskResult):
        if fmt is ResultFormat.JSON:
            return json.dumps({"head": {}, "boolean": result.value}).encode()
        if fmt is ResultFormat.XML:
            return ('<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
                    f"<boolean>{str(result.value).lower()}</boolean></sparql>\n").encode()
        return f"{str(result.value).lower()}\n".encode()
    assert isinstance(result, SelectResult)
    if fmt is ResultFormat.JSON:
        body = {
            "head": {"vars": result.variables},
            "results": {"bindings": [
                {v: _json_term(cell) for v, cell in zip(result.variables, row, strict=True) if cell is not None}
                for row in result.rows]},
        }
        if result.truncated:
            body["truncated"] = True  # extension: the row cap cut the answer
        return json.dumps(body, ensure_ascii=False).encode()
    if fmt is ResultFormat.XML:
        parts = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
        parts += [f"<variable name={quoteattr(v)}/>" for v in result.variables]
        parts.append("</head><results>")
        for row in result.rows:
            parts.append("<result>")
            parts += [f"<binding name={quoteattr(v)}>{_xml_term(c)}</binding>"
                      for v, c in zip(result.variables, row, strict=True) if c is not None]
            parts.append("</result>")
        parts.append("</results></sparql>\n")
        return "".join(parts).encode()
    if fmt is ResultFormat.CSV:
        buf = io.StringIO()
        writer = csv.writer(buf, lineterminator="\r\n")
        writer.writerow(result.variables)
        writer.writerows(["" if c is None else str(c) for c in row] for row in result.rows)
        return buf.getvalue().encode()
    if fmt is ResultFormat.TSV:
        lines = ["\t".join(f"?{v}" for v in result.variables)]
        lines += ["\t".join(_tsv_term(c) for c in row) for row in result.rows]
        return ("\n".join(lines) + "\n").encode()
    raise NotAcceptableError(fmt.value, TABLE_FORMATS)
