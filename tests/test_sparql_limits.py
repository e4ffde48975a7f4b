"""The SPARQL endpoint under attack (issue 18): walls, bounds and fairness, over real HTTP.

No assertion here is about how fast anything is: each checks what happened (a status, a counter,
an order of events). Where a test waits, it waits for an event, with a generous bound only so a
broken server cannot hang the suite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import threading
import time
from pathlib import Path

import httpx
import pytest
from conftest import start_server, stop_server

from api.querypool import QueryPool
from api.queryworker import NICE
from graph.build import current_release

PATHOLOGICAL = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
SORT_EVERYTHING = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?a ?d ?c ?f"
HANG_GUARD = 120  # seconds: only so a broken server cannot hang the suite


def _wait_for(predicate, what: str) -> None:
    deadline = time.monotonic() + HANG_GUARD
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"never happened: {what}")
        time.sleep(0.05)


# ----------------------------------------------------------------------------- the network wall


def test_query_workers_cannot_open_internet_sockets(built: Path):
    """Second wall: a SERVICE that got past the guard still cannot reach anything (pool used directly,
    no guard in front). The listener proves no connection was even attempted."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    pool = QueryPool(current_release(built), workers=1, backend="oxigraph")
    try:
        assert pool.warm() is True  # every worker reports the wall in place
        with pytest.raises(RuntimeError, match="Permission denied"):
            pool.run(f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}",
                     media_type="application/sparql-results+json", max_rows=10, timeout=60)
        listener.setblocking(False)
        with pytest.raises(BlockingIOError):
            listener.accept()  # nothing in the backlog: the worker never connected
        # the worker still answers ordinary queries
        ok = pool.run("ASK { ?s ?p ?o }", media_type="text/csv", max_rows=10, timeout=60)
        assert ok.body.strip() == b"true"
    finally:
        pool.close()
        listener.close()


# ----------------------------------------------------------------------------- nesting and bodies


def test_deep_nesting_is_refused_before_the_engine(server):
    deep = "SELECT * WHERE " + "{" * 9000 + "?s ?p ?o" + "}" * 9000  # within the length limit
    with server.client() as c:
        before = c.get("/stats").json()["sparql"]
        r = c.post("/sparql", content=deep, headers={"Content-Type": "application/sparql-query"})
        after = c.get("/stats").json()["sparql"]
    assert r.status_code == 400 and r.headers["content-type"].startswith("application/problem+json")
    assert "nests brackets more than 40 deep" in r.json()["detail"]
    assert after.get("worker_queries", 0) == before.get("worker_queries", 0)  # no worker saw it
    assert after.get("worker_crashes", 0) == 0


def _raw_request(server, head: str) -> socket.socket:
    host, port = server.base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=HANG_GUARD)
    sock.sendall(head.encode())
    return sock


def _read_status(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1]), data


