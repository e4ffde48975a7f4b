"""The query worker process (the child side of :mod:`api.querypool`) and the frames it answers in.

A worker opens the release's store, walls itself in (:mod:`graph.sandbox`) and answers one query
at a time. Every reply is one frame on the pipe — a small JSON header, then the body as raw bytes — so the
server can read it without blocking its event loop and without decoding a large answer.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing as mp
import os
import struct
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import anyio

from graph.errors import QueryError
from graph.workers import serve

# What a worker imports, loaded once in the fork server (``__main__``: the server's own script, which
# a new process would otherwise import again), so a replacement worker starts in milliseconds instead
# of spending a second or more importing at the server's CPU priority (bench/ "under attack").
PRELOAD = ["__main__", "pyoxigraph", "graph.store", "graph.namespace", "graph.results", "graph.sandbox",
           "api.negotiation", "api.serialisers", "api.queryworker"]
NICE = 10  # below the server (see the note in worker())
_HEAD = struct.Struct("!I")
_LEN, _LEN8 = struct.Struct("!i"), struct.Struct("!Q")  # multiprocessing's own frame lengths


def context() -> mp.context.BaseContext:
    """Workers are forked from a fork server (single-threaded, so forking it is safe where forking the
    threaded server would not be) that has :data:`PRELOAD` imported."""
    ctx = mp.get_context("forkserver")
    ctx.set_forkserver_preload(PRELOAD)  # takes effect when the fork server starts (first worker)
    return ctx


def reply(conn: Connection, header: tuple[object, ...], body: bytes = b"") -> None:
    """Send one frame: the header's length, the header (JSON), the body as it is."""
    head = json.dumps(header).encode()
    conn.send_bytes(_HEAD.pack(len(head)) + head + body)


def parse(frame: bytes | memoryview) -> tuple[tuple[object, ...], bytes]:
    """A frame's header and body (the body's one copy out of the frame's buffer)."""
    (n,) = _HEAD.unpack_from(frame)
    view = memoryview(frame)
    return tuple(json.loads(bytes(view[_HEAD.size:_HEAD.size + n]))), bytes(view[_HEAD.size + n:])


async def read_frame(fd: int) -> memoryview:
    """One multiprocessing frame from the pipe ``fd``, read on the event loop: it waits for the pipe to
    be readable and never blocks on a partly written frame. The frame is read straight into one buffer
    of its length (no growing buffer, no slices copied out of it). The worker sends nothing after a
    frame until it is asked again, so nothing of a next frame is ever read."""
    blocking = os.get_blocking(fd)
    os.set_blocking(fd, False)
    try:
        (n,) = _LEN.unpack(await _read_into(fd, bytearray(_LEN.size)))
        if n == -1:  # over 2 GiB: an 8-byte length follows
            (n,) = _LEN8.unpack(await _read_into(fd, bytearray(_LEN8.size)))
        return memoryview(await _read_into(fd, bytearray(n)))
    finally:
        os.set_blocking(fd, blocking)


async def _read_into(fd: int, buf: bytearray) -> bytearray:
    """Fill ``buf`` from the non-blocking ``fd``, waiting on the event loop when nothing is there."""
    view, got = memoryview(buf), 0
    while got < len(buf):
        try:
            k = os.readv(fd, [view[got:]])
        except BlockingIOError:
            await anyio.wait_readable(fd)
            continue
        if not k:
            raise EOFError("the query worker closed its pipe")
        got += k
    return buf


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
    # below the server before any work, loading included: a query that burns a core for its whole
    # time limit, or a replacement loading the store, must not slow /health and REST. Not nice 19:
    # on a busy machine the scheduler then gives the worker's CPU share to other programs, and every
    # light query took ~1.5x as long (measured side by side with a bare Oxigraph server)
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, NICE)
    fd = os.open(log, os.O_WRONLY | os.O_APPEND)
    os.dup2(fd, 2)  # a Rust abort ("memory allocation … failed") says why here; the pool reads it
    walled = backend != "remote" and sandbox.block_network()
    from graph.store import open_store

    store = open_store(Path(release), backend=backend)
    if memory:
        sandbox.cap_memory(memory)
    reply(conn, ("ready", walled))
    serve(conn, lambda msg: _reply_to(conn, store, backend, msg))


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
