"""SPARQL 1.1 Protocol at ``/sparql``: GET, URL-encoded POST and direct POST; read-only.

Queries are checked (:func:`graph.sparql.check_query`: no updates, no SERVICE, no remote FROM),
then run in a worker process with a time limit and a row cap (:mod:`graph.querypool`). Results
follow the W3C formats, chosen by ``Accept`` (or ``format=``); anything else is 406. A browser
asking for ``/sparql`` without a query gets the query page.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool

from api.deps import SettingsDep
from api.models import PROBLEMS
from api.pages import sparql_page
from graph.errors import QueryError
from graph.sparql import check_query, negotiate

router = APIRouter(tags=["sparql"], responses=PROBLEMS)

_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"


def _execute(state: object, accept: str | None, text: str | None, fmt: str | None, settings: SettingsDep) -> Response:
    """Check, negotiate and run a query (in a worker thread; the query itself in a worker process)."""
    if not text:
        raise QueryError("missing 'query' parameter")
    checked = check_query(text, allowed_graphs=state.graph_names, max_length=settings.sparql_max_length)
    chosen = negotiate(accept, checked.form, override=fmt)
    result = state.query_pool.run(checked.text, media_type=chosen.value, max_rows=settings.sparql_max_rows,
                                  timeout=settings.sparql_timeout)
    headers = {"X-Result-Rows": str(result.rows), "Vary": "Accept"}
    if result.truncated:
        headers["X-Result-Truncated"] = f"true; limit={settings.sparql_max_rows}"
    media = result.media_type + ("; charset=utf-8" if result.media_type.startswith("text/") else "")
    return Response(result.body, media_type=media, headers=headers)


async def _run(request: Request, text: str | None, fmt: str | None, settings: SettingsDep) -> Response:
    return await run_in_threadpool(_execute, request.app.state, request.headers.get("accept"), text, fmt, settings)


@router.get("/sparql", summary="SPARQL query (GET)", response_class=Response,
            responses={200: {"description": "query results; without a query, the HTML query page",
                             "content": {"application/sparql-results+json": {}, "application/sparql-results+xml": {},
                                         "text/csv": {}, "text/tab-separated-values": {}, "text/turtle": {},
                                         "application/n-triples": {}, "application/ld+json": {},
                                         "text/html": {}}}})
async def sparql_get(request: Request, settings: SettingsDep,
                     query: Annotated[str | None, Query(max_length=100_000)] = None,
                     format: Annotated[str | None, Query(max_length=60)] = None) -> Response:
    if query is None:  # no query: the query page (a browser's usual entry point)
        return HTMLResponse(sparql_page())
    return await _run(request, query, format, settings)


@router.post("/sparql", summary="SPARQL query (URL-encoded or direct POST)", response_class=Response,
             responses={200: {"description": "query results",
                              "content": {"application/sparql-results+json": {}, "application/sparql-results+xml": {},
                                          "text/csv": {}, "text/tab-separated-values": {}, "text/turtle": {},
                                          "application/n-triples": {}, "application/ld+json": {}}}})
async def sparql_post(request: Request, settings: SettingsDep,
                      format: Annotated[str | None, Query(max_length=60)] = None) -> Response:
    ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body = await request.body()
    if len(body) > settings.sparql_max_length * 4:
        raise QueryError(f"request body of {len(body)} bytes is too large")
    if ctype == _UPDATE:
        raise QueryError("updates are not allowed: this endpoint is read-only")
    try:
        decoded = body.decode("utf-8", errors="strict")
    except UnicodeDecodeError as exc:
        raise QueryError(f"request body is not UTF-8 (byte {exc.start} cannot be decoded)") from None
    if ctype == _DIRECT:
        text = decoded
    elif ctype == _FORM or not ctype:
        form = parse_qs(decoded)
        if "update" in form:
            raise QueryError("updates are not allowed: this endpoint is read-only")
        text = (form.get("query") or [None])[0]
        format = format or (form.get("format") or [None])[0]
    else:
        raise QueryError(f"unsupported Content-Type {ctype!r}: use {_FORM} or {_DIRECT}")
    return await _run(request, text, format, settings)
