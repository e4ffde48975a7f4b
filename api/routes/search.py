"""Search: States, ISCMs and organisations by name, acronym, alias or ISO code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import GraphDep
from api.models import PROBLEMS, SearchHit, SearchResult

router = APIRouter(prefix="/api", responses=PROBLEMS, tags=["search"])


@router.get("/search", response_model=SearchResult,
            summary="Find States, ISCMs and organisations by name, acronym, alias or ISO code")
def search(cat: GraphDep,
           q: Annotated[str, Query(min_length=1, max_length=200, description="e.g. Morocco, MAR, Puebla")],
           limit: Annotated[int, Query(ge=1, le=50)] = 10,
           type: Annotated[str | None, Query(pattern="^(state|iscm|union|organisation|network|action|event)$")] = None,
           ) -> SearchResult:
    hits = cat.search(q, limit=limit, types=(type,) if type else None)
    return SearchResult(query=q, hits=[SearchHit(**h.__dict__, url=_url(h.type, h.id)) for h in hits])


def _url(kind: str, entity_id: str) -> str:
    collection = {"state": "state", "iscm": "iscm", "union": "org", "organisation": "org",
                  "network": "network", "action": "action", "event": "event"}.get(kind, "org")
    return f"/id/{collection}/{entity_id}"
