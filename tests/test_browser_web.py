"""The explorer's report tasks in a real browser (issue 14): compare two ISCMs and take the answer as
CSV, the map builder by name with its filters and the world map, translated region and country names,
"what changed in this release", joins that are only first evidence, and the printable fact sheet.
One backend: the page is the same on all. Screenshots and files in test-artifacts/."""

from __future__ import annotations

import csv
import io
import re
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from browsing import Guarded, clean, shot
from conftest import ARTIFACTS
from playwright.sync_api import expect
from pypdf import PdfReader


def download_csv(page, click) -> list[dict[str, str]]:
    with page.expect_download() as info:
        click()
    path = ARTIFACTS / info.value.suggested_filename
    ARTIFACTS.mkdir(exist_ok=True)
    info.value.save_as(path)
    text = path.read_text(encoding="utf-8-sig")
    # the page's tables end with a footnote saying how to cite them (the API's CSV has none: CSVW)
    table, _, footnote = text.partition("\n\n")  # read_text turns \r\n into \n
    note = next(csv.reader(io.StringIO(footnote)), [""])[0]
    assert not footnote or (note.startswith(("Source", "Fuente")) and "iscm-graph" in note), footnote
    return list(csv.DictReader(io.StringIO(table)))


def test_states_in_both_rabat_and_khartoum_as_csv(http_server, guarded):
    """Pick two ISCMs by name, read the three groups, download "in both" as CSV and check it against the
    API; the URL restores the comparison, as of a past year too."""
    base = http_server.base_url
    api = httpx.get(base + "/api/compare", params={"a": "rabat-process", "b": "khartoum-process",
                                                   "limit": 1000}, timeout=300).json()
    groups = {s: [r for r in api["items"] if r["in"] == s] for s in ("both", "only_a", "only_b")}
    page = guarded.page
    page.goto(base + "/")
    page.fill("#cmp-a", "Rabat Process")
    page.fill("#cmp-b", "Khartoum")  # a prefix is enough: the search finds the ISCM
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("#cmp-status[data-counts]")
    counts = page.get_attribute("#cmp-status", "data-counts")
    assert counts == ",".join(str(len(groups[s])) for s in ("both", "only_a", "only_b"))
    assert page.locator("#cmp-both tbody tr").count() == len(groups["both"]) > 10
    assert page.locator("#cmp-only_a tbody tr").count() == len(groups["only_a"])
    assert "Morocco" in page.inner_text("#cmp-both") or "Morocco" in page.inner_text("#cmp-only_a")
    query = parse_qs(urlparse(page.url).query)
    assert query["compare"] == ["rabat-process,khartoum-process"]
    # "in both" as CSV, from the button under the table: the same States, names and sources
    rows = download_csv(page, lambda: page.locator("#cmp-both button.csv").click())
    assert [r["Code"] for r in rows] == [r["state"] for r in groups["both"]]
    assert all(r["State"] for r in rows)
    sources = [c for c in rows[0] if c.startswith("Source")]
    assert len(sources) == 2 and rows[0][sources[0]].startswith("http")
    # the whole comparison from the API, through the page's link
    whole = download_csv(page, lambda: page.click("#cmp-csv"))
    assert {(r["state"], r["in"]) for r in whole} == {(r["state"], r["in"]) for r in api["items"]}
    shot(page, "web-compare-rabat-khartoum.png", full_page=True)
    # the URL restores it, as of 2015 too
    page.goto(base + "/?compare=rabat-process,khartoum-process&as_of=2015")
    page.wait_for_selector("#cmp-status[data-counts]")
    past = httpx.get(base + "/api/compare", params={"a": "rabat-process", "b": "khartoum-process",
                                                    "as_of": "2015", "in": "both", "limit": 1000}, timeout=300).json()
    assert page.locator("#cmp-both tbody tr").count() == past["total"]
    assert page.input_value("#cmp-as-of") == "2015" and "2015" in page.inner_text("#cmp-status")
    # a name that is no ISCM clears the old answer and says what to type
    page.fill("#cmp-b", "Atlantis Dialogue")
    page.click("#compare-form button[type=submit]")
    expect(page.locator("#cmp-status")).to_contain_text("Atlantis Dialogue")
    assert page.locator("#cmp-result table").count() == 0
    clean(guarded)


