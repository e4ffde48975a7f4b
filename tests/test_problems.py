"""Every error family a route may raise maps to one status in one place (api/problems.py)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.problems import STATUS
from graph.errors import BuildNotFoundError, ISCMError


def test_every_family_has_one_status():
    for family, (status, title, retry) in STATUS.items():
        assert issubclass(family, ISCMError), family
        assert 400 <= status < 600 and title
        assert retry is None or status in (429, 503)


def test_reload_without_a_release_is_a_conflict(tiny_built: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch):
    """The route raises the domain error; the problem handler (not the route) turns it into 409,
    and the release already loaded stays served."""
    out = tmp_path / "build"
    shutil.copytree(tiny_built, out, symlinks=True)
    monkeypatch.setenv("ISCM_ADMIN_TOKEN", "s3cret")
    settings = Settings(build_dir=out, backend="oxigraph-memory", precompute=False, analytics_workers=0)
    with TestClient(create_app(settings)) as client:
        served = client.get("/health").json()["release"]
        (out / "current").unlink()
        r = client.post("/admin/reload", headers={"Authorization": "Bearer s3cret"})
        assert r.status_code == 409, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "no built graph" in r.json()["detail"]
        assert client.get("/health").json()["release"] == served
    assert STATUS[BuildNotFoundError][0] == 409
