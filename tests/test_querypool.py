"""The query pool's event-loop path (``QueryPool.run_async``) and the frames workers answer in.

Real worker processes on the real release; nothing here is about how fast anything is.
"""

from __future__ import annotations

import faulthandler
import os
import resource
import threading
import time
from pathlib import Path

import anyio
import pytest

from api import queryworker
from api.querypool import QueryPool
from graph.build import current_release
from graph.errors import QueryError, QueryTimeoutError

JSON = "application/sparql-results+json"
# thousands of rows: an answer far larger than a pipe holds at once (64 KiB)
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 5000"
PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def test_a_frame_written_in_pieces_is_read_whole():
    """The reader waits for the rest of a frame instead of returning part of it."""
    from multiprocessing import Pipe

    reader, writer = Pipe(duplex=False)
    payload = bytes(range(256)) * 4096  # 1 MiB
    framed = len(payload).to_bytes(4, "big") + payload

    def write_slowly() -> None:
        for i in range(0, len(framed), 100_003):
            os.write(writer.fileno(), framed[i:i + 100_003])
            time.sleep(0.01)  # pacing only: the reader must wait, whatever the timing

    thread = threading.Thread(target=write_slowly)
    thread.start()
    assert anyio.run(queryworker.read_frame, reader.fileno()) == payload
    thread.join()
    assert os.get_blocking(reader.fileno())  # the pipe is left as it was found


def test_a_reply_frame_round_trips_header_and_body():
    from multiprocessing import Pipe

    reader, writer = Pipe(duplex=False)
    queryworker.reply(writer, ("ok", "text/csv", "SELECT", False, 2), b"a\r\n1\r\n2\r\n")
    header, body = queryworker.parse(reader.recv_bytes())
    assert header == ("ok", "text/csv", "SELECT", False, 2) and body == b"a\r\n1\r\n2\r\n"


@pytest.fixture(scope="module")
def pool(built: Path):
    p = QueryPool(current_release(built), workers=1, backend="oxigraph-memory", queue_timeout=60)
    assert p.warm()
    yield p
    p.close()


def _async_run(pool: QueryPool, text: str, *, seconds: float = 60, media_type: str = JSON):
    async def go():
        return await pool.run_async(text, media_type=media_type, max_rows=10_000,
                                    deadline=time.monotonic() + seconds)

    return anyio.run(go)


def test_large_answer_on_the_event_loop_equals_the_blocking_path(pool):
    awaited = _async_run(pool, MANY)
    blocking = pool.run(MANY, media_type=JSON, max_rows=10_000, timeout=60)
    assert len(awaited.body) > 1 << 16 and awaited.rows == 5000
    assert awaited.body == blocking.body


def test_bad_query_and_timeout_on_the_event_loop(pool):
    with pytest.raises(QueryError):
        _async_run(pool, "SELECT * WHERE { ?s ?p }")
    timeouts = pool.stats["timeouts"]
    with pytest.raises(QueryTimeoutError, match="query stopped"):
        _async_run(pool, PATHOLOGICAL, seconds=1)
    assert pool.stats["timeouts"] == timeouts + 1
    # the worker was replaced (killed mid-query): the next query is answered
    assert _async_run(pool, "ASK { ?s ?p ?o }", media_type="text/csv").body.strip() == b"true"


def test_a_cancelled_caller_leaves_no_worker_behind(pool):
    """A caller cancelled mid-query (a server past its graceful shutdown cancels its requests) can await
    nothing more; its worker, which would still send that query's answer, is killed and replaced in a
    thread of its own, never lent again with an answer on its way."""
    (first,) = [w.proc.pid for w in list(pool._idle.queue)]

    async def cancelled_mid_query() -> bool:
        with anyio.move_on_after(0.5) as scope:  # the cancellation, wherever the query then is
            await pool.run_async(PATHOLOGICAL, media_type=JSON, max_rows=10, deadline=time.monotonic() + 600)
        return scope.cancelled_caught

    assert _guarded(cancelled_mid_query, seconds=300)
    # the next query gets a fresh worker (the old one would hold it until this query's deadline)
    assert _async_run(pool, "ASK { ?s ?p ?o }", media_type="text/csv").body.strip() == b"true"
    (now,) = [w.proc.pid for w in list(pool._idle.queue)]
    assert now != first
    deadline = time.monotonic() + 60  # a hang guard only: the kill is immediate
    while _running(first):
        assert time.monotonic() < deadline, "the cancelled caller's worker still runs"
        time.sleep(0.05)


def _guarded(func, *, seconds: float):
    """``anyio.run(func)`` in a thread of its own, so that a hang fails the test with every thread's
    stack instead of stopping the suite: a hang guard only (the call returns in about a second). The
    test hung this way in one session, in every run for an hour, and could not be reproduced after."""
    out: list[object] = []
    thread = threading.Thread(target=lambda: out.append(anyio.run(func)), daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        faulthandler.dump_traceback(all_threads=True)
        pytest.fail(f"{func.__name__} did not return in {seconds:g} s: every thread's stack is above")
    assert out, f"{func.__name__} raised (see the thread's exception above)"
    return out[0]


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_a_worker_whose_sentinel_is_past_fd_1024_is_still_watched():
    """A server with many connections open gives a new worker file descriptors past 1024, beyond what
    ``select()`` can watch: telling whether the worker has ended must still work there."""
    import multiprocessing as mp

    from graph.workers import Worker, serve

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 2048:  # Debian's default soft limit is 1024; the hard one is far higher
        if hard != resource.RLIM_INFINITY and hard < 2048:
            pytest.skip(f"this process may open only {hard} files")
        resource.setrlimit(resource.RLIMIT_NOFILE, (2048, hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        worker = Worker(mp.get_context("spawn"), serve, (bool,))
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert worker.proc.sentinel > 1024
    assert not worker.exited()
    worker.stop()
    deadline = time.monotonic() + 60  # a hang guard only: the child ends at once
    while not worker.exited():
        assert time.monotonic() < deadline, "the stopped worker still runs"
        time.sleep(0.05)
