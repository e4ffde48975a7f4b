"""Change logs between releases: `iscm diff`, `/api/changes` and each release's CHANGELOG.md, claim by claim."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import TINY, run_iscm, start_server, stop_server

from graph.build import build


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"fixture changed: {old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    root = tmp_path_factory.mktemp("changes")
    data = root / "data"
    shutil.copytree(TINY, data)
    out = root / "out"
    first = build(data, out).release.name
    alpha = data / "iscms" / "alpha-process.yaml"
    _edit(alpha, "actors: [MAR, ESP, SEN]", "actors: [MAR, ESP, SEN, ITA]")           # added
    _edit(alpha, "{value: active, source: ap-2020, as_of: 2020-06-01}",
          "{value: dormant, source: ap-2020, as_of: 2020-07-01}")                      # changed
    _edit(alpha, "    as_of: 2010-06-01\n    complete: true\n",
          "    as_of: 2010-06-01\n    complete: true\n    until: 2015\n")              # ended
    _edit(alpha, "    - {value: beta-forum, intensity: regular, source: ap-2020, as_of: 2020-06-01}\n", "")  # removed
    _edit(alpha, "  cooperates_with:\n", "")
    second = build(data, out).release.name
    return out, first, second


def _rows(out: Path, *args: str) -> list[dict]:
    proc = run_iscm("diff", *args, "--format", "json", "--build", str(out), check=True)
    return json.loads(proc.stdout)["changes"]


def test_diff_lists_added_changed_ended_and_removed_claims_with_sources(two_releases):
    out, first, second = two_releases
    rows = _rows(out, first, second)
    by = {(r["change"], r["organisation"], r["actor"], r["what"]) for r in rows}
    assert ("added", "alpha-process", "ITA", "member") in by
    assert ("changed", "alpha-process", None, "status") in by
    assert {("ended", "alpha-process", code, "member") for code in ("MAR", "ESP", "FRA")} <= by
    assert ("removed", "alpha-process", None, "cooperatesWith beta-forum") in by
    added = next(r for r in rows if r["actor"] == "ITA")
    assert added["source"] == "https://example.org/alpha/2020" and "as of 2020-06-01" in added["after"]
    status = next(r for r in rows if r["what"] == "status")
    assert "active" in status["before"] and "dormant" in status["after"]
    assert _rows(out) == rows  # defaults: the current release against the one it was built after
    assert _rows(out, second, second) == []


def test_each_release_carries_its_changelog(two_releases):
    out, first, second = two_releases
    text = (out / "releases" / second / "CHANGELOG.md").read_text()
    assert text.startswith(f"## {second}") and f"since {first}" in text
    assert "added: member ITA" in text and "**ITA**: added member of alpha-process" in text
    manifest = json.loads((out / "releases" / second / "manifest.json").read_text())
    assert manifest["changes"]["since"] == first and manifest["changes"]["added"] >= 1


@pytest.mark.slow  # its own server
def test_changes_over_http(two_releases):
    out, first, second = two_releases
    srv = start_server(out)
    try:
        with srv.client() as c:
            r = c.get("/api/changes")
            assert r.status_code == 200 and r.headers["X-Release-From"] == first
            assert {i["change"] for i in r.json()["items"]} == {"added", "changed", "ended", "removed"}
            r = c.get("/api/changes", params={"from": first, "to": second, "state": "ITA", "format": "csv"})
            assert r.status_code == 200 and "added,membership,alpha-process,ITA,member" in r.text
            assert c.get("/api/changes", params={"from": "no-such-release"}).status_code == 404
            assert c.get("/api/changes", params={"from": "../../etc"}).status_code == 422
            changelog = c.get("/dumps/CHANGELOG.md")
            assert changelog.status_code == 200 and "ITA" in changelog.text
            assert "CHANGELOG.md" in c.get("/dumps").text
    finally:
        stop_server(srv)
