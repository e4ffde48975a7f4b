"""SPARQL for untrusted callers: a guard that fails closed, and content negotiation.

Security
--------
A SPARQL engine is also an HTTP client: pyoxigraph and rdflib execute ``SERVICE <http://…>`` by
fetching the URL, and ``FROM <http://…>`` may make an engine fetch it too. :func:`check_query`
decides what may run, and it reads exactly the text the engine will read:

1. :func:`canonical_text` first applies what engines do before parsing — codepoint escapes
   (``\\u0053`` is ``S`` anywhere in a query, SPARQL 1.1 §19.2, and rdflib decodes them so) and line
   ends (``\\r`` ends a comment just as ``\\n`` does). An escape that would decode again is refused,
   so the canonical text has no escapes left and every engine reads it the same way. The API hands
   the engine this canonical text, never the raw one.
2. The canonical text is split into the SPARQL grammar's own terminals (comments, the four string
   forms, IRIs, variables, blank nodes, prefixed names with their escapes, words), so a keyword
   inside a string, an IRI or a name is not mistaken for one. A name that *starts* with a forbidden
   keyword is refused too: the engine reads ``SERVICEex:x`` as ``SERVICE ex:x``.
3. Only SELECT, ASK, CONSTRUCT and DESCRIBE are accepted, without SERVICE or update keywords, with
   bracket nesting bounded (deep nesting overflows the engine's stack), and with FROM / FROM NAMED
   naming only this store's graphs; the FROM graphs are returned so the caller sets the dataset
   itself. The engine's own parser then decides the syntax.

``tests/test_sparql_guard_fuzz.py`` checks this against pyoxigraph's parser, code point by code point.
"""

from __future__ import annotations

import enum
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from graph.errors import QueryError
from graph.store import QueryForm

MAX_QUERY_LENGTH = 20_000
MAX_DEPTH = 40

_FORMS = {f.value for f in QueryForm}
_UPDATE = ("LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH", "USING")
_FORBIDDEN = {"SERVICE": "SERVICE is not allowed: it makes the server fetch other endpoints",
              **{k: f"updates are not allowed: this endpoint is read-only ({k})" for k in _UPDATE}}
_FORBIDDEN_PREFIX = re.compile("|".join(sorted(_FORBIDDEN, key=len, reverse=True)), re.IGNORECASE)

# SPARQL 1.1 grammar terminals (§19.8), as character classes
_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ECHAR = r"\\[tbnrf\\\"']"

