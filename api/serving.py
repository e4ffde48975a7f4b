"""The release a server process serves: loaded once, leased, swapped atomically on reload.

Everything a request reads from one release (graph, named graphs, query workers) is one
:class:`Served` object. A reload (``SIGHUP`` or ``POST /admin/reload``) loads the new current
release beside the old one, then swaps the reference in one step; the old release keeps its lease and
workers for a grace period so requests already running finish on it, then is let go.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from api.config import Settings
from api.querypool import QueryPool
from api.sparqlcache import ResultCache
from graph.loader import ISCMGraph
from graph.releases import QUADS_FILE, RELEASES, STORE_DIR, Lease, current_release
from graph.workpool import AnalyticsPool

log = logging.getLogger("iscm.api")
_STARTER = ThreadPoolExecutor(1, thread_name_prefix="iscm-start-workers")


@dataclass
class Served:
    graph: ISCMGraph
    graph_names: set[str]
    graph_sizes: dict[str, int]  # each named graph's triples (the SPARQL service description lists them)
    default_triples: int
    query_pool: QueryPool | None
    lease: Lease | None
    analytics_pool: AnalyticsPool | None = None
    # answers of /sparql for this release (None: off); a reload brings a new, empty one
    sparql_cache: ResultCache | None = None
    retired: bool = field(default=False)
    # the start-up warm-up (api/warmup.py): "off", "running" or "done" (/health says which)
    warm_up: str = "off"

    @property
    def catalogue(self) -> ISCMGraph:
        """The graph: profiles and lists are its own methods now (kept for older callers)."""
        return self.graph

    @property
    def release_name(self) -> str | None:
        return self.graph.release.name if self.graph.release else None

    @property
    def immutable(self) -> bool:
        """Whether the answers come from the release's own files (local stores), so the same request
        always has the same answer. A remote store may be given a newer release before this process
        reloads: its answers are neither kept nor tagged."""
        return self.graph.release is not None and self.graph.store.name != "remote"

    def retire(self) -> None:
        """Stop the query workers and give up the lease (the release may be pruned after this)."""
        if self.retired:
            return
        self.retired = True
        if self.query_pool is not None:
            self.query_pool.close()
        if self.analytics_pool is not None:
            self.analytics_pool.close()
        if self.lease is not None:
            self.lease.release_lease()


def _lease_for(release: Path | None) -> Lease | None:
    if release is None or release.parent.name != RELEASES:
        return None
    return Lease(release.parent.parent, release.name)


def open_served(settings: Settings, graph: ISCMGraph | None = None) -> Served:
    """Load (or wrap) a release with everything requests need; blocking, seconds at most."""
    if graph is None:
        release: Path | None = current_release(settings.build_dir)
        lease = _lease_for(release)  # before loading: a build must not prune it meanwhile
        if not release.is_dir():  # pruned between resolving the link and taking the lease
            if lease is not None:
                lease.release_lease()
            release = current_release(settings.build_dir)
            lease = _lease_for(release)
    else:
        release, lease = graph.release, _lease_for(graph.release)
    # the workers are started (a thread waits for the fork server) and load their own store while
    # this process loads its own, instead of after it (a start-up waits for them; bench/ 6)
    starting = _STARTER.submit(_pools, release, settings)
    try:
        g = graph if graph is not None else _load(release, settings)  # type: ignore[arg-type]
        g.resize_cache(settings.cache_mb * 2**20)
        g.current  # noqa: B018 - build the membership tables before the first request
        sizes = _graph_sizes(g)
    except BaseException:
        with contextlib.suppress(Exception):  # the load's error is the one to tell, not a pool's
            for started in starting.result():
                if started is not None:
                    started.close()
        raise
    pool, analytics_pool = starting.result()
    local = g.release is not None and settings.backend != "remote"  # see Served.immutable
    cache = ResultCache(settings.sparql_cache_mb * 2**20) if settings.sparql_cache_mb and local else None
    return Served(g, set(sizes), sizes, g.manifest.get("triples") or sum(sizes.values()),
                  pool, lease, analytics_pool, cache)


def _pools(release: Path | None, settings: Settings) -> tuple[QueryPool | None, AnalyticsPool | None]:
    """The release's query workers and analytics workers, starting (none without a release on disk)."""
    if release is None:
        return None, None
    pool = QueryPool(release, workers=settings.sparql_workers, backend=settings.backend,
                     queue_timeout=settings.sparql_queue_timeout, memory=settings.sparql_memory_mb * 2**20)
    analytics_pool = None
    if settings.analytics_workers > 0:
        # the workers read the release's own store (on disk, instant) whatever the server's backend
        local = "oxigraph" if (release / STORE_DIR).is_dir() else settings.backend
        analytics_pool = AnalyticsPool(release, workers=settings.analytics_workers, backend=local,
                                       queue_timeout=settings.sparql_queue_timeout)
    return pool, analytics_pool


