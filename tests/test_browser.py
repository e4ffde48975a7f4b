"""The web page in a real browser: Debian's chromium driven by Playwright, against a real server.

Every request the browser makes is routed through a guard: loopback requests go through, any other
host is blocked and counted, and the tests assert that none was made. A dialog opening at all (as
``alert(1)`` from a payload would) counts as a failure.

Chromium is required: without it these tests fail (CI installs it with ``apt-get install -y chromium``).
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import httpx
import pytest
from browsing import TIMEOUT, Guarded  # noqa: F401 - Guarded: the report tests build their own
from conftest import ARTIFACTS, TINY, start_server, stop_server
from playwright.sync_api import expect

IMG = "<img src=x onerror=alert(1)>"
PAYLOAD_NAME = f"Alpha {IMG} </script><script>alert(2)</script>"


def build_map(page, *, kind: str, iscms: str | None = None, actor: str | None = None) -> int:
    page.select_option("#map-kind", kind)
    if iscms is not None:
        page.fill("#map-iscms", iscms)
    if actor is not None:
        page.fill("#map-actor", actor)
    page.evaluate("document.getElementById('map-status').removeAttribute('data-nodes')")
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("#map-status[data-nodes]")
    return int(page.get_attribute("#map-status", "data-nodes"))


def hover_node(page, frame, node_id: str):
    """Move the mouse onto a node of the map in the iframe and return the tooltip that opens."""
    page.locator("#map-frame").scroll_into_view_if_needed()
    point = frame.evaluate("""(id) => window.iscmMap.canvasToDOM(window.iscmMap.getPositions([id])[id])""", node_id)
    box = frame.locator("#map").bounding_box()  # relative to the main frame's viewport
    page.mouse.move(box["x"] + point["x"] - 30, box["y"] + point["y"] - 30)
    page.mouse.move(box["x"] + point["x"], box["y"] + point["y"], steps=5)
    return frame.wait_for_selector("div.vis-tooltip .map-tip")


def wait_for_map(page) -> object:
    """The map iframe's frame, once vis-network has drawn (which needs its inline scripts allowed)."""
    handle = page.wait_for_selector("#map-frame")
    page.wait_for_function("document.getElementById('map-frame').getAttribute('src')")
    frame = handle.content_frame()
    frame.wait_for_selector("#map[data-ready=true]")
    return frame


def test_explorer_search_map_and_downloads(http_server, guarded):
    page = guarded.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(http_server.base_url + "/")
    assert "iscm-graph" in page.title()

    page.fill("#search", "Morocco")
    page.press("#search", "Enter")
    page.wait_for_selector("#profile-title")
    page.wait_for_function("document.getElementById('profile-title').textContent.includes('Morocco')")
    assert "Morocco" in page.text_content("#profile-title")

    nodes = build_map(page, kind="membership", iscms="budapest-process,prague-process")
    api = httpx.get(http_server.base_url + "/api/maps", params=[("kind", "membership"), ("iscm", "budapest-process"),
                                                          ("iscm", "prague-process")], timeout=60).json()
    assert nodes == api["nodes"] > 2
    frame = wait_for_map(page)
    assert int(frame.get_attribute("#map", "data-nodes")) == api["nodes"]
    assert frame.locator("#legend li").count() >= 3
    assert "Budapest Process" in frame.text_content("h1")

    links = page.locator("#map-downloads a")
    formats = {links.nth(i).get_attribute("data-format"): links.nth(i).get_attribute("href")
               for i in range(links.count())}
    assert set(formats) == {"html", "png", "svg", "pdf", "gexf", "graphml", "nodes_csv", "edges_csv"}
    expected = {"html": "text/html", "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
                "gexf": "application/gexf+xml",
                "graphml": "application/graphml+xml", "nodes_csv": "text/csv", "edges_csv": "text/csv"}
    for fmt, href in formats.items():
        resp = page.request.get(http_server.base_url + href)
        assert resp.status == 200, (fmt, resp.status)
        assert resp.headers["content-type"].startswith(expected[fmt]), fmt
        assert len(resp.body()) > 100, fmt
    with page.expect_download() as info:
        page.click("#map-downloads a[data-format=png]")
    download = info.value
    saved = ARTIFACTS / "browser-map-download.png"
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"\x89PNG")

    page.screenshot(path=str(ARTIFACTS / "browser-explorer.png"), full_page=True)
    page.locator("#map-frame").screenshot(path=str(ARTIFACTS / "browser-map.png"))
    assert guarded.external == [], guarded.external
    assert guarded.dialogs == []
    assert not [e for e in guarded.errors if "Content Security Policy" in e], guarded.errors


