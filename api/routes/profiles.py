"""Profiles: a State, an ISCM, an organisation — each fact with its sources, as of a date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Path
from fastapi.responses import Response
from pydantic import BaseModel

from api.deps import AsOf, GraphDep
from api.models import PROBLEMS, ISCMProfile, OrganisationProfile, StateProfile
from graph import details
from graph.countries import actor_key, looks_alpha3
from graph.errors import UnknownEntityError
from graph.loader import ISCMGraph

router = APIRouter(prefix="/api", responses=PROBLEMS, tags=["profiles"])


@router.get("/states/{code}", response_model=StateProfile,
            summary="A State's ISCMs by role, regional unions, capacity-building actions and liaison links")
def state_profile(cat: GraphDep, code: Annotated[str, Path(min_length=1, max_length=12)],
                  as_of: AsOf = None) -> Response:
    if not looks_alpha3(actor_key(code)):
        raise UnknownEntityError("ISO 3166-1 alpha-3 code", code)
    return Response(profile_json(cat, "state", code, as_of), media_type="application/json")


@router.get("/iscms/{iscm_id}", response_model=ISCMProfile,
            summary="An ISCM: kind, status, members, observers, chairs, secretariat, partners, themes, sources")
def iscm_profile(cat: GraphDep, iscm_id: str, as_of: AsOf = None) -> Response:
    return Response(profile_json(cat, "iscm", iscm_id, as_of), media_type="application/json")


@router.get("/organisations/{org_id}", response_model=OrganisationProfile,
            summary="An organisation or union: its roles in ISCMs and its members")
def organisation_profile(cat: GraphDep, org_id: str, as_of: AsOf = None) -> Response:
    return Response(profile_json(cat, "organisation", org_id, as_of), media_type="application/json")


_PROFILES: dict[str, tuple[type[BaseModel], Callable[..., dict]]] = {
    "state": (StateProfile, ISCMGraph.state_profile),
    "iscm": (ISCMProfile, ISCMGraph.iscm_profile),
    "organisation": (OrganisationProfile, ISCMGraph.organisation_profile),
}


def profile_key(kind: str, ident: str, as_of: Any = None) -> tuple:
    """Where a profile's JSON is remembered with the release."""
    return ("json", kind, ident.upper() if kind == "state" else ident, as_of)


def profile_json(cat: ISCMGraph, kind: str, ident: str, as_of: Any = None) -> str:
    """A profile's JSON, validated against its response model and serialised once per release, not
    on every request (the server's start-up warm-up fills it for every entity: api.warmup)."""
    model, compute = _PROFILES[kind]
    return cat.memo(profile_key(kind, ident, as_of), lambda: model.model_validate(
        details.with_sources(cat, compute(cat, ident, as_of=as_of))).model_dump_json())
