"""Report-grade pages in a real browser (issue 14): profiles people read with numbered sources, the
interface in English, French and Spanish, views restored from their URL, a phone-width layout, a print
layout and AA contrast. One backend only: the page is the same on all. Screenshots in test-artifacts/."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import httpx
import pytest
from browsing import Guarded, clean, shot
from conftest import ARTIFACTS
from playwright.sync_api import expect

STYLE = Path(__file__).resolve().parents[1] / "api" / "static" / "style.css"


def cited_numbers(page) -> set[int]:
    return {int(n) for n in re.findall(r"\[(\d+)\]", " ".join(page.locator("#profile a.cite").all_inner_texts()))}


def test_iscm_profile_reads_like_a_report(http_server, guarded):
    """The Rabat Process: kind and status in words, website, chairs now and before, members sorted by
    name, partners by category, meetings, and every row citing a numbered source with title and publisher."""
    api = httpx.get(http_server.base_url + "/api/iscms/rabat-process", timeout=300).json()
    page = guarded.page
    page.goto(http_server.base_url + "/?view=iscm:rabat-process")
    page.wait_for_selector("#source-list li")
    summary = page.inner_text("#profile-summary")
    assert "Interregional forum" in summary and "active" in summary and "established 2006" in summary
    assert page.get_attribute("#website", "href") == api["website"]
    assert page.locator("#chairs-now tbody tr").count() == len(api["chairs"]) >= 1
    assert page.locator("#chairs-past tbody tr").count() >= 3
    names = page.locator("#members tbody tr td:first-child").all_inner_texts()
    assert len(names) == len(api["members"])
    collated = "(n) => n.slice().sort(new Intl.Collator('en', {sensitivity: 'base'}).compare)"
    assert names == page.evaluate(collated, names)
    assert "Morocco" in names and "interregional-forum" not in page.inner_text("#profile")
    assert page.locator("#partners h4").count() >= 2  # partners grouped by category
    assert page.locator("table.meetings tbody tr").count() == len(api["events"]) > 5
    # the numbered list: title and publisher for each; every [n] in a row points at an entry
    items = page.locator("#source-list li")
    assert items.count() == len(api["source_list"])
    first = api["source_list"][0]
    assert first["title"] in items.first.inner_text() and first["publisher"] in items.first.inner_text()
    cited = cited_numbers(page)
    assert cited and cited <= set(range(1, items.count() + 1))
    # the members table as CSV, names and sources included
    with page.expect_download() as info:
        page.locator("#members-section button.csv").click()
    path = ARTIFACTS / "rabat-members.csv"
    info.value.save_as(path)
    table, _, footnote = path.read_text(encoding="utf-8-sig").partition("\n\n")  # read_text turns \r\n into \n
    rows = list(csv.DictReader(io.StringIO(table)))
    assert len(rows) == len(api["members"]) and rows[0]["Name"] and rows[0]["Source"].startswith("http")
    # under the table, how to cite it: the release and its licence
    about = httpx.get(http_server.base_url + "/api/about", timeout=300).json()
    note = next(csv.reader(io.StringIO(footnote)))[0]
    assert note.startswith("Source: ") and about["release"] in note and "CC-BY-4.0" in note
    shot(page, "report-iscm-profile-rabat.png", full_page=True)
    # the print layout: the fact sheet without the forms, as a PDF
    page.emulate_media(media="print")
    assert not page.is_visible("#search-form") and not page.is_visible("#mapbuilder")
    assert page.is_visible("#profile-title")
    page.pdf(path=str(ARTIFACTS / "report-iscm-profile-rabat.pdf"), format="A4")
    clean(guarded)


def test_which_iscms_turkiye_joined_and_when_with_sources(http_server, guarded):
    api = httpx.get(http_server.base_url + "/api/states/TUR", timeout=300).json()
    page = guarded.page
    page.goto(http_server.base_url + "/")
    page.fill("#search", "Turkey")
    page.press("#search", "Enter")
    expect(page.locator("#profile-title")).to_have_text("Türkiye (TUR)")
    page.wait_for_selector("#source-list li")
    assert "view=state%3ATUR" in page.url or "view=state:TUR" in page.url
    # grouped by kind of ISCM, a bar per tenure in the timeline, past roles with their end
    groups = page.locator("#participation h4").all_inner_texts()
    assert any(g.startswith("Regional consultative process") for g in groups)
    assert any(g.startswith("Global process") for g in groups)
    assert page.locator("#participation tbody tr").count() == len(api["iscms"])
    assert page.locator("svg.gantt rect").count() == len(api["history"])
    past = [r for r in api["history"] if r["until"]]
    assert page.locator("#past-roles tbody tr").count() == len(past) >= 1
    assert "–" in page.locator("#past-roles tbody tr").first.inner_text()
    for row in page.locator("#participation tbody tr").all():
        assert re.search(r"\[\d+\]", row.inner_text()), row.inner_text()  # every row cites a source
    assert page.locator("#unions tbody tr").count() == len(api["unions_and_igos"])
    shot(page, "report-state-turkiye.png", full_page=True)
    clean(guarded)


@pytest.mark.parametrize(("lang", "nav", "turkey", "budapest"), [
    ("fr", "Explorer", "Turquie", "Processus de Budapest"),
    ("es", "Explorar", "Turquía", None)])
def test_interface_in_french_and_spanish(http_server, browser, lang, nav, turkey, budapest):
    """Chosen by Accept-Language, kept in the URL, switchable on the page; country names from CLDR,
    ISCM names from the data's alt_names in that language."""
    g = Guarded(browser)
    try:
        page = g.page
        page.set_extra_http_headers({"Accept-Language": f"{lang};q=0.9, en;q=0.5"})
        page.goto(http_server.base_url + "/?view=state:TUR")
        assert page.get_attribute("html", "lang") == lang
        assert page.inner_text("header nav a >> nth=0") == nav
        expect(page.locator("#profile-title")).to_have_text(f"{turkey} (TUR)")
        page.wait_for_selector("#source-list li")
        text = page.inner_text("#profile")
        assert "Participation on the release date" not in text and "member" not in page.inner_text("#participation h4")
        if budapest:
            assert budapest in text
        shot(page, f"report-state-turkiye-{lang}.png", full_page=True)
        # switch to English on the page: the URL keeps the choice and the view
        page.select_option("#lang", "en")
        page.wait_for_url(re.compile(r"lang=en"))
        expect(page.locator("#profile-title")).to_have_text("Türkiye (TUR)")
        assert "view=state" in page.url
        clean(g)
    finally:
        g.close()


