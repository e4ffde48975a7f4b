"""The exception family of iscm-graph.

Every error the package raises on purpose derives from :class:`ISCMError`, and each also derives
from the built-in exception a caller would expect (``ValueError`` for bad input, ``LookupError`` for
unknown entities), so ``except ValueError`` keeps working for code that does not know our types.
"""

from __future__ import annotations


class ISCMError(Exception):
    """Base class of all errors raised by iscm-graph."""


class DataError(ISCMError, ValueError):
    """A record in ``data/`` is invalid.

    The message names the file, the line, the record and what is wrong, e.g.
    ``data/iscms/igc.yaml:41: memberships[2].actors[3]: unknown country code 'XYZ'``.
    """

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 record: str | None = None) -> None:
        self.path = path
        self.line = line
        self.record = record
        self.reason = message
        where = path or ""
        if line is not None:
            where += f":{line}"
        if record:
            where += f": {record}" if where else record
        super().__init__(f"{where}: {message}" if where else message)


class DataErrors(DataError):
    """Several invalid records, reported together so that one build run shows them all."""

    def __init__(self, errors: list[DataError]) -> None:
        self.errors = errors
        lines = "\n".join(f"  {e}" for e in errors)
        ISCMError.__init__(self, f"{len(errors)} invalid record(s):\n{lines}")
        self.path = errors[0].path if errors else None
        self.line = errors[0].line if errors else None
        self.record = errors[0].record if errors else None
        self.reason = str(self)


class ValidationError(ISCMError, ValueError):
    """The compiled graph breaks a SHACL shape in ``ontology/shapes.ttl``."""


class UnknownEntityError(ISCMError, LookupError):
    """An identifier (ISO code, ISCM id, organisation id) names nothing in the graph."""

    def __init__(self, kind: str, identifier: str) -> None:
        self.kind = kind
        self.identifier = identifier
        super().__init__(f"unknown {kind}: {identifier!r}")


class BuildNotFoundError(ISCMError, FileNotFoundError):
    """No built graph where one was expected; run ``iscm build`` first."""


class QueryError(ISCMError, ValueError):
    """A SPARQL query that cannot be parsed or is not allowed."""


class QueryTimeoutError(ISCMError, TimeoutError):
    """A query ran longer than its time limit and was stopped."""


class ConvergenceError(ISCMError, ArithmeticError):
    """An iterative measure (e.g. eigenvector centrality) did not converge."""


class ParameterError(ISCMError, ValueError):
    """A parameter outside what a function or route accepts (an unknown kind, a malformed as-of date)."""
