"""The query worker process (the child side of :mod:`api.querypool`) and the frames it answers in.

A worker opens the release's store, walls itself in (:mod:`graph.sandbox`) and answers one query
at a time. Every reply is one frame on the pipe — a small JSON header, then the body as raw bytes — so the
server can read it without blocking its event loop and without decoding a large answer.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import multiprocessing as mp
import os
import struct
import sys
import threading
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from graph.errors import QueryError
from graph.workers import ignore_stop_signals, serve

# What a worker imports, loaded once in the fork server (``__main__``: the server's own script, which
# a new process would otherwise import again), so a replacement worker starts in milliseconds instead
# of spending a second or more importing at the server's CPU priority (bench/ "under attack").
# api.forkserver_signals: the fork server leaves SIGINT/SIGTERM to the server (see that module).
PRELOAD = ["__main__", "api.forkserver_signals", "pyoxigraph", "graph.store", "graph.namespace", "graph.results",
           "graph.sandbox", "api.negotiation", "api.serialisers", "api.queryworker"]
NICE = 10  # below the server (see the note in worker())
FULL_PRIORITY_S = 0.05  # a query runs at the server's priority this long, then below it (NICE)
PER_THREAD_NICE = sys.platform.startswith("linux")  # setpriority() on a thread id: Linux only
_HEAD = struct.Struct("!I")
_LEN, _LEN8 = struct.Struct("!i"), struct.Struct("!Q")  # multiprocessing's own frame lengths


def context() -> mp.context.BaseContext:
    """Workers are forked from a fork server (single-threaded, so forking it is safe where forking the
    threaded server would not be) that has :data:`PRELOAD` imported."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # takes effect when the fork server starts (first worker)
    return ctx


def reply(conn: Connection, header: tuple[object, ...], body: bytes = b"") -> None:
    """Send one frame: the header's length, the header (JSON), the body as it is. One ``writev`` of
    the pieces, in multiprocessing's framing (``recv_bytes`` reads it): no copy of the body, and the
    server is woken once, not first for the frame's length (``send_bytes`` writes that separately
    beyond 16 KiB)."""
    head = json.dumps(header).encode()
    size = _HEAD.size + len(head) + len(body)
    length = _LEN.pack(size) if size <= 0x7FFFFFFF else _LEN.pack(-1) + _LEN8.pack(size)
    _write_all(conn.fileno(), [length, _HEAD.pack(len(head)), head, body])


def _write_all(fd: int, parts: list[bytes]) -> None:
    """Write every byte of ``parts`` to the blocking ``fd``, in as few ``writev`` calls as it takes."""
    views = [memoryview(p) for p in parts if p]
    while views:
        sent = os.writev(fd, views)
        while views and sent >= len(views[0]):
            sent -= len(views.pop(0))
        if views and sent:
            views[0] = views[0][sent:]


def parse(frame: bytes | memoryview) -> tuple[tuple[object, ...], bytes]:
    """A frame's header and body (the body's one copy out of the frame's buffer)."""
    (n,) = _HEAD.unpack_from(frame)
    view = memoryview(frame)
    return tuple(json.loads(bytes(view[_HEAD.size:_HEAD.size + n]))), bytes(view[_HEAD.size + n:])


async def read_frame(fd: int, *, deadline: float | None = None) -> memoryview | None:
    """One multiprocessing frame from the pipe ``fd``, read on the (asyncio) event loop as the pipe
    becomes readable, never blocking on a partly written frame; None if ``deadline``
    (``time.monotonic()``) passes first. The frame is read straight into one buffer of its length (no
    growing buffer, no slices copied out of it). The worker sends nothing after a frame until it is
    asked again, so nothing of a next frame is ever read."""
    loop = asyncio.get_running_loop()
    reader = _FrameReader(fd, loop.create_future())
    blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    try:
        reader.read()  # a fast answer may be there already: no reader to register
        if not reader.done.done():
            expiry = None if deadline is None else loop.call_later(max(deadline - time.monotonic(), 0),
                                                                   reader.expire)
            loop.add_reader(fd, reader.read)
            try:
                await reader.done
            finally:
                loop.remove_reader(fd)
                if expiry is not None:
                    expiry.cancel()
        return reader.done.result()
    finally:
        os.set_blocking(fd, blocking)


