"""Worker processes a time limit can stop: what the SPARQL pool (:mod:`api.querypool`) and the
analytics pool (:mod:`graph.workpool`) share.

Neither pyoxigraph nor networkx can be interrupted, and a thread cannot be killed; a process can.
A :class:`Worker` is one spawned child on a pipe that says ``("ready", …)`` once it has opened the
release. A :class:`WorkerPool` keeps a fixed number of them in an idle queue, lends one to a caller
who waits at most a given time, takes it back (killed and replaced when it ran past its limit or
failed) and stops them all on :meth:`~WorkerPool.close`. The child's side is :func:`serve`, a loop
that answers messages until told to stop. What a worker computes, and which error a caller gets for
a timeout or a busy pool, stay with each pool.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue
import select
import signal
import tempfile
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any


class Worker:
    """One child process: ``target(conn, *args)``, plus the path of a file for its stderr when
    ``log_prefix`` is given (a Rust abort says why there, and the pool reads it)."""

    def __init__(self, ctx: mp.context.BaseContext, target: Callable[..., None], args: tuple,
                 *, log_prefix: str | None = None) -> None:
        self.log: str | None = None
        if log_prefix is not None:
            fd, self.log = tempfile.mkstemp(prefix=log_prefix, suffix=".log")
            os.close(fd)
            args = (*args, self.log)
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=target, args=(child, *args), daemon=True)
        self.proc.start()
        child.close()
        self.ready = False
        self.hello: tuple = ()  # what the child said beside "ready"

    def wait_ready(self, timeout: float) -> bool:
        """Whether the child has said it is ready, waiting at most ``timeout`` seconds for it."""
        if not self.ready and self.conn.poll(max(timeout, 0)):
            reply = self.conn.recv()
            if not isinstance(reply, tuple) or reply[:1] != ("ready",):
                raise RuntimeError(f"the worker failed to start: {reply!r}")
            self.ready, self.hello = True, reply[1:]
        return self.ready

    def exited(self) -> bool:
        """Whether the child has ended: one non-blocking poll of its sentinel (``is_alive`` goes through
        ``multiprocessing.connection.wait``, ten times the cost, on every query). ``poll``, not
        ``select``: a server with many connections gives a new worker descriptors past 1024."""
        watch = select.poll()
        watch.register(self.proc.sentinel, select.POLLIN)
        return bool(watch.poll(0))

    def stderr_tail(self) -> str:
        if self.log is None:
            return ""
        with contextlib.suppress(OSError), open(self.log, errors="replace") as f:
            f.seek(max(os.path.getsize(self.log) - 4000, 0))
            return f.read()
        return ""

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()
        if self.log is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.log)

    def stop(self) -> None:
        """Ask the child to end, then make sure it has."""
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.kill()


class WorkerPool:
    """A fixed number of workers. ``lazy``: each slot starts its process when first lent (and again
    after a replacement); otherwise every worker starts at once and a replacement right away."""

    def __init__(self, size: int, *, lazy: bool, ctx: mp.context.BaseContext | None = None) -> None:
        self.size = size
        self.lazy = lazy
        # no plain fork: the server process runs threads (the SPARQL pool passes a fork server's context)
        self._ctx = ctx or mp.get_context("spawn")
        self._idle: queue.Queue[Worker | None] = queue.Queue()
        self._closed = False
        for _ in range(size):
            self._idle.put(None if lazy else self._spawn())

    def _spawn(self) -> Worker:
        raise NotImplementedError

    def _start(self, target: Callable[..., None], *args: Any, log_prefix: str | None = None) -> Worker:
        return Worker(self._ctx, target, args, log_prefix=log_prefix)

    def lend(self, timeout: float) -> Worker:
        """An idle worker, started if its slot had none; :class:`queue.Empty` if none is free in time."""
        worker = self._idle.get(timeout=max(timeout, 0))
        if worker is not None:
            return worker
        try:
            return self._spawn()
        except BaseException:
            self._idle.put(None)  # the slot stays, to start a process next time
            raise

    def take_back(self, worker: Worker, *, replace: bool = False) -> None:
        """Return a lent worker; one that ran past its limit or failed (``replace``) is killed first
        and its slot gets a fresh process."""
        fresh: Worker | None = worker
        if replace:
            worker.kill()
            fresh = None if self.lazy or self._closed else self._spawn()
        if self._closed:
            if fresh is not None:
                fresh.kill()
            return
        self._idle.put(fresh)

    def close(self) -> None:
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                break
            if worker is not None:
                worker.stop()


def ignore_stop_signals() -> None:  # pragma: no cover - runs in a child (or the fork server)
    """Leave SIGINT and SIGTERM to the server. They reach a whole process group at once (Ctrl-C in a
    terminal, ``systemctl stop``, ``kill -- -PGID``); a worker that ended on them would fail the
    requests the server is still finishing during its graceful shutdown (clients got a 500, "the
    worker stopped"). The server stops its workers itself once its requests are done; a worker also
    ends when the server is gone (a query worker by :func:`graph.sandbox.die_with_parent`, an
    analytics worker when its pipe closes)."""
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_IGN)


def serve(conn: Connection, answer: Callable[[Any], bool]) -> None:  # pragma: no cover - runs in a child
    """The child's loop: ``answer`` each message until the pipe closes or ``None`` arrives; ``answer``
    returns False when the worker should end and be replaced."""
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            return
        if msg is None or not answer(msg):
            return