def test_joins_that_are_only_first_evidence_are_marked(http_server, guarded):
    """The researchers' question: joins since 2010, those whose start is only the earliest evidence
    shown as "first named ≈YEAR" in their own style, with a key; the same on an ISCM's joins table."""
    base = http_server.base_url
    page = guarded.page
    page.goto(base + "/?qmin=5&qyear=2010&qkind=regional-consultative-process&qkind=interregional-forum&qderiv=all")
    page.wait_for_selector("#q-joined")
    joins = page.locator("#q-joined .join")
    assert joins.count() == int(page.get_attribute("#q-joined", "data-joined")) > 0
    first = page.locator("#q-joined .join.first-evidence")
    assert 0 < first.count() < joins.count()
    assert re.search(r"first named ≈\d{4}", first.first.inner_text())
    style = "getComputedStyle(document.querySelector('#q-joined .join.first-evidence')).fontStyle"
    assert page.evaluate(style) == "italic"
    assert page.is_visible("#q-joined-key")
    # a State's timeline: bars whose start is only the first evidence are drawn apart
    history = httpx.get(base + "/api/states/MAR", timeout=300).json()["history"]
    page.goto(base + "/?view=state:MAR")
    page.wait_for_selector("svg.gantt rect")
    assert page.locator("svg.gantt rect.first-evidence").count() == sum(1 for r in history if r["start_inferred"]) > 0
    page.goto(base + "/?view=iscm:rabat-process")
    page.wait_for_selector("#moves-table tbody tr")
    text = page.inner_text("#moves")
    assert "first named ≈" in text and "joined" in text
    clean(guarded)


def test_map_builder_by_name_with_roles_find_and_world_map(http_server, guarded):
    """Type part of a name, pick the suggestion, add observers: more nodes than members alone; find a
    State inside the drawn map; the world map tab draws the count map, and a country opens its profile."""
    base = http_server.base_url
    page = guarded.page
    page.goto(base + "/")
    page.select_option("#map-kind", "membership")
    assert page.is_hidden("#map-actor") and page.is_visible("#map-iscms")
    page.fill("#map-iscms", "")
    page.type("#map-iscms", "khartoum")
    option = page.locator("ul.typeahead li[data-id=khartoum-process]")
    expect(option).to_be_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")  # picks the suggestion, does not submit
    assert page.input_value("#map-iscms").startswith("EU-Horn of Africa Migration Route Initiative")
    page.type("#map-iscms", "Rabat Pro")
    page.locator("ul.typeahead li[data-id=rabat-process]").click()
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("#map-status[data-nodes]")
    members = int(page.get_attribute("#map-status", "data-nodes"))
    api = httpx.get(base + "/api/maps", params=[("map", "membership"), ("iscm", "khartoum-process"),
                                                ("iscm", "rabat-process"), ("roles", "members")], timeout=300).json()
    assert members == api["nodes"]
    page.check("input[name=mrole][value=observers]")
    page.evaluate("document.getElementById('map-status').removeAttribute('data-nodes')")
    page.click("#map-form button[type=submit]")
    page.wait_for_selector("#map-status[data-nodes]")
    assert int(page.get_attribute("#map-status", "data-nodes")) > members
    assert parse_qs(urlparse(page.url).query)["mrole"] == ["members", "observers"]
    # the year slider writes the year the map is drawn for
    page.locator("#map-year-range").fill("2012")
    assert page.input_value("#map-year") == "2012"
    # find inside the drawn map: the node list of this map, each a link to the profile
    page.wait_for_selector("#map-find-form:not([hidden])")
    page.fill("#map-find", "moroc")
    expect(page.locator("#map-found-count")).to_have_attribute("data-n", "1")
    # the drawn map selects what was found
    expect(page.frame_locator("#map-frame").locator("#map")).to_have_attribute("data-selected", "1")
    page.locator("#map-found a[data-id=MAR]").click()
    expect(page.locator("#profile-title")).to_have_text("Morocco (MAR)")
    # a name that is no ISCM clears the map, its downloads and its node list, and says what to type
    page.fill("#map-iscms", "Atlantis Dialogue")
    page.click("#map-form button[type=submit]")
    expect(page.locator("#map-status")).to_contain_text("type an ISCM's name")
    assert page.locator("#map-downloads a").count() == 0 and page.locator("#map-found a").count() == 0
    # the world map tab: the count map; a click on a country opens the State
    page.click("#tab-world")
    assert page.is_visible("#world-panel") and page.is_hidden("#network-panel")
    page.click("#world-form button[type=submit]")
    page.wait_for_selector("#world-status[data-ready]")
    assert "tab=world" in page.url and "world=count" in page.url
    world = page.frame_locator("#world-frame")
    assert world.locator("[data-legend]").count() >= 2  # a numbered legend
    assert {a.get_attribute("data-format") for a in page.locator("#world-downloads a").all()} >= {"png", "pdf"}
    world.locator("g[data-iso=SEN] path").first.click()
    expect(page.locator("#profile-title")).to_have_text("Senegal (SEN)")
    shot(page, "web-world-map.png", full_page=True)
    # the members of one ISCM on the world map, restored from its URL
    page.goto(base + "/?world=iscm&wiscm=Rabat%20Process")
    page.wait_for_selector("#world-status[data-ready]")
    assert "rabat-process" in page.get_attribute("#world-frame", "src")
    clean(guarded)


