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
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import anyio

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
    # as long. Elsewhere than Linux the whole worker runs at nice 10, as before.
    if not PER_THREAD_NICE:
        _lower(0)
    store = _in_thread(lambda: open_store(Path(release), backend=backend), full_priority_s=None)
    if memory:
        sandbox.cap_memory(memory)
    reply(conn, ("ready", walled))
    serve(conn, lambda msg: _reply_to(conn, store, backend, msg))


def _in_thread(fn: Any, *, full_priority_s: float | None) -> Any:  # pragma: no cover - runs in a child
    """``fn()`` in a thread of its own, at this thread's priority for ``full_priority_s`` seconds and
    at nice :data:`NICE` after that (None: at NICE from the start); its value, or its exception raised
    here. A query cannot be interrupted, so the thread is only ever waited for (a query past its time
    limit ends with the process)."""
    if not PER_THREAD_NICE:  # the process is at NICE already (see worker())
        return fn()
    box: dict[str, Any] = {}

    def run() -> None:
        if full_priority_s is None:
            _lower(0)
        try:
            box["value"] = fn()
        except BaseException as exc:  # MemoryError, RecursionError and the rest: the caller decides
            box["error"] = exc

    thread = threading.Thread(target=run, name="iscm-query", daemon=True)
    thread.start()
    thread.join(full_priority_s)
    if thread.is_alive():
        if thread.native_id:
            _lower(thread.native_id)
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
        header, body = _in_thread(lambda: _answer(store, backend, *msg), full_priority_s=FULL_PRIORITY_S)
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
