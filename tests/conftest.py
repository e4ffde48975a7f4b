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

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "data"
TINY = REPO / "tests" / "fixtures" / "tiny"
# the seed documents live beside the repository (CI clones with shared/ beside it), not in it
SEEDS = Path(os.environ.get("ISCM_SEEDS_DIR", REPO.parent / "shared" / "seeds"))
ARTIFACTS = REPO / "test-artifacts"


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

    out = tmp_path_factory.mktemp("build")
    build(DATA, out)
    return out


@pytest.fixture(scope="session")
def tiny_built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from graph.build import build

    out = tmp_path_factory.mktemp("tiny-build")
    build(TINY, out)
    return out


BACKENDS = ["oxigraph", "rdflib", "remote"]
# The HTTP API runs on every backend: in-memory and on-disk Oxigraph, a remote Oxigraph server, and
# rdflib (its BGPs join-ordered by graph.rdflib_planner; rdflib's own order took minutes).
API_BACKENDS = ["oxigraph-memory", "oxigraph", "remote", "rdflib"]


@pytest.fixture(scope="session")
def oxigraph_server(built: Path, tmp_path_factory: pytest.TempPathFactory):
    """A real Oxigraph server (``oxigraph serve`` from the ``oxigraph`` PyPI package) on loopback,
    loaded with the built release through the graph store protocol."""
    from graph.build import QUADS_FILE, current_release
    from graph.store import RemoteStore

    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists():
        pytest.fail("the oxigraph server is a test dependency: pip install '.[test]'")
    port = free_port()
    proc = subprocess.Popen([str(exe), "serve", "--location", str(tmp_path_factory.mktemp("oxigraph")),
                             "--bind", f"127.0.0.1:{port}", "--union-default-graph", "--timeout-s", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            httpx.get(base + "/query", params={"query": "ASK {}"}, timeout=1)
            break
        except httpx.HTTPError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                raise RuntimeError("oxigraph server did not start") from None
            time.sleep(0.2)
    urls = {"ISCM_SPARQL_ENDPOINT": base + "/query", "ISCM_STORE_ENDPOINT": base + "/store"}
    RemoteStore(urls["ISCM_SPARQL_ENDPOINT"], store_url=urls["ISCM_STORE_ENDPOINT"]).replace_dataset(
        (current_release(built) / QUADS_FILE).read_bytes())
    yield urls
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


def _env_for(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    env = {"ISCM_BACKEND": backend}
    if backend == "remote":
        env.update(request.getfixturevalue("oxigraph_server"))
    return env


@pytest.fixture(scope="session")
def backend_env(backend: str, request: pytest.FixtureRequest) -> dict[str, str]:
    return _env_for(backend, request)


@pytest.fixture(scope="session", params=API_BACKENDS)
def api_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="session")
def kg(built: Path, backend_env: dict[str, str]):
    """The real data on each store backend in turn: in-process Oxigraph, rdflib, a remote Oxigraph server."""
    import graph

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
        kw.setdefault("timeout", 30)
        return httpx.Client(base_url=self.base_url, **kw)


def start_server(build_dir: Path, *, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.Popen(
        [iscm_executable(), "serve", "--build", str(build_dir), "--port", str(port), "--log-level", "warning"],
        env=full_env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
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
    raise RuntimeError("server did not answer /health within 60 s")


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

    with TestClient(create_app(Settings(build_dir=built, backend="oxigraph-memory"))) as client:
        yield client


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
    srv = start_server(built, env=_env_for(api_backend, request))
    yield srv
    stop_server(srv)
