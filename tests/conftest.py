"""Shared fixtures: real builds of the real data, the API in-process, and real uvicorn servers over HTTP.

Tiers (README, "Tests"): ``app_client`` runs the API in this process (FastAPI's TestClient: no
server, no port) for tests of what the API answers; ``http_server`` is one real uvicorn server for
tests where HTTP itself matters (headers on the wire, limits, a browser); ``server`` runs on every
API backend, only for tests whose answer depends on the backend. Tests that take more than a few
seconds are marked ``slow``; ``pytest -m "not slow"`` is the fast tier.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

# the browser tests' set-up; browser and guarded are fixtures for any test module that asks for them
from browsing import ARTIFACTS, browser, guarded  # noqa: F401

# which tests share a pytest-xdist worker
from xdist_groups import configure as configure_groups
from xdist_groups import record as record_groups
from xdist_groups import scheduler as group_scheduler

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TINY = REPO / "tests" / "fixtures" / "tiny"
# the seed documents live beside the repository (CI clones with shared/ beside it), not in it
SEEDS = Path(os.environ.get("ISCM_SEEDS_DIR", REPO.parent / "shared" / "seeds"))


def iscm_executable() -> str:
    """The installed ``iscm`` console script (next to the running interpreter)."""
    exe = Path(sys.executable).with_name("iscm")
    return str(exe) if exe.exists() else shutil.which("iscm") or "iscm"


def run_iscm(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess:
    proc = subprocess.run([iscm_executable(), *args], capture_output=True, text=True, cwd=cwd, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"iscm {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real data/ built once into a temporary folder (through the installed package)."""
    from graph.build import build

    # ISCM_TEST_BUILD: a folder kept between runs; unchanged inputs publish nothing, so the fast
    # tier does not rebuild the real data every time (a fresh clone and CI build it once)
    kept = os.environ.get("ISCM_TEST_BUILD")
    out = Path(kept) if kept else _shared_dir(tmp_path_factory, "build")
    build(DATA, out)
    return out


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from graph.build import build

    out = _shared_dir(tmp_path_factory, "tiny-build")
    build(TINY, out)
    return out


def _shared_dir(tmp_path_factory: pytest.TempPathFactory, name: str) -> Path:
    """A folder every pytest-xdist worker of this run shares (the run's own temporary folder without
    xdist). A build into it holds the build's own lock: the first worker builds, the others then
    find the same inputs already published and reuse that release."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # each worker's base folder sits in the run's
    out = root / f"shared-{name}"
    out.mkdir(exist_ok=True)
    return out


BACKENDS = ["oxigraph", "rdflib", "remote", "remote-virtuoso"]
# The HTTP API runs on every backend: in-memory and on-disk Oxigraph, remote stores (an Oxigraph
# server and Virtuoso Open Source), and rdflib (its BGPs join-ordered by graph.rdflib_planner).
API_BACKENDS = ["oxigraph-memory", "oxigraph", "remote", "remote-virtuoso", "rdflib"]


def _published(store, built: Path):
    """``store`` loaded with the built release the way ``iscm publish`` loads it."""
    from graph.build import QUADS_FILE, current_release
    from graph.store import RemoteStore

    env = store.env
    RemoteStore(env["ISCM_SPARQL_ENDPOINT"], store_url=env["ISCM_STORE_ENDPOINT"],
                store_protocol=env.get("ISCM_STORE_PROTOCOL"), store_user=env.get("ISCM_STORE_USER"),
                store_password=env.get("ISCM_STORE_PASSWORD"), store_auth=env.get("ISCM_STORE_AUTH"),
                timeout=300).replace_dataset((current_release(built) / QUADS_FILE).read_bytes())
    return store


@pytest.fixture(scope="session")
def oxigraph_server(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph server (``oxigraph serve`` from the ``oxigraph`` PyPI package) on loopback,
    loaded with the built release through the graph store protocol."""
    import stores

    store = stores.start_oxigraph(tmp_path_factory.mktemp("oxigraph"), free_port())
    try:
        yield _published(store, built).env
    finally:
        store.stop()


