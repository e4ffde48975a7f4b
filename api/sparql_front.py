"""``/sparql`` queries answered in front of FastAPI's routing, as plain ASGI.

A light query's answer takes the engine a millisecond or two; FastAPI's routing, dependency solving,
exception middleware and request wrapping added about half a millisecond to each (bench/ 3c: our
``/sparql`` beside a bare Oxigraph server). This middleware sits inside the application's own
middleware (security headers, CORS, HEAD as GET, the generic 500 handler all still apply) and answers
GET/HEAD requests that carry a query, and every POST, with the same code the routes use
(:func:`api.routes.sparql.query_get`, :func:`~api.routes.sparql.query_post`) and the same problem
documents (:func:`api.problems.for_error`). Everything else on ``/sparql`` — the service description,
the query page, ``OPTIONS``, the methods refused with 405 — goes on to the routes.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from api import problems
from api.routes import sparql

PATH = "/sparql"


class SparqlFront:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] not in ("GET", "POST"):
            await self.app(scope, receive, send)
            return
        request = Request(scope, receive)
        try:
            if scope["method"] == "POST":
                response: Response = await sparql.query_post(request)
            else:
                params = sparql.get_params(request)
                if not sparql.asks(params):  # the description or the page: the route's
                    await self.app(scope, receive, send)
                    return
                response = await sparql.query_get(request, params)
        except Exception as exc:
            problem = problems.for_error(exc, PATH)
            if problem is None:  # unexpected: the application's 500 handler logs it and answers
                raise
            response = problem
        await response(scope, receive, send)
