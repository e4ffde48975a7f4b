"""iscm-graph: a knowledge graph of inter-State consultation mechanisms on migration.

>>> import graph
>>> g = graph.load("build")          # doctest: +SKIP
>>> g.memberships.head()             # doctest: +SKIP
"""

from typing import TYPE_CHECKING, Any

from graph.errors import (
    BuildNotFoundError,
    ConvergenceError,
    DataError,
    DataErrors,
    ISCMError,
    QueryError,
    QueryTimeoutError,
    UnknownEntityError,
    ValidationError,
)

if TYPE_CHECKING:
    from graph.loader import ISCMGraph, load


def __getattr__(name: str) -> Any:
    # the read model pulls in pandas and networkx (seconds); commands that only build, check or query
    # should not pay for them, so it is imported on first use
    if name in ("ISCMGraph", "load"):
        from graph import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'graph' has no attribute {name!r}")


__all__ = [
    "BuildNotFoundError",
    "ConvergenceError",
    "DataError",
    "DataErrors",
    "ISCMError",
    "ISCMGraph",
    "QueryError",
    "QueryTimeoutError",
    "UnknownEntityError",
    "ValidationError",
    "load",
]
__version__ = "0.1.0"