def test_map_tooltips_and_choropleth_in_the_browser(http_server, guarded):
    page = guarded.page
    page.goto(http_server.base_url + "/")
    build_map(page, kind="ego", actor="MAR")
    frame = wait_for_map(page)
    tip = hover_node(page, frame, "MAR")
    assert "Morocco (MAR)" in tip.text_content()

    page.goto(http_server.base_url + "/api/maps/choropleth.svg?iscm=rabat-process")
    assert page.locator("svg").count() >= 1
    assert guarded.external == [], guarded.external
    assert guarded.dialogs == []


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory) -> Iterator:
    """A server on a copy of the tiny data set whose Alpha Process is named with markup."""
    from graph.build import build

    data = tmp_path_factory.mktemp("xss-data") / "data"
    shutil.copytree(TINY, data)
    path = data / "iscms" / "alpha-process.yaml"
    text = path.read_text(encoding="utf-8")
    assert "name: Alpha Process\n" in text
    escaped = PAYLOAD_NAME.replace('"', '\\"')
    path.write_text(text.replace("name: Alpha Process\n", f'name: "{escaped}"\n'), encoding="utf-8")
    out = tmp_path_factory.mktemp("xss-build")
    build(data, out)
    srv = start_server(out)
    try:
        yield srv
    finally:
        stop_server(srv)


def test_markup_in_names_is_shown_as_text(payload_server, guarded):
    page = guarded.page
    page.goto(payload_server.base_url + "/")
    page.fill("#search", "Alpha")
    page.press("#search", "Enter")
    page.wait_for_selector("#profile-title")
    page.wait_for_function("document.getElementById('profile-title').textContent.includes('onerror')")
    assert page.text_content("#profile-title") == PAYLOAD_NAME + " (AP)"  # the acronym follows the name
    assert page.locator("#profile img, #hits img, main img").count() == 0
    assert IMG in page.text_content("#hits")

    nodes = build_map(page, kind="membership", iscms="alpha-process")
    assert nodes >= 2
    frame = wait_for_map(page)
    assert PAYLOAD_NAME in frame.text_content("h1")
    assert frame.locator("img").count() == 0
    assert frame.locator("script").count() == 2
    tip = hover_node(page, frame, "alpha-process")
    assert PAYLOAD_NAME in tip.text_content()
    assert frame.locator("div.vis-tooltip img, div.vis-tooltip script").count() == 0

    page.wait_for_timeout(300)  # give any injected handler a chance to fire
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "browser-xss.png"), full_page=True)
    assert guarded.dialogs == [], guarded.dialogs
    assert guarded.external == [], guarded.external


def test_researchers_question_same_numbers_on_the_page_in_rest_and_in_python(http_server, built, guarded):
    """"Which States were in ≥ 5 regional or interregional ISCMs in 2010, and who joined since?" —
    the web page, REST and Python give the same answer (one backend: the numbers are the release's)."""
    import graph
    from graph import change, membership

    kinds = ("regional-consultative-process", "interregional-forum")
    g = graph.load(built)
    python = set(membership.states_in_at_least(g.bipartite(as_of=2010, kinds=kinds), 5).index)
    regional = g.tenures[g.tenures["organisation_kind"].isin(kinds)]
    moves = change.membership_changes(regional, 2010, g.release_date.year)
    python_joined = len(moves[(moves["change"] == "joined") & moves["state"].isin(python)])
    assert len(python) > 10

    rest = httpx.get(http_server.base_url + "/api/analytics/multi-membership",
                     params=[("min_iscms", 5), ("as_of", 2010), ("kind", kinds[0]), ("kind", kinds[1]),
                             ("limit", 1000)], timeout=300).json()
    assert rest["filters"] == {"as_of": "2010", "kinds": sorted(kinds), "statuses": "all", "derivation": "all"}
    assert {r["state"] for r in rest["items"]} == python

    page = guarded.page
    page.goto(http_server.base_url + "/")
    page.fill("#q-min", "5")
    page.fill("#q-year", "2010")
    page.click("#question-form button")
    page.wait_for_selector("#q-joined")
    assert page.get_attribute("#q-status", "data-total") == str(len(python))
    shown = set(page.locator("#q-table tr td:first-child").all_inner_texts())
    assert shown == {g.bipartite(as_of=2010, kinds=kinds).nodes[s]["label"] for s in python}
    assert page.get_attribute("#q-joined", "data-joined") == str(python_joined)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "researchers-question.png"), full_page=True)
    assert not guarded.external and not guarded.dialogs and not guarded.errors


