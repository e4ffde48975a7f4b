"""The SPARQL tokenizer and query forms: what both the query guard (:mod:`graph.sparql`) and the
stores (:mod:`graph.store`, to tell a SELECT from a CONSTRUCT) read a query with. It imports
neither, so neither imports the other through it."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterator

from graph.errors import QueryError


class QueryForm(enum.Enum):
    SELECT = "SELECT"
    ASK = "ASK"
    CONSTRUCT = "CONSTRUCT"
    DESCRIBE = "DESCRIBE"


# SPARQL 1.1 grammar terminals (§19.8), as character classes
_BASE = ("A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
         "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff")
_U = _BASE + "_"
_CHARS = _U + r"\-0-9\u00b7\u0300-\u036f\u203f-\u2040"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PREFIX = rf"[{_BASE}](?:[{_CHARS}.]*[{_CHARS}])?"
_LOCAL = rf"(?:[{_U}:0-9]|{_PLX})(?:(?:[{_CHARS}.:]|{_PLX})*(?:[{_CHARS}:]|{_PLX}))?"
_ECHAR = r"\\[tbnrf\\\"']"

# One token per match, the whitespace and comments before it skipped inside the match (possessively:
# never given back, so a comment cannot end early); ``end`` takes what trails the last token. Reading
# token by token from Python with a ``ws`` token between each took the guard twice as long.
_TOKEN = re.compile(
    rf"""
    (?:[ \t\n]++|\#[^\n]*+)*+
    (?:
      (?P<string>'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}))*'''|\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}))*\"\"\"
              |'(?:[^'\\\n]|{_ECHAR})*'|"(?:[^"\\\n]|{_ECHAR})*")
    | (?P<iri><[^<>"{{}}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][{_U}0-9][{_U}0-9\u00b7\u0300-\u036f\u203f-\u2040]*)
    | (?P<bnode>_:[{_U}0-9](?:[{_CHARS}.]*[{_CHARS}])?)
    | (?P<pname>(?:{_PREFIX})?:(?:{_LOCAL})?)
    | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    | (?P<other>.)
    | (?P<end>\Z)
    )
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[tuple[str, str, int]]:
    """The query's tokens as (kind, text, position), without whitespace and comments. Every
    character is read: after the skipped space, ``other`` takes any character no rule above takes."""
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind != "end" and kind is not None:
            yield kind, m.group(kind), m.start(kind)


def form_of(sparql: str) -> QueryForm:
    """The form of a query: its first SELECT, ASK, CONSTRUCT or DESCRIBE keyword."""
    for kind, value, _pos in tokens(sparql):
        if kind == "word" and value.upper() in QueryForm.__members__:
            return QueryForm(value.upper())
    raise QueryError("not a SPARQL query: expected SELECT, ASK, CONSTRUCT or DESCRIBE")
