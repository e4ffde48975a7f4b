"""HTTP load on 127.0.0.1: wrk runs (closed loop) and a fixed-rate open-loop generator.

wrk measures capacity and latency at a fixed connection count. Debian's wrk has no ``-R`` (that is
wrk2), so a fixed *rate* comes either from a Lua ``delay()`` per connection (``paced_wrk``) or from
``FixedRateLoad``: an asyncio generator that sends request *i* at ``t0 + i / rate`` whatever happened
before (open loop, so a slow server cannot slow the clock down and hide its latency) and measures
each latency from the scheduled send time.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from common import HOST, percentile

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    if not m:
        raise ValueError(f"not a wrk duration: {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> dict[str, float]:
    """Requests/s, latency percentiles (ms), request count and errors from ``wrk --latency``."""
    res: dict[str, float] = {}
    for p in ("50", "75", "90", "99"):
        m = re.search(rf"^\s+{p}%\s+(\S+)", out, re.M)
        if m:
            res[f"p{p}"] = _ms(m.group(1))
    m = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", out)
    if m:
        res["mean"] = _ms(m.group(1))
        res["max"] = _ms(m.group(3))
    m = re.search(r"Requests/sec:\s+([\d.]+)", out)
    res["rps"] = float(m.group(1)) if m else 0.0
    m = re.search(r"(\d+) requests in", out)
    res["requests"] = float(m.group(1)) if m else 0.0
    errors = 0
    m = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if m:
        errors += int(m.group(1))
    m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if m:
        errors += sum(int(x) for x in m.groups())
    res["errors"] = float(errors)
    return res


def run_wrk(url: str, *, seconds: int, connections: int, threads: int = 1, script: Path | None = None,
            timeout_s: int = 5) -> dict[str, float]:
    if urlsplit(url).hostname != HOST:
        raise ValueError("load goes to 127.0.0.1 only")
    args = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", f"--timeout={timeout_s}s", "--latency"]
    if script is not None:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], capture_output=True, text=True, timeout=seconds + 30, check=True).stdout
    res = parse_wrk(out)
    res.update(seconds=seconds, connections=connections)
    return res


def paced_wrk(url: str, *, rate: float, seconds: int, connections: int, est_latency_ms: float) -> dict[str, float]:
    """wrk at about ``rate`` req/s: each connection waits about ``connections / rate`` minus the expected
    service time between requests (wrk's Lua ``delay()``), so the total lands near ``rate``.

    The wait is drawn uniformly from 0.5-1.5 times that gap: with one fixed gap every connection fires
    in the same instant and the "fixed rate" arrives as bursts of ``connections`` requests.
    Many connections with long gaps keep the rate insensitive to the latency estimate.
    """
    gap = max(0.0, connections * 1000.0 / rate - est_latency_ms)
    lua = f"function delay() return {gap:.3f} * (0.5 + math.random()) end\n"
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = Path(f.name)
    try:
        res = run_wrk(url, seconds=seconds, connections=connections, script=script)
    finally:
        script.unlink(missing_ok=True)
    res.update(target_rate=rate, delay_ms=round(gap, 3))
    return res


# ------------------------------------------------------------------------------ fixed-rate generator


@dataclass
class Request:
    kind: str  # "rest" or "sparql": reported separately
    name: str
    path: str
    accept: str = "application/json"
    # a SPARQL path ending in its query: each request adds a comment of its own, so the server's answer
    # cache never answers it (the load stays what it was before there was one)
    vary: bool = False


_SENT = itertools.count()


@dataclass
class LoadResult:
    rate: float
    seconds: float
    sent: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    latencies: dict[str, list[float]] = field(default_factory=dict)  # kind -> ms
    by_name: dict[str, list[float]] = field(default_factory=dict)
    late_starts: int = 0  # requests that could not be sent within 50 ms of their slot
    retries: int = 0  # stale keep-alive connections retried once on a new connection
    rss_samples: list[tuple[float, float]] = field(default_factory=list)  # (t, MB)
    elapsed: float = 0.0
    send_seconds: float = 0.0  # from the first to the last send: the rate actually offered

    def summary(self) -> dict[str, object]:
        def stats(values: list[float]) -> dict[str, float]:
            return {"n": len(values), "p50": percentile(values, 50), "p90": percentile(values, 90),
                    "p99": percentile(values, 99), "max": max(values) if values else float("nan")}

        every = [v for vs in self.latencies.values() for v in vs]
        return {
            "rate": self.rate, "seconds": self.seconds, "elapsed": round(self.elapsed, 2), "sent": self.sent,
            "ok": self.ok, "errors": dict(self.errors), "error_count": sum(self.errors.values()),
            "offered_rate": round(self.sent / self.send_seconds, 1) if self.send_seconds else 0.0,
            "send_seconds": round(self.send_seconds, 2),
            "late_starts": self.late_starts, "retries": self.retries, "all": stats(every),
            "kinds": {k: stats(v) for k, v in sorted(self.latencies.items())},
            "names": {k: stats(v) for k, v in sorted(self.by_name.items())},
            "rss_samples": self.rss_samples,
        }


# uvicorn closes a keep-alive connection after 5 s idle; reusing one that old races with the close
KEEPALIVE_IDLE_S = 4.0


class _Conn:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.last_used = time.monotonic()
        self.reused = False


async def _fetch(conn: _Conn, host: str, port: int, req: Request) -> tuple[int, bool]:
    """One HTTP/1.1 keep-alive GET; returns (status, connection still usable)."""
    path = req.path + f"%0A%23%20{next(_SENT)}" if req.vary else req.path
    head = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAccept: {req.accept}\r\n"
            "User-Agent: iscm-bench\r\n\r\n")
    conn.writer.write(head.encode())
    await conn.writer.drain()
    status_line = await conn.reader.readuntil(b"\r\n")
    status = int(status_line.split()[1])
    length, chunked, keep = None, False, True
    while True:
        line = await conn.reader.readuntil(b"\r\n")
        if line == b"\r\n":
            break
        name, _, value = line.decode("latin-1").partition(":")
        name = name.strip().lower()
        value = value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
        elif name == "connection" and value.lower() == "close":
            keep = False
    if chunked:
        while True:
            size = int((await conn.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await conn.reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await conn.reader.readexactly(length)
    else:
        await conn.reader.read()
        keep = False
    return status, keep


class FixedRateLoad:
    """Send ``requests`` (drawn at random with a seed) at ``rate`` per second for ``seconds``."""

    def __init__(self, base: str, requests: list[Request], *, rate: float, seconds: float,
                 weights: list[float] | None = None, timeout: float = 10.0, max_connections: int = 256,
                 sample_rss: Callable[[], float] | None = None, seed: int = 7) -> None:
        parts = urlsplit(base)
        if parts.hostname != HOST:
            raise ValueError("load goes to 127.0.0.1 only")
        self.host, self.port = parts.hostname, parts.port or 80
        self.requests, self.weights = requests, weights
        self.rate, self.seconds, self.timeout = rate, seconds, timeout
        self.max_connections = max_connections
        self.sample_rss = sample_rss
        self.rng = random.Random(seed)
        self._idle: list[_Conn] = []
        self._open = 0

    async def _connection(self, *, fresh: bool = False) -> _Conn:
        while self._idle and not fresh:
            conn = self._idle.pop()
            if time.monotonic() - conn.last_used < KEEPALIVE_IDLE_S:
                conn.reused = True
                return conn
            conn.writer.close()  # the server may be closing it right now
            self._open -= 1
        reader, writer = await asyncio.open_connection(self.host, self.port)
        self._open += 1
        return _Conn(reader, writer)

    async def _one(self, req: Request, scheduled: float, res: LoadResult, sem: asyncio.Semaphore) -> None:
        async with sem:  # bounds open connections; waiting here counts as latency (open loop)
            if time.perf_counter() - scheduled > 0.05:
                res.late_starts += 1
            conn = None
            try:
                conn = await self._connection()
                try:
                    status, keep = await asyncio.wait_for(_fetch(conn, self.host, self.port, req), self.timeout)
                except (asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
                    if not conn.reused:
                        raise
                    # a kept-alive connection the server had closed: retry once on a new one, as
                    # HTTP clients do for idempotent requests (counted, not hidden)
                    res.retries += 1
                    conn.writer.close()
                    self._open -= 1
                    conn = await self._connection(fresh=True)
                    status, keep = await asyncio.wait_for(_fetch(conn, self.host, self.port, req), self.timeout)
                latency = (time.perf_counter() - scheduled) * 1000
                if status == 200:
                    res.ok += 1
                    res.latencies.setdefault(req.kind, []).append(latency)
                    res.by_name.setdefault(req.name, []).append(latency)
                else:
                    res.errors[f"HTTP {status}"] = res.errors.get(f"HTTP {status}", 0) + 1
                if keep:
                    conn.last_used = time.monotonic()
                    self._idle.append(conn)
                    conn = None
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError) as exc:
                key = type(exc).__name__
                res.errors[key] = res.errors.get(key, 0) + 1
            finally:
                if conn is not None:
                    conn.writer.close()
                    self._open -= 1

    async def _sampler(self, res: LoadResult, t0: float, stop: asyncio.Event) -> None:
        if self.sample_rss is None:
            return
        while not stop.is_set():
            res.rss_samples.append((round(time.perf_counter() - t0, 1), round(self.sample_rss(), 1)))
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), 5.0)
        res.rss_samples.append((round(time.perf_counter() - t0, 1), round(self.sample_rss(), 1)))

    async def run(self) -> LoadResult:
        res = LoadResult(rate=self.rate, seconds=self.seconds)
        sem = asyncio.Semaphore(self.max_connections)
        total = int(self.rate * self.seconds)
        picks = self.rng.choices(self.requests, weights=self.weights, k=total)
        stop = asyncio.Event()
        t0 = time.perf_counter()
        sampler = asyncio.create_task(self._sampler(res, t0, stop))
        tasks = []
        for i, req in enumerate(picks):
            slot = t0 + i / self.rate
            delay = slot - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self._one(req, slot, res, sem)))
            res.sent += 1
        res.send_seconds = time.perf_counter() - t0
        await asyncio.gather(*tasks)
        res.elapsed = time.perf_counter() - t0
        stop.set()
        await sampler
        for conn in self._idle:
            conn.writer.close()
        return res
