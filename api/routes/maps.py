"""Partnership maps: ``GET /api/maps`` describes a map, ``GET /maps/{key}.{format}`` serves it.

A map's key is its canonical parameters, URL-safe encoded (:meth:`graph.maps.MapRequest.key`). So a
map URL is enough to draw the map again: on another worker, after a restart, or after the map left
the in-memory cache. Specs and rendered files are kept in a byte-bounded LRU cache (cachetools), one per application.

The map page needs inline scripts, which the site-wide policy (``api.security.CSP``) forbids. Its
route therefore sets its own ``Content-Security-Policy``: no source at all except the SHA-256
hashes of the page's two scripts, inline styles and ``data:`` images. The security middleware only
sets its policy where none is set, so this one stays.

Routes are plain ``def``: layout and drawing run in the thread pool, never on the event loop.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import threading
from collections.abc import Callable
from typing import Annotated, Any

from cachetools import LRUCache
from fastapi import APIRouter, HTTPException, Path, Query, Request
from fastapi.responses import Response

from api import i18n
from api.deps import AsOf, CatalogueDep, FiltersDep, Status, served_of
from api.models import PROBLEMS
from graph import maps
from graph.errors import UnknownEntityError
from graph.profiles import Catalogue

router = APIRouter(tags=["maps"], responses=PROBLEMS)

FORMATS: dict[str, tuple[str, str]] = {  # format → (media type, file extension)
    "html": ("text/html; charset=utf-8", "html"),
    "png": ("image/png", "png"),
    "svg": ("image/svg+xml", "svg"),
    "pdf": ("application/pdf", "pdf"),
    "gexf": ("application/gexf+xml", "gexf"),
    "graphml": ("application/graphml+xml", "graphml"),
    "nodes.csv": ("text/csv; charset=utf-8", "nodes.csv"),
    "edges.csv": ("text/csv; charset=utf-8", "edges.csv"),
}
DOWNLOADS = {"html": "html", "png": "png", "svg": "svg", "pdf": "pdf", "gexf": "gexf", "graphml": "graphml",
             "nodes_csv": "nodes.csv", "edges_csv": "edges.csv"}
# an SVG opened on its own is a document: it may show itself and nothing else
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
CACHE_BYTES = 96 * 1024 * 1024


def _size(value: Any) -> int:
    """Roughly the bytes a cached value holds: a file's length, or a spec's nodes and edges."""
    if isinstance(value, maps.MapSpec):
        return 2048 * len(value.nodes) + 512 * len(value.edges) + 1024
    if isinstance(value, tuple) and value and isinstance(value[0], bytes):
        return len(value[0]) + 256
    return 256


class MapCache:
    """Specs and rendered files by (map key, what), least recently used out first, bounded by the
    bytes they hold (cachetools, as :class:`graph.profiles.Catalogue` does), safe across threads."""

    def __init__(self, max_bytes: int = CACHE_BYTES) -> None:
        self._lru: LRUCache[tuple[str, str], Any] = LRUCache(maxsize=max_bytes, getsizeof=_size)
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> Any:
        with self._lock:
            return self._lru.get(key)

    def put(self, key: tuple[str, str], value: Any) -> Any:
        with self._lock, contextlib.suppress(ValueError):  # larger than the whole cache: served, not kept
            self._lru[key] = value
        return value

    def __len__(self) -> int:
        with self._lock:
            return len(self._lru)


_CACHE_LOCK = threading.Lock()


def _cache(request: Request) -> MapCache:
    state = request.app.state
    cache = getattr(state, "map_cache", None)
    if cache is None:
        with _CACHE_LOCK:
            cache = getattr(state, "map_cache", None)
            if cache is None:
                cache = state.map_cache = MapCache()
    return cache


MapLang = Annotated[str | None, Query(pattern="^(en|fr|es)$", description=(
    "language of titles, legend, tooltips, footer and names: en, fr or es (default: the best of Accept-Language, "
    "else English)"))]


def _lang(request: Request, lang: str | None) -> str:
    """``lang=`` when given, else the page's rule: the best of ``Accept-Language``, else English."""
    return i18n.pick(lang, request.headers.get("accept-language"))


def _catalogue(request: Request) -> Catalogue:
    return served_of(request).graph


def _invalid(exc: maps.MapParameterError) -> HTTPException:
    return HTTPException(status_code=422, detail=str(exc))


