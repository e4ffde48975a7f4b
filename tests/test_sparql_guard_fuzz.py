"""Differential fuzz: the query guard against pyoxigraph's own parser, code point by code point.

For every code point that matters to the grammar (all of ASCII and Latin-1, the edges of every
character class of the SPARQL grammar, Unicode's spaces and line separators, a sample of the rest)
placed in a comment, an IRI, a string, a prefixed name and around keywords, the engine must never
run a SERVICE or a FROM the guard let through. The engine's reading is observed on an empty store:
a SERVICE it parsed is evaluated and fails (no network: the IRIs have no usable scheme or port),
a FROM it parsed selects the one graph that holds a triple. The guard checks the canonical text it
returns, and that text is what the engine runs. The work is bounded by the sizes below, not by time.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from graph.errors import QueryError
from graph.sparql import canonical_text, check_query

_RANGES = [(0x00C0, 0x00D6), (0x00D8, 0x00F6), (0x00F8, 0x02FF), (0x0370, 0x037D), (0x037F, 0x1FFF),
           (0x200C, 0x200D), (0x2070, 0x218F), (0x2C00, 0x2FEF), (0x3001, 0xD7FF), (0xF900, 0xFDCF),
           (0xFDF0, 0xFFFD), (0x10000, 0xEFFFF), (0x0300, 0x036F), (0x203F, 0x2040), (0x00B7, 0x00B7)]
_SPACES = [0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF]


def _code_points() -> list[str]:
    points = set(range(0x00, 0x100)) | set(_SPACES)
    for lo, hi in _RANGES:
        points |= {lo - 1, lo, lo + 1, hi - 1, hi, hi + 1}
    points |= set(range(0x100, 0x10000, 251)) | {0x10FFFF, 0xE0000, 0xF0000}
    return [chr(p) for p in sorted(points) if not 0xD800 <= p <= 0xDFFF]


CODE_POINTS = _code_points()
EVIL = "urn:evil"
# {X} is the code point; SERVICE targets never reach a network (no scheme the client can use)
SERVICE_TEMPLATES = [
    "SELECT * WHERE {{ BIND(1 AS ?z) #x{X}SERVICE <urn:x> {{ }}\n}}",
    "SELECT * WHERE {{ BIND(1 AS ?z) #x{X}{X}SERVICE <urn:x> {{ }}\n}}",
    "SELECT * WHERE {{ BIND(1 AS ?z) {X}SERVICE <urn:x> {{ }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?z) SERVICE{X}<urn:x> {{ }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?z) SERV{X}ICE <urn:x> {{ }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?z) SERVICE{X}ex:x {{ }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?z) SERVICE{X}SILENT<urn:x> {{ }} }}",
    "SELECT * WHERE {{ BIND(1 AS ?z) {X}SERVICEex:x {{ }} }}",
    "SELECT * WHERE {{ BIND('a{X}' AS ?z) SERVICE <urn:x> {{ }} #'\n}}",
    "SELECT * WHERE {{ BIND(\"a\\{X}\" AS ?z) SERVICE <urn:x> {{ }} #\"\n}}",
    "SELECT * WHERE {{ BIND('''a{X}''' AS ?z) SERVICE <urn:x> {{ }} #'''\n}}",
    "SELECT * WHERE {{ BIND(<urn:a{X}> AS ?z) SERVICE <urn:x> {{ }} #>\n}}",
    "SELECT * WHERE {{ BIND(1 AS ?z) FILTER(?z<{X}2)SERVICE ex:x {{ }} #>\n}}",
    "SELECT * WHERE {{ BIND(ex:a\\{X} AS ?z) SERVICE <urn:x> {{ }} #'\n}}",
    "SELECT * WHERE {{ BIND(ex:a{X} AS ?z) SERVICE <urn:x> {{ }} #'\n}}",
    "SELECT * WHERE {{ BIND(?a{X} AS ?z) SERVICE <urn:x> {{ }} #\n}}",
]
FROM_TEMPLATES = [
    "SELECT * #{X}FROM <urn:evil>\nWHERE {{ ?s ?p ?o }}",
    "SELECT * {X}FROM <urn:evil> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM{X}<urn:evil> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM <urn:evil{X}> WHERE {{ ?s ?p ?o }}",
    "SELECT * FROM <urn:ok> # {X} FROM <urn:evil>\nWHERE {{ ?s ?p ?o }}",
]
PREFIXES = {"ex": "urn:ex:"}


@pytest.fixture(scope="module")
def store() -> ox.Store:
    s = ox.Store()
    s.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode("urn:o"), ox.NamedNode(EVIL)))
    return s


def _engine_runs_service(store: ox.Store, text: str) -> bool:
    try:
        list(store.query(text, prefixes=PREFIXES))
    except SyntaxError:
        return False
    except (OSError, RuntimeError):  # the engine tried to call the service
        return True
    return False


def _engine_reads_from(store: ox.Store, text: str) -> bool:
    try:
        return len(list(store.query(text, prefixes=PREFIXES))) > 0
    except SyntaxError:
        return False


def _guard(text: str) -> str | None:
    """The text the engine would run, or None if the guard refuses."""
    try:
        return check_query(text, allowed_graphs={"urn:ok"}).text
    except QueryError:
        return None


@pytest.mark.parametrize("template", SERVICE_TEMPLATES)
def test_engine_never_runs_a_service_the_guard_let_through(store, template):
    assert len(CODE_POINTS) > 500  # the sample really covers the classes
    leaks = []
    for c in CODE_POINTS:
        checked = _guard(template.format(X=c))
        if checked is not None and _engine_runs_service(store, checked):
            leaks.append(hex(ord(c)))
    assert not leaks, f"SERVICE ran after the guard accepted code points {leaks[:20]}"


@pytest.mark.parametrize("template", FROM_TEMPLATES)
def test_engine_never_reads_a_from_the_guard_let_through(store, template):
    leaks = []
    for c in CODE_POINTS:
        checked = _guard(template.format(X=c))
        if checked is not None and _engine_reads_from(store, checked):
            leaks.append(hex(ord(c)))
    assert not leaks, f"FROM <urn:evil> was read after the guard accepted code points {leaks[:20]}"


def test_the_oracles_see_what_they_look_for(store):
    """Negative controls: unguarded, the engine does run these (else the fuzz could not fail)."""
    assert _engine_runs_service(store, "SELECT * WHERE { BIND(1 AS ?z) #x\rSERVICE <urn:x> { }\n}")
    assert _engine_runs_service(store, "SELECT * WHERE { BIND(1 AS ?z) SERVICEex:x { } }")
    assert _engine_reads_from(store, "SELECT * #x\rFROM <urn:evil>\nWHERE { ?s ?p ?o }")
    assert not _engine_runs_service(store, "SELECT * WHERE { BIND(1 AS ?z) #x SERVICE <urn:x> { }\n}")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { BIND(1 AS ?z) #x\rSERVICE <urn:x> { }\n}",
    "SELECT * WHERE { BIND(1 AS ?z) \\u0053ERVICE <urn:x> { } }",
    "SELECT * WHERE { BIND(\"\\u0022 AS ?z) SERVICE <urn:x> { } #\" AS ?z) }",
    "SELECT * WHERE { BIND(1 AS ?z) SERVICEex:x { } }",
    "SELECT * WHERE { BIND(1 AS ?z) SERVICESILENT<urn:x> { } }",
    "SELECT * WHERE { BIND(ex:x\\' AS ?z) SERVICE <urn:x> { } #' }",
    "SELECT * WHERE { BIND(1 AS ?z) \\u005Cu0053ERVICE <urn:x> { } }",
])
def test_known_bypasses_are_refused(text):
    assert _guard(text) is None


def test_canonical_text_is_a_fixed_point_for_rdflib():
    """rdflib decodes codepoint escapes before parsing: on the canonical text that changes nothing."""
    from rdflib.plugins.sparql.parser import expandUnicodeEscapes

    for c in CODE_POINTS[:400]:
        for raw in (f"SELECT * WHERE {{ ?s ?p '\\u{ord(c):04X}' }}", f"ASK {{ #{c}\r\n}}"):
            try:
                text = canonical_text(raw)
            except QueryError:
                continue
            assert expandUnicodeEscapes(text) == text
