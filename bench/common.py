"""Helpers shared by the benchmark sections: processes, servers, timing, statistics, machine facts."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import platform
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
PYTHON = sys.executable
HOST = "127.0.0.1"  # every load stays on the loopback interface


def log(msg: str) -> None:
    print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0-100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


@dataclass
class ChildResult:
    returncode: int
    seconds: float
    max_rss_mb: float
    stdout: str
    stderr: str
    timed_out: bool


def run_child(args: list[str], *, timeout: float, env: dict[str, str] | None = None,
              cwd: Path = ROOT) -> ChildResult:
    """Run a child process to completion (or kill it at ``timeout``) and return its own peak RSS.

    ``os.wait4`` gives the rusage of this one child (RUSAGE_CHILDREN would be the maximum over
    every child this driver ever waited for, servers included).
    """
    out_path = Path(f"/tmp/iscm-bench-{os.getpid()}-{time.monotonic_ns()}")
    t0 = time.perf_counter()
    with open(f"{out_path}.out", "w") as out, open(f"{out_path}.err", "w") as err:
        proc = subprocess.Popen(args, stdout=out, stderr=err, cwd=cwd, env=env, start_new_session=True)
        timed_out = False
        deadline = t0 + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                timed_out = True
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                pid, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        proc.returncode = os.waitstatus_to_exitcode(status)  # keep Popen from waiting again
    seconds = time.perf_counter() - t0
    stdout = Path(f"{out_path}.out").read_text()
    stderr = Path(f"{out_path}.err").read_text()
    for suffix in (".out", ".err"):
        Path(f"{out_path}{suffix}").unlink(missing_ok=True)
    return ChildResult(proc.returncode, seconds, usage.ru_maxrss / 1024, stdout, stderr, timed_out)


def last_json(text: str) -> dict:
    """The last line of ``text`` that parses as a JSON object (children print their result last)."""
    for line in reversed(text.strip().splitlines()):
        with contextlib.suppress(ValueError):
            value = json.loads(line)
            if isinstance(value, dict):
                return value
    raise ValueError(f"no JSON result in child output: {text[-500:]!r}")


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:  # only ever 127.0.0.1
            return resp.status
    except OSError:
        return None


class Server:
    """A server child process (our API or rdflib-endpoint) on 127.0.0.1, killed with its children."""

    def __init__(self, args: list[str], port: int, *, env: dict[str, str] | None = None, name: str = "server",
                 log_path: Path | None = None) -> None:
        self.port = port
        self.name = name
        self.base = f"http://{HOST}:{port}"
        self._log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def wait_ready(self, path: str, *, timeout: float, interval: float = 0.02) -> float:
        """Seconds from launch to the first 200 on ``path``; raise if it never comes."""
        deadline = self.started + timeout
        while time.perf_counter() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.proc.returncode} before it was ready")
            if http_status(self.base + path, timeout=5.0) == 200:
                return time.perf_counter() - self.started
            time.sleep(interval)
        raise TimeoutError(f"{self.name} not ready after {timeout:.0f} s")

    def rss_mb(self) -> float:
        """Resident memory of the server and all its descendants (the SPARQL worker processes)."""
        return tree_rss_mb(self.proc.pid)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        if self._log is not subprocess.DEVNULL:
            self._log.close()


@contextlib.contextmanager
def serving(server: Server) -> Iterator[Server]:
    try:
        yield server
    finally:
        server.stop()


def api_server(build_dir: Path, port: int, *, log_path: Path | None = None, backend: str | None = None,
               settings: dict[str, str] | None = None) -> Server:
    """``iscm serve --build DIR`` exactly as a user starts it (``backend`` sets ``ISCM_BACKEND``;
    ``settings``: other ``ISCM_*`` variables)."""
    args = [str(VENV_BIN / "iscm"), "serve", "--build", str(build_dir), "--host", HOST, "--port", str(port),
            "--log-level", "warning"]
    extra = {**({"ISCM_BACKEND": backend} if backend else {}), **(settings or {})}
    env = {**os.environ, **extra} if extra else None
    name = f"iscm serve ({backend})" if backend else "iscm serve"
    return Server(args, port, name=name, env=env, log_path=log_path)


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        with contextlib.suppress(OSError, ValueError, IndexError):
            stat = (entry / "stat").read_text()
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def tree_rss_mb(pid: int) -> float:
    kids = _children()
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(kids.get(p, []))
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
    return total


def machine_info() -> dict[str, object]:
    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3
    from importlib.metadata import PackageNotFoundError, version

    packages = {}
    for name in ("iscm-graph", "pyoxigraph", "rdflib", "rdflib-endpoint", "pyshacl", "networkx", "pandas",
                 "fastapi", "uvicorn", "httpx", "pydantic", "pyyaml"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = "not installed"
    wrk = "not installed"
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        res = subprocess.run(["wrk", "--version"], capture_output=True, text=True, timeout=5)
        wrk = (res.stdout + res.stderr).strip().splitlines()[0]
    os_name = platform.platform()
    with contextlib.suppress(OSError):
        for line in Path("/etc/os-release").read_text().splitlines():
            if line.startswith("PRETTY_NAME="):
                os_name = line.split("=", 1)[1].strip('"')
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu, "cores": os.cpu_count(), "affinity": len(os.sched_getaffinity(0)),
        "ram_gb": round(mem_gb, 1), "os": os_name, "kernel": platform.release(),
        "python": platform.python_version(), "packages": packages, "wrk": wrk,
    }


def timed_runs(fn: Callable[[], object], *, reps: int, cap_s: float, slow_s: float = 2.0) -> dict[str, object]:
    """Warm up once, then time up to ``reps`` runs while their total stays under ``cap_s``.

    A first run slower than ``slow_s`` is kept as a sample instead of being thrown away as warm-up:
    at that cost parsing and caches are noise, and repeating it would blow the time budget.
    ``fn`` returns the number of result rows (checked to be the same on every engine).
    """
    t = time.perf_counter()
    rows = fn()
    first = time.perf_counter() - t
    samples = [first] if first > slow_s else []
    while len(samples) < reps and sum(samples) < cap_s:
        t = time.perf_counter()
        rows = fn()
        samples.append(time.perf_counter() - t)
    return {"samples": [round(x, 6) for x in samples], "median": round(median(samples), 6),
            "first": round(first, 6), "rows": rows, "warmup_counted": first > slow_s}


def package_fingerprint() -> dict[str, str]:
    """A hash of the installed ``graph`` and ``api`` packages (the code being measured), so a report
    can tell when the product was reinstalled in the middle of a run."""
    import hashlib
    from importlib.util import find_spec

    digest = hashlib.sha256()
    newest = 0.0
    for name in ("graph", "api", "ontology"):
        spec = find_spec(name)
        if spec is None or not spec.submodule_search_locations:
            continue
        root = Path(next(iter(spec.submodule_search_locations)))
        for path in sorted(root.rglob("*")):
            if path.suffix in (".py", ".ttl", ".js", ".css") and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root.parent)).encode())
                digest.update(path.read_bytes())
                newest = max(newest, path.stat().st_mtime)
    installed = dt.datetime.fromtimestamp(newest, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if newest else "?"
    return {"sha256": digest.hexdigest()[:16], "newest_file": installed}


def self_peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def oxigraph_server(release: Path, port: int, *, memory: bool, log_path: Path | None = None) -> Server:
    """A bare Oxigraph server (the ``oxigraph`` CLI from PyPI) on the release, union default graph as
    in our stores: read-only on the release's own on-disk store, or in memory (load with
    :func:`load_oxigraph_memory` once it answers)."""
    exe = str(VENV_BIN / "oxigraph")
    common = ["--bind", f"{HOST}:{port}", "--union-default-graph", "--timeout-s", "60"]
    args = [exe, "serve", *common] if memory else [exe, "serve-read-only", "--location",
                                                     str(release / "oxigraph"), *common]
    return Server(args, port, name="oxigraph " + ("memory" if memory else "read-only"), log_path=log_path)


def load_oxigraph_memory(server: Server, nquads: Path) -> None:
    """Load the release's N-Quads into an in-memory Oxigraph server (graph store protocol)."""
    req = urllib.request.Request(server.base + "/store", data=nquads.read_bytes(), method="POST",
                                 headers={"Content-Type": "application/n-quads"})
    with urllib.request.urlopen(req, timeout=300) as resp:  # 127.0.0.1 only
        if resp.status not in (200, 201, 204):
            raise RuntimeError(f"loading {nquads} into {server.name} answered {resp.status}")