def _spec(request: Request, req: maps.MapRequest) -> tuple[str, maps.MapSpec]:
    key = req.key()
    cache = _cache(request)
    spec = cache.get((key, "spec"))
    if spec is None:
        try:
            spec = cache.put((key, "spec"), maps.build_spec(_catalogue(request), req))
        except maps.MapParameterError as exc:
            raise _invalid(exc) from exc
    return key, spec


def _split(values: list[str] | None) -> tuple[str, ...]:
    """Repeated parameters, each possibly comma-separated (``iscm=a,b&iscm=c``)."""
    out: list[str] = []
    for v in values or []:
        out += [p.strip() for p in v.split(",") if p.strip()]
    return tuple(out)


def _file(spec: maps.MapSpec, fmt: str) -> tuple[bytes, dict[str, str]]:
    headers: dict[str, str] = {}
    if fmt == "html":
        page = maps.render_html(spec)
        headers["Content-Security-Policy"] = page.csp
        return page.html.encode("utf-8"), headers
    if fmt == "svg":
        headers["Content-Security-Policy"] = SVG_CSP
    writers: dict[str, Callable[[maps.MapSpec, Any], None]] = {
        "png": maps.to_png, "svg": maps.to_svg, "pdf": maps.to_pdf, "gexf": maps.to_gexf,
        "graphml": maps.to_graphml}
    if fmt in writers:
        buf = io.BytesIO()
        writers[fmt](spec, buf)
        return buf.getvalue(), headers
    text = maps.nodes_csv(spec) if fmt == "nodes.csv" else maps.edges_csv(spec)
    return text.encode("utf-8"), headers


@router.get("/api/maps", summary="Build a partnership map: counts, legend and the URLs of its page and downloads")
def map_info(
    request: Request,
    kind: Annotated[list[str] | None, Query(max_length=4, description=(
        "the map (membership, ego, overlap, partnership; or give it as map=) and/or ISCM kinds to draw "
        "(regional-consultative-process, interregional-forum, global-process; repeat) as the REST lists take them"))
    ] = None,
    map_: Annotated[str | None, Query(alias="map", pattern="^(membership|ego|overlap|partnership)$", description=(
        "membership of chosen ISCMs, ego network, ISCM overlap, or everything"))] = None,
    status: Annotated[list[Status] | None, Query(description="ISCM statuses on the release date (repeat; "
                                                             "default all)")] = None,
    derivation: Annotated[str, Query(pattern="^(all|named|derived)$", description=(
        "named (listed by a source), derived (held through a bloc such as the EU or the UN) or all"))] = "all",
    iscm: Annotated[list[str] | None, Query(max_length=40, description="ISCM ids (repeat, or comma-separate)")] = None,
    actor: Annotated[str | None, Query(min_length=1, max_length=80, description="ego: ISO code or id")] = None,
    depth: Annotated[int, Query(ge=0, le=3, description="ego: relations away")] = 1,
    as_of: AsOf = None,
    size_by: Annotated[str | None, Query(pattern="^(" + "|".join(maps.SIZE_MEASURES) + ")$",
                                         description="node size measure")] = None,
    region: Annotated[list[str] | None, Query(max_length=10, description="UN M49 region or sub-region")] = None,
    roles: Annotated[list[str] | None, Query(max_length=6, description=(
        "roles to draw: members, observers, chairs, secretariats, partners (repeat, or join with ',' or '+'); "
        "all for the five; the old members+observers still works"))] = None,
    type: Annotated[list[str] | None, Query(max_length=7, description="entity types to keep")] = None,
    relation: Annotated[list[str] | None, Query(max_length=10, description="relation types to keep")] = None,
    min_jaccard: Annotated[float, Query(ge=0.0, le=1.0, description="overlap: weakest link kept")] = 0.1,
    seed: Annotated[int, Query(ge=0, le=2**31 - 1, description="layout seed")] = 42,
    colour_by: Annotated[str, Query(pattern="^(type|region|kind)$", description=(
        "node colour: by entity type, States by UN M49 region, or ISCMs by kind"))] = "type",
    layout: Annotated[str, Query(pattern="^(spring|concentric|geographic)$", description=(
        "where nodes go: spring (force-directed), concentric (the chosen ISCMs or the ego actor in the middle, "
        "a ring per step away) or geographic (States at their country's centroid, ISCMs at their members' mean); "
        "the page and every export draw the same positions"))] = "spring",
    lang: MapLang = None,
) -> dict[str, Any]:
    kinds = list(kind or [])
    names = [k for k in kinds if k in maps.KINDS] + ([map_] if map_ else [])
    if len(set(names)) != 1:
        raise _invalid(maps.MapParameterError(
            f"give the map once, as kind= or map=: one of {', '.join(maps.KINDS)}"))
    try:
        req = maps.MapRequest(kind=names[0], iscms=_split(iscm), actor=actor.strip() if actor else None, depth=depth,
                              as_of=as_of, size_by=size_by, regions=tuple(region or ()), roles=_split(roles) or None,
                              types=_split(type), relations=_split(relation), min_jaccard=min_jaccard, seed=seed,
                              kinds=tuple(k for k in kinds if k not in maps.KINDS), statuses=tuple(status or ()),
                              derivation=derivation, colour_by=colour_by, layout=layout, lang=_lang(request, lang))
    except maps.MapParameterError as exc:
        raise _invalid(exc) from exc
    key, spec = _spec(request, req)
    base = f"/maps/{key}"
    downloads = {name: f"{base}.{fmt}?download=1" for name, fmt in DOWNLOADS.items()}
    return {**spec.summary(), "key": key, "html": f"{base}.html", "downloads": downloads}


