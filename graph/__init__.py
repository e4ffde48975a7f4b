"""iscm-graph: a knowledge graph of inter-State consultation mechanisms on migration.

>>> import graph
>>> g = graph.load("build")          # doctest: +SKIP
>>> g.memberships.head()             # doctest: +SKIP
"""

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
from graph.loader import ISCMGraph, load

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
