"""Admission to the SPARQL query workers: a semaphore awaited on the event loop and a per-client
budget of requests in flight."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import anyio

from api.querypool import QueryPool
from api.sparqlcache import ResultCache
from graph.errors import ISCMError
from graph.sparql import GuardCache


class ClientBudgetError(ISCMError, RuntimeError):
    """This client already has as many SPARQL requests in flight as it may."""


GUARD = GuardCache()  # the guard's verdicts by query text (bounded in characters), shared by every request


class Gate:
    """Admission to the query workers, on the event loop, with a per-client budget."""

    def __init__(self, workers: int, per_client: int) -> None:
        self.admission = anyio.Semaphore(workers)
        self.guard = anyio.CapacityLimiter(2)  # long texts are checked off the event loop, two at a time
        self.per_client = per_client
        self.in_flight: Counter[str] = Counter()
        self.stats: Counter[str] = Counter()

    def admit_now(self) -> bool:
        """Take a worker slot if one is free right now (no waiting, no cancel scope); False if not."""
        try:
            self.admission.acquire_nowait()
        except anyio.WouldBlock:
            return False
        return True

    @contextmanager
    def client_slot(self, client: str) -> Iterator[None]:
        """Count the request and hold one of ``client``'s slots while it runs; refuse it (429) first
        thing when they are all taken, before its body is read or its text checked: a client that
        retries in a loop costs the server as little as possible."""
        self.stats["requests"] += 1
        if self.in_flight[client] >= self.per_client:
            self.stats["refused_client_budget"] += 1
            raise ClientBudgetError(f"this client already has {self.per_client} SPARQL requests in flight; "
                                    "wait for them to finish")
        self.in_flight[client] += 1
        try:
            yield
        finally:
            self.in_flight[client] -= 1
            if not self.in_flight[client]:
                del self.in_flight[client]


def stats(gate: Gate | None, pool: QueryPool | None, cache: ResultCache | None = None) -> dict[str, int]:
    """SPARQL counters for /stats: requests, refusals, timeouts, crashes, memory-limit stops, and the
    answer cache of the release served (hits, misses, entries, bytes held)."""
    out: dict[str, int] = dict(gate.stats) if gate else {}
    if pool is not None:
        out.update({f"worker_{k}": v for k, v in pool.stats.items()})
    out["in_flight"] = sum(gate.in_flight.values()) if gate else 0
    out["guard_cache_hits"] = GUARD.hits
    if cache is not None:
        out.update(result_cache_hits=cache.hits, result_cache_misses=cache.misses, result_cache_entries=len(cache),
                   result_cache_bytes=cache.size)
    return out
