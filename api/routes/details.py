"""Any entity in words (actions, liaison networks, meetings have no profile of their own)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from api import i18n
from api.deps import GraphDep
from api.models import PROBLEMS, EntityDetails
from graph import details
from graph.countries import actor_key

router = APIRouter(prefix="/api", responses=PROBLEMS)


@router.get("/entities/{entity_id}", response_model=EntityDetails, tags=["profiles"],
            summary="Any entity (action, network, meeting, organisation …): its facts in words and its sources")
def entity_details(cat: GraphDep, entity_id: Annotated[str, Path(min_length=1, max_length=200)]) -> Response:
    key = actor_key(entity_id)
    body = cat.memo(("json", "entity", key),
                    lambda: EntityDetails.model_validate(details.entity(cat, key)).model_dump_json())
    return Response(body, media_type="application/json")


@router.get("/labels", tags=["profiles"],
            summary="Names the web page shows, in English, French or Spanish: States (CLDR), ISCMs (their "
                    "alt_names in that language, else English) with kind and status, organisations, "
                    "UN M49 regions (CLDR)")
def labels(request: Request, cat: GraphDep,
           lang: Annotated[str | None, Query(pattern="^(en|fr|es)$", description="default: Accept-Language")] = None,
           ) -> dict:
    return i18n.labels(cat, i18n.pick(lang, request.headers.get("accept-language")))