def test_declared_huge_body_is_refused_without_reading_it(server):
    sock = _raw_request(server, "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                "Content-Length: 400000000\r\n\r\n")
    try:
        status, data = _read_status(sock)  # answered though not one byte of the body was sent
    finally:
        sock.close()
    assert status == 413 and b"application/problem+json" in data


def test_streamed_huge_body_is_refused_while_streaming(server):
    """A chunked body of 400 MB: the 413 comes while the client is still sending, long before the end."""
    sock = _raw_request(server, "POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                                "Transfer-Encoding: chunked\r\n\r\n")
    total, chunk = 400 * 2**20, b"x" * 2**20
    sent = {"bytes": 0}

    def send() -> None:
        frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
        try:
            while sent["bytes"] < total:
                sock.sendall(frame)
                sent["bytes"] += len(chunk)
            sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server closed the connection after answering: what we want

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        status, data = _read_status(sock)
    finally:
        sock.close()
        sender.join(HANG_GUARD)
    assert status == 413 and b"application/problem+json" in data
    assert sent["bytes"] < total  # refused mid-stream, not after reading 400 MB


# ----------------------------------------------------------------------------- one worker, under load


@pytest.fixture(scope="module")
def load_server(built):
    """One query worker, a long time limit and wait, one request in flight per client, 256 MB a query."""
    srv = start_server(built, env={"ISCM_SPARQL_TIMEOUT": "60", "ISCM_SPARQL_WORKERS": "1",
                                   "ISCM_SPARQL_QUEUE_TIMEOUT": "60", "ISCM_SPARQL_PER_CLIENT": "1",
                                   "ISCM_SPARQL_MEMORY_MB": "256"})
    yield srv
    stop_server(srv)


def _stats(srv) -> dict:
    with srv.client() as c:
        return c.get("/stats").json()["sparql"]


def _children(pid: int) -> list[int]:
    return [int(c) for task in Path(f"/proc/{pid}/task").iterdir() for c in (task / "children").read_text().split()]


def _fork_server(srv) -> int:
    """The server's fork server, the parent of its query workers."""
    (pid,) = [c for c in _children(srv.proc.pid) if b"forkserver" in Path(f"/proc/{c}/cmdline").read_bytes()]
    return pid


def _workers(srv) -> list[int]:
    """Process ids of the server's query workers (forked by its fork server)."""
    return _children(_fork_server(srv))


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def test_memory_cap_gives_a_problem_document(load_server):
    with load_server.client(timeout=HANG_GUARD) as c:
        r = c.get("/sparql", params={"query": SORT_EVERYTHING})
        assert r.status_code == 507, r.text[:300]
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "256 MB" in r.json()["detail"]
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200  # a new worker answers
    assert _stats(load_server)["worker_memory"] >= 1


def _in_background(srv, query: str) -> tuple[threading.Thread, dict]:
    """A thread sending ``query`` to ``srv``; its response lands in the dict as "r"."""
    result: dict = {}

    def send() -> None:
        with srv.client(timeout=HANG_GUARD) as c:
            result["r"] = c.get("/sparql", params={"query": query})

    thread = threading.Thread(target=send)
    thread.start()
    return thread, result


def test_worker_crash_is_a_5xx_and_counted(load_server):
    crashes = _stats(load_server).get("worker_crashes", 0)
    thread, result = _in_background(load_server, PATHOLOGICAL)
    _wait_for(lambda: _stats(load_server)["in_flight"] == 1, "the query is in flight")
    (pid,) = _workers(load_server)
    start = _cpu_ticks(pid)
    _wait_for(lambda: _cpu_ticks(pid) > start + 5, "the worker is computing")
    os.kill(pid, signal.SIGKILL)  # what the kernel's OOM killer would do
    thread.join(HANG_GUARD)
    r = result["r"]
    assert r.status_code == 500 and r.json()["title"] == "Query worker failed", r.text[:300]
    assert _stats(load_server)["worker_crashes"] == crashes + 1
    with load_server.client() as c:
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200


# ~4 s here: far past FULL_PRIORITY_S (50 ms) and the 50 ms between looks at the thread on a machine
# several times faster, and well within the time limit (60 s)
BOUNDED_SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . { SELECT ?d WHERE { ?d ?e ?f } LIMIT 240 } }"


def test_a_query_thread_put_below_the_server_leaves_once_it_has_answered(load_server):
    """A query past its first FULL_PRIORITY_S runs on at nice 10 in the worker's answering thread. A
    thread cannot raise its own priority again, so that thread leaves after its answer and a new one
    at the server's priority answers the next queries, in the same worker (not replaced)."""
    (worker,) = _workers(load_server)
    thread, result = _in_background(load_server, BOUNDED_SLOW)
    lowered = False

    def seen_lowered_or_done() -> bool:
        nonlocal lowered
        lowered = lowered or NICE in _thread_nices(worker)
        return lowered or "r" in result

    _wait_for(seen_lowered_or_done, "the query's thread at nice 10")
    thread.join(HANG_GUARD)
    assert lowered, "the query ended before its thread was seen at nice 10"
    assert result["r"].status_code == 200 and int(result["r"].headers["X-Result-Rows"]) == 1
    _wait_for(lambda: NICE not in _thread_nices(worker), "the lowered thread has left")
    assert _workers(load_server) == [worker] and _nice(worker) < NICE
    with load_server.client() as c:
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    assert NICE not in _thread_nices(worker)


def _quietly(srv, address: str) -> None:
    """A slow query from ``address`` (a loopback alias); it ends at the time limit or when the server stops."""
    transport = httpx.HTTPTransport(local_address=address)
    try:
        with httpx.Client(base_url=srv.base_url, transport=transport, timeout=HANG_GUARD) as c:
            c.get("/sparql", params={"query": PATHOLOGICAL})
    except httpx.HTTPError:
        pass
    finally:
        _done.append(address)


_done: list[str] = []


def test_health_and_rest_answer_while_many_slow_clients_wait(load_server):
    """45 slow clients (more than the 40 threads REST shares) from 45 addresses all wait for the one
    worker; /health and a REST route still answer before any of them has finished."""
    _wait_for(lambda: _stats(load_server)["in_flight"] == 0, "earlier queries are done")
    clients = [f"127.0.0.{i}" for i in range(10, 55)]
    for address in clients:
        threading.Thread(target=_quietly, args=(load_server, address), daemon=True).start()
    _wait_for(lambda: _stats(load_server)["in_flight"] == len(clients) or set(clients) & set(_done),
              "all slow clients are in flight")
    assert not set(clients) & set(_done), "a slow client finished before all were in flight"
    with load_server.client() as c:
        assert c.get("/health").status_code == 200
        assert c.get("/api/states/MAR").status_code == 200
    assert not set(clients) & set(_done)  # answered while every slow client was still waiting


def _nice(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])


