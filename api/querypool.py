"""Untrusted SPARQL runs in worker processes, so a time limit can really stop it.

pyoxigraph cannot interrupt a running query, and a Python thread cannot be killed. Each worker is a
process (:mod:`api.queryworker`) that opens the release's store read-only; a query that exceeds its
time limit gets its worker killed and replaced, and the caller gets :class:`QueryTimeoutError`. The
number of workers bounds concurrent queries; a caller waits ``queue_timeout`` seconds for a free
worker, then gets :class:`PoolBusyError`. The time limit is a deadline for the whole request: waiting
for a worker that is still starting (a replacement loads the store again) counts too.

Each worker is walled in (:mod:`graph.sandbox`): no Internet sockets (local backends), a memory cap
(:class:`QueryMemoryError` when a query passes it), death with the server, and a lower CPU priority than
the server (nice 10) while it loads and for any query past its first 50 ms, so busy or loading workers
do not starve REST and ``/health`` (:mod:`api.queryworker`). Workers are forked from a fork server that
has their modules imported: a replacement costs no import burst at the server's priority (which stalled
``/health`` for up to a second under attack). A worker that dies otherwise is a
:class:`WorkerCrashError` — the server's fault, never reported as a bad query. Workers serialise the
result themselves: the embedded engine writes the answer's bytes (:func:`api.serialisers.engine_bytes`),
which cross the pipe as raw bytes in one frame and become the response body as they are.
:meth:`QueryPool.run_async` waits for that frame on the event loop (no thread per waiting query);
:meth:`QueryPool.run` blocks, for callers off the loop.
"""

from __future__ import annotations

import multiprocessing as mp
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import anyio
import anyio.to_thread

from api import queryworker
from graph.errors import ISCMError, QueryError, QueryTimeoutError
from graph.workers import Worker, WorkerPool

_SEND_ON_LOOP = 8_000  # characters of query text: the pickled request fits the pipe's buffer (64 KiB)


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