def warm(served: Served, settings: Settings) -> None:
    """Start the query workers before serving: the query time limit counts a worker's start."""
    if served.query_pool is None:
        return
    walled = served.query_pool.warm()
    if not walled and settings.backend != "remote":
        log.warning("query workers run without the network wall (needs Linux seccomp)")


def _load(release: Path, settings: Settings) -> ISCMGraph:
    from graph.loader import open_store

    return ISCMGraph(open_store(release, backend=settings.backend), release=release)


def _graph_sizes(g: ISCMGraph) -> dict[str, int]:
    """Each named graph of the release and its number of triples."""
    from graph import queries
    from graph.store import SelectResult

    # the manifest lists them; asking the store scans every quad (14 s on Virtuoso)
    listed = (g.manifest or {}).get("graph_triples") if g.release is not None else None
    if listed:
        return {str(k): int(v) for k, v in listed.items()}

    result = g.query(queries.text("release.graph-sizes"))
    assert isinstance(result, SelectResult)
    return {str(row[0]): int(row[1].toPython()) for row in result.rows}


def install(app: FastAPI, served: Served) -> None:
    """Make ``served`` the release every new request sees: one reference, which routes reach through
    :func:`api.deps.get_served` (read once per request)."""
    app.state.served = served
    with contextlib.suppress(AttributeError, KeyError):  # maps of the previous release
        del app.state.map_cache


async def reload(app: FastAPI) -> dict[str, str | bool | None]:
    """Serve the build folder's current release if it is not the one served; one reload at a time."""
    lock: asyncio.Lock = app.state.reload_lock
    async with lock:
        settings: Settings = app.state.settings
        old: Served = app.state.served
        target = await run_in_threadpool(current_release, settings.build_dir)
        if old.graph.release is not None and target.name == old.release_name and not health_problems(old):
            return {"changed": False, "release": old.release_name, "previous": old.release_name}
        new = await run_in_threadpool(open_served, settings)
        await run_in_threadpool(warm, new, settings)
        install(app, new)
        app.state.on_served(new)  # the app's warm-up (api.app; serving does not import the routes)
        gc.collect()
        grace = settings.sparql_timeout + settings.sparql_queue_timeout + 5
        task = asyncio.get_running_loop().create_task(_retire_later(old, grace))
        app.state.retiring.add(task)
        task.add_done_callback(app.state.retiring.discard)
        log.info("reloaded: now serving %s (was %s)", new.release_name, old.release_name)
        return {"changed": True, "release": new.release_name, "previous": old.release_name}


async def _retire_later(old: Served, grace: float) -> None:
    try:
        await asyncio.sleep(grace)  # requests that started on the old release finish on it
    finally:
        await run_in_threadpool(old.retire)


def install_sighup(app: FastAPI) -> None:
    """``kill -HUP <pid>`` reloads (a single-process server; uvicorn's multi-worker supervisor already
    restarts its workers on SIGHUP, and each then loads the current release)."""
    loop = asyncio.get_running_loop()

    def on_hup() -> None:
        task = loop.create_task(_reload_logged(app))
        app.state.retiring.add(task)
        task.add_done_callback(app.state.retiring.discard)

    # not in the main thread (a test client) or not on Unix: reload stays available over HTTP
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGHUP, on_hup)


async def _reload_logged(app: FastAPI) -> None:
    try:
        await reload(app)
    except Exception:
        log.exception("reload on SIGHUP failed; still serving %s", app.state.served.release_name)


def health_problems(served: Served) -> list[str]:
    """Why the served release is broken, if it is (an empty list when all is well)."""
    release = served.graph.release
    if release is None:
        return []
    problems = []
    if not release.is_dir():
        problems.append(f"release folder {release} is gone (dumps and new query workers will fail)")
        return problems
    if not (release / "manifest.json").is_file():
        problems.append(f"{release / 'manifest.json'} is missing")
    if not (release / QUADS_FILE).is_file():
        problems.append(f"{release / QUADS_FILE} is missing (dumps and new query workers will fail)")
    if served.graph.store.name == "oxigraph" and not (release / STORE_DIR).is_dir():
        problems.append(f"{release / STORE_DIR} is missing")
    return problems
