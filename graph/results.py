"""Query results as the engine gives them, capped: pyoxigraph terms from the engine on, so a
literal's lexical form is never rewritten (``2020-01-01T00:00:00Z`` stays as it is; rdflib would
normalise it). The API writes them with :mod:`api.serialisers`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

Term = ox.NamedNode | ox.BlankNode | ox.Literal


@dataclass(frozen=True)
class Solutions:
    """A SELECT answer: variables and rows of engine terms (None where unbound)."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Triples:
    """A CONSTRUCT or DESCRIBE answer."""

    triples: list[ox.Triple]
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.triples)


NativeResult = Solutions | Triples | bool


def capped(result: object, max_rows: int | None) -> NativeResult:
    """Read a pyoxigraph query result, keeping at most ``max_rows`` rows or triples."""
    if isinstance(result, (bool, ox.QueryBoolean)):
        return bool(result)
    if isinstance(result, ox.QuerySolutions):
        variables = [v.value for v in result.variables]
        rows: list[tuple[Term | None, ...]] = []
        for solution in result:
            if max_rows is not None and len(rows) >= max_rows:
                return Solutions(variables, rows, True)
            rows.append(tuple(solution[i] for i in range(len(variables))))
        return Solutions(variables, rows)
    triples: list[ox.Triple] = []
    for triple in result:
        if max_rows is not None and len(triples) >= max_rows:
            return Triples(triples, True)
        triples.append(triple.triple if isinstance(triple, ox.Quad) else triple)  # a parser yields quads
    return Triples(triples)


def to_ox(term: Node | None) -> Term | None:
    """An rdflib term as a pyoxigraph term (for the rdflib backend and linked data)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ValueError(f"unsupported term {term!r}")


def rows_from_rdflib(rows: Sequence[Sequence[Node | None]]) -> list[tuple[Term | None, ...]]:
    return [tuple(to_ox(t) for t in row) for row in rows]
