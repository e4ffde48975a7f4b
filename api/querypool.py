"""Untrusted SPARQL runs in worker processes, so a time limit can really stop it.

pyoxigraph cannot interrupt a running query, and a Python thread cannot be killed. Each worker is a
process that opens the release's store read-only; a query that exceeds its time limit gets its
worker killed and replaced, and the caller gets :class:`QueryTimeoutError`. The number of workers
bounds concurrent queries; a caller waits ``queue_timeout`` seconds for a free worker, then gets
:class:`PoolBusyError`. The time limit is a deadline for the whole request: waiting for a worker
that is still starting (a replacement loads the store again) counts too.

Each worker is walled in (:mod:`graph.sandbox`): no Internet sockets (local backends), a memory cap
(:class:`QueryMemoryError` when a query passes it), death with the server, and a lower CPU priority
than the server (nice 10), so busy workers do not starve REST and ``/health``. A worker that dies
otherwise is a :class:`WorkerCrashError` — the server's fault, never reported as a bad query.
Workers serialise the result themselves (CPU work stays out of the server process): the embedded
engine writes the answer's bytes (:func:`api.serialisers.engine_bytes`), which cross the pipe as raw
bytes, not pickled, and become the response body as they are. Starting, lending, replacing and
stopping workers is :mod:`graph.workers`, shared with the analytics pool.
"""

from __future__ import annotations

import contextlib
import os
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from api.negotiation import ResultFormat
from api.serialisers import engine_bytes, serialize
from graph.errors import ISCMError, QueryError, QueryTimeoutError
from graph.namespace import PREFIXES
from graph.results import Solutions, Triples
from graph.store import Store
from graph.workers import Worker, WorkerPool, serve


class PoolBusyError(ISCMError, RuntimeError):
    """Every query worker is busy and none became free in time."""


class WorkerCrashError(ISCMError, RuntimeError):
    """The query worker died while answering; it was replaced."""


class QueryMemoryError(ISCMError, MemoryError):
    """The query needed more memory than a worker may use; the worker was replaced."""


@dataclass(frozen=True)
class PooledResult:
    body: bytes
    media_type: str
    form: str
    truncated: bool
    rows: int


def _worker(conn: Connection, release: str, backend: str, memory: int | None,
            log: str) -> None:  # pragma: no cover - runs in a child
    from graph import sandbox
    from graph.loader import open_store

    sandbox.die_with_parent()
    # below the server in the CPU queue: a query that burns a core for its whole time limit must not
    # slow /health and REST, which run in the server process (bench/ "under attack")
    with contextlib.suppress(OSError):
        os.nice(10)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)  # a Rust abort ("memory allocation … failed") says why here; the pool reads it
    walled = backend != "remote" and sandbox.block_network()
    store = open_store(Path(release), backend=backend)
    fast = backend.startswith("oxigraph")  # the embedded engine can write its answer itself
    if memory:
        sandbox.cap_memory(memory)
    conn.send(("ready", walled))
    serve(conn, lambda msg: _answer(conn, store, fast, msg))


def _answer(conn: Connection, store: Store, fast: bool, msg: tuple) -> bool:  # pragma: no cover - in a child
    """Run one query and send its answer; False when the worker must be replaced."""
    text, fmt_value, max_rows, default_graphs, named_graphs, base_iri = msg
    try:
        fmt = ResultFormat(fmt_value)
        body, form, truncated, rows = _written(store, fast, text, fmt, max_rows, {
            "prefixes": PREFIXES, "default_graphs": default_graphs, "named_graphs": named_graphs,
            "base_iri": base_iri})
        # the body goes as raw bytes after a small header: no pickling of a large answer
        conn.send(("ok", fmt.value, form, truncated, rows))
        conn.send_bytes(body)
    except QueryError as exc:
        conn.send(("query-error", str(exc)))
    except MemoryError:
        conn.send(("memory", ""))
        return False  # Python may be in a poor state after a failed allocation: be replaced
    except RecursionError:
        conn.send(("query-error", "the query is nested too deeply for the engine"))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    return True


def _written(store: Store, fast: bool, text: str, fmt: ResultFormat, max_rows: int,
             args: dict) -> tuple[bytes, str, bool, int]:  # pragma: no cover - runs in a child
    """The answer's bytes, form, whether it was cut and its row count."""
    if fast:  # the engine writes the bytes; None: over the cap, so read it again row by row
        written = engine_bytes(store.run_native(text, raw=True, **args), fmt, max_rows=max_rows,
                               max_bytes=max(max_rows * 1024, 8 << 20), prefixes=args["prefixes"])
        if written is not None:
            return written.body, written.form, written.truncated, written.rows
    result = store.run_native(text, max_rows=max_rows, **args)
    body = serialize(result, fmt, prefixes=args["prefixes"])
    rows = len(result) if isinstance(result, (Solutions, Triples)) else 1
    form = "ASK" if isinstance(result, bool) else "GRAPH" if isinstance(result, Triples) else "SELECT"
    return body, form, getattr(result, "truncated", False), rows


