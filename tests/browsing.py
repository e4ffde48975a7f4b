"""What every browser test shares: Debian's chromium driven by Playwright, a context whose requests to
anything but loopback are blocked and counted, and the checks and screenshots the tests take.
conftest.py makes ``browser`` and ``guarded`` fixtures of every test module."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"  # screenshots and downloads, kept by CI

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def browser() -> Iterator:
    if shutil.which("chromium") is None or not Path(CHROMIUM).exists():
        pytest.fail("the browser tests need Debian's chromium at /usr/bin/chromium: apt-get install -y chromium",
                    pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Guarded:
    """A browser context whose requests to anything but loopback are blocked and counted."""

    def __init__(self, browser) -> None:
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True,
                                           service_workers="block")
        self.external: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.set_default_timeout(TIMEOUT)
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)

    def _route(self, route) -> None:
        url = route.request.url
        scheme = urlparse(url).scheme
        if scheme in ("data", "blob", "about") or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            self.external.append(url)
            route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def guarded(browser) -> Iterator[Guarded]:
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
