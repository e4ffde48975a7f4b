"""What a server computes in the background once it answers, so that first visits are not slower
than the next ones.

Started after start-up (``/health`` answers first: a warm-up running beside start-up made it answer
3-4x later). Two parts:

* **here**, in a thread, a step of a fraction of a second at a time, each started only once no
  request has been in flight for a second (:class:`Activity`; after 5 s it starts anyway):
  the home page's numbers and names, a first profile (which computes the tables every profile
  shares), a small map's page (the layout code, vis-network), then matplotlib, its fonts and the
  world geometry (:func:`graph.maps.static.warm_steps`) — what only this process can load;
* **in a child process** at low CPU priority (``nice`` 10), so that it neither holds this process's
  interpreter lock nor takes the CPU from requests: every ISCM's profile and timelines, the names
  in each language, every State's and organisation's profile, and the heavy default analytics
  tables (:func:`graph.analytics.warm_list`). It loads the release itself, computes each answer with
  the routes' own functions and sends it back; this process keeps it under the key the route
  reads (:func:`steps` names both).

A failed step is logged and left to the first request that needs it.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

log = logging.getLogger("iscm.api")
Step = tuple[str, tuple, Callable[[], Any]]  # name, the route's memo key, compute the answer
#: a step here starts once no request has been in flight for QUIET_S, or after YIELD_S whatever
#: the traffic (under steady traffic the warm-up still goes on, a step at a time)
QUIET_S = 1.0
YIELD_S = 5.0
NICE = 10  # the child's CPU priority below the server's
START_S = 120.0  # a child loads the release in seconds
#: what this process warms itself before the map drawing: the likeliest first visits
FIRST = ("home page (en)", "names (en)")


class Activity:
    """The HTTP requests in flight, counted by :class:`CountRequests`, so that background work can
    step aside while there are any."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._n = 0
        self._last_end = 0.0  # time.monotonic() when the last request ended
        self._idle = threading.Event()
        self._idle.set()

    def enter(self) -> None:
        with self._lock:
            self._n += 1
            self._idle.clear()

    def leave(self) -> None:
        with self._lock:
            self._n -= 1
            self._last_end = time.monotonic()
            if self._n == 0:
                self._idle.set()

    @property
    def in_flight(self) -> int:
        return self._n

    def wait_idle(self, timeout: float) -> bool:
        """True once no request is in flight, False if there still is one after ``timeout`` s."""
        return self._idle.wait(timeout)

    def wait_quiet(self, quiet: float, timeout: float) -> bool:
        """True once no request has been in flight for ``quiet`` s (a page's requests come in bursts
        with short gaps between), False if that did not happen within ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0 or not self._idle.wait(left):
                return False
            calm = time.monotonic() - self._last_end
            if self._n == 0 and calm >= quiet:
                return True
            time.sleep(max(min(quiet - calm, deadline - time.monotonic()), 0.001))


class CountRequests:
    """Plain ASGI middleware: each HTTP request counts in :class:`Activity` until it is answered."""

    def __init__(self, app: ASGIApp, activity: Activity) -> None:
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self.activity.enter()
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.leave()


def start(served: Any, activity: Activity) -> threading.Thread:
    """Warm ``served`` from a daemon thread (returned, started); ``served.warm_up`` says how far it is."""
    served.warm_up = "running"
    thread = threading.Thread(target=warm, args=(served, activity), name="iscm-warm", daemon=True)
    thread.start()
    return thread


def warm(served: Any, activity: Activity) -> None:
    """The child first (it takes seconds to load), then the steps here, then the child's answers."""
    from graph.maps.static import warm_steps

    t = time.perf_counter()
    cat = served.graph
    child = _spawn(served)
    receiver = None
    if child is not None:  # its answers are kept as they come, while the steps here go on
        receiver = threading.Thread(target=_receive, args=(child, served), name="iscm-warm-receive", daemon=True)
        receiver.start()
    here = [(name, compute) for name, key, compute in steps(cat) if name in FIRST]
    first_iscm = next((n, c) for n, _k, c in steps(cat) if n.startswith("profile of "))
    for name, compute in [*here, first_iscm, ("map page", lambda: _map_page(cat)), *warm_steps()]:
        if served.retired:
            break
        activity.wait_quiet(QUIET_S, YIELD_S)
        _step(name, compute)
    if receiver is not None:
        receiver.join()
    elif not served.retired:  # no release folder to load in a child: here, a step at a time
        for name, key, compute in steps(cat):
            activity.wait_quiet(QUIET_S, YIELD_S)
            _step(name, lambda k=key, c=compute: cat.memo(k, c))
    served.warm_up = "done"
    log.info("warm-up done in %.1f s", time.perf_counter() - t)