def test_printed_fact_sheet_has_title_release_and_citation(http_server, guarded):
    """The ISCM profile printed (print media, then chromium's PDF): the forms gone, the name, the release,
    the as-of date and the how-to-cite line on the sheet, on one or two A4 pages; a State's sheet too, and
    the sheet of the ISCM with the most members."""
    base = http_server.base_url
    about = httpx.get(base + "/api/about", timeout=300).json()
    iscms = httpx.get(base + "/api/iscms", params={"limit": 1000}, timeout=300).json()["items"]
    largest = max(iscms, key=lambda i: i["members"] or 0)
    page = guarded.page
    for view, name, label in (("iscm:rabat-process&as_of=2015", "rabat-process", "Rabat Process"),
                              ("state:MAR", "morocco", "Morocco"),
                              ("iscm:" + largest["id"], largest["id"], largest["label"][:30])):
        page.goto(base + "/?view=" + view)
        page.wait_for_selector("#print-cite", state="attached")
        assert page.inner_text("#print-button") == "Print / PDF"
        assert not page.is_visible("#print-cite")  # on screen, the page footer says it
        page.emulate_media(media="print")
        assert page.is_visible("#print-head") and page.is_visible("#print-cite")
        for hidden in ("#search-form", "#mapbuilder", "#compare", "#question", "#whats-new", "header nav"):
            assert not page.is_visible(hidden), hidden
        head = page.inner_text("#print-head")
        assert about["release"] in head and ("2015" in head if "as_of" in view else "release date" in head)
        assert about["cite"] in page.inner_text("#print-cite")
        path = ARTIFACTS / f"fact-sheet-{name}.pdf"
        page.pdf(path=str(path), format="A4")
        reader = PdfReader(path)
        text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
        assert label in text and about["release"] in text
        assert " ".join(about["cite"].split())[:80] in text  # the citation (its start: lines wrap in the PDF)
        assert 1 <= len(reader.pages) <= 2, (name, len(reader.pages))
        page.emulate_media(media="screen")
    clean(guarded)


def test_page_in_french_regions_search_and_phone_width(http_server, browser):
    """French: region names from CLDR on a State profile and in the comparison, "Allemagne" and "Maroc"
    found by search; at 390 px the compare and map forms fit the screen."""
    g = Guarded(browser)
    g.context.close()
    g.context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, accept_downloads=True,
                                    service_workers="block", locale="fr-FR")
    g.context.route("**/*", g._route)
    page = g.page = g.context.new_page()
    page.on("pageerror", lambda exc: g.errors.append(str(exc)))
    try:
        base = http_server.base_url
        page.goto(base + "/?lang=fr")
        page.fill("#search", "Allemagne")
        page.press("#search", "Enter")
        expect(page.locator("#profile-title")).to_have_text("Allemagne (DEU)")
        assert "Europe de l’Ouest" in page.inner_text("#profile-summary")
        page.fill("#search", "Marruecos")
        page.press("#search", "Enter")
        expect(page.locator("#profile-title")).to_have_text("Maroc (MAR)")
        assert "Afrique septentrionale" in page.inner_text("#profile-summary")
        page.goto(base + "/?lang=fr&compare=rabat-process,khartoum-process")
        page.wait_for_selector("#cmp-status[data-counts]")
        assert "Europe de l’Ouest" in page.inner_text("#cmp-both")
        assert "Processus de Rabat" in page.inner_text("#cmp-status")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.goto(base + "/?lang=fr&map=membership&iscms=Rabat%20Process")
        page.wait_for_selector("#map-status[data-nodes]")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        assert page.inner_text("#tab-world") == "Carte du monde"
        page.wait_for_selector("#whats-new-summary")
        # a first release has nothing to compare with; a later one gives its counts (both in French)
        assert "La version" in page.inner_text("#whats-new-summary") or \
            "Version" in page.inner_text("#whats-new-summary")
        shot(page, "web-phone-fr.png", full_page=True)
        clean(g)
    finally:
        g.close()