@router.get("/api/maps/choropleth.svg", summary="World map (pygal): the number of ISCMs each country belongs to; "
            "the filtered, numbered-legend world maps are /api/maps/world",
            response_class=Response, responses={200: {"content": {"image/svg+xml": {}}}})
def choropleth(request: Request, cat: CatalogueDep,
               iscm: Annotated[str | None, Query(min_length=1, max_length=80,
                                                 description="highlight the members of this ISCM")] = None,
               ) -> Response:
    cache = _cache(request)
    key = ("choropleth", iscm or "")
    cached = cache.get(key)
    if cached is None:
        highlight = label = None
        if iscm:
            info = cat.entity(iscm, kind="iscm")
            highlight = maps.iscm_members(cat.current, iscm)
            label = f"members of {info['label']}"
        svg = maps.choropleth_svg(maps.iscm_counts(cat.current), highlight_iscm_members=highlight,
                                  credit=maps.Credit.of(cat.g).line(None),
                                  **({"highlight_label": label} if label else {}))
        cached = cache.put(key, (svg.encode("utf-8"), {}))
    body, _ = cached
    return Response(body, media_type="image/svg+xml",
                    headers={"Content-Security-Policy": SVG_CSP, "Cache-Control": "private, max-age=300"})


@router.get("/maps/{name}", summary="A map as HTML, PNG, SVG, GEXF, GraphML or CSV (nodes.csv, edges.csv)",
            response_class=Response)
def map_file(request: Request, name: Annotated[str, Path(max_length=2100)],
             download: Annotated[bool, Query(description="as an attachment")] = False) -> Response:
    key, _, fmt = name.partition(".")
    if fmt not in FORMATS:
        raise UnknownEntityError("map format", fmt or name)
    try:
        req = maps.MapRequest.from_key(key)
    except maps.MapParameterError as exc:
        raise UnknownEntityError("map", key[:80]) from exc
    key, spec = _spec(request, req)
    cached = _cache(request).get((key, fmt))
    if cached is None:
        cached = _cache(request).put((key, fmt), _file(spec, fmt))
    body, extra = cached
    media, ext = FORMATS[fmt]
    headers = {**extra, "Cache-Control": "private, max-age=300"}
    if download or fmt != "html":
        stem = spec.stem or f"iscm-{req.kind}-map-{hashlib.sha256(key.encode()).hexdigest()[:10]}"
        disposition = "attachment" if download or fmt not in ("png", "svg", "pdf") else "inline"
        headers["Content-Disposition"] = f'{disposition}; filename="{stem}.{ext}"'
    return Response(body, media_type=media, headers=headers)


# ------------------------------------------------------------------------------------ world maps

WORLD_FORMATS: dict[str, tuple[str, str]] = {  # format → (media type, file extension)
    "svg": ("image/svg+xml", "svg"),  # the page's map: hover titles, data-iso on every country
    "png": ("image/png", "png"),  # report images: 300 dpi PNG, SVG with live text, PDF
    "image.svg": ("image/svg+xml", "svg"),
    "pdf": ("application/pdf", "pdf"),
}
WorldMapName = Annotated[str, Query(alias="map", pattern="^(count|iscm|state)$", description=(
    "count: States shaded by their number of ISCMs (numbered classes); iscm: one ISCM's members, observers "
    "and chairs; state: one State, the States it meets in its ISCMs, and its ISCMs and roles listed"))]
