"""SPARQL 1.1 Protocol at ``/sparql``: GET, URL-encoded POST and direct POST; read-only.

Queries are checked (:func:`graph.sparql.check_query`, verdicts cached by text: no updates, no
SERVICE, FROM only for this release's graphs, bounded nesting), then run in a worker process with a
time limit, a memory cap and a row cap (:mod:`api.querypool`). The dataset is the union default
graph unless the request names graphs of the release (``default-graph-uri`` / ``named-graph-uri``,
which override the query's ``FROM`` / ``FROM NAMED``). Results are written by the engine in the
format ``Accept`` asks for (``format=`` counts only without a preference); a capped answer says so
in ``X-Result-Truncated`` and a ``Link`` to the limits. Complete answers are kept per release
(:mod:`api.sparqlcache`): the same request again runs no worker; GET answers carry an ``ETag`` and
``If-None-Match`` gets 304. Queries reach :func:`query_get` / :func:`query_post` through
:mod:`api.sparql_front`, before FastAPI's routing; the routes below answer what it passes on. A
query-less request gets the service description (RDF) or the query page (HTML). docs/sparql.md lists
each protocol point and its test.

Waiting never holds a thread that REST and ``/health`` need: admission to the workers and the
worker's answer are both awaited on the event loop (:meth:`api.querypool.QueryPool.run_async`). Each client
(IP address) may have ``sparql_per_client`` requests in flight; more get 429 with ``Retry-After``.
"""

from __future__ import annotations

import time
from functools import lru_cache, partial
from urllib.parse import parse_qsl

import anyio
import anyio.to_thread
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import URL

from api import i18n
from api import service_description as sd
from api.admission import GUARD, Gate
from api.config import Settings
from api.deps import ServedDep, SettingsDep, served_of
from api.models import PROBLEMS
from api.negotiation import accepts_anything, choose, negotiate_cached
from api.pages import sparql_page
from api.querypool import PoolBusyError
from api.serving import Served
from api.sparqlcache import Key, etag, matches
from graph.errors import QueryError
from graph.sparql import CheckedQuery

router = APIRouter(tags=["sparql"], responses=PROBLEMS)

ALLOW = "GET, HEAD, POST"
_FORM = "application/x-www-form-urlencoded"
_DIRECT = "application/sparql-query"
_UPDATE = "application/sparql-update"
LIMITS_LINK = '</sparql#limits>; rel="http://www.w3.org/ns/ldp#constrainedBy"'
_READ_ONLY = "updates are not allowed: this endpoint is read-only"
_RESULT_TYPES = {"application/sparql-results+json": {}, "application/sparql-results+xml": {}, "text/csv": {},
                 "text/tab-separated-values": {}, "text/turtle": {}, "application/n-triples": {},
                 "application/ld+json": {}, "application/rdf+xml": {}, "text/n3": {}}


_SHORT = 2_000  # characters the guard checks on the event loop (tens of microseconds)


def _params(raw: str) -> list[tuple[str, str]]:
    try:
        return parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        raise QueryError("the request's parameters are not UTF-8 after percent-decoding") from None


def _one(params: list[tuple[str, str]], name: str) -> str | None:
    values = [v for k, v in params if k == name]
    if len(values) > 1:
        raise QueryError(f"{len(values)} '{name}' parameters: give exactly one")
    return values[0] if values else None


def _first(params: list[tuple[str, str]], name: str) -> str | None:
    """A non-standard parameter some clients repeat (SPARQLWrapper sends format= twice): the first."""
    return next((v for k, v in params if k == name), None)


