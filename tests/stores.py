"""Real triplestores for the remote-backend tests, started by the tests themselves on loopback:
Oxigraph server (from the ``oxigraph`` PyPI package) and Virtuoso Open Source (Debian's
``virtuoso-opensource-7-bin``; ``.ci/run`` installs it)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

VIRTUOSO = shutil.which("virtuoso-t")
ISQL = shutil.which("isql-vt")
# the account the tests publish with (Virtuoso's dba; its factory password is replaced at start)
VIRTUOSO_USER = "dba"
VIRTUOSO_PASSWORD = "iscm-test-dba"  # a throwaway store on loopback, deleted after the tests


@dataclass
class Store:
    engine: str
    env: dict[str, str]  # ISCM_SPARQL_ENDPOINT, ISCM_STORE_ENDPOINT and, for Virtuoso, protocol and account
    proc: subprocess.Popen
    log: Path | None = field(default=None)

    def stop(self) -> None:
        """Killed outright: its data is thrown away with its folder. (Virtuoso in the foreground did not
        end on SIGTERM: the suite's last 30 s went into waiting for it.)"""
        self.proc.kill()
        self.proc.wait(10)


def _wait(url: str, proc: subprocess.Popen, what: str, log: Path | None = None) -> None:
    # a hang guard only: either engine answers within seconds
    deadline = time.monotonic() + 300
    while True:
        try:
            if httpx.get(url, params={"query": "ASK { ?s ?p ?o }"}, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        if time.monotonic() > deadline or proc.poll() is not None:
            proc.kill()
            tail = log.read_text(errors="replace")[-2000:] if log and log.exists() else ""
            raise RuntimeError(f"{what} did not start\n{tail}")
        time.sleep(0.2)


def start_oxigraph(folder: Path, port: int) -> Store:
    exe = Path(sys.executable).with_name("oxigraph")
    if not exe.exists():
        raise RuntimeError("the oxigraph server is a test dependency: pip install '.[test]'")
    proc = subprocess.Popen([str(exe), "serve", "--location", str(folder), "--bind", f"127.0.0.1:{port}",
                             "--union-default-graph", "--timeout-s", "30"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/query", proc, "oxigraph server")
    return Store("oxigraph", {"ISCM_SPARQL_ENDPOINT": base + "/query", "ISCM_STORE_ENDPOINT": base + "/store"},
                 proc)


VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
Striping = 0

[Parameters]
; loopback only, for both the SQL port and the HTTP server
ServerPort = 127.0.0.1:{sql_port}
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = {dir}
CheckpointInterval = 60

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}
MaxClientConnections = 8
ServerThreads = 8

[SPARQL]
; Virtuoso cuts answers at ResultSetMaxRows without saying so: keep it above any answer we ask for
ResultSetMaxRows = 10000000
; partial ("anytime") answers past this are refused by our client as timeouts
MaxQueryExecutionTime = 30
MaxQueryCostEstimationTime = 0
"""


def start_virtuoso(folder: Path, http_port: int, sql_port: int) -> Store:
    if not VIRTUOSO or not ISQL:
        raise RuntimeError("the Virtuoso tests need Debian's virtuoso-opensource-7-bin: "
                           "apt-get install virtuoso-opensource-7-bin (bash .ci/run installs it)")
    folder.mkdir(parents=True, exist_ok=True)
    ini = folder / "virtuoso.ini"
    ini.write_text(VIRTUOSO_INI.format(dir=folder, sql_port=sql_port, http_port=http_port))
    log = folder / "virtuoso.log"
    proc = subprocess.Popen([VIRTUOSO, "-c", str(ini), "-f"], cwd=folder,
                            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    _wait(base + "/sparql", proc, "virtuoso", log)
    # replace the factory password of a new database before anything is loaded
    subprocess.run([ISQL, f"127.0.0.1:{sql_port}", "dba", "dba",
                    f"exec=user_set_password('dba', '{VIRTUOSO_PASSWORD}');"],
                   check=True, capture_output=True, timeout=120)
    return Store("virtuoso", {"ISCM_SPARQL_ENDPOINT": base + "/sparql",
                              "ISCM_STORE_ENDPOINT": base + "/sparql-graph-crud-auth",
                              "ISCM_STORE_PROTOCOL": "graphs", "ISCM_STORE_AUTH": "digest",
                              "ISCM_STORE_USER": VIRTUOSO_USER, "ISCM_STORE_PASSWORD": VIRTUOSO_PASSWORD},
                 proc, log)