_TOKEN = re.compile(
    rf"""
    (?P<ws>[ \t\n]+)
  | (?P<comment>\#[^\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*\"\"\"
              |'(?:[^'\\\n]|{_ECHAR})*'|"(?:[^"\\\n]|{_ECHAR})*")
  | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
  | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# an escape the spec (\\uXXXX, \\UXXXXXXXX) or rdflib (\\u or \\U with 4 or 8 digits) would decode
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_ANY_ESCAPE = re.compile(r"\\[uU][0-9A-Fa-f]{4}")
_OPEN, _CLOSE = "{([", "})]"


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed the guard. ``text`` is the canonical text: hand the engine this, not the
    raw request. ``from_graphs`` / ``from_named`` are the query's FROM / FROM NAMED graphs."""

    text: str
    form: QueryForm
    from_graphs: tuple[str, ...] = field(default=())
    from_named: tuple[str, ...] = field(default=())

    @property
    def has_dataset(self) -> bool:
        return bool(self.from_graphs or self.from_named)


def canonical_text(text: str) -> str:
    """Decode codepoint escapes and turn every line end into ``\\n``, as the engines read a query.

    >>> canonical_text("\\\\u0053ELECT * {} #x\\r\\n")
    'SELECT * {} #x\\n'
    """

    def decode(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        if code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            raise QueryError(f"invalid codepoint escape {m.group(0)!r} at character {m.start()}")
        return chr(code)

    out = _ESCAPE.sub(decode, text)
    if (m := _ANY_ESCAPE.search(out)) is not None:
        raise QueryError(f"a codepoint escape decodes to another escape ({m.group(0)!r}); write the character itself")
    return out.replace("\r\n", "\n").replace("\r", "\n")


def _tokens(text: str) -> Iterator[tuple[str, str, int]]:
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:  # pragma: no cover - the 'other' alternative matches any character
            raise QueryError(f"cannot read the query at character {pos}")
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            yield kind, m.group(), pos
        pos = m.end()


def _forbidden_in(kind: str, value: str) -> str | None:
    """The refusal for a token that is, or starts with, a forbidden keyword."""
    if kind == "word":
        upper = value.upper()
        if upper in _FORBIDDEN:
            return _FORBIDDEN[upper]
        if (m := _FORBIDDEN_PREFIX.match(value)) is not None:  # SERVICESILENT<…> reads as SERVICE SILENT
            return _FORBIDDEN[m.group().upper()]
    elif kind == "pname" and (m := _FORBIDDEN_PREFIX.match(value)) is not None:
        return _FORBIDDEN[m.group().upper()]  # SERVICEex:x reads as SERVICE ex:x
    elif kind == "iri" and not re.fullmatch(r"<[^()\s]*>", value):
        # '<' may be a comparison, not an IRI: look inside for hidden keywords (fail closed)
        for word in re.findall(r"[A-Za-z]+", value):
            if word.upper() in _FORBIDDEN:
                return _FORBIDDEN[word.upper()]
    return None


def check_query(text: str, *, allowed_graphs: Iterable[str] = (), max_length: int = MAX_QUERY_LENGTH,
                max_depth: int = MAX_DEPTH) -> CheckedQuery:
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
    >>> check_query("SELECT * WHERE { ?s ?p ?o #\\rSERVICE <http://evil/> {} }")
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
    text = canonical_text(text)
    if "\x00" in text:
        raise QueryError("query contains a NUL character")
    allowed = set(allowed_graphs)
    form: QueryForm | None = None
    depth = 0
    from_graphs: list[str] = []
    from_named: list[str] = []
    tokens = _tokens(text)  # read lazily: a refusal (deep nesting spam) costs only the text up to it
    end = ("other", "", len(text))
    for kind, value, pos in tokens:
        if (reason := _forbidden_in(kind, value)) is not None:
            raise QueryError(reason)
        if kind == "other":
            if value in _OPEN:
                depth += 1
                if depth > max_depth:
                    raise QueryError(f"the query nests brackets more than {max_depth} deep (at character {pos}); "
                                     "the limit keeps the engine from overflowing its stack")
            elif value in _CLOSE:
                depth -= 1
            continue
        if kind != "word":
            continue
        upper = value.upper()
        if form is None and upper in _FORMS:
            form = QueryForm(upper)
        if upper == "FROM":  # the next token, or the one after NAMED, must be one of the release's graphs
            target = next(tokens, end)
            named = target[0] == "word" and target[1].upper() == "NAMED"
            if named:
                target = next(tokens, end)
            iri = target[1][1:-1] if target[0] == "iri" else None
            if iri is None or iri not in allowed:
                raise QueryError(
                    f"FROM {target[1]} is not allowed (character {target[2]}): only this store's graphs may be "
                    f"named, as full IRIs ({', '.join(sorted(allowed)) or 'none'})")
            (from_named if named else from_graphs).append(iri)
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return CheckedQuery(text, form, tuple(from_graphs), tuple(from_named))


class GuardCache:
    """:func:`check_query` verdicts by query text, refusals included: the tokenizer costs about half
    a millisecond per query, and clients (dashboards, notebooks, our own pages) repeat the same text.

    Bounded in characters held (``max_chars``), least recently used first out; the key holds every
    input of the verdict, so a new release's graphs or other limits never reuse an old verdict.
    """

    def __init__(self, max_chars: int = 2_000_000) -> None:
        self.max_chars = max_chars
        self._held = 0
        self._lock = threading.Lock()
        self._verdicts: OrderedDict[tuple[str, frozenset[str], int, int], CheckedQuery | str] = OrderedDict()
        self.hits = 0

    def check(self, text: str, *, allowed_graphs: Iterable[str] = (), max_length: int = MAX_QUERY_LENGTH,
              max_depth: int = MAX_DEPTH) -> CheckedQuery:
        """:func:`check_query`, answered from the cache when this exact request was checked before."""
        key = (text, frozenset(allowed_graphs), max_length, max_depth)
        with self._lock:
            verdict = self._verdicts.get(key)
            if verdict is not None:
                self._verdicts.move_to_end(key)
                self.hits += 1
        if verdict is None:
            try:
                verdict = check_query(text, allowed_graphs=key[1], max_length=max_length, max_depth=max_depth)
            except QueryError as exc:
                if type(exc) is not QueryError:  # only the guard's own refusals are kept
                    raise
                verdict = str(exc)
            self._keep(key, verdict)
        if isinstance(verdict, str):
            raise QueryError(verdict)
        return verdict

    def _keep(self, key: tuple[str, frozenset[str], int, int], verdict: CheckedQuery | str) -> None:
        size = len(key[0]) * 2  # the raw text and the canonical text (or the refusal)
        if size > self.max_chars:
            return
        with self._lock:
            if key in self._verdicts:
                return
            self._verdicts[key] = verdict
            self._held += size
            while self._held > self.max_chars:
                old, _ = self._verdicts.popitem(last=False)
                self._held -= len(old[0]) * 2

    def __len__(self) -> int:
        return len(self._verdicts)


# ----------------------------------------------------------------------------- content negotiation


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

    @property
    def for_graphs(self) -> bool:
        return self in GRAPH_FORMATS


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
