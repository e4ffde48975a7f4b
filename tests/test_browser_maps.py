"""The drawn network map in a real chromium (issue 14): labels readable at the default zoom on a desktop
and on a 390 px phone (dark text, at least 12 px on screen, WCAG AA contrast, actually drawn), and the
layout chosen in the map builder kept in the URL and drawn as the exports draw it. Screenshots in
test-artifacts/."""

from __future__ import annotations

import csv
import io
from urllib.parse import parse_qs, quote, urlparse

import httpx
import pytest
from browsing import ARTIFACTS, TIMEOUT, Guarded, clean

from graph import maps

MAP_URL = "/?lang=en&map=membership&iscms=" + quote("Rabat Process, Khartoum Process")
# every label's size on screen and colour, as vis-network draws them
LABELS = """() => {
  const net = window.iscmMap, scale = net.getScale();
  return Object.values(net.body.nodes).map((n) => ({id: n.id, px: n.labelModule.fontOptions.size * scale,
                                                    colour: n.labelModule.fontOptions.color}));
}"""


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rrggbb``."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def dark_pixels(png: bytes) -> int:
    """Pixels darker than any node colour or edge of the map: text (and the anchors' outlines)."""
    from PIL import Image

    grey = Image.open(io.BytesIO(png)).convert("L")
    return sum(grey.histogram()[:70])


def check_labels(page, name: str) -> None:
    page.wait_for_selector("#map-status[data-drawn]")
    frame = page.frame_locator("#map-frame")
    box = frame.locator("#map")
    labels = box.evaluate(f"(el) => ({LABELS})()")
    assert len(labels) == int(page.get_attribute("#map-status", "data-nodes")) > 40
    small = [lab for lab in labels if lab["px"] < 12]
    assert not small, small[:3]
    for lab in labels:
        assert contrast(lab["colour"], "#ffffff") >= 4.5, lab
    page.locator("#map-frame").scroll_into_view_if_needed()
    page.locator("#map-frame").screenshot(path=str(ARTIFACTS / f"map-labels-{name}.png"))
    shown = box.screenshot()  # the drawing alone: the legend's text stays out of the count
    # the same map with labels too small for vis to draw: the text was what made the dark pixels
    box.evaluate("""() => {
      const nodes = window.iscmMap.body.data.nodes;
      nodes.update(nodes.getIds().map((id) => ({id: id, font: {size: 0.5}})));
      window.iscmMap.redraw();
    }""")
    frame.locator("#map").evaluate("(el) => new Promise((ok) => requestAnimationFrame(() => ok()))")
    bare = box.screenshot()
    assert dark_pixels(shown) > 3 * max(dark_pixels(bare), 1), (dark_pixels(shown), dark_pixels(bare))


def test_labels_are_readable_at_the_default_zoom_on_a_desktop(http_server, guarded):
    page = guarded.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(http_server.base_url + MAP_URL)
    check_labels(page, "desktop")
    clean(guarded)


def test_labels_are_there_on_a_390_px_phone(http_server, browser):
    g = Guarded(browser)
    g.context.close()
    g.context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, service_workers="block")
    g.context.route("**/*", g._route)
    g.page = g.context.new_page()
    g.page.set_default_timeout(TIMEOUT)
    g.page.on("pageerror", lambda exc: g.errors.append(str(exc)))
    try:
        ARTIFACTS.mkdir(exist_ok=True)
        g.page.goto(http_server.base_url + MAP_URL)
        check_labels(g.page, "phone-390")
        clean(g)
    finally:
        g.close()


@pytest.mark.parametrize("layout", ["concentric", "geographic"])
def test_layout_chosen_in_the_builder_is_kept_in_the_url_and_drawn_as_exported(http_server, guarded, layout):
    base = http_server.base_url
    page = guarded.page
    page.goto(base + "/?lang=en")
    page.fill("#map-iscms", "Rabat Process")
    page.select_option("#map-layout", layout)
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("#map-status[data-drawn]")
    assert parse_qs(urlparse(page.url).query)["mlayout"] == [layout]
    png = page.get_attribute("#map-downloads a[data-format=png]", "href")
    key = png.split("/maps/")[1].split(".")[0]
    assert maps.MapRequest.from_key(key).layout == layout
    # the shared URL restores the choice and the same picture
    page.goto(page.url)
    page.wait_for_selector("#map-status[data-drawn]")
    assert page.input_value("#map-layout") == layout
    drawn = page.frame_locator("#map-frame").locator("#map").evaluate(
        "() => window.iscmMap.getPositions()")
    csv_url = page.get_attribute("#map-downloads a[data-format=nodes_csv]", "href")
    rows = list(csv.DictReader(io.StringIO(httpx.get(base + csv_url, timeout=300).text)))
    assert len(rows) == len(drawn) > 40
    for row in rows:
        pos = drawn[row["id"]]  # vis-network gives whole pixels (cut, not rounded)
        assert abs(pos["x"] - float(row["x"])) < 1 and abs(pos["y"] - float(row["y"])) < 1, row["id"]
    if layout == "concentric":
        assert drawn["rabat-process"] == {"x": 0, "y": 0}
    page.locator("#map-frame").scroll_into_view_if_needed()
    page.locator("#map-frame").screenshot(path=str(ARTIFACTS / f"map-layout-{layout}.png"))
    clean(guarded)


def test_builder_in_spanish_draws_spanish_maps(http_server, guarded):
    """``?lang=es``: the network map's labels, legend, title and footer, and the world map's country
    names, are Spanish (CLDR names; the builder asks the API in the page's language)."""
    page = guarded.page
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(http_server.base_url + "/?lang=es&map=membership&iscms=" + quote("Rabat Process"))
    page.wait_for_selector("#map-status[data-drawn]")
    frame = page.frame_locator("#map-frame")
    labels = frame.locator("#map").evaluate("() => window.iscmMap.body.data.nodes.get().map((n) => n.label)")
    flat = {label.replace("\n", " ") for label in labels}
    assert {"Marruecos", "Alemania", "Senegal", "España"} <= flat, sorted(flat)[:10]
    assert not {"Morocco", "Germany", "Spain"} & flat
    assert frame.locator("#legend h2").first.inner_text() == "Leyenda"
    assert frame.locator("#head h1").inner_text().startswith("Miembros de")
    assert frame.locator("#credit").inner_text().startswith("Fuente: iscm-graph, versión")
    for link in page.locator("#map-downloads a").all():
        assert "/maps/" in link.get_attribute("href")
    png = page.get_attribute("#map-downloads a[data-format=png]", "href")
    assert maps.MapRequest.from_key(png.split("/maps/")[1].split(".")[0]).lang == "es"
    page.locator("#map-frame").scroll_into_view_if_needed()
    page.locator("#map-frame").screenshot(path=str(ARTIFACTS / "map-labels-es.png"))
    # the world map of the same ISCM: Spanish country names on hover and in the legend
    page.goto(http_server.base_url + "/?lang=es&world=iscm&wiscm=" + quote("Rabat Process"))
    page.wait_for_selector("#world-status[data-ready]")
    world = page.frame_locator("#world-frame")
    assert world.locator("g[data-iso=MAR]").get_attribute("data-name") == "Marruecos"
    assert world.locator("g[data-iso=MAR] title").text_content().startswith("Marruecos")
    assert world.locator("[data-legend=member]").text_content() == "miembro"
    page.locator("#world-frame").screenshot(path=str(ARTIFACTS / "world-map-es.png"))
    clean(guarded)
