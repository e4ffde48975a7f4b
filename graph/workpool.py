"""Analytics with non-default parameters run in worker processes, so a time limit can stop them.

A networkx computation cannot be interrupted and a thread cannot be killed; a process can. Each
worker opens the release (its tenures and on-disk store) once and computes the tables of
:mod:`graph.analytics` it is sent. A call that exceeds its time limit gets its worker killed and
replaced (:class:`AnalyticsTimeoutError`); the number of workers bounds concurrent calls, and a
caller waits ``queue_timeout`` seconds for a free one (:class:`AnalyticsBusyError`). The pool is
separate from the SPARQL workers (:mod:`api.querypool`), so one cannot starve the other; both are
built on :mod:`graph.workers`.
"""

from __future__ import annotations

import queue
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pandas as pd

from graph import errors
from graph.analytics import Params
from graph.errors import ISCMError, QueryTimeoutError, UnknownEntityError
from graph.workers import Worker, WorkerPool, ignore_stop_signals, serve


class AnalyticsTimeoutError(QueryTimeoutError):
    """An analytics call ran past its time limit; its worker was stopped."""


class AnalyticsBusyError(ISCMError, RuntimeError):
    """Every analytics worker is busy and none became free in time."""


def _worker(conn: Connection, release: str, backend: str) -> None:  # pragma: no cover - runs in a child
    from graph import analytics
    from graph.loader import ISCMGraph, open_store

    # not sandbox.die_with_parent(): the kernel sends that signal when the *thread* that started the
    # worker ends, and here that is a request's thread from the server's pool. A worker whose server
    # is gone reads the end of its pipe and stops (serve()).
    ignore_stop_signals()

    cat = ISCMGraph(open_store(Path(release), backend=backend), release=Path(release))
    conn.send(("ready",))
    serve(conn, lambda msg: _answer(conn, analytics.compute, cat, msg))


def _answer(conn: Connection, compute: Callable, cat: object, msg: tuple) -> bool:  # pragma: no cover - in a child
    name, p = msg
    try:
        conn.send(("ok", compute(cat, name, p)))
    except UnknownEntityError as exc:
        conn.send(("unknown", exc.kind, exc.identifier))
    except ISCMError as exc:  # the package's own errors take one message
        conn.send(("iscm", type(exc).__name__, str(exc)))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    return True


class AnalyticsPool(WorkerPool):
    """A fixed number of analytics worker processes over one release, started on first use."""

    def __init__(self, release: Path, *, workers: int = 1, backend: str = "oxigraph",
                 queue_timeout: float = 5.0, start_timeout: float = 120.0) -> None:
        self.release = release
        self.backend = backend
        self.queue_timeout = queue_timeout
        self.start_timeout = start_timeout
        super().__init__(workers, lazy=True)  # a slot's process starts when first needed

    def _spawn(self) -> Worker:
        return self._start(_worker, str(self.release), self.backend)

    def run(self, name: str, p: Params, *, timeout: float) -> pd.DataFrame:
        """The table ``name`` for ``p``; raise AnalyticsTimeoutError or AnalyticsBusyError when over."""
        try:
            worker = self.lend(self.queue_timeout)
        except queue.Empty:
            raise AnalyticsBusyError(f"all {self.size} analytics workers are busy; try again shortly") from None
        except OSError as exc:
            raise RuntimeError(f"the analytics worker failed; {name} was not completed") from exc
        replace = False
        try:
            # a release loads in seconds: not part of the limit
            if not worker.wait_ready(self.start_timeout):
                raise RuntimeError("analytics worker did not start in time")
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
            self.take_back(worker, replace=replace)  # a replaced slot starts a fresh process when next used
        return _unpack(reply)


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
