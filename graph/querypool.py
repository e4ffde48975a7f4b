"""Untrusted SPARQL runs in worker processes, so a time limit can really stop it.

pyoxigraph cannot interrupt a running query, and a Python thread cannot be killed. Each worker is a
process that opens the release's store read-only; a query that exceeds its time limit gets its
worker killed and replaced, and the caller gets :class:`QueryTimeoutError`. The number of workers
bounds concurrent queries; a caller waits ``queue_timeout`` seconds for a free worker, then gets
:class:`PoolBusyError`.

Workers serialise the result themselves (CPU work stays out of the server process) and return
bytes, the query form and whether the row cap truncated the answer.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from graph.errors import ISCMError, QueryError, QueryTimeoutError


class PoolBusyError(ISCMError, RuntimeError):
    """Every query worker is busy and none became free in time."""


@dataclass(frozen=True)
class PooledResult:
    body: bytes
    media_type: str
    form: str
    truncated: bool
    rows: int


def _open_store(release: Path, backend: str):  # noqa: ANN202
    from graph.loader import open_store

    return open_store(release, backend=backend)


def _worker(conn: Connection, release: str, backend: str) -> None:  # pragma: no cover - runs in a child
    from graph.namespace import PREFIXES
    from graph.sparql import ResultFormat, serialize
    from graph.store import AskResult, GraphResult

    store = _open_store(Path(release), backend)
    conn.send(("ready",))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        text, fmt_value, max_rows = msg
        try:
            result = store.query(text, max_rows=max_rows, prefixes=PREFIXES)
            fmt = ResultFormat(fmt_value)
            body = serialize(result, fmt)
            rows = 1 if isinstance(result, AskResult) else len(result)
            truncated = getattr(result, "truncated", False)
            form = "ASK" if isinstance(result, AskResult) else "GRAPH" if isinstance(result, GraphResult) else "SELECT"
            conn.send(("ok", body, fmt.value, form, truncated, rows))
        except QueryError as exc:
            conn.send(("query-error", str(exc)))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}"))


class _Worker:
    def __init__(self, ctx: mp.context.BaseContext, release: Path, backend: str) -> None:
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker, args=(child, str(release), backend), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False

    def wait_ready(self, timeout: float) -> None:
        if self.ready:
            return
        if not self.conn.poll(timeout):
            raise RuntimeError("query worker did not start in time")
        assert self.conn.recv() == ("ready",)
        self.ready = True

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class QueryPool:
    """A fixed number of query worker processes over one release."""

    def __init__(self, release: Path, *, workers: int = 2, backend: str = "oxigraph",
                 queue_timeout: float = 5.0, start_timeout: float = 120.0) -> None:
        self.release = release
        self.backend = backend
        self.queue_timeout = queue_timeout
        self.start_timeout = start_timeout
        self._ctx = mp.get_context("spawn")  # no fork: the server process runs threads
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._lock = threading.Lock()
        self._closed = False
        self.size = workers
        for _ in range(workers):
            self._idle.put(_Worker(self._ctx, release, backend))

    def warm(self) -> None:
        """Wait until every worker has opened the store."""
        workers = [self._idle.get() for _ in range(self.size)]
        try:
            for w in workers:
                w.wait_ready(self.start_timeout)
        finally:
            for w in workers:
                self._idle.put(w)

    def run(self, text: str, *, media_type: str, max_rows: int, timeout: float) -> PooledResult:
        """Run a checked query; raise QueryError, QueryTimeoutError or PoolBusyError."""
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise PoolBusyError(f"all {self.size} query workers are busy; try again shortly") from None
        replace = False
        try:
            worker.wait_ready(self.start_timeout)
            worker.conn.send((text, media_type, max_rows))
            if not worker.conn.poll(timeout):
                replace = True
                raise QueryTimeoutError(f"query stopped after {timeout:g} s (the limit)")
            reply = worker.conn.recv()
        except QueryTimeoutError:
            raise  # a TimeoutError is an OSError: keep it from the clause below
        except (EOFError, BrokenPipeError, OSError) as exc:
            replace = True
            raise QueryError("the query worker failed; the query was not completed") from exc
        finally:
            if replace:
                worker.kill()
                worker = _Worker(self._ctx, self.release, self.backend)
            if not self._closed:
                self._idle.put(worker)
            else:
                worker.kill()
        kind = reply[0]
        if kind == "ok":
            _, body, mt, form, truncated, rows = reply
            return PooledResult(body=body, media_type=mt, form=form, truncated=truncated, rows=rows)
        if kind == "query-error":
            raise QueryError(reply[1])
        raise RuntimeError(reply[1])

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            with contextlib.suppress(OSError):
                w.conn.send(None)
            w.kill()
