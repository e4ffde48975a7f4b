"""Errors as RFC 9457 problem details: what was wrong, never a stack trace."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph.errors import ParameterError, QueryError, QueryTimeoutError, UnknownEntityError
from graph.querypool import PoolBusyError, QueryMemoryError, WorkerCrashError
from graph.sparql import NotAcceptableError
from graph.workpool import AnalyticsBusyError, AnalyticsTimeoutError

log = logging.getLogger("iscm.api")
PROBLEM = "application/problem+json"


def problem(status: int, title: str, detail: str, *, instance: str | None = None, **extra: object) -> JSONResponse:
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if instance:
        body["instance"] = instance
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def install(app: FastAPI) -> None:
    from api.routes.sparql import ClientBudgetError

    @app.exception_handler(UnknownEntityError)
    async def _unknown(request: Request, exc: UnknownEntityError) -> JSONResponse:
        return problem(404, "Not found", str(exc), instance=request.url.path)

    @app.exception_handler(NotAcceptableError)
    async def _not_acceptable(request: Request, exc: NotAcceptableError) -> JSONResponse:
        return problem(406, "Not acceptable", str(exc), instance=request.url.path,
                       available=[f.value for f in exc.offered])

    @app.exception_handler(AnalyticsTimeoutError)
    async def _analytics_timeout(request: Request, exc: AnalyticsTimeoutError) -> JSONResponse:
        return problem(504, "Analytics timed out", str(exc), instance=request.url.path)

    @app.exception_handler(AnalyticsBusyError)
    async def _analytics_busy(request: Request, exc: AnalyticsBusyError) -> JSONResponse:
        resp = problem(503, "Busy", str(exc), instance=request.url.path)
        resp.headers["Retry-After"] = "2"
        return resp

    @app.exception_handler(QueryTimeoutError)
    async def _timeout(request: Request, exc: QueryTimeoutError) -> JSONResponse:
        return problem(504, "Query timed out", str(exc), instance=request.url.path)

    @app.exception_handler(PoolBusyError)
    async def _busy(request: Request, exc: PoolBusyError) -> JSONResponse:
        resp = problem(503, "Busy", str(exc), instance=request.url.path)
        resp.headers["Retry-After"] = "2"
        return resp

    @app.exception_handler(QueryMemoryError)
    async def _memory(request: Request, exc: QueryMemoryError) -> JSONResponse:
        return problem(507, "Query exceeded the memory limit", str(exc), instance=request.url.path)

    @app.exception_handler(WorkerCrashError)
    async def _crash(request: Request, exc: WorkerCrashError) -> JSONResponse:
        log.error("query worker crash on %s: %s", request.url.path, exc)
        return problem(500, "Query worker failed", str(exc), instance=request.url.path)

    @app.exception_handler(ClientBudgetError)
    async def _client_budget(request: Request, exc: ClientBudgetError) -> JSONResponse:
        resp = problem(429, "Too many requests", str(exc), instance=request.url.path)
        resp.headers["Retry-After"] = "1"
        return resp

    @app.exception_handler(QueryError)
    async def _bad_query(request: Request, exc: QueryError) -> JSONResponse:
        return problem(400, "Bad query", str(exc), instance=request.url.path)

    @app.exception_handler(ParameterError)
    async def _bad_parameter(request: Request, exc: ParameterError) -> JSONResponse:
        return problem(422, "Invalid parameter", str(exc), instance=request.url.path)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"loc": [str(x) for x in e.get("loc", ())], "msg": e.get("msg", "")} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors)
        return problem(422, "Invalid parameter", detail, instance=request.url.path, errors=errors)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        titles = {404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 413: "Too large",
                  415: "Unsupported media type", 400: "Bad request"}
        resp = problem(exc.status_code, titles.get(exc.status_code, "Error"), str(exc.detail),
                       instance=request.url.path)
        for k, v in (exc.headers or {}).items():
            resp.headers[k] = v
        return resp

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s", request.url.path)
        return problem(500, "Internal error", "the server failed to answer; the error was logged",
                       instance=request.url.path)
