"""Admission to the SPARQL query workers: a semaphore awaited on the event loop, a thread limiter of
the pool calls' own, and a per-client budget of requests in flight."""

from __future__ import annotations

from collections import Counter

import anyio

from api.querypool import QueryPool
from graph.errors import ISCMError
from graph.sparql import GuardCache


class ClientBudgetError(ISCMError, RuntimeError):
    """This client already has as many SPARQL requests in flight as it may."""


GUARD = GuardCache()  # the guard's verdicts by query text (bounded in characters), shared by every request


class Gate:
    """Admission to the query workers, on the event loop, with a per-client budget."""

    def __init__(self, workers: int, per_client: int) -> None:
        self.admission = anyio.Semaphore(workers)
        self.threads = anyio.CapacityLimiter(workers)  # the pool calls' own threads, not the shared ones
        self.guard = anyio.CapacityLimiter(2)  # long texts are checked off the event loop, two at a time
        self.per_client = per_client
        self.in_flight: Counter[str] = Counter()
        self.stats: Counter[str] = Counter()


def stats(gate: Gate | None, pool: QueryPool | None) -> dict[str, int]:
    """SPARQL counters for /stats: requests, refusals, timeouts, crashes, memory-limit stops."""
    out: dict[str, int] = dict(gate.stats) if gate else {}
    if pool is not None:
        out.update({f"worker_{k}": v for k, v in pool.stats.items()})
    out["in_flight"] = sum(gate.in_flight.values()) if gate else 0
    out["guard_cache_hits"] = GUARD.hits
    return out
