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

import re
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from graph.errors import QueryError
from graph.sparql_syntax import QueryForm, tokens

MAX_QUERY_LENGTH = 20_000
MAX_DEPTH = 40

_FORMS = {f.value for f in QueryForm}
_UPDATE = ("LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "INSERT", "DELETE", "WITH", "USING")
_FORBIDDEN = {"SERVICE": "SERVICE is not allowed: it makes the server fetch other endpoints",
              **{k: f"updates are not allowed: this endpoint is read-only ({k})" for k in _UPDATE}}
_FORBIDDEN_PREFIX = re.compile("|".join(sorted(_FORBIDDEN, key=len, reverse=True)), re.IGNORECASE)

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
    text = _screened(text, max_length)
    allowed = set(allowed_graphs)
    form: QueryForm | None = None
    depth = 0
    from_graphs: list[str] = []
    from_named: list[str] = []
    toks = tokens(text)  # read lazily: a refusal (deep nesting spam) costs only the text up to it
    end = ("other", "", len(text))
    for kind, value, pos in toks:
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
        if upper == "FROM":
            named, iri = _from_target(toks, end, allowed)
            (from_named if named else from_graphs).append(iri)
    if form is None:
        raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
    return CheckedQuery(text, form, tuple(from_graphs), tuple(from_named))


def _screened(text: str, max_length: int) -> str:
    """The query's canonical text, once it is neither empty, too long nor holding a NUL."""
    if not text or not text.strip():
        raise QueryError("empty query")
    if len(text) > max_length:
        raise QueryError(f"query is {len(text)} characters long; the limit is {max_length}")
    text = canonical_text(text)
    if "\x00" in text:
        raise QueryError("query contains a NUL character")
    return text


def _from_target(toks: Iterator[tuple[str, str, int]], end: tuple[str, str, int],
                 allowed: set[str]) -> tuple[bool, str]:
    """(NAMED?, graph IRI) of the FROM just read: the next token, or the one after NAMED, must be one
    of the release's graphs."""
    target = next(toks, end)
    named = target[0] == "word" and target[1].upper() == "NAMED"
    if named:
        target = next(toks, end)
    iri = target[1][1:-1] if target[0] == "iri" else None
    if iri is None or iri not in allowed:
        raise QueryError(
            f"FROM {target[1]} is not allowed (character {target[2]}): only this store's graphs may be "
            f"named, as full IRIs ({', '.join(sorted(allowed)) or 'none'})")
    return named, iri


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
