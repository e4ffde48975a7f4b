"""Shared fixtures: real builds of the real data, and a real uvicorn server over HTTP."""

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
SEEDS = REPO.parent / "shared" / "seeds"
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


@pytest.fixture(scope="session")
def kg(built: Path):
    import graph

    return graph.load(built)


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
        return httpx.Client(base_url=self.base_url, timeout=30, **kw)


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
def server(built: Path):
    """A real uvicorn server (``iscm serve``) on a free loopback port, serving the real data."""
    srv = start_server(built)
    yield srv
    stop_server(srv)