@pytest.fixture(scope="module")
def changed_server(tmp_path_factory):
    """A server on a release built after an edit of the tiny data (a member added), so "what changed"
    has something to show."""
    import shutil

    from conftest import TINY, start_server, stop_server

    from graph.build import build

    root = tmp_path_factory.mktemp("news")
    data = root / "data"
    shutil.copytree(TINY, data)
    out = root / "out"
    build(data, out)
    alpha = data / "iscms" / "alpha-process.yaml"
    text = alpha.read_text()
    assert "actors: [MAR, ESP, SEN]" in text, "tiny fixture changed"
    alpha.write_text(text.replace("actors: [MAR, ESP, SEN]", "actors: [MAR, ESP, SEN, ITA]", 1))
    build(data, out)
    srv = start_server(out, env={"ISCM_BACKEND": "oxigraph-memory"})
    yield srv
    stop_server(srv)


def test_what_changed_in_this_release_is_on_the_page(changed_server, guarded):
    base = changed_server.base_url
    releases = httpx.get(base + "/api/releases", timeout=300).json()
    served = next(r for r in releases["releases"] if r["name"] == releases["served"])
    changes = httpx.get(base + "/api/changes", params={"limit": 10}, timeout=300).json()
    assert changes["total"] >= 1
    page = guarded.page
    page.goto(base + "/")
    page.wait_for_selector("#whats-new-summary[data-counts]")
    counts = page.get_attribute("#whats-new-summary", "data-counts")
    assert counts == ",".join(str(served["changes"][k]) for k in ("added", "removed", "changed", "ended"))
    assert served["previous"] in page.inner_text("#whats-new-summary")
    rows = page.locator("#whats-new-table tbody tr")
    assert rows.count() == len(changes["items"])
    assert "ITA" in page.inner_text("#whats-new-table") or "Ital" in page.inner_text("#whats-new-table")
    assert page.get_attribute("#changelog-link", "href") == "/dumps/CHANGELOG.md"
    assert httpx.get(base + "/dumps/CHANGELOG.md", timeout=300).status_code == 200
    shot(page, "web-whats-new.png", full_page=True)
    clean(guarded)


def test_sparql_query_in_the_url_names_beside_codes_and_csv(http_server, guarded):
    """A SPARQL query shared as /sparql#query=…: it runs on opening, our IRIs carry their names, the
    fragment follows a new run, and the answer downloads as CSV; the page speaks French too."""
    from urllib.parse import quote

    base = http_server.base_url
    query = ("SELECT ?s WHERE { VALUES ?s { <https://w3id.org/iscm/id/state/MAR> "
             "<https://w3id.org/iscm/id/iscm/rabat-process> } }")
    page = guarded.page
    page.goto(base + "/sparql#query=" + quote(query) + "&format=json")
    page.wait_for_selector("#results table")
    assert page.input_value("#query") == query
    # the query is highlighted: keywords, variables and IRIs in their own colours
    assert page.locator("#query-hl span.kw").all_inner_texts()[:3] == ["SELECT", "WHERE", "VALUES"]
    assert page.locator("#query-hl span.var").all_inner_texts() == ["?s", "?s"]
    assert page.locator("#query-hl span.iri").count() == 2
    assert page.evaluate("getComputedStyle(document.querySelector('#query-hl .kw')).color") != \
        page.evaluate("getComputedStyle(document.querySelector('#query-hl .var')).color")
    text = page.inner_text("#results")
    assert "Morocco" in text and "Rabat Process" in text and "https://w3id.org/iscm/id/state/MAR" in text
    rows = download_csv(page, lambda: page.click("#sparql-csv"))
    assert {r["s"] for r in rows} == {"https://w3id.org/iscm/id/state/MAR", "https://w3id.org/iscm/id/iscm/rabat-process"}
    page.fill("#query", query.replace("<https://w3id.org/iscm/id/state/MAR> ", ""))
    page.click("#sparql-form button[type=submit]")
    expect(page.locator("#status")).to_contain_text("1 row")
    assert "MAR" not in page.url.split("#", 1)[1] and "rabat-process" in page.url
    shot(page, "web-sparql-shared.png", full_page=True)
    # in French (the header's SPARQL link keeps the language): the page and its messages
    page.goto(base + "/?lang=fr")
    page.click("header nav a[href^='/sparql']")
    page.wait_for_selector("#sparql-form[data-ready]")
    assert page.inner_text("h1") == "Requête SPARQL" and page.get_attribute("html", "lang") == "fr"
    page.click("#sparql-form button[type=submit]")
    expect(page.locator("#status")).to_contain_text("ligne(s) en")
    # the example lists ISO codes: each with the country's name, in French
    assert "Allemagne" in page.inner_text("#results")
    assert page.inner_text("#sparql-csv") == "Télécharger en CSV"
    shot(page, "web-sparql-fr.png", full_page=True)
    clean(guarded)