class _FrameReader:
    """Reads one frame from a non-blocking ``fd`` whenever called, into ``done`` once whole: the
    multiprocessing length (4 bytes; -1 and 8 more beyond 2 GiB), then the frame."""

    def __init__(self, fd: int, done: asyncio.Future[memoryview | None]) -> None:
        self.fd, self.done = fd, done
        self.buf, self.got, self.sized = bytearray(_LEN.size), 0, False

    def read(self) -> None:
        if self.done.done():
            return
        try:
            while True:
                if self.got == len(self.buf):
                    if self.sized:
                        self.done.set_result(memoryview(self.buf))
                        return
                    self._size()
                    continue
                k = os.readv(self.fd, [memoryview(self.buf)[self.got:]])
                if not k:
                    raise EOFError("the query worker closed its pipe")
                self.got += k
        except BlockingIOError:
            return
        except Exception as exc:  # EOFError, OSError: the caller replaces the worker
            self.done.set_exception(exc)

    def _size(self) -> None:
        if len(self.buf) == _LEN.size:
            (n,) = _LEN.unpack(self.buf)
            if n == -1:  # over 2 GiB: an 8-byte length follows
                self.buf = bytearray(_LEN8.size + _LEN.size)
                self.buf[:_LEN.size] = _LEN.pack(-1)
                return
        else:
            (n,) = _LEN8.unpack_from(self.buf, _LEN.size)
        self.buf, self.got, self.sized = bytearray(n), 0, True

    def expire(self) -> None:
        if not self.done.done():
            self.done.set_result(None)


def _detach_from_fork_server() -> None:  # pragma: no cover - runs in a child
    """Drop this worker's copy of the fork server's "alive" pipe: the fork server exits when the
    server process is gone, and this worker dies with it (``die_with_parent``), even mid-query."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if isinstance(fd, int):
        with contextlib.suppress(OSError):
            os.close(fd)
        server._forkserver_alive_fd = None  # type: ignore[union-attr]


def worker(conn: Connection, release: str, backend: str, memory: int | None,
           log: str) -> None:  # pragma: no cover - runs in a child
    from graph import sandbox

    _detach_from_fork_server()
    sandbox.die_with_parent()
    ignore_stop_signals()
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)  # a Rust abort ("memory allocation … failed") says why here; the pool reads it
    walled = backend != "remote" and sandbox.block_network()  # threads started after this inherit it
    from graph.store import open_store

    # Priority, per thread (Linux keeps a nice value per thread, and a new thread starts with its
    # creator's): loading the store, and any query past its first FULL_PRIORITY_S, run at nice 10, so a
    # replacement loading or a query burning a core for its whole time limit does not slow /health and
    # REST. A query's first 50 ms run at the server's own priority: on a machine shared with other
    # programs, a query at nice 10 waited for the CPU (the heavier ISCM queries of bench/ 3b took
    # 1.2-1.6x the bare Oxigraph server's time at a load of 5; 0.7-0.9x like this). Not nice 19 for the
    # rest: the scheduler then gives the CPU share to other programs, and even light queries took ~1.5x
    # as long. Elsewhere than Linux the whole worker runs at nice 10.
    if not PER_THREAD_NICE:
        _lower(0)
    store = _below_server(lambda: open_store(Path(release), backend=backend))
    if memory:
        sandbox.cap_memory(memory)
    reply(conn, ("ready", walled))
    if PER_THREAD_NICE:
        _serve_watched(conn, lambda msg: _reply_to(conn, store, backend, msg))
    else:  # the whole process is at NICE already
        serve(conn, lambda msg: _reply_to(conn, store, backend, msg))


class _Watch:
    """What the watching thread knows of the answering one: the query in flight, and whether it was
    put below the server's priority (a thread cannot raise its own priority again)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.started: float | None = None  # time.monotonic() of the query in flight
        self.lowered = False
        self.done = False  # the worker ends: the pipe closed, it was told to stop, or must be replaced


