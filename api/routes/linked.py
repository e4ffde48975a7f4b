"""Linked data: every entity IRI ``https://w3id.org/iscm/id/<collection>/<id>`` resolves here at
``/id/<collection>/<id>`` — HTML for browsers, Turtle / N-Triples / JSON-LD by content negotiation —
and the whole graph can be downloaded."""

from __future__ import annotations

import io
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import GraphDep
from api.models import PROBLEMS
from api.negotiation import negotiate_entity
from api.pages import downloads_page, entity_page
from api.serialisers import graph_bytes
from graph import queries
from graph.columns import Col
from graph.errors import UnknownEntityError
from graph.loader import ISCMGraph
from graph.namespace import BASE, COLLECTIONS, PREFIXES
from graph.store import GraphResult

router = APIRouter(tags=["linked data"], responses=PROBLEMS)

LocalId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")]

DUMPS = {
    "iscm.ttl": ("text/turtle", "the whole graph, Turtle"),
    "iscm.jsonld": ("application/ld+json", "the whole graph, JSON-LD"),
    "iscm.nt": ("application/n-triples", "the whole graph, N-Triples"),
    "iscm.nq": ("application/n-quads", "the whole graph with named graphs (curated data, each document), N-Quads"),
    "memberships.csv": ("text/csv", "every membership claim with role, dates, as-of date and source"),
    "tenures.csv": ("text/csv", "every tenure (the claims resolved by the time model): interval, precision, "
                                "inferred flags, end reason, named or derived, evidence and source"),
    "panel-state-iscm-year.csv": ("text/csv", "panel: State × ISCM × year of membership (codebook: docs/panels.md)"),
    "panel-state-iscm-year.parquet": ("application/vnd.apache.parquet", "the same panel as Parquet"),
    "panel-dyad-year.csv": ("text/csv", "panel: pairs of States × year with their joint ISCM memberships"),
    "panel-dyad-year.parquet": ("application/vnd.apache.parquet", "the same panel as Parquet"),
    "CHANGELOG.md": ("text/markdown", "what changed in this release, claim by claim, since the previous one"),
}
_PANELS = {"panel-state-iscm-year": "state-iscm-year", "panel-dyad-year": "dyad-year"}


def describe(graph: GraphDep, iri: str) -> GraphResult:
    """The entity's own triples plus the fact nodes about it (memberships, claims, cooperation)."""
    result = graph.query(queries.text("details.entity-describe", iri=iri))
    assert isinstance(result, GraphResult)
    return result


@router.get("/id/{collection}/{local_id}", summary="Resolve an entity IRI (HTML, Turtle, N-Triples, JSON-LD)",
            response_class=Response)
def resolve_entity(request: Request, graph: GraphDep, collection: str, local_id: LocalId,
                   format: str | None = None) -> Response:
    if collection not in COLLECTIONS:
        raise UnknownEntityError("collection", collection)
    iri = f"{BASE}id/{collection}/{local_id}"
    exists = graph.query(queries.text("details.entity-exists", iri=iri))
    if not exists:
        raise UnknownEntityError(collection, local_id)
    chosen = negotiate_entity(request.headers.get("accept"), format)
    result = describe(graph, iri)
    if chosen is None:
        own = [(str(p), str(o), str(o).startswith(("http://", "https://"))) for s, p, o in result.triples
               if str(s) == iri]
        own.sort()
        label = next((o for p, o, _ in own if p.endswith("#prefLabel") or p.endswith("core#prefLabel")), local_id)
        rows = [(p, o.replace(f"{BASE}id/", "/id/") if link and o.startswith(f"{BASE}id/") else o, link)
                for p, o, link in own]
        links = {"Turtle": f"/id/{collection}/{local_id}?format=turtle",
                 "JSON-LD": f"/id/{collection}/{local_id}?format=jsonld"}
        if collection == "state":
            links["Profile (JSON)"] = f"/api/states/{local_id}"
        elif collection == "iscm":
            links["Profile (JSON)"] = f"/api/iscms/{local_id}"
        elif collection == "org":
            links["Profile (JSON)"] = f"/api/organisations/{local_id}"
        return HTMLResponse(entity_page(iri, label, collection, rows, links), headers={"Vary": "Accept"})
    return Response(graph_bytes(result.triples, chosen, PREFIXES), media_type=chosen.value, headers={"Vary": "Accept"})


@router.get("/dumps", response_class=HTMLResponse, summary="Downloadable dumps of the graph")
def dumps_index(graph: GraphDep) -> HTMLResponse:
    manifest = graph.manifest
    meta = manifest.get("dataset") or {}
    return HTMLResponse(downloads_page([(name, desc) for name, (_mt, desc) in DUMPS.items()],
                                       release=graph.release.name if graph.release else None,
                                       cite=manifest.get("citation"), licence=meta.get("licence"),
                                       licence_url=meta.get("licence_url")))


@router.get("/dumps/{name}", summary="Download the graph (Turtle, JSON-LD, N-Triples, N-Quads) or memberships CSV",
            response_class=Response)
def dump(graph: GraphDep, name: str) -> Response:
    cat = graph
    if name not in DUMPS:
        raise UnknownEntityError("dump", name)
    media, _desc = DUMPS[name]
    if name in ("memberships.csv", "tenures.csv"):
        return _csv(name, cat.memo(("dump", name), lambda: _table_dump(cat, name)))
    stem, _, ext = name.rpartition(".")
    if stem in _PANELS:
        df = cat.panel(_PANELS[stem])
        if ext == "csv":
            return _csv(name, cat.memo(("dump", name), lambda: df.to_csv(index=False)))
        body = cat.memo(("dump", name), lambda: _parquet(df))
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if graph.release is None or not (graph.release / name).is_file():  # e.g. a release older than its CHANGELOG
        raise UnknownEntityError("dump (not in this release)", name)
    return FileResponse(graph.release / name, media_type=media, filename=name)


def _table_dump(cat: ISCMGraph, name: str) -> str:
    if name == "tenures.csv":
        return cat.tenures.to_csv(index=False, date_format="%Y-%m-%d")
    cols = ["organisation_id", "organisation_type", "actor_id", "actor_type", "role", "start", "end", "as_of",
            "as_of_inferred", "source_url", "complete_list", "via"]
    current = {c for claims in cat.current[Col.CLAIMS] for c in str(claims).split()}
    df = cat.memberships[["membership", *cols]].copy()
    df[Col.CURRENT] = df[Col.MEMBERSHIP].isin(current)  # the claim is evidence of a tenure holding on the release date
    return df.drop(columns="membership").to_csv(index=False, date_format="%Y-%m-%d")


def _csv(name: str, body: str) -> Response:
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


def _parquet(df: pd.DataFrame) -> bytes:
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()
