"""Linked data: every entity IRI ``https://w3id.org/iscm/id/<collection>/<id>`` resolves here at
``/id/<collection>/<id>`` — HTML for browsers, Turtle / N-Triples / JSON-LD by content negotiation —
and the whole graph can be downloaded."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from api.deps import GraphDep
from api.models import PROBLEMS
from api.negotiation import negotiate_entity
from api.pages import entity_page
from api.serialisers import graph_bytes
from graph import queries
from graph.errors import UnknownEntityError
from graph.namespace import BASE, COLLECTIONS, PREFIXES
from graph.store import GraphResult

router = APIRouter(tags=["linked data"], responses=PROBLEMS)

LocalId = Annotated[str, Path(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")]

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