class _Worker(Worker):
    """A query worker: its replies are frames (:mod:`api.queryworker`), the first one "ready"."""

    def __init__(self, ctx: mp.context.BaseContext, release: Path, backend: str, memory: int | None) -> None:
        super().__init__(ctx, queryworker.worker, (str(release), backend, memory), log_prefix="iscm-query-worker-")
        self.walled = False

    def _got_ready(self, frame: bytes | memoryview) -> None:
        header, _ = queryworker.parse(frame)
        if header[0] != "ready":
            raise RuntimeError(f"the query worker failed to start: {header!r}")
        self.ready, self.walled = True, bool(header[1])

    def wait_ready(self, timeout: float) -> bool:
        if not self.ready and self.conn.poll(max(timeout, 0)):
            self._got_ready(self.conn.recv_bytes())
        return self.ready

    async def wait_ready_async(self, deadline: float) -> bool:
        """Whether the worker has opened the store, waiting until ``deadline`` (time.monotonic())."""
        if not self.ready:
            frame = await queryworker.read_frame(self.conn.fileno(), deadline=deadline)
            if frame is not None:
                self._got_ready(frame)
        return self.ready


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
        super().__init__(workers, lazy=False, ctx=queryworker.context())

    def _spawn(self) -> _Worker:
        return _Worker(self._ctx, self.release, self.backend, self.memory)

    def _count(self, key: str) -> None:
        with self._lock:
            self.stats[key] += 1

    def warm(self) -> bool:
        """Wait until every worker has opened the store; True if every one is walled off the network."""
        workers = [self._idle.get() for _ in range(self.size)]
        try:
            return all([w.wait_ready(self.start_timeout) and w.walled for w in workers])
        finally:
            for w in workers:
                self._idle.put(w)

    def _take(self, deadline: float) -> _Worker:
        self._count("queries")
        try:
            return self.lend(min(self.queue_timeout, deadline - time.monotonic()))  # type: ignore[return-value]
        except queue.Empty:
            self._count("busy")
            raise PoolBusyError(f"all {self.size} query workers are busy; try again shortly") from None

    def _alive(self, worker: _Worker) -> _Worker:
        """``worker``, or a new one if it died while idle (killed from outside)."""
        if not worker.exited():
            return worker
        self._count("crashes")
        worker.kill()
        return self._spawn()

    def _give_back(self, worker: _Worker, *, replace: bool) -> None:
        self.take_back(worker, replace=replace)

    def run(self, text: str, *, media_type: str, max_rows: int, timeout: float | None = None,
            deadline: float | None = None, default_graphs: list[str] | None = None,
            named_graphs: list[str] | None = None, base_iri: str | None = None) -> PooledResult:
        """Run a checked query before ``deadline`` (``time.monotonic()``; or ``timeout`` from now),
        blocking. Raises QueryError, QueryTimeoutError, PoolBusyError, QueryMemoryError or WorkerCrashError."""
        if deadline is None:
            deadline = time.monotonic() + (timeout if timeout is not None else 10.0)
        limit = timeout if timeout is not None else deadline - time.monotonic()
        worker = self._take(deadline)
        replace, frame = False, None
        try:
            worker = self._alive(worker)
            if not worker.wait_ready(deadline - time.monotonic()):
                self._count("timeouts")
                raise QueryTimeoutError(f"the {limit:g} s limit passed while a query worker was starting")
            worker.conn.send((text, media_type, max_rows, default_graphs, named_graphs, base_iri))
            if not worker.conn.poll(max(deadline - time.monotonic(), 0)):
                replace = True
                self._count("timeouts")
                raise QueryTimeoutError(f"query stopped after {limit:g} s (the limit)")
            frame = worker.conn.recv_bytes()
        except (EOFError, BrokenPipeError, ConnectionResetError) as exc:
            replace = True
            worker.proc.join(5)
            raise self._crash(worker) from exc
        finally:
            header, body = queryworker.parse(frame) if frame is not None else ((None,), b"")
            self._give_back(worker, replace=replace or header[0] == "memory")
        return self._result(header, body)

    async def run_async(self, text: str, *, media_type: str, max_rows: int, deadline: float,
                        default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                        base_iri: str | None = None) -> PooledResult:
        """:meth:`run` on the event loop: the request goes down the pipe and the answer's frame is read
        as the pipe becomes readable, so no thread waits on a worker. A worker is never handed back
        with an answer still on its way: past the deadline, or when the caller is cancelled, it is
        replaced. Plain asyncio (the server's loop) rather than anyio's cancel scopes: those cost
        about a tenth of a light query's whole time here (bench/ 3c)."""
        limit = max(round(deadline - time.monotonic(), 1), 0)  # for the message: "10 s", not "9.99997 s"
        try:
            worker = self._idle.get_nowait()  # the caller's admission gate leaves one free
            self._count("queries")
        except queue.Empty:
            worker = await anyio.to_thread.run_sync(self._take, deadline)
        if worker.exited():
            worker = await anyio.to_thread.run_sync(self._alive, worker)
        replace, frame = True, None  # until the answer is in: a worker left mid-query is replaced
        try:
            if not await worker.wait_ready_async(deadline):
                replace = False  # it is still starting; it answers nothing it was not asked
                self._count("timeouts")
                raise QueryTimeoutError(f"the {limit:g} s limit passed while a query worker was starting")
            request = (text, media_type, max_rows, default_graphs, named_graphs, base_iri)
            if len(text) <= _SEND_ON_LOOP:
                worker.conn.send(request)
            else:  # more than the pipe holds at once: the write waits for the worker to read
                await anyio.to_thread.run_sync(worker.conn.send, request)
            frame = await queryworker.read_frame(worker.conn.fileno(), deadline=deadline)
            if frame is None:
                self._count("timeouts")
                raise QueryTimeoutError(f"query stopped after {limit:g} s (the limit)")
            header, body = queryworker.parse(frame)
            replace = header[0] == "memory"
        except QueryTimeoutError:  # a TimeoutError, so an OSError: not a broken pipe
            raise
        except (EOFError, OSError) as exc:  # the pipe broke: the worker died (or is unusable)
            await anyio.to_thread.run_sync(worker.proc.join, 5)
            raise self._crash(worker) from exc
        finally:
            if not replace:
                self._give_back(worker, replace=False)
            else:  # killing and forking wait on other processes: in a thread of its own, not awaited, so
                # that a cancelled caller (which can await nothing more) replaces its worker too
                threading.Thread(target=self._give_back, args=(worker,), kwargs={"replace": True},
                                 name="iscm-replace-worker", daemon=True).start()
        return self._result(header, body)

    def _result(self, header: tuple[object, ...], body: bytes) -> PooledResult:
        kind = header[0]
        if kind == "ok":
            _, mt, form, truncated, rows = header
            return PooledResult(body=body, media_type=str(mt), form=str(form), truncated=bool(truncated),
                                rows=int(rows))  # type: ignore[call-overload]
        if kind == "query-error":
            raise QueryError(str(header[1]))
        if kind == "memory":
            self._count("memory")
            raise self._memory_error()
        self._count("errors")
        raise RuntimeError(str(header[1]))

    def _memory_error(self) -> QueryMemoryError:
        mb = (self.memory or 0) // 2**20
        return QueryMemoryError(f"the query needed more than the {mb} MB a query may use; "
                                "add a LIMIT, or avoid sorting or grouping very large intermediate results")

    def _crash(self, worker: _Worker) -> Exception:
        tail = worker.stderr_tail()
        if "memory allocation of" in tail or "MemoryError" in tail:
            self._count("memory")
            return self._memory_error()
        self._count("crashes")
        return WorkerCrashError(f"the query worker stopped (exit code {worker.proc.exitcode}) while answering; "
                                "it was restarted")