def _all(params: list[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


async def _read_body(request: Request, limit: int) -> bytes:
    """The body, refused with 413 as soon as it is known to pass ``limit`` (never read whole first)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise HTTPException(413, f"request body of {int(declared)} bytes; the limit is {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise HTTPException(413, f"request body passes the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def _run(request: Request, served: Served, settings: Settings, gate: Gate, text: str,
               params: list[tuple[str, str]], fmt: str | None, *, conditional: bool = False) -> Response:
    """Check, then answer from the release's cache or a query worker. ``conditional`` (GET, HEAD): the
    answer carries an entity tag, and a request naming it in ``If-None-Match`` gets 304."""
    deadline = time.monotonic() + settings.sparql_timeout  # the limit covers the whole request
    check = partial(GUARD.check, text, allowed_graphs=served.graph_names, max_length=settings.sparql_max_length,
                    max_depth=settings.sparql_max_depth)
    # a long text takes the tokenizer up to ~0.1 s: off the event loop, so /health never waits for it
    checked = check() if len(text) <= _SHORT else await anyio.to_thread.run_sync(check, limiter=gate.guard)
    chosen = negotiate_cached(request.headers.get("accept"), checked.form, override=fmt)
    dataset = _dataset(served, params, checked)
    key: Key = (checked.text, chosen.value, *dataset, settings.sparql_max_rows, _endpoint(request))
    tag = etag(served.release_name or "", key) if conditional and served.immutable else None
    if tag is not None and matches(request.headers.get("if-none-match"), tag):
        gate.stats["not_modified"] += 1
        return Response(status_code=304, headers={"ETag": tag, "Vary": "Accept"})
    cache = served.sparql_cache
    kept = cache.get(key) if cache is not None else None
    if kept is not None:  # the release is immutable: the same request has the same answer
        return _answer(kept.body, kept.media_type, kept.rows, False, settings, tag)
    if served.query_pool is None:
        raise PoolBusyError("no query workers: this server has no release on disk")
    admitted = gate.admit_now()
    if not admitted:
        with anyio.move_on_after(max(min(settings.sparql_queue_timeout, deadline - time.monotonic()), 0)):
            await gate.admission.acquire()
            admitted = True
    if not admitted:
        gate.stats["refused_busy"] += 1
        raise PoolBusyError(f"all {settings.sparql_workers} query workers are busy; try again shortly")
    try:
        result = await served.query_pool.run_async(
            checked.text, media_type=chosen.value, max_rows=settings.sparql_max_rows, deadline=deadline,
            default_graphs=_listed(dataset[0]), named_graphs=_listed(dataset[1]), base_iri=key[5])
    finally:
        gate.admission.release()
    if cache is not None and not result.truncated:  # a capped answer is not kept: it is the largest kind
        cache.put(key, result.body, result.media_type, result.rows)
    return _answer(result.body, result.media_type, result.rows, result.truncated, settings, tag)


def _dataset(served: Served, params: list[tuple[str, str]],
             checked: CheckedQuery) -> tuple[tuple[str, ...] | None, tuple[str, ...] | None]:
    """The graphs the query runs on: the protocol's, else the query's FROM / FROM NAMED, else (None,
    None) for the union default graph."""
    default, named = _all(params, "default-graph-uri"), _all(params, "named-graph-uri")
    for g in default + named:
        if g not in served.graph_names:
            known = ", ".join(sorted(served.graph_names))
            raise QueryError(f"graph <{g}> is not in this release; its graphs are: {known}")
    if default or named:  # the protocol's dataset overrides the query's FROM / FROM NAMED
        return tuple(default), tuple(named)
    if checked.has_dataset:
        return checked.from_graphs, checked.from_named
    return None, None


def _listed(graphs: tuple[str, ...] | None) -> list[str] | None:
    return None if graphs is None else list(graphs)


def _answer(body: bytes, media_type: str, rows: int, truncated: bool, settings: Settings,
            tag: str | None) -> Response:
    """The response for an answer, the same whether it came from a worker or the cache."""
    headers = {"X-Result-Rows": str(rows), "Vary": "Accept"}
    if truncated:  # a header and a link: the body stays a document every parser accepts
        headers["X-Result-Truncated"] = f"true; limit={settings.sparql_max_rows}"
        headers["Link"] = LIMITS_LINK
    if tag is not None:
        headers["ETag"] = tag
    media = media_type + ("; charset=utf-8" if media_type.startswith("text/") else "")
    return Response(body, media_type=media, headers=headers)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _endpoint(request: Request) -> str:
    """This endpoint's IRI as the request names it (relative IRIs in a query resolve against it)."""
    scope = request.scope
    host = next((v for k, v in scope["headers"] if k == b"host"), None)
    server = scope.get("server")
    return _endpoint_iri(scope.get("scheme", "http"), None if server is None else tuple(server), host,
                         scope.get("root_path", ""), scope["path"])


@lru_cache(maxsize=256)
def _endpoint_iri(scheme: str, server: tuple[str, int] | None, host: bytes | None, root_path: str, path: str) -> str:
    """Starlette's own URL of the request without its query, built once per host and path: parsing
    and rebuilding it took a light query's server time by a tenth."""
    scope = {"type": "http", "scheme": scheme, "server": server, "root_path": root_path, "path": path,
             "query_string": b"", "headers": [] if host is None else [(b"host", host)]}
    return str(URL(scope=scope))


def _describe(request: Request, served: Served, settings: Settings) -> Response:
    """No query: the service description for RDF clients, the query page for browsers."""
    offered = ["text/html", *sd.MEDIA]
    accept = request.headers.get("accept")
    chosen = "text/turtle" if accepts_anything(accept) else choose(accept or "", offered)
    if chosen is None:
        raise HTTPException(406, f"cannot produce any of {accept!r}; available: {', '.join(offered)}")
    if chosen == "text/html":
        lang = i18n.pick(request.query_params.get("lang"), request.headers.get("accept-language"))
        return HTMLResponse(sparql_page(lang), headers={"Vary": "Accept, Accept-Language", "Content-Language": lang})
    triples = sd.description(_endpoint(request), served.graph_sizes, served.default_triples, settings)
    return Response(sd.render(triples, chosen), media_type=chosen, headers={"Vary": "Accept"})


def asks(params: list[tuple[str, str]]) -> bool:
    """Whether a GET asks something (a query, or an update to refuse) rather than the description."""
    return any(k in ("query", "update") for k, _ in params)


def get_params(request: Request) -> list[tuple[str, str]]:
    return _params(request.scope.get("query_string", b"").decode("latin-1"))


async def query_get(request: Request, params: list[tuple[str, str]]) -> Response:
    """A GET (or HEAD) that :func:`asks`: its answer. Shared by the route and :mod:`api.sparql_front`."""
    if _all(params, "update"):
        raise QueryError(f"{_READ_ONLY}; and an update is never sent by GET")
    query = _one(params, "query")
    if query is None:
        raise QueryError("missing 'query' parameter")
    served, state = served_of(request), request.app.state
    gate: Gate = state.sparql_gate
    with gate.client_slot(_client(request)):
        return await _run(request, served, state.settings, gate, query, params, _first(params, "format"),
                          conditional=True)


async def query_post(request: Request) -> Response:
    """A POST's answer (URL-encoded or direct). Shared by the route and :mod:`api.sparql_front`."""
    url_params = get_params(request)
    raw_type = request.headers.get("content-type")
    if raw_type is None:
        raise QueryError(f"a POST needs a Content-Type: {_FORM} or {_DIRECT}")
    ctype, *rest = [p.strip().lower() for p in raw_type.split(";")]
    charset = next((p.split("=", 1)[1].strip('"') for p in rest if p.startswith("charset=")), "utf-8")
    if ctype == _UPDATE or _all(url_params, "update"):
        raise QueryError(_READ_ONLY)
    if ctype not in (_FORM, _DIRECT):
        raise QueryError(f"unsupported Content-Type {ctype!r}: use {_FORM} or {_DIRECT}")
    if charset not in ("utf-8", "utf8"):
        raise QueryError(f"charset {charset!r} is not supported: send UTF-8")
    served, state = served_of(request), request.app.state
    settings: Settings = state.settings
    gate: Gate = state.sparql_gate
    with gate.client_slot(_client(request)):  # before the body is read: a refusal costs nothing more
        body = await _read_body(request, settings.sparql_max_body)
        try:
            decoded = body.decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            raise QueryError(f"request body is not UTF-8 (byte {exc.start} cannot be decoded)") from None
        if ctype == _DIRECT:
            if _all(url_params, "query"):
                raise QueryError("a direct POST carries the query in its body, not also in a 'query' parameter")
            return await _run(request, served, settings, gate, decoded, url_params, _first(url_params, "format"))
        form = _params(decoded)
        if _all(form, "update"):
            raise QueryError(_READ_ONLY)
        params = url_params + form
        query = _one(params, "query")  # in the body or the URL, but once
        if query is None:
            raise QueryError("missing 'query' parameter")
        return await _run(request, served, settings, gate, query, params, _first(params, "format"))


# The two routes below document /sparql in the OpenAPI document and answer what the front
# (api.sparql_front, which answers queries before FastAPI's routing) passes on: a GET without a query.
@router.head("/sparql", include_in_schema=False)  # HEAD as GET; one operation in the OpenAPI document
@router.get("/sparql", summary="SPARQL query (GET); without a query, the "
                  "service description (RDF) or the query page (HTML)", response_class=Response,
                  responses={200: {"description": "query results, the service description, or the HTML page",
                                   "content": {**_RESULT_TYPES, "text/html": {}}}})
async def sparql_get(request: Request, served: ServedDep, settings: SettingsDep) -> Response:
    params = get_params(request)
    if asks(params):
        return await query_get(request, params)
    return _describe(request, served, settings)


@router.post("/sparql", summary="SPARQL query (URL-encoded or direct POST)", response_class=Response,
             responses={200: {"description": "query results", "content": _RESULT_TYPES}})
async def sparql_post(request: Request) -> Response:
    return await query_post(request)


@router.api_route("/sparql", methods=["PUT", "DELETE", "PATCH"], include_in_schema=False)
async def sparql_other(request: Request) -> Response:
    raise HTTPException(405, f"{request.method} is not allowed on /sparql; use {ALLOW}", headers={"Allow": ALLOW})


@router.options("/sparql", include_in_schema=False)
async def sparql_options() -> Response:
    return Response(status_code=204, headers={"Allow": ALLOW})
