"""The API over a real uvicorn server on loopback."""

from __future__ import annotations


def test_health_over_http(server, api_backend):
    with server.client() as c:
        r = c.get("/health")
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "ok" and body["quads"] > 10_000
    assert body["backend"] == api_backend.removesuffix("-virtuoso")


def test_stats_over_http(server):
    with server.client() as c:
        stats = c.get("/stats").json()
    assert stats["provenance"]["share_with_source"] == 1.0
    assert any(row["id"] == "igc" for row in stats["iscms"])
