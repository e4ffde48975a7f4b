"""The web page and the map exports as a user meets them (section ``pages`` of ``bench.py``; alone:
``.venv/bin/python bench/pages.py --build DIR``).

Targets (issue 14): every page interactive within 1 s on loopback at 1x (no CPU throttling), and any
map export within 2 s.

* **Pages**: Debian's chromium driven by Playwright, as the browser tests do, against ``iscm serve`` on
  a release. Each sample is a fresh browser context (empty HTTP cache: a first visit). Time to
  interactive is the browser's own clock from navigation start (``performance.now()``, whose zero is
  the navigation's start) to the moment the page's ready marker appears, caught by a
  ``MutationObserver`` installed before the page's scripts run. The first visit of each page is kept
  apart (the server computes that answer for the first time); the median is over the visits after it.
* **Exports**: the download URLs the page offers, fetched over HTTP with the whole body read, after
  the map was described by ``/api/maps`` as the page does before it shows the links (so the timing is
  the drawing of the file, not the computing of the map). *cold*: the first download of a freshly
  started server, right after ``/health`` answers; *render*: a warm server drawing a map it has not
  drawn before (another layout seed, or another year for world maps); *cached*: the same URL again
  (the server keeps rendered files).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import quote

import httpx
from common import BENCH, api_server, free_port, log, median, serving

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# name → (path, the page's ready marker as a CSS selector)
PAGES: dict[str, tuple[str, str]] = {
    "home": ("/?lang=en", "body[data-ready]"),
    "ISCM profile (Rabat Process)": ("/?lang=en&view=iscm:rabat-process", "#profile[data-ready]"),
    "State profile (Morocco)": ("/?lang=en&view=state:MAR", "#profile[data-ready]"),
    "map builder, map drawn (Rabat + Khartoum)": (
        "/?lang=en&map=membership&iscms=" + quote("Rabat Process, Khartoum Process") + "&mrole=members&mrole=observers",
        "#map-status[data-drawn]"),
    "world map tab (count map)": ("/?lang=en&tab=world&world=count", "#world-status[data-ready]"),
    "compare (Rabat / Khartoum)": ("/?lang=en&compare=rabat-process,khartoum-process", "#cmp-status[data-counts]"),
    "SPARQL page": ("/sparql", "#sparql-form[data-ready]"),
}

# records when the marker first appears, on the browser's clock, before any script of the page runs
_WATCH = """(() => {
  const sel = %s;
  window.__benchReady = null;
  const check = () => {
    if (window.__benchReady === null && document.querySelector(sel)) { window.__benchReady = performance.now(); }
  };
  new MutationObserver(check).observe(document, {subtree: true, childList: true, attributes: true});
})();"""


def _network_url(seed: int, fmt: str, **request: object) -> str:
    from graph.maps import MapRequest

    return f"/maps/{MapRequest(seed=seed, **request).key()}.{fmt}?download=1"  # type: ignore[arg-type]


def _describe(client: httpx.Client, url: str) -> None:
    """What the page does before a download is offered: the map is described (and computed) by
    /api/maps; the download then only draws it. World maps are described by their own URL."""
    from graph.maps import MapRequest

    if url.startswith("/maps/"):
        req = MapRequest.from_key(url.split("/")[2].split(".")[0])
        params = [("map", req.kind), ("seed", str(req.seed)), *[("iscm", i) for i in req.iscms]]
        if req.roles:
            params.append(("roles", str(req.roles)))
        r = client.get("/api/maps", params=params)
        if r.status_code != 200 or r.json()["key"] != req.key():
            raise RuntimeError(f"/api/maps did not describe the map of {url}: {r.status_code} {r.text[:200]}")
    else:
        query = url.partition("?")[2].replace("&download=1", "")
        if client.get("/api/maps/world?" + query).status_code != 200:
            raise RuntimeError(f"/api/maps/world did not describe {url}")


SLIDE = {"kind": "membership", "iscms": ("rabat-process", "khartoum-process"), "roles": "members+observers"}
LARGEST = {"kind": "partnership"}


def export_urls(variant: int) -> dict[str, str]:
    """Every export the page offers, for a map the server has not drawn before when ``variant`` is new."""
    seed = 42 + variant
    year = 2026 - variant  # another year: another world map
    urls = {f"network map {fmt.upper()} (Rabat + Khartoum, members and observers)": _network_url(seed, fmt, **SLIDE)
            for fmt in ("png", "svg", "pdf")}
    for fmt, name in (("png", "PNG"), ("image.svg", "SVG"), ("pdf", "PDF")):
        urls[f"world map {name} (count)"] = f"/api/maps/world.{fmt}?map=count&as_of={year}&download=1"
    return urls


def largest_url(variant: int) -> str:
    return _network_url(42 + variant, "png", **LARGEST)


def _get(client: httpx.Client, url: str) -> float:
    t = time.perf_counter()
    r = client.get(url)
    took = time.perf_counter() - t
    if r.status_code != 200 or not r.content:
        raise RuntimeError(f"GET {url}: {r.status_code} {r.text[:200]}")
    return took


def _page_time(browser: object, base: str, path: str, marker: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")  # type: ignore[attr-defined]
    try:
        context.add_init_script(_WATCH % json.dumps(marker))
        page = context.new_page()
        page.set_default_timeout(60_000)
        page.goto(base + path, wait_until="commit")
        page.wait_for_function("() => window.__benchReady !== null")
        return float(page.evaluate("() => window.__benchReady")) / 1000.0
    finally:
        context.close()


# a page of no origin that uses what the map page uses (a canvas, text, a script)
_BLANK = ("data:text/html,<canvas id=c width=300 height=150></canvas><script>"
          "const x=document.getElementById('c').getContext('2d');x.font='13px sans-serif';"
          "x.fillText('warm',10,50);document.body.dataset.ready=1</script>")


def _start_browser(browser: object) -> None:
    """One visit of a page of no origin before any measured one: the browser's own first start (its
    first renderer process, fonts, the first canvas) is the browser's, not our page's."""
    context = browser.new_context()  # type: ignore[attr-defined]
    try:
        page = context.new_page()
        page.goto(_BLANK)
        page.wait_for_function("() => document.body.dataset.ready === '1'")
    finally:
        context.close()


def measure_pages(base: str, reps: int) -> dict[str, dict[str, object]]:
    from playwright.sync_api import sync_playwright

    out: dict[str, dict[str, object]] = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            _start_browser(browser)
            firsts = {name: _page_time(browser, base, path, marker) for name, (path, marker) in PAGES.items()}
            samples: dict[str, list[float]] = {name: [] for name in PAGES}
            for _ in range(reps):  # round-robin: a burst of load on the machine hits every page alike
                for name, (path, marker) in PAGES.items():
                    samples[name].append(_page_time(browser, base, path, marker))
        finally:
            browser.close()
    for name in PAGES:
        out[name] = {"first_s": round(firsts[name], 3), "samples_s": [round(x, 3) for x in samples[name]],
                     "median_s": round(median(samples[name]), 3), "max_s": round(max(samples[name]), 3)}
        log(f"page {name}: first {firsts[name]:.3f} s, median {out[name]['median_s']:.3f} s")
    return out


def measure_exports(base: str, reps: int) -> dict[str, dict[str, object]]:
    """Render (a map not drawn before) and cached (the same URL again) on a warm server."""
    out: dict[str, dict[str, object]] = {}
    with httpx.Client(base_url=base, timeout=300) as client:
        renders: dict[str, list[float]] = {}
        for variant in range(1, reps + 1):
            for name, url in export_urls(variant).items():
                _describe(client, url)
                renders.setdefault(name, []).append(_get(client, url))
        for name, url in export_urls(1).items():
            cached = [_get(client, url) for _ in range(reps)]
            out[name] = {"render_samples_s": [round(x, 3) for x in renders[name]],
                         "render_median_s": round(median(renders[name]), 3),
                         "cached_median_s": round(median(cached), 4)}
            log(f"export {name}: render {out[name]['render_median_s']:.3f} s, cached {out[name]['cached_median_s']} s")
    return out


def measure_cold(build_dir: Path, log_dir: Path) -> dict[str, float]:
    """Each export as the first request of a freshly started server (one server per export)."""
    out: dict[str, float] = {}
    for i, (name, url) in enumerate(export_urls(0).items()):
        server = api_server(build_dir, free_port(), log_path=log_dir / f"pages-cold-{i}.log")
        with serving(server), httpx.Client(base_url=server.base, timeout=300) as client:
            server.wait_ready("/health", timeout=180)
            _describe(client, url)
            out[name] = round(_get(client, url), 3)
        log(f"export {name}: cold {out[name]:.3f} s")
    return out


def run(build_dir: Path, *, reps: int = 5, log_dir: Path | None = None, largest: bool = True) -> dict[str, object]:
    """The whole section: pages, then exports (warm), the largest map once, then cold exports."""
    log_dir = log_dir or BENCH / "out" / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    result: dict[str, object] = {"release": str(build_dir), "reps": reps}
    server = api_server(build_dir, free_port(), log_path=log_dir / "pages.log")
    with serving(server):
        result["server_ready_s"] = round(server.wait_ready("/health", timeout=180), 3)
        result["pages"] = measure_pages(server.base, reps)
        exports = measure_exports(server.base, reps)
        result["exports"] = exports
        if largest:  # the largest network map there is: a stress figure, one sample
            with httpx.Client(base_url=server.base, timeout=600) as client:
                info = client.get("/api/maps", params={"map": "partnership", "seed": "43"}).json()
                took = _get(client, largest_url(1))
            result["largest"] = {"name": f"partnership network PNG ({info['nodes']} nodes, {info['edges']} relations)",
                                 "render_s": round(took, 3)}
            log(f"largest map PNG: {took:.3f} s")
    cold = measure_cold(build_dir, log_dir)
    for name, seconds in cold.items():
        exports[name]["cold_s"] = seconds
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="time to interactive of the web page and map export times")
    p.add_argument("--build", type=Path, required=True, help="a build folder (with current/)")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--no-largest", action="store_true", help="leave out the largest map (~10-20 s)")
    args = p.parse_args(argv)
    res = run(args.build, reps=args.reps, largest=not args.no_largest)
    print(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

