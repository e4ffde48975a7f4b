"""``iscm publish`` into two real triplestores started by the tests: Oxigraph server (one N-Quads PUT
of the whole dataset) and Virtuoso Open Source (one PUT per named graph, digest authentication).
The remote backend's answers on both are checked by the backend matrix (``kg_any``, ``server``)."""

from __future__ import annotations

import json
import os
import subprocess

import httpx
import pytest
from conftest import iscm_executable

from graph import queries
from graph.build import current_release
from graph.loader import open_store
from graph.store import RemoteStore

pytestmark = pytest.mark.slow

STALE = "https://w3id.org/iscm/graph/doc/a-document-an-older-release-had"


@pytest.fixture(params=["oxigraph_server", "virtuoso_server"])
def store_env(request: pytest.FixtureRequest) -> dict[str, str]:
    return request.getfixturevalue(request.param)


def publish(built, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("ISCM_")} | env
    return subprocess.run([iscm_executable(), "publish", "--build", str(built)], env=full, capture_output=True,
                          text=True, timeout=600)  # a hang guard: loading takes seconds


def _store(env: dict[str, str]) -> RemoteStore:
    return RemoteStore(env["ISCM_SPARQL_ENDPOINT"], store_url=env["ISCM_STORE_ENDPOINT"],
                       store_protocol=env.get("ISCM_STORE_PROTOCOL"), store_user=env.get("ISCM_STORE_USER"),
                       store_password=env.get("ISCM_STORE_PASSWORD"), store_auth=env.get("ISCM_STORE_AUTH"),
                       timeout=300)


def test_publish_replaces_the_release_and_drops_graphs_it_no_longer_has(built, store_env):
    manifest = json.loads((current_release(built) / "manifest.json").read_text())
    store = _store(store_env)
    # a graph of an older release, which the current one does not have
    stale = f"<urn:x:s> <urn:x:p> \"old\" <{STALE}> .\n".encode()
    if store.store_protocol == "graphs":
        store._write("PUT", params={"graph": STALE}, content=stale.replace(f" <{STALE}>".encode(), b""),
                     headers={"Content-Type": "application/n-triples"})
    else:
        store._write("POST", content=stale, headers={"Content-Type": "application/n-quads"})
    assert STALE in store.release_graphs()

    # the fixture already loaded this release: publishing it again gives the same store, not twice the data
    proc = publish(built, store_env)
    assert proc.returncode == 0, proc.stderr
    assert f"the endpoint now holds {manifest['quads']} quads" in proc.stderr
    assert len(store) == manifest["quads"]
    assert sorted(store.release_graphs()) == sorted(manifest["graph_triples"])


def test_virtuoso_refuses_an_unauthenticated_publish_with_a_clear_error(built, virtuoso_server):
    env = {k: v for k, v in virtuoso_server.items() if k not in ("ISCM_STORE_USER", "ISCM_STORE_PASSWORD")}
    proc = publish(built, env)
    assert proc.returncode == 1
    assert "the graph store refused the write (401)" in proc.stderr and "ISCM_STORE_USER" in proc.stderr
    assert "Traceback" not in proc.stderr
    wrong = publish(built, env | {"ISCM_STORE_USER": "dba", "ISCM_STORE_PASSWORD": "dba"})  # the factory password
    assert wrong.returncode == 1 and "refused the write (401)" in wrong.stderr


def test_virtuoso_sparql_endpoint_is_read_only_for_anonymous_clients(virtuoso_server):
    """What the API's remote backend talks to cannot be written through the query endpoint."""
    r = httpx.post(virtuoso_server["ISCM_SPARQL_ENDPOINT"],
                   data={"query": f"INSERT DATA {{ GRAPH <{STALE}> {{ <urn:x:a> <urn:x:b> <urn:x:c> }} }}"},
                   timeout=300)
    assert r.status_code >= 400
    assert STALE not in _store(virtuoso_server).release_graphs()


# named queries with xsd:boolean columns, both values present in the real data
BOOLEAN_TABLES = {"membership.complete_list": "complete_list", "partners.networks": "approximate"}


@pytest.mark.parametrize("name", sorted(BOOLEAN_TABLES))
def test_a_remote_table_reads_booleans_as_the_embedded_store_does(built, store_env, name: str):
    """Virtuoso writes xsd:boolean as 1 and 0 in CSV and TSV results; tables are read from SPARQL JSON,
    which names the datatype, so every reader sees ``true``/``false`` whatever the server."""
    text = queries.text(name)
    remote = _store(store_env).select_table(text)
    embedded = open_store(current_release(built)).select_table(text)
    col = BOOLEAN_TABLES[name]
    assert set(remote[col].dropna()) == {"true", "false"}
    key = list(remote.columns)
    assert remote.sort_values(key).reset_index(drop=True).fillna("").equals(
        embedded[key].sort_values(key).reset_index(drop=True).fillna(""))