@pytest.fixture(scope="session")
def virtuoso_server(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """Virtuoso Open Source (Debian's ``virtuoso-t``) on loopback with a fresh database in a temporary
    folder and its own dba password, loaded with the built release through its graph store
    protocol (one PUT per named graph, digest authentication)."""
    import stores

    store = stores.start_virtuoso(tmp_path_factory.mktemp("virtuoso"), free_port(), free_port())
    try:
        yield _published(store, built).env
    finally:
        store.stop()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def _env_for(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    if backend == "remote":
        return {"ISCM_BACKEND": "remote", **request.getfixturevalue("oxigraph_server")}
    if backend == "remote-virtuoso":
        return {"ISCM_BACKEND": "remote", **request.getfixturevalue("virtuoso_server")}
    if backend == "rdflib":
        # one query worker: each parses the whole release in Python before its first answer (the
        # `server` fixture's generous time limit covers that start; the pool is tested on Oxigraph)
        return {"ISCM_BACKEND": backend, "ISCM_SPARQL_WORKERS": "1"}
    return {"ISCM_BACKEND": backend}


@pytest.fixture(scope="session")
def backend_env(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    return _env_for(backend, request)


@pytest.fixture(scope="session", params=API_BACKENDS)
def api_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def kg(built: Path):
    """The real data on the default store (the release's on-disk Oxigraph), for answers that do not
    depend on the store: the tables and graphs built from the release's saved tenures."""
    import graph

    return graph.load(built)


@pytest.fixture(scope="session")
def kg_rdflib(built: Path):
    """The real data on the rdflib store: loaded once per session (the load alone takes seconds)."""
    import graph

    return graph.load(built, backend="rdflib")


@pytest.fixture(scope="session")
def kg_any(built: Path, backend_env: dict[str, str], request: pytest.FixtureRequest):
    """The real data on each store backend in turn (in-process Oxigraph, rdflib, a remote Oxigraph
    server), for answers read from the store itself."""
    import graph

    if backend_env["ISCM_BACKEND"] == "rdflib":
        return request.getfixturevalue("kg_rdflib")
    return graph.load(built, backend=backend_env["ISCM_BACKEND"], endpoint=backend_env.get("ISCM_SPARQL_ENDPOINT"),
                      store_endpoint=backend_env.get("ISCM_STORE_ENDPOINT"))


@pytest.fixture(scope="session")
def tiny(tiny_built: Path):
    import graph

    return graph.load(tiny_built)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, base_url: str, proc: subprocess.Popen) -> None:
        self.base_url = base_url
        self.proc = proc

    def client(self, **kw) -> httpx.Client:
        kw.setdefault("timeout", 300)  # a hang guard, not a performance limit
        return httpx.Client(base_url=self.base_url, **kw)


def start_server(build_dir: Path, *, env: dict[str, str] | None = None, new_session: bool = False) -> Server:
    """``iscm serve`` on ``build_dir``; ``new_session``: in a process group of its own, as a service
    manager starts it (a signal to the group then reaches the server and its workers alike)."""
    port = free_port()
    full_env = {**os.environ, "ISCM_PRECOMPUTE": "0", **(env or {})}  # warm-ups would only compete for the CPU
    proc = subprocess.Popen(
        [iscm_executable(), "serve", "--build", str(build_dir), "--port", str(port), "--log-level", "warning"],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=new_session,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300  # a hang guard: a server loads its release in seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited early:\n{proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(base + "/health", timeout=1).status_code == 200:
                return Server(base, proc)
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("server did not answer /health within 300 s")


def stop_server(server: Server) -> None:
    server.proc.terminate()
    try:
        server.proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.proc.kill()


@pytest.fixture(scope="session")
def app_client(built: Path):
    """The API in this process on the real data (the default backend, in-memory Oxigraph): routes,
    status codes, problem documents and bodies exactly as served, without a server per test."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from api.config import Settings

    # no background warm-up: it would compete with the tests for the CPU (test_analytics_serving
    # checks that a default table, once computed, is read back)
    with TestClient(create_app(Settings(build_dir=built, backend="oxigraph-memory", precompute=False))) as client:
        yield client


class InProcess:
    """``app_client`` where a test was written for a :class:`Server`: ``with api.client() as c``."""

    def __init__(self, client) -> None:
        self._client = client

    def client(self, **_kw):
        import contextlib

        return contextlib.nullcontext(self._client)


@pytest.fixture(scope="session")
def api(app_client) -> InProcess:
    return InProcess(app_client)


@pytest.fixture(scope="session")
def http_server(built: Path):
    """One real uvicorn server (``iscm serve``) on the default backend, for tests where HTTP matters."""
    srv = start_server(built, env={"ISCM_BACKEND": "oxigraph-memory"})
    yield srv
    stop_server(srv)


@pytest.fixture(scope="session")
def server(built: Path, api_backend: str, request: pytest.FixtureRequest):
    """A real uvicorn server (``iscm serve``) on a free loopback port, serving the real data from
    each API backend in turn."""
    # the matrix checks answers, not the time limit (tests/test_security.py does): a whole-store answer
    # on a loaded 2-core machine can take longer than the default 10 s
    srv = start_server(built, env={"ISCM_SPARQL_TIMEOUT": "120", **_env_for(api_backend, request)})
    yield srv
    stop_server(srv)


# fixtures that start processes or load a store the slow way: a test using one is in the slow tier
_SLOW_FIXTURES = {"server", "http_server", "oxigraph_server", "virtuoso_server", "payload_server",
                  "strict_server", "strict", "load_server", "changed_server", "browser", "guarded"}


# the store or server a test's parameters start, for grouping tests on pytest-xdist workers
_STORE_GROUPS = {"remote": "oxigraph-server", "oxigraph_server": "oxigraph-server",
                 "remote-virtuoso": "virtuoso", "virtuoso_server": "virtuoso", "rdflib": "rdflib",
                 "kg_rdflib": "rdflib"}


def worker_group(item: pytest.Item) -> str:
    """The group of tests that one pytest-xdist worker runs together (``.ci/run`` runs the suite on
    every core with ``--dist loadgroup``; see ``xdist_groups``): the tests of one store server or
    backend share it, so each server starts once in the run; the tests on the one real API server
    (and the browser) share it; every other test stays with its module, whose module-scoped
    fixtures are then set up once."""
    names = set(getattr(item, "fixturenames", ()))
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    for value in params.values():
        if isinstance(value, str) and value in _STORE_GROUPS:
            return _STORE_GROUPS[value]
    for name in ("oxigraph_server", "virtuoso_server", "kg_rdflib"):
        if name in names:
            return _STORE_GROUPS[name]
    if "server" in names:
        return f"server-{params.get('api_backend')}"
    if names & {"http_server", "browser", "guarded"}:
        return "http"
    return item.path.name


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        callspec = getattr(item, "callspec", None)
        other_store = "kg_any" in names and callspec is not None and callspec.params.get("backend") != "oxigraph"
        if names & _SLOW_FIXTURES or other_store:
            item.add_marker(pytest.mark.slow)
    record_groups(items, worker_group)


def pytest_configure(config: pytest.Config) -> None:
    configure_groups(config)


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: pytest without xdist never calls it
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if getattr(config.option, "dist", "no") == "loadgroup":
        return group_scheduler(config, log)
    return None