def _serve_watched(conn: Connection, answer: Any) -> None:  # pragma: no cover - runs in a child
    """:func:`graph.workers.serve` in a thread of its own (the answering thread), watched by this one.
    A query past its first :data:`FULL_PRIORITY_S` has its thread put at nice :data:`NICE`; that thread
    leaves once it has answered, and a new one at the server's priority answers the next queries.
    A light query thus crosses no thread: a fresh thread per query, started and joined, cost about
    0.2 ms of a 2 ms request (bench/ 3c)."""
    watch = _Watch()
    while not watch.done:
        runner = threading.Thread(target=_answer_queries, args=(conn, answer, watch), name="iscm-query", daemon=True)
        runner.start()
        while runner.is_alive():
            with watch.lock:
                started = watch.started
                if started is not None and not watch.lowered and time.monotonic() - started >= FULL_PRIORITY_S:
                    _lower(runner.native_id or 0)
                    watch.lowered = True
            # idle: look again in FULL_PRIORITY_S; a query in flight: when its full-priority time is up
            wait = FULL_PRIORITY_S if started is None or watch.lowered else started + FULL_PRIORITY_S - time.monotonic()
            runner.join(max(wait, 0.001))


def _answer_queries(conn: Connection, answer: Any, watch: _Watch) -> None:  # pragma: no cover - in a child
    """The answering thread: messages until the worker ends, or until this thread was lowered."""
    while True:
        try:
            msg = conn.recv()
        except EOFError:
            msg = None
        if msg is None:
            watch.done = True
            return
        with watch.lock:
            watch.started = time.monotonic()
        keep = answer(msg)
        with watch.lock:
            watch.started, lowered, watch.lowered = None, watch.lowered, False
        if not keep:
            watch.done = True
            return
        if lowered:  # the watcher starts a new thread at the server's priority
            return


def _below_server(fn: Any) -> Any:  # pragma: no cover - runs in a child
    """``fn()`` in a thread of its own at nice :data:`NICE` (this thread keeps its priority); its
    value, or its exception raised here."""
    if not PER_THREAD_NICE:  # the process is at NICE already (see worker())
        return fn()
    box: dict[str, Any] = {}

    def run() -> None:
        _lower(0)
        try:
            box["value"] = fn()
        except BaseException as exc:  # MemoryError and the rest: the caller decides
            box["error"] = exc

    thread = threading.Thread(target=run, name="iscm-load", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def _lower(thread_id: int) -> None:  # pragma: no cover - runs in a child
    """Put a thread (0: the calling one) at nice :data:`NICE`, below the server."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, thread_id, NICE)


def _reply_to(conn: Connection, store: Any, backend: str, msg: tuple) -> bool:  # pragma: no cover - in a child
    """Answer one query in one frame; False when the worker must be replaced."""
    try:
        header, body = _answer(store, backend, *msg)
        reply(conn, header, body)
    except QueryError as exc:
        reply(conn, ("query-error", str(exc)))
    except MemoryError:
        reply(conn, ("memory", ""))
        return False  # Python may be in a poor state after a failed allocation: be replaced
    except RecursionError:
        reply(conn, ("query-error", "the query is nested too deeply for the engine"))
    except Exception as exc:
        reply(conn, ("error", f"{type(exc).__name__}: {exc}"))
    return True


def _answer(store: Any, backend: str, text: str, fmt_value: str, max_rows: int, default_graphs: list[str] | None,
            named_graphs: list[str] | None, base_iri: str | None) -> tuple[tuple[object, ...], bytes]:
    """Run one query; the reply's header and body."""
    from api.negotiation import ResultFormat
    from api.serialisers import engine_bytes, serialize
    from graph.namespace import PREFIXES
    from graph.results import Solutions, Triples

    fmt = ResultFormat(fmt_value)
    args = {"prefixes": PREFIXES, "default_graphs": default_graphs, "named_graphs": named_graphs,
            "base_iri": base_iri}
    written = None
    if backend.startswith("oxigraph"):  # the engine writes the bytes; None: over the cap, so again row by row
        written = engine_bytes(store.run_native(text, raw=True, **args), fmt, max_rows=max_rows,
                               max_bytes=max(max_rows * 1024, 8 << 20), prefixes=PREFIXES)
    if written is not None:
        return ("ok", fmt.value, written.form, written.truncated, written.rows), written.body
    result = store.run_native(text, max_rows=max_rows, **args)
    body = serialize(result, fmt, prefixes=PREFIXES)
    rows = len(result) if isinstance(result, (Solutions, Triples)) else 1
    form = "ASK" if isinstance(result, bool) else "GRAPH" if isinstance(result, Triples) else "SELECT"
    return ("ok", fmt.value, form, getattr(result, "truncated", False), rows), body
