"""The web page at ``/``, the API docs at ``/docs`` — both offline: assets come from our origin."""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api import i18n
from api.deps import GraphDep, OpenAPI30Dep
from api.pages import home_page
from graph.loader import ISCMGraph
from graph.stats import headline

router = APIRouter(include_in_schema=False)
HEADLINE_KEY = ("headline",)  # where the home page's numbers are remembered with the release

# the title and the line above Swagger UI (in its type, through its classes) in the page's language
# (no inline style: the page policy forbids it); Swagger UI's own controls and the reference it
# shows (operation summaries, the schema) stay English
DOCS_HTML = """<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head><body>
<div class="swagger-ui"><div class="wrapper"><div class="info"><p class="docs-intro">{intro}
<a href="/?lang={lang}">{back}</a></p></div></div></div>
<div id="swagger-ui"></div>
<script src="/static/swagger/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script></body></html>"""


@router.get("/", response_class=HTMLResponse)
def home(request: Request, cat: GraphDep) -> HTMLResponse:
    h = home_headline(cat)
    lang = i18n.pick(request.query_params.get("lang"), request.headers.get("accept-language"))
    return HTMLResponse(home_page(h, release_date=cat.release_date.isoformat(), lang=lang,
                                  cite=cat.manifest.get("citation")),
                        headers={"Content-Language": lang, "Vary": "Accept-Language"})


def home_headline(cat: ISCMGraph) -> dict:
    """The home page's numbers, once per release: the same numbers, with the same words, as /stats,
    `iscm stats` and the README."""
    return cat.memo(HEADLINE_KEY, lambda: headline(
        cat.tenures, list(cat.entities.index[cat.entities["type"] == "iscm"]), claims=len(cat.memberships)))


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    lang = i18n.pick(request.query_params.get("lang"), request.headers.get("accept-language"))
    words = {k: escape(i18n.t(lang, f"docs_{k}")) for k in ("title", "intro", "back")}
    return HTMLResponse(DOCS_HTML.format(lang=lang, **words),
                        headers={"Content-Language": lang, "Vary": "Accept-Language"})


@router.get("/openapi-3.0.json")
def openapi_30(doc: OpenAPI30Dep) -> JSONResponse:
    # the bundled Swagger UI reads OpenAPI 3.0 only; /openapi.json stays FastAPI's 3.1 document
    return JSONResponse(doc)
