"""`iscm serve` limits, over real sockets: a request whose headers or body never finish gets 408 and
is closed, an oversized head gets 431, connections past the limit get 503, uvicorn is not exposed
on a public address without saying so, and a stop signal to the whole process group lets the
requests in flight finish."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path

import pytest
from conftest import TINY, run_iscm, start_server, stop_server

pytestmark = pytest.mark.slow  # real servers: these limits live in uvicorn's HTTP layer


@pytest.fixture(scope="module")
def tiny_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from graph.build import build

    out = tmp_path_factory.mktemp("limits")
    build(TINY, out)
    return out


@pytest.fixture(scope="module")
def strict(tiny_out: Path):
    srv = start_server(tiny_out, env={"ISCM_HEADER_TIMEOUT": "1", "ISCM_BODY_TIMEOUT": "1",
                                      "ISCM_MAX_HEADER_BYTES": "8192"})
    yield srv
    stop_server(srv)


def _connect(base_url: str) -> socket.socket:
    host, port = base_url.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)))
    sock.settimeout(60)  # a safety net only: the server's own deadline is what ends the wait
    return sock


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_headers_that_never_finish_get_408_and_a_close(strict):
    with _connect(strict.base_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        answer = _read_all(sock)  # returns when the server closes the connection
    assert answer.startswith(b"HTTP/1.1 408"), answer


def test_a_connection_that_sends_nothing_is_closed(strict):
    with _connect(strict.base_url) as sock:
        assert _read_all(sock).startswith(b"HTTP/1.1 408")


def test_a_body_that_never_finishes_gets_408(strict):
    with _connect(strict.base_url) as sock:
        sock.sendall(b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
                     b"Content-Length: 1000\r\n\r\nSELECT")
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer


def test_an_oversized_head_gets_431(strict):
    with _connect(strict.base_url) as sock:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 10_000 + b"\r\n\r\n")
        answer = _read_all(sock)
    assert answer.startswith(b"HTTP/1.1 431"), answer


def test_normal_requests_and_keep_alive_still_work(strict):
    with strict.client() as c:
        for _ in range(3):  # one kept-alive connection, three requests
            assert c.get("/health").status_code == 200


def test_connections_past_the_limit_get_503(tiny_out: Path):
    srv = start_server(tiny_out, env={"ISCM_MAX_CONNECTIONS": "3"})
    try:
        idle = [_connect(srv.base_url) for _ in range(2)]
        try:
            with srv.client() as c:
                assert c.get("/health").status_code == 503
        finally:
            for sock in idle:
                sock.close()
    finally:
        stop_server(srv)


def test_a_public_address_needs_to_be_asked_for():
    proc = run_iscm("serve", "--host", "0.0.0.0", "--port", "9")
    assert proc.returncode == 1
    assert "reverse proxy" in proc.stderr and "--public" in proc.stderr


# A response's head waits for its first body bytes so both leave in one write (api.server): a response
# without body bytes, or a request that waits for "100 Continue", must still get everything at once.

def _exchange(sock: socket.socket, request: bytes, *, until: bytes) -> bytes:
    sock.sendall(request)
    seen = b""
    while until not in seen:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection; got {seen!r}"
        seen += chunk
    return seen


def test_head_304_and_100_continue_get_their_whole_answer(strict):
    ask = b"/sparql?query=ASK%20%7B%7D"
    with _connect(strict.base_url) as sock:
        first = _exchange(sock, b"GET " + ask + b" HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n", until=b"true")
        tag = next(line.split(b":", 1)[1].strip() for line in first.split(b"\r\n") if line.lower().startswith(b"etag:"))
        # a 304 has no body: its head alone must arrive, and the connection stays usable
        head = _exchange(sock, b"GET " + ask + b" HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nIf-None-Match: " + tag
                         + b"\r\n\r\n", until=b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 304") and tag in head, head
        # HEAD: the head only, on the same connection
        head = _exchange(sock, b"HEAD " + ask + b" HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\n\r\n", until=b"\r\n\r\n")
        assert head.startswith(b"HTTP/1.1 200") and b"content-length:" in head.lower(), head
        # "100 Continue" goes out before the response starts, then the body is sent and answered
        body = b"query=ASK%20%7B%7D"
        cont = _exchange(sock, b"POST /sparql HTTP/1.1\r\nHost: x\r\nAccept: text/csv\r\nExpect: 100-continue\r\n"
                         b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                         + str(len(body)).encode() + b"\r\n\r\n", until=b"\r\n\r\n")
        assert cont.startswith(b"HTTP/1.1 100"), cont
        answer = _exchange(sock, body, until=b"true")
        assert answer.startswith(b"HTTP/1.1 200"), answer
    with _connect(strict.base_url) as sock:  # a HEAD on a connection the client closes after it
        sock.sendall(b"HEAD /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert _read_all(sock).startswith(b"HTTP/1.1 200")


def test_a_stop_signal_to_the_process_group_lets_a_query_in_flight_finish(tiny_out: Path):
    """``systemctl stop``, Ctrl-C and ``kill -- -PGID`` signal the server and its query workers at once.
    The workers leave the signal to the server, which finishes the query in flight (here: at its time
    limit, 504) before it stops them; a worker that ended on the signal failed the query with 500."""
    srv = start_server(tiny_out, env={"ISCM_SPARQL_TIMEOUT": "4"}, new_session=True)
    endless = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    answers: list[int] = []
    try:
        with srv.client() as c:
            asking = threading.Thread(target=lambda: answers.append(c.post(
                "/sparql", content=endless, headers={"Content-Type": "application/sparql-query"}).status_code))
            asking.start()
            with srv.client() as probe:
                deadline = time.monotonic() + 300  # a hang guard
                while probe.get("/stats").json()["sparql"]["in_flight"] == 0 and time.monotonic() < deadline:
                    time.sleep(0.05)
            os.killpg(srv.proc.pid, signal.SIGTERM)
            asking.join(300)
        assert answers == [504]
        assert srv.proc.wait(300) in (0, -signal.SIGTERM)  # uvicorn ends on the signal once its requests are done
        deadline = time.monotonic() + 300  # a hang guard: the workers and the fork server end with it
        while _group_alive(srv.proc.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_alive(srv.proc.pid)
    finally:
        stop_server(srv)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True