def test_every_view_restores_from_its_url_on_a_phone(http_server, browser):
    g = Guarded(browser)
    g.context.close()
    g.context = browser.new_context(viewport={"width": 390, "height": 844}, accept_downloads=True,
                                    service_workers="block", is_mobile=True)
    g.context.route("**/*", g._route)
    page = g.page = g.context.new_page()
    page.on("pageerror", lambda exc: g.errors.append(str(exc)))
    try:
        page.goto(http_server.base_url + "/?view=iscm:igc&as_of=2015")
        page.wait_for_selector("#source-list li")
        assert page.input_value("#as-of") == "2015" and "as of 2015" in page.inner_text("#profile-summary")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, width  # wide tables scroll inside their box, the page does not
        shot(page, "report-phone-igc-2015.png", full_page=True)

        page.goto(http_server.base_url + "/?qmin=5&qyear=2010&qkind=regional-consultative-process"
                  "&qkind=interregional-forum&qderiv=all")
        page.wait_for_selector("#q-table tbody tr")
        assert page.input_value("#q-year") == "2010"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390

        # a map by ISCM names; then a name that is no ISCM clears the map and says what to type
        page.goto(http_server.base_url + "/?map=membership&iscms=Rabat%20Process%2C%20Khartoum%20Process")
        page.wait_for_selector("#map-status[data-nodes]")
        assert page.locator("#map-downloads a").count() >= 5
        page.fill("#map-iscms", "Rabat Process, Atlantis Dialogue")
        page.click("#map-form button[type=submit]")
        expect(page.locator("#map-status")).to_contain_text("Atlantis Dialogue")
        assert "type an ISCM's name" in page.inner_text("#map-status")
        assert page.locator("#map-downloads a").count() == 0 and page.get_attribute("#map-frame", "src") is None
        assert "Atlantis" in page.url  # the failed request is the view too
        # keyboard: the first Tab reaches the skip link, Enter in the search box searches
        page.goto(http_server.base_url + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.focus("#search")
        page.keyboard.type("Swaziland")
        page.keyboard.press("Enter")
        expect(page.locator("#profile-title")).to_have_text("Eswatini (SWZ)")
        clean(g)
    finally:
        g.close()


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def test_text_colours_meet_wcag_aa():
    css = STYLE.read_text(encoding="utf-8")
    var = dict(re.findall(r"--(\w+):\s*(#[0-9a-fA-F]{6})", css))
    for fg, bg in (("fg", "bg"), ("muted", "bg"), ("accent", "bg"), ("muted", "white"), ("accent", "white")):
        a, b = _luminance(var[fg]), _luminance(var.get(bg, "#ffffff"))
        ratio = (max(a, b) + 0.05) / (min(a, b) + 0.05)
        assert ratio >= 4.5, (fg, bg, round(ratio, 2))