def _map_page(cat: Any) -> None:
    """Describe and render a small map once: the map builder's first map then finds the layout code,
    the page's scripts (vis-network, read from its package) and their hashes loaded."""
    from graph import maps

    iscm = sorted(cat.entities.index[cat.entities["type"] == "iscm"])[0]
    maps.render_html(maps.build_spec(cat, maps.MapRequest(kind="membership", iscms=(iscm,))))


def _step(name: str, compute: Callable[[], Any]) -> None:
    t = time.perf_counter()
    try:
        compute()
        log.debug("warmed %s in %.3f s", name, time.perf_counter() - t)
    except Exception:
        log.exception("warming %s failed; the first request that needs it computes it", name)


def steps(cat: Any) -> Iterator[Step]:
    """Every answer worth having before anyone asks, most visited first, each with the key its route
    reads and the route's own function computing it."""
    from api import i18n
    from api.pages import home_page
    from api.routes.profiles import profile_json, profile_key
    from api.routes.timelines import iscm_timeline_table, timeline_key
    from api.routes.web import HEADLINE_KEY, home_headline
    from graph import analytics

    def home(lang: str) -> Any:
        h = home_headline(cat)
        home_page(h, release_date=cat.release_date.isoformat(), lang=lang, cite=cat.manifest.get("citation"))
        return h

    def language(lang: str) -> Iterator[Step]:
        yield f"home page ({lang})", HEADLINE_KEY, lambda: home(lang)
        yield f"names ({lang})", i18n.labels_key(lang), lambda: i18n.labels(cat, lang)

    def profile(kind: str, ident: str) -> Step:
        return f"profile of {ident}", profile_key(kind, ident), lambda: profile_json(cat, kind, ident)

    yield from language("en")
    types = cat.entities["type"]
    for iscm in sorted(cat.entities.index[types == "iscm"]):
        yield profile("iscm", iscm)
        yield f"timeline of {iscm}", timeline_key(iscm, False), lambda i=iscm: iscm_timeline_table(cat, i, False)
        yield f"changes of {iscm}", timeline_key(iscm, True), lambda i=iscm: iscm_timeline_table(cat, i, True)
    for lang in i18n.LANGS[1:]:
        yield from language(lang)
    for name, p in analytics.warm_list():  # heaviest first
        label = f"analytics {name}" + (f" ({', '.join(f'{k}={v}' for k, v in p)})" if p else "")
        yield label, analytics.memo_key(name, p), lambda n=name, q=p: analytics.compute(cat, n, q)
    yield from (profile("state", s) for s in sorted(cat.entities.index[types == "state"]))
    yield from (profile("organisation", o) for o in sorted(cat.entities.index[types.isin(["organisation", "union"])]))


def _spawn(served: Any) -> Any:
    """The child over the served release, or None (no release folder, or it failed to start)."""
    from api.queryworker import context
    from graph.releases import STORE_DIR
    from graph.workers import Worker

    release = served.graph.release
    if release is None:
        return None
    # the release's own store on disk opens at once, whatever the server's backend
    backend = "oxigraph" if (Path(release) / STORE_DIR).is_dir() else served.graph.store.name
    try:
        return Worker(context(), child, (str(release), backend, None))
    except Exception:
        log.exception("the warm-up process did not start; first requests compute their answers")
        return None


def _receive(worker: Any, served: Any) -> None:
    """Keep each answer the child sends, under its route's key, until it says it is done."""
    cat = served.graph
    try:
        if not worker.wait_ready(START_S):
            raise RuntimeError("the warm-up process did not load the release in time")
        while not served.retired:
            if not worker.conn.poll(1.0):
                continue
            message = worker.conn.recv()
            if message[0] == "end":
                break
            if message[0] == "failed":
                log.warning("warming %s failed (%s); the first request that needs it computes it", *message[1:])
                continue
            _kind, key, value = message
            cat.memo(key, lambda v=value: v)  # kept unless a request computed it meanwhile
    except (EOFError, OSError, RuntimeError):
        log.exception("the warm-up process stopped; first requests compute what it did not send")
    finally:
        worker.stop()


def child(conn: Connection, release: str, backend: str, only: list[str] | None) -> None:  # pragma: no cover - a child
    """The child process: load the release, compute each step (or those named in ``only``), send it."""
    os.nice(NICE)
    from graph.loader import ISCMGraph, open_store

    cat = ISCMGraph(open_store(Path(release), backend=backend), release=Path(release))
    try:
        conn.send(("ready",))
        for name, key, compute in steps(cat):
            if only is not None and name not in only:
                continue
            try:
                message = ("done", key, compute())
            except Exception as exc:
                message = ("failed", name, f"{type(exc).__name__}: {exc}")
            conn.send(message)
        conn.send(("end",))
    except (BrokenPipeError, EOFError, OSError):  # the server stopped or moved to another release
        return