def _thread_nices(pid: int) -> set[int]:
    nices = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):  # a thread that left between the listing and the read
            nices.add(int((task / "stat").read_text().rsplit(")", 1)[1].split()[16]))
    return nices


def test_workers_run_below_the_server_and_are_replaced_the_same_way(load_server):
    """Every query worker, a replacement too, is forked from the server's preloaded fork server; a
    query that runs past its first FULL_PRIORITY_S does so in a thread below the server's priority
    (nice 10), so a query burning its whole time limit never competes with the event loop on equal
    terms, while the worker itself (which starts each query) keeps the server's priority."""
    (first,) = _workers(load_server)  # this server has one worker
    os.kill(first, signal.SIGKILL)  # busy or idle, its replacement comes from the same fork server
    threading.Thread(target=_quietly, args=(load_server, "127.0.0.1"), daemon=True).start()
    _wait_for(lambda: first not in (seen := _workers(load_server)) and len(seen) == 1, "a replacement worker")
    (worker,) = _workers(load_server)
    _wait_for(lambda: NICE in _thread_nices(worker), "a slow query's thread at nice 10")
    assert NICE > 0 and _nice(worker) == _nice(load_server.proc.pid) < NICE


def test_workers_die_with_the_server(built: Path):
    """A server killed outright (no shutdown) takes its fork server and its workers with it, also a
    worker in the middle of a query."""
    srv = start_server(built, env={"ISCM_SPARQL_WORKERS": "2", "ISCM_SPARQL_TIMEOUT": "60"})
    try:
        fork_server, workers = _fork_server(srv), _workers(srv)
        assert len(workers) == 2
        loaded = {p: _cpu_ticks(p) for p in workers}
        threading.Thread(target=_quietly, args=(srv, "127.0.0.1"), daemon=True).start()
        _wait_for(lambda: _stats(srv)["in_flight"] == 1, "the query is in flight")
        _wait_for(lambda: any(_cpu_ticks(p) > loaded[p] + 5 for p in workers), "a worker is computing")
        srv.proc.kill()
        srv.proc.wait(HANG_GUARD)
        _wait_for(lambda: not any(Path(f"/proc/{p}").exists() and "Z" not in _state(p)
                                  for p in [fork_server, *workers]), "the fork server and workers are gone")
    finally:
        if srv.proc.poll() is None:
            stop_server(srv)


def _state(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return "Z"


def test_per_client_budget_answers_429_with_retry_after(load_server):
    """Runs last: it leaves a slow query behind. The first request is in flight once the server
    counted it (the count and the in-flight mark happen in one step of the event loop)."""
    before = _stats(load_server)["requests"]
    threading.Thread(target=_quietly, args=(load_server, "127.0.0.1"), daemon=True).start()
    _wait_for(lambda: _stats(load_server)["requests"] > before, "the first query arrived")
    with load_server.client() as c:
        r = c.get("/sparql", params={"query": "ASK {}"})
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    assert r.json()["status"] == 429 and "1 SPARQL requests in flight" in r.json()["detail"]
    assert _stats(load_server)["refused_client_budget"] >= 1

