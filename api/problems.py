"""Errors as RFC 9457 problem details: what was wrong, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.admission import ClientBudgetError
from api.negotiation import NotAcceptableError
from api.querypool import PoolBusyError, QueryMemoryError, WorkerCrashError
from graph.errors import BuildNotFoundError, ParameterError, QueryError, QueryTimeoutError, UnknownEntityError
from graph.workpool import AnalyticsBusyError, AnalyticsTimeoutError

log = logging.getLogger("iscm.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, *, instance: str | None = None, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


# every error family a route may raise, and what it means over HTTP: (status, title, Retry-After seconds).
# Routes never convert these by hand; Starlette picks the entry of the nearest class in the error's MRO.
STATUS: dict[type[Exception], tuple[int, str, int | None]] = {
    UnknownEntityError: (404, "Not found", None),
    NotAcceptableError: (406, "Not acceptable", None),
    AnalyticsTimeoutError: (504, "Analytics timed out", None),
    AnalyticsBusyError: (503, "Busy", 2),
    QueryTimeoutError: (504, "Query timed out", None),
    PoolBusyError: (503, "Busy", 2),
    QueryMemoryError: (507, "Query exceeded the memory limit", None),
    WorkerCrashError: (500, "Query worker failed", None),
    ClientBudgetError: (429, "Too many requests", 1),
    QueryError: (400, "Bad query", None),
    ParameterError: (422, "Invalid parameter", None),
    # only a reload meets it while serving: there is no release to switch to, so the loaded one stays
    BuildNotFoundError: (409, "Conflict", None),
}


_HTTP_TITLES = {404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 413: "Too large",
                415: "Unsupported media type", 400: "Bad request"}


def for_error(exc: Exception, path: str) -> JSONResponse | None:
    """The problem document for a domain error or an ``HTTPException``; None for anything else
    (unexpected: the caller lets it reach the generic 500 handler). Shared by the exception handlers
    and the ``/sparql`` front (:mod:`api.sparql_front`), which answers outside FastAPI's handlers."""
    if isinstance(exc, StarletteHTTPException):
        resp = problem(exc.status_code, _HTTP_TITLES.get(exc.status_code, "Error"), str(exc.detail), instance=path)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp
    entry = next((STATUS[c] for c in type(exc).__mro__ if c in STATUS), None)
    if entry is None:
        return None
    status, title, retry = entry
    if status == 500:
        log.error("%s on %s: %s", title, path, exc)
    extra = {"available": [f.value for f in exc.offered]} if isinstance(exc, NotAcceptableError) else {}
    resp = problem(status, title, str(exc), instance=path, **extra)
    if retry is not None:
        resp.headers["Retry-After"] = str(retry)
    return resp


def install(app: FastAPI) -> None:
    async def _domain(request: Request, exc: Exception) -> JSONResponse:
        resp = for_error(exc, request.url.path)
        assert resp is not None  # registered for the families of STATUS only
        return resp

    for family in STATUS:
        app.add_exception_handler(family, _domain)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(x) for x in e.get("loc", ())], "msg": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
        return problem(422, "Invalid parameter", detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        resp = for_error(exc, request.url.path)
        assert resp is not None
        return resp

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "Internal error", "the server failed to answer; the error was logged",
                       instance=request.url.path)
