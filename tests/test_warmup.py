"""The server's background warm-up (api/warmup.py): it fills the answers the routes read, under the
routes' own keys, covers every page a first visitor opens, and steps aside while requests are in
flight. Its speed is measured in bench/ (section 8), not here."""

from __future__ import annotations

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api import i18n, warmup
from graph import analytics


@pytest.fixture(scope="module")
def fresh(built):
    """A graph of its own: nothing computed yet, whatever other tests asked for."""
    import graph

    return graph.load(built)


def _not_again():
    raise AssertionError("computed again: the warm-up did not fill the key the route reads")


def test_the_steps_cover_every_page_home_page_first_then_profiles(fresh):
    names = [name for name, _key, _compute in warmup.steps(fresh)]
    assert len(names) == len(set(names))
    types = fresh.entities["type"]
    iscms = sorted(fresh.entities.index[types == "iscm"])
    assert names[:3] == [*warmup.FIRST, f"profile of {iscms[0]}"]
    wanted = {f"{what} ({lang})" for lang in i18n.LANGS for what in ("home page", "names")}
    wanted |= {f"{what} of {i}" for i in iscms for what in ("profile", "timeline", "changes")}
    wanted |= {f"profile of {s}" for s in fresh.entities.index[types == "state"]}
    wanted |= {f"profile of {o}" for o in fresh.entities.index[types.isin(["organisation", "union"])]}
    assert set(names) - wanted == {n for n in names if n.startswith("analytics ")}
    assert len([n for n in names if n.startswith("analytics ")]) == len(analytics.warm_list())
    assert "analytics multi-membership (min_iscms=1)" in names


KEYS = {"profile of rabat-process": ("json", "iscm", "rabat-process", None),
        "profile of MAR": ("json", "state", "MAR", None),
        "profile of iom": ("json", "organisation", "iom", None),
        "timeline of rabat-process": ("iscm-timeline-table", "rabat-process", False),
        "changes of rabat-process": ("iscm-timeline-table", "rabat-process", True),
        "home page (fr)": ("headline",), "names (fr)": ("labels", "fr")}


def test_a_step_leaves_the_answer_under_the_key_its_route_reads(fresh, app_client):
    steps = {name: (key, compute) for name, key, compute in warmup.steps(fresh)}
    for name, key in KEYS.items():
        assert steps[name][0] == key
        assert not fresh.cached(key), key
        steps[name][1]()
        assert fresh.cached(key), key
    # the same bytes as the route serves (which computes them on its own graph)
    for path, name in (("/api/iscms/rabat-process", "profile of rabat-process"),
                       ("/api/states/MAR", "profile of MAR"), ("/api/organisations/iom", "profile of iom")):
        assert app_client.get(path).text == fresh.memo(KEYS[name], _not_again)
    served = app_client.get("/api/iscms/rabat-process/timeline?limit=1000").json()["items"]
    assert len(served) == len(fresh.memo(KEYS["timeline of rabat-process"], _not_again)) > 0


def test_the_child_process_sends_answers_kept_under_the_routes_keys(built, fresh):
    from api.queryworker import context
    from graph.releases import current_release
    from graph.workers import Worker

    name, p = "multi-membership", analytics.params("multi-membership", min_iscms=1)
    only = ["profile of rabat-process", "names (es)", "analytics multi-membership (min_iscms=1)"]

    from graph import load

    class Served:  # what the warm-up reads of the served release
        graph, retired = load(built), False

    worker = Worker(context(), warmup.child, (str(current_release(built)), "oxigraph", only))
    warmup._receive(worker, Served)  # returns when the child says it is done, and stops it
    assert not worker.proc.is_alive()
    kept = Served.graph
    here = next(compute for n, _key, compute in warmup.steps(fresh) if n == "profile of rabat-process")
    assert kept.memo(KEYS["profile of rabat-process"], _not_again) == here()
    assert kept.memo(("labels", "es"), _not_again)["lang"] == "es"
    pd.testing.assert_frame_equal(kept.memo(("analytics", name, p), _not_again), analytics.compute(fresh, name, p))


def test_activity_counts_the_requests_in_flight():
    activity = warmup.Activity()
    seen = []

    async def hello(request):
        seen.append((activity.in_flight, activity.wait_idle(0)))
        return PlainTextResponse("hi")

    async def boom(request):
        raise RuntimeError("boom")

    app = warmup.CountRequests(Starlette(routes=[Route("/", hello), Route("/boom", boom)]), activity)
    with TestClient(app, raise_server_exceptions=False) as client:
        assert activity.wait_idle(0) and activity.in_flight == 0
        assert client.get("/").text == "hi"
        assert client.get("/boom").status_code == 500
    assert seen == [(1, False)]  # busy while it answered
    assert activity.in_flight == 0 and activity.wait_idle(0)  # idle after, a failed request too


def test_the_app_counts_its_requests(app_client):
    assert any(m.cls is warmup.CountRequests for m in app_client.app.user_middleware)
    assert isinstance(app_client.app.state.activity, warmup.Activity)
    assert app_client.get("/health").status_code == 200
    assert app_client.app.state.activity.in_flight == 0


def test_the_map_drawing_warms_in_steps():
    from graph.maps import static
    from graph.maps.geometry import mpl_path, world_shapes

    steps = static.warm_steps()
    names = [n for n, _ in steps]
    assert names[:5] == ["matplotlib", "fonts", "map png writer", "map svg writer", "map pdf writer"]
    assert names[-1] == "country centroids"
    for _name, step in steps:
        step()
    # every outline is ready (cached) once the steps have run
    assert mpl_path.cache_info().currsize >= len(world_shapes())


def test_the_map_page_step_loads_the_page_scripts(fresh):
    from graph.maps import html

    html._vis_assets.cache_clear()
    warmup._map_page(fresh)
    assert html._vis_assets.cache_info().currsize == 1


@pytest.mark.slow  # a whole warm-up: every profile, map and analytics table (of the tiny data: the
# real data's took 30 s in the suite; what is warmed is the same code, whatever the size)
def test_health_says_how_far_the_warm_up_is(app_client, tiny_built):
    """``warm_up`` in /health: "off" without it (ISCM_PRECOMPUTE=0), else "running" until it is done
    (the benchmarks wait for "done" before taking a quiet baseline)."""
    assert app_client.get("/health").json()["warm_up"] == "off"
    import time

    from api.app import create_app
    from api.config import Settings

    with TestClient(create_app(Settings(build_dir=tiny_built, precompute=True))) as client:
        seen = [client.get("/health").json()["warm_up"]]
        deadline = time.monotonic() + 600  # a hang guard: the warm-up takes seconds
        while seen[-1] == "running" and time.monotonic() < deadline:
            # asked less often than warmup.QUIET_S: a poll every 0.5 s held each in-server step back
            # until warmup.YIELD_S, and the test took 100 s in the suite (about 20 s alone like this)
            time.sleep(2 * warmup.QUIET_S)
            seen.append(client.get("/health").json()["warm_up"])
        assert seen[0] in ("running", "done") and seen[-1] == "done"