def test_profile_as_of_a_past_year_shows_intervals(http_server, guarded):
    page = guarded.page
    page.goto(http_server.base_url + "/")
    page.fill("#as-of", "2015")
    page.fill("#search", "IGC")
    page.click("#search-form button")
    page.wait_for_selector("#profile-summary")
    assert "as of 2015" in page.inner_text("#profile-summary")
    page.wait_for_selector("svg.timeline rect")  # the chart is fetched after the summary is shown
    assert page.locator("svg.timeline rect").count() > 10
    held = page.locator("#members").inner_text()
    assert "since" in held  # every row states its interval
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "iscm-profile-as-of-2015.png"), full_page=True)
    assert not guarded.external and not guarded.errors




def search(page, text: str) -> None:
    page.evaluate("document.getElementById('profile').textContent = ''")
    page.fill("#search", text)
    page.press("#search", "Enter")


def test_api_docs_render_offline(http_server, guarded):
    """/docs lists the operations (Swagger UI reads the 3.0 translation; the 3.1 original stays)."""
    page = guarded.page
    page.goto(http_server.base_url + "/docs")
    page.wait_for_selector(".opblock")
    paths = httpx.get(http_server.base_url + "/openapi.json", timeout=300).json()["paths"]
    shown = page.locator(".opblock").count()
    operations = sum(len(ops) for ops in paths.values())
    assert shown == operations > 20
    assert page.locator(".opblock-summary-path[data-path='/api/states/{code}']").count() == 1
    text = page.inner_text("body")
    assert "Unable to render" not in text and "Errors" not in text
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
    assert not guarded.external, guarded.external
    assert not [e for e in guarded.errors if "Content Security Policy" in e], guarded.errors


@pytest.mark.parametrize(("query", "code", "name"), [
    ("UK", "GBR", "United Kingdom"), ("Holland", "NLD", "Netherlands"), ("Ivory Coast", "CIV", "Côte d'Ivoire"),
    ("Swaziland", "SWZ", "Eswatini"), ("Türkiye", "TUR", "Türkiye"), ("Turkey", "TUR", "Türkiye")])
def test_common_country_names_find_the_state(http_server, query, code, name):
    hits = httpx.get(http_server.base_url + "/api/search", params={"q": query}, timeout=300).json()["hits"]
    assert hits[0]["id"] == code and hits[0]["label"] == name, hits[:3]


def test_search_no_match_clears_and_every_hit_type_opens(http_server, guarded):
    page = guarded.page
    page.goto(http_server.base_url + "/")
    search(page, "Ivory Coast")
    expect(page.locator("#profile-title")).to_contain_text("Ivoire")
    search(page, "zzqqxx")
    page.wait_for_selector("#no-match")
    assert page.inner_text("#profile").strip() == ""
    # an action, a liaison network and a meeting each open with their facts, never "unknown organisation"
    for kind in ("action", "network", "event", "union", "organisation"):
        hit = httpx.get(http_server.base_url + "/api/search", timeout=300,
                        params={"q": {"action": "Nigeria III", "network": "liaison", "event": "ministerial",
                                      "union": "ECOWAS", "organisation": "ICMPD"}[kind], "type": kind}).json()
        first = hit["hits"][0]
        search(page, first["label"])
        page.wait_for_selector("#hits a")
        page.click(f"#hits a[data-id='{first['id']}']")
        expect(page.locator("#profile-title")).to_have_text(first["label"])
        text = page.inner_text("#profile")
        assert "unknown" not in text.lower() and "Error" not in text, (kind, text[:300])
        assert page.locator("#profile table tr").count() >= 1, kind
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-hit-organisation.png"), full_page=True)
    assert not guarded.external and not guarded.dialogs
