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
from conftest import ARTIFACTS
from playwright.sync_api import expect
from test_browser import Guarded, browser  # noqa: F401 - fixtures


@pytest.fixture
def guarded(browser):  # noqa: F811
    g = Guarded(browser)
    yield g
    g.close()


def shot(page, name: str, **kw) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), **kw)


def clean(g: Guarded) -> None:
    assert g.external == [], g.external
    assert g.dialogs == []
    assert not [e for e in g.errors if "Content Security Policy" in e or "Uncaught" in e], g.errors


def download_csv(page, click) -> list[dict[str, str]]:
    with page.expect_download() as info:
        click()
    path = ARTIFACTS / info.value.suggested_filename
    ARTIFACTS.mkdir(exist_ok=True)
    info.value.save_as(path)
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_states_in_both_rabat_and_khartoum_as_csv(http_server, guarded):
    """Pick two ISCMs by name, read the three groups, download "in both" as CSV and check it against the
    API; the URL restores the comparison, as of a past year too."""
    base = http_server.base_url
    api = httpx.get(base + "/api/compare", params={"a": "rabat-process", "b": "khartoum-process",
                                                   "limit": 1000}).json()
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
                                                    "as_of": "2015", "in": "both", "limit": 1000}).json()
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
    assert page.evaluate("getComputedStyle(document.querySelector('#q-joined .join.first-evidence')).fontStyle") == "italic"
    assert page.is_visible("#q-joined-key")
    page.goto(base + "/?view=iscm:rabat-process")
    page.wait_for_selector("#moves-table tbody tr")
    text = page.inner_text("#moves")
    assert "first named ≈" in text and "joined" in text
    clean(guarded)