def merge_previous(results: dict, only: set[str], previous: Path) -> str | None:
    """``bench.py --only``: copy the sections not run now from the last run's results.json into
    ``results``; return the note saying so (None when there was no earlier run)."""
    if not previous.exists():
        return None
    old = json.loads(previous.read_text())
    kept = {name: value for name, value in old.get("sections", {}).items() if name not in only}
    if not kept:
        return None
    results["sections"].update(kept)
    results["section_seconds"] = {k: v for k, v in old.get("section_seconds", {}).items() if k not in only}
    when = old.get("machine", {}).get("date", "an earlier run")
    # each kept section keeps the date of the run that measured it (an --only run merges older ones)
    dates = {name: old.get("section_dates", {}).get(name, when) for name in kept}
    results["section_dates"] = dates
    by_date: dict[str, list[str]] = {}
    for name, date in dates.items():
        by_date.setdefault(date, []).append(name)
    earlier = "; ".join(f"{', '.join(sorted(names))} from the run of {date}"
                        for date, names in sorted(by_date.items(), reverse=True))
    return f"only {', '.join(sorted(only))} measured in this run; {earlier}"


def warm_paths(base: str, paths: list[str]) -> None:
    """GET each path once (the answer read and dropped): what a server computes on first use is done."""
    for path in paths:
        with urllib.request.urlopen(base + path, timeout=60) as resp:  # 127.0.0.1 only
            resp.read()


def wait_warm(base: str, *, timeout: float = 300.0) -> float:
    """Wait until the server's start-up warm-up (``/health`` ``warm_up``) is no longer running, so a
    quiet baseline is not taken while it computes; the seconds waited."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < timeout:
        with urllib.request.urlopen(base + "/health", timeout=30) as resp:  # 127.0.0.1 only
            if json.loads(resp.read()).get("warm_up") != "running":
                break
        time.sleep(0.5)
    return time.perf_counter() - t0


def analytics_default_paths() -> list[str]:
    """The analytics tables a server warms at start (graph.analytics.warm_list), as request paths."""
    from urllib.parse import urlencode

    from graph.analytics import SPECS, warm_list

    names = dict.fromkeys(name for name, _ in warm_list())  # its order: heaviest first
    return [f"/api/analytics/{name}?{urlencode(light)}" for name in names for light in SPECS[name].precompute]
