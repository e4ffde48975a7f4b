"""uvicorn's HTTP protocol with the limits it lacks: a deadline for the request headers, one for the
body, and a cap on header bytes, so a client that sends slowly (or never) cannot hold a connection.

uvicorn times out only idle keep-alive connections; a connection that sends half a request line
stays open for ever. This subclass arms a timer when a connection opens (and when a new request
begins on it) and disarms it when the headers are complete; a second timer covers the body. On
expiry the client gets ``408`` and the connection is closed. The limits come from the environment
(``iscm serve`` sets them from its options) so the class also works in uvicorn's worker processes.
"""

from __future__ import annotations

import asyncio
import os

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

HEADER_TIMEOUT_ENV = "ISCM_HEADER_TIMEOUT"
BODY_TIMEOUT_ENV = "ISCM_BODY_TIMEOUT"
MAX_HEADER_BYTES_ENV = "ISCM_MAX_HEADER_BYTES"
DEFAULTS = {HEADER_TIMEOUT_ENV: 10.0, BODY_TIMEOUT_ENV: 30.0, MAX_HEADER_BYTES_ENV: 65536}


def _limit(name: str) -> float:
    return float(os.environ.get(name, DEFAULTS[name]))


def _response(status: int, reason: str, text: str) -> bytes:
    body = text.encode()
    return (f"HTTP/1.1 {status} {reason}\r\ncontent-type: text/plain; charset=utf-8\r\n"
            f"content-length: {len(body)}\r\nconnection: close\r\n\r\n").encode() + body


class _HeadWithBody:
    """A response cycle's transport that holds the response head back until the first body bytes follow
    (or the response ends), so a small answer leaves in one write — one segment and one wake-up of the
    client instead of two. Anything written before the response starts (``100 Continue``) goes at once."""

    def __init__(self, transport: asyncio.Transport, cycle: object) -> None:
        self._transport = transport
        self._cycle = cycle
        self._head: bytes | None = None
        self._started = False

    def write(self, data: bytes) -> None:
        if self._head is not None:
            data, self._head = self._head + data, None
        elif not self._started and getattr(self._cycle, "response_started", False):
            self._started = True
            self._head = bytes(data)
            return
        self._transport.write(data)

    def flush(self) -> None:
        if self._head is not None:
            head, self._head = self._head, None
            self._transport.write(head)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> object:
        return getattr(self._transport, name)


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """HttpToolsProtocol plus header/body deadlines and a header size cap (see the module docstring)."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.header_timeout = _limit(HEADER_TIMEOUT_ENV)
        self.body_timeout = _limit(BODY_TIMEOUT_ENV)
        self.max_header_bytes = int(_limit(MAX_HEADER_BYTES_ENV))
        self._deadline: asyncio.TimerHandle | None = None
        self._in_headers = False
        self._header_bytes = 0

    # -- timers
    def _arm(self, seconds: float, what: str) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(seconds, self._expire, what)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self, what: str) -> None:
        self._deadline = None
        if self.transport.is_closing():
            return
        started = self.cycle is not None and self.cycle.response_started
        if not started:
            self.transport.write(_response(408, "Request Timeout", f"the request {what} did not arrive in time\n"))
        self.transport.close()

    # -- protocol hooks
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._in_headers = True
        self._header_bytes = 0
        self._tail = b""
        self._arm(self.header_timeout, "headers")

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._in_headers:
            # count only the bytes up to the blank line that ends the headers: one read often holds
            # the headers and the start of a large body (a big POST is not a big header)
            seen = self._tail + data
            end = seen.find(b"\r\n\r\n")
            self._header_bytes += len(data) if end < 0 else max(0, end + 4 - len(self._tail))
            self._tail = seen[-3:]
            if self._header_bytes > self.max_header_bytes:
                self._disarm()
                self.transport.write(_response(431, "Request Header Fields Too Large",
                                               f"request headers over {self.max_header_bytes} bytes\n"))
                self.transport.close()
                return
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_headers:  # a further request on a kept-alive connection
            self._in_headers = True
            self._header_bytes = 0
            self._tail = b""
            self._arm(self.header_timeout, "headers")

    def on_headers_complete(self) -> None:
        self._in_headers = False
        self._arm(self.body_timeout, "body")
        super().on_headers_complete()
        if self.cycle is not None and not isinstance(self.cycle.transport, _HeadWithBody):
            self.cycle.transport = _HeadWithBody(self.transport, self.cycle)  # type: ignore[assignment]

    def on_response_complete(self) -> None:
        if self.cycle is not None and isinstance(self.cycle.transport, _HeadWithBody):
            self.cycle.transport.flush()  # a response without body bytes (HEAD): its head goes now
        super().on_response_complete()

    def on_message_complete(self) -> None:
        self._disarm()
        super().on_message_complete()