WorldIscm = Annotated[str | None, Query(min_length=1, max_length=80, description="map=iscm: the ISCM's id")]
WorldState = Annotated[str | None, Query(min_length=2, max_length=3, description="map=state: ISO alpha-3 code")]
WorldRoles = Annotated[list[str] | None, Query(max_length=6, description=(
    "roles counted or drawn: members, observers, chairs, secretariats, partners (repeat, or join with ',' or '+'); "
    "default: members (count map), members+observers+chairs (iscm and state maps)"))]


def _world_request(name: str, iscm: str | None, state: str | None, as_of: str | None, roles: list[str] | None,
                   filters: Any, lang: str = "en") -> Any:
    from graph.maps.world import WorldRequest

    try:
        return WorldRequest(map=name, iscm=iscm, state=state.upper() if state else None, as_of=as_of,
                            roles=_split(roles) or None, kinds=filters.kinds or (), statuses=filters.statuses or (),
                            derivation=filters.derivation, lang=lang)
    except maps.MapParameterError as exc:
        raise _invalid(exc) from exc


def _world(request: Request, req: Any) -> Any:
    from graph.maps.world import world_map

    key = ("world", repr(req))
    cache = _cache(request)
    wm = cache.get(key)
    if wm is None:
        wm = cache.put(key, world_map(_catalogue(request), req))
    return wm


def _world_query(req: Any) -> str:
    from urllib.parse import urlencode

    pairs: list[tuple[str, str]] = [("map", req.map)]
    pairs += [(k, v) for k, v in (("iscm", req.iscm), ("state", req.state)) if v]
    if req.as_of is not None:
        pairs.append(("as_of", str(req.as_of)))
    pairs += [("roles", req.roles)] + [("kind", k) for k in req.kinds] + [("status", s) for s in req.statuses]
    if req.derivation != "all":
        pairs.append(("derivation", req.derivation))
    pairs.append(("lang", req.lang))  # the image says what the description says, whatever the browser asks
    return urlencode(pairs)


@router.get("/api/maps/world", summary=(
    "World map description (map=count|iscm|state, kind, status, derivation, roles, as_of): title, numbered "
    "legend, filters, every country with data (iso, name, class, value, roles), the State's ISCM list, and "
    "the URLs /api/maps/world.svg (page map: hover titles, data-iso on each country), .png (300 dpi), "
    ".image.svg (live text) and .pdf"))
def world_info(request: Request, filters: FiltersDep, name: WorldMapName = "count", iscm: WorldIscm = None,
               state: WorldState = None, as_of: AsOf = None, roles: WorldRoles = None,
               lang: MapLang = None) -> dict[str, Any]:
    req = _world_request(name, iscm, state, as_of, roles, filters, _lang(request, lang))
    wm = _world(request, req)
    query = _world_query(req)
    downloads = {fmt.replace(".", "_"): f"/api/maps/world.{fmt}?{query}&download=1" for fmt in WORLD_FORMATS}
    return {**wm.summary(), "svg": f"/api/maps/world.svg?{query}", "downloads": downloads}


@router.get("/api/maps/world.{fmt}", response_class=Response, summary=(
    "World map as svg (for the page: <g data-iso> per country, <title> hover text), png (300 dpi), image.svg "
    "(report SVG, live text) or pdf; every image has title, legend and the source/licence/how-to-cite footer"),
    responses={200: {"content": {"image/svg+xml": {}, "image/png": {}, "application/pdf": {}}}})
def world_file(request: Request, filters: FiltersDep,
               fmt: Annotated[str, Path(pattern="^(svg|png|image\\.svg|pdf)$", description="output format")],
               name: WorldMapName = "count", iscm: WorldIscm = None, state: WorldState = None, as_of: AsOf = None,
               roles: WorldRoles = None, lang: MapLang = None,
               download: Annotated[bool, Query(description="as an attachment")] = False) -> Response:
    from graph.maps.world_draw import world_bytes

    req = _world_request(name, iscm, state, as_of, roles, filters, _lang(request, lang))
    wm = _world(request, req)
    key = ("world-file", repr(req) + fmt)
    cached = _cache(request).get(key)
    if cached is None:
        cached = _cache(request).put(key, (world_bytes(wm, fmt), {}))
    media, ext = WORLD_FORMATS[fmt]
    headers = {"Cache-Control": "private, max-age=300",
               "Content-Disposition": f'{"attachment" if download else "inline"}; filename="{wm.stem}.{ext}"'}
    if media == "image/svg+xml":
        headers["Content-Security-Policy"] = SVG_CSP
    if lang is None:  # the language came from the browser's Accept-Language
        headers["Vary"] = "Accept-Language"
    return Response(cached[0], media_type=media, headers=headers)