class QueryPool(WorkerPool):
    """A fixed number of query worker processes over one release.

    ``memory`` is the bytes a worker may allocate per query beyond what it holds after loading
    (None: no cap). :attr:`stats` counts queries, timeouts, crashes and memory refusals.
    """

    def __init__(self, release: Path, *, workers: int = 2, backend: str = "oxigraph",
                 queue_timeout: float = 5.0, start_timeout: float = 120.0, memory: int | None = None) -> None:
        self.release = release
        self.backend = backend
        self.queue_timeout = queue_timeout
        self.start_timeout = start_timeout
        self.memory = memory
        self._lock = threading.Lock()
        self.stats: Counter[str] = Counter()
        super().__init__(workers, lazy=False)

    def _spawn(self) -> Worker:
        return self._start(_worker, str(self.release), self.backend, self.memory, log_prefix="iscm-query-worker-")

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def warm(self) -> bool:
        """Wait until every worker has opened the store; True if every one is walled off the network."""
        workers = [self._idle.get() for _ in range(self.size)]
        try:
            return all([w.wait_ready(self.start_timeout) and w.hello[0] for w in workers])
        finally:
            for w in workers:
                self._idle.put(w)

    def run(self, text: str, *, media_type: str, max_rows: int, timeout: float | None = None,
            deadline: float | None = None, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None, base_iri: str | None = None) -> PooledResult:
        """Run a checked query before ``deadline`` (``time.monotonic()``; or ``timeout`` from now).

        Raises QueryError, QueryTimeoutError, PoolBusyError, QueryMemoryError or WorkerCrashError.
        """
        if deadline is None:
            deadline = time.monotonic() + (timeout if timeout is not None else 10.0)
        limit = timeout if timeout is not None else deadline - time.monotonic()
        self._count("queries")
        try:
            worker = self.lend(min(self.queue_timeout, deadline - time.monotonic()))
        except queue.Empty:
            self._count("busy")
            raise PoolBusyError(f"all {self.size} query workers are busy; try again shortly") from None
        reply = self._exchange(worker, (text, media_type, max_rows, default_graphs, named_graphs, base_iri),
                               deadline, limit)
        kind = reply[0]
        if kind == "ok":
            _, mt, form, truncated, rows, body = reply
            return PooledResult(body=body, media_type=mt, form=form, truncated=truncated, rows=rows)
        if kind == "query-error":
            raise QueryError(reply[1])
        if kind == "memory":
            self._count("memory")
            raise self._memory_error()
        self._count("errors")
        raise RuntimeError(reply[1])

    def _exchange(self, worker: Worker, msg: tuple, deadline: float, limit: float) -> tuple:
        """Send ``msg`` to a lent worker and read its reply before ``deadline``; the worker goes back
        to the pool, replaced if it ran over, died or ran out of memory."""
        replace, reply = False, None
        try:
            if not worker.proc.is_alive():  # died while idle (killed from outside): use a new one
                self._count("crashes")
                worker.kill()
                worker = self._spawn()
            if not worker.wait_ready(deadline - time.monotonic()):
                self._count("timeouts")
                raise QueryTimeoutError(f"the {limit:g} s limit passed while a query worker was starting")
            worker.conn.send(msg)
            if not worker.conn.poll(max(deadline - time.monotonic(), 0)):
                replace = True
                self._count("timeouts")
                raise QueryTimeoutError(f"query stopped after {limit:g} s (the limit)")
            reply = worker.conn.recv()
            if reply[0] == "ok":
                reply = (*reply, worker.conn.recv_bytes())
        except (EOFError, BrokenPipeError, ConnectionResetError) as exc:
            replace = True
            worker.proc.join(5)
            raise self._crash(worker) from exc
        finally:
            self.take_back(worker, replace=replace or (reply is not None and reply[0] == "memory"))
        return reply

    def _memory_error(self) -> QueryMemoryError:
        mb = (self.memory or 0) // 2**20
        return QueryMemoryError(f"the query needed more than the {mb} MB a query may use; "
                                "add a LIMIT, or avoid sorting or grouping very large intermediate results")

    def _crash(self, worker: Worker) -> Exception:
        tail = worker.stderr_tail()
        if "memory allocation of" in tail or "MemoryError" in tail:
            self._count("memory")
            return self._memory_error()
        self._count("crashes")
        return WorkerCrashError(f"the query worker stopped (exit code {worker.proc.exitcode}) while answering; "
                                "it was restarted")
