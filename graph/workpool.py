"""Analytics with non-default parameters run in worker processes, so a time limit can stop them.

A networkx computation cannot be interrupted and a thread cannot be killed; a process can. Each
worker opens the release (its tenures and on-disk store) once and computes the tables of
:mod:`graph.analytics` it is sent. A call that exceeds its time limit gets its worker killed and
replaced (:class:`AnalyticsTimeoutError`); the number of workers bounds concurrent calls, and a
caller waits ``queue_timeout`` seconds for a free one (:class:`AnalyticsBusyError`). The pool is
separate from the SPARQL workers (:mod:`api.querypool`), so one cannot starve the other.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import queue
from multiprocessing.connection import Connection
from pathlib import Path

import pandas as pd

from graph import errors
from graph.analytics import Params
from graph.errors import ISCMError, QueryTimeoutError, UnknownEntityError


class AnalyticsTimeoutError(QueryTimeoutError):
    """An analytics call ran past its time limit; its worker was stopped."""


class AnalyticsBusyError(ISCMError, RuntimeError):
    """Every analytics worker is busy and none became free in time."""


def _worker(conn: Connection, release: str, backend: str) -> None:  # pragma: no cover - runs in a child
    from graph import analytics
    from graph.loader import ISCMGraph, open_store

    cat = ISCMGraph(open_store(Path(release), backend=backend), release=Path(release))
    conn.send(("ready",))
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None:
            return
        name, p = msg
        try:
            conn.send(("ok", analytics.compute(cat, name, p)))
        except UnknownEntityError as exc:
            conn.send(("unknown", exc.kind, exc.identifier))
        except ISCMError as exc:  # the package's own errors take one message
            conn.send(("iscm", type(exc).__name__, str(exc)))
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
            raise RuntimeError("analytics worker did not start in time")
        reply = self.conn.recv()
        if reply != ("ready",):
            raise RuntimeError(f"analytics worker failed to start: {reply!r}")
        self.ready = True

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


class AnalyticsPool:
    """A fixed number of analytics worker processes over one release, started on first use."""

    def __init__(self, release: Path, *, workers: int = 1, backend: str = "oxigraph",
                 queue_timeout: float = 5.0, start_timeout: float = 120.0) -> None:
        self.release = release
        self.backend = backend
        self.queue_timeout = queue_timeout
        self.start_timeout = start_timeout
        self.size = workers
        self._ctx = mp.get_context("spawn")  # no fork: the server process runs threads
        self._idle: queue.Queue[_Worker | None] = queue.Queue()
        self._closed = False
        for _ in range(workers):
            self._idle.put(None)  # a slot; its process starts when first needed

    def _new(self) -> _Worker:
        return _Worker(self._ctx, self.release, self.backend)

    def run(self, name: str, p: Params, *, timeout: float) -> pd.DataFrame:
        """The table ``name`` for ``p``; raise AnalyticsTimeoutError or AnalyticsBusyError when over."""
        try:
            worker = self._idle.get(timeout=self.queue_timeout)
        except queue.Empty:
            raise AnalyticsBusyError(f"all {self.size} analytics workers are busy; try again shortly") from None
        replace = False
        try:
            if worker is None:
                worker = self._new()
            worker.wait_ready(self.start_timeout)  # a release loads in seconds: not part of the limit
            worker.conn.send((name, p))
            if not worker.conn.poll(timeout):
                replace = True
                raise AnalyticsTimeoutError(
                    f"{name} stopped after {timeout:g} s (the limit for parameters other than the defaults, "
                    "ISCM_ANALYTICS_TIMEOUT); the default parameters are answered at once")
            reply = worker.conn.recv()
        except AnalyticsTimeoutError:
            raise
        except (EOFError, BrokenPipeError, OSError, RuntimeError) as exc:
            replace = True
            raise RuntimeError(f"the analytics worker failed; {name} was not completed") from exc
        finally:
            if replace and worker is not None:
                worker.kill()
                worker = None  # the slot starts a fresh process when next used
            if self._closed:
                if worker is not None:
                    worker.kill()
            else:
                self._idle.put(worker)
        return _unpack(reply)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                w = self._idle.get_nowait()
            except queue.Empty:
                break
            if w is not None:
                with contextlib.suppress(OSError):
                    w.conn.send(None)
                w.kill()


def _unpack(reply: tuple) -> pd.DataFrame:
    kind = reply[0]
    if kind == "ok":
        return reply[1]
    if kind == "unknown":
        raise UnknownEntityError(reply[1], reply[2])
    if kind == "iscm":
        cls = getattr(errors, reply[1], ISCMError)
        raise (cls if isinstance(cls, type) and issubclass(cls, ISCMError) else ISCMError)(reply[2])
    raise RuntimeError(reply[1])
