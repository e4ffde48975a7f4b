"""Releases: names that follow the data, no new release when nothing changed, leases that keep a served
release from being pruned, clean-up after killed builds, and a real server that survives builds."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import TINY, run_iscm, start_server, stop_server

from graph.build import build, current_release
from graph.releases import Lease, list_releases, live_leases


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "data"
    shutil.copytree(TINY, dst)
    return dst


def touch_data(data: Path, n: int) -> None:
    """Change an input byte (a YAML comment): a new fingerprint, the same graph."""
    path = data / "iscms" / "alpha-process.yaml"
    path.write_text(path.read_text() + f"# edit {n}\n")


def test_unchanged_inputs_publish_nothing(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = build(tiny_copy, out)
    again = build(tiny_copy, out)
    assert not first.unchanged and again.unchanged
    assert again.release == first.release == current_release(out)
    assert [r.name for r in list_releases(out)] == [first.release.name]
    forced = build(tiny_copy, out, force=True)
    assert not forced.unchanged and forced.release.name == first.release.name


def test_release_name_follows_version_date_and_inputs(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    (tiny_copy / "dataset.yaml").write_text('version: "2.3"\n')
    first = build(tiny_copy, out).release
    manifest = json.loads((first / "manifest.json").read_text())
    assert first.name.startswith("2.3-") and first.name.endswith(manifest["fingerprint"][:12])
    assert manifest["version"] == "2.3" and manifest["release"] == first.name
    touch_data(tiny_copy, 1)
    second = build(tiny_copy, out).release
    assert second != first and second.name.startswith("2.3-")
    assert json.loads((second / "manifest.json").read_text())["previous"] == first.name


def test_a_killed_build_leaves_nothing_behind_after_the_next_build(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    build(tiny_copy, out)
    # what a build killed while writing leaves: a staging folder and a half-made link
    (out / "releases" / ".staging-killed").mkdir()
    (out / "releases" / ".staging-killed" / "iscm.nq").write_text("partial")
    (out / ".current-999999").symlink_to("releases/nowhere")
    result = build(tiny_copy, out)  # even a build that publishes nothing cleans up
    assert result.unchanged
    assert not list((out / "releases").glob(".staging-*"))
    assert not list(out.glob(".current-*"))


def test_pruning_keeps_leased_and_current_releases(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = build(tiny_copy, out).release
    lease = Lease(out, first.name)
    names = []
    for n in range(5):
        touch_data(tiny_copy, n)
        names.append(build(tiny_copy, out).release.name)
    kept = {r.name for r in list_releases(out)}
    assert first.name in kept  # leased: older than the three newest, still there
    assert set(names[-3:]) <= kept and not set(names[:2]) & kept
    assert list_releases(out)[-1].current
    lease.release_lease()
    touch_data(tiny_copy, 99)
    build(tiny_copy, out)
    assert first.name not in {r.name for r in list_releases(out)}


@pytest.mark.slow  # a server-like process holding a lease
def test_a_killed_servers_lease_does_not_block_pruning(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = build(tiny_copy, out).release
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; from graph.releases import Lease; "
         f"lease = Lease(Path({str(out)!r}), {first.name!r}); print('held', flush=True); time.sleep(600)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        assert live_leases(out) == {first.name: {holder.pid}}
        info = json.loads(run_iscm("releases", "--format", "json", "--build", str(out), check=True).stdout)
        assert info[0]["leased_by"] == [holder.pid]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    assert live_leases(out) == {}
    assert not list((out / "leases").glob("*.lease"))  # the stale lease was removed
    for n in range(4):
        touch_data(tiny_copy, n)
        build(tiny_copy, out)
    assert first.name not in {r.name for r in list_releases(out)}


def test_iscm_build_says_unchanged_and_releases_lists(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    run_iscm("build", "--data", str(tiny_copy), "--out", str(out), check=True)
    proc = run_iscm("build", "--data", str(tiny_copy), "--out", str(out), check=True)
    assert "unchanged" in proc.stderr
    listing = run_iscm("releases", "--build", str(out), check=True).stdout
    assert current_release(out).name in listing and "(current)" in listing


@pytest.mark.slow  # its own server
def test_builds_while_a_server_serves_then_reload(tiny_copy: Path, tmp_path: Path):
    """Four builds while a real server runs: the served release stays (dumps, SPARQL, REST work, the
    health check names it); a reload then serves the newest, and a vanished release is reported."""
    out = tmp_path / "out"
    served = build(tiny_copy, out).release.name
    srv = start_server(out, env={"ISCM_ADMIN_TOKEN": "s3cret", "ISCM_BACKEND": "oxigraph"})
    try:
        with srv.client() as c:
            assert c.get("/health").json()["release"] == served
            for n in range(4):
                touch_data(tiny_copy, n)
                build(tiny_copy, out)
            assert (out / "releases" / served).is_dir()  # leased: not pruned though four builds passed
            health = c.get("/health").json()
            assert health["release"] == served and health["status"] == "ok"
            assert c.get("/dumps/iscm.nq").status_code == 200
            assert c.get("/api/iscms/alpha-process").status_code == 200
            r = c.post("/sparql", data={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"},
                       headers={"Accept": "application/sparql-results+json"})
            assert r.status_code == 200 and int(r.json()["results"]["bindings"][0]["n"]["value"]) > 0

            assert c.post("/admin/reload").status_code == 401
            r = c.post("/admin/reload", headers={"Authorization": "Bearer s3cret"})
            newest = current_release(out).name
            assert r.status_code == 200 and r.json() == {"changed": True, "release": newest, "previous": served}
            assert c.get("/health").json()["release"] == newest
            assert c.get("/dumps/iscm.nq").status_code == 200

            # the served release vanishes (removed by hand): health says so instead of "ok"
            shutil.rmtree(out / "releases" / newest)
            health = c.get("/health").json()
            assert health["status"] == "degraded" and any("gone" in p for p in health["problems"])
    finally:
        stop_server(srv)
    assert not live_leases(out), "the server gave its leases up on exit"


@pytest.mark.slow  # its own server
def test_sighup_reloads(tiny_copy: Path, tmp_path: Path):
    out = tmp_path / "out"
    first = build(tiny_copy, out).release.name
    srv = start_server(out)
    try:
        touch_data(tiny_copy, 1)
        second = build(tiny_copy, out).release.name
        os.kill(srv.proc.pid, signal.SIGHUP)
        with srv.client() as c:
            # the reload runs in the server's event loop; wait for it by polling the health check
            for _ in range(600):
                if c.get("/health").json()["release"] == second:
                    break
                time.sleep(0.05)
            assert c.get("/health").json()["release"] == second != first
    finally:
        stop_server(srv)
