"""Profiles: a State, an ISCM, an organisation — each fact with its sources, as of a date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

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
    return _profile(cat, StateProfile, ("state", code.upper(), as_of),
                    lambda: details.with_sources(cat, cat.state_profile(code, as_of=as_of)))


@router.get("/iscms/{iscm_id}", response_model=ISCMProfile,
            summary="An ISCM: kind, status, members, observers, chairs, secretariat, partners, themes, sources")
def iscm_profile(cat: GraphDep, iscm_id: str, as_of: AsOf = None) -> Response:
    return _profile(cat, ISCMProfile, ("iscm", iscm_id, as_of),
                    lambda: details.with_sources(cat, cat.iscm_profile(iscm_id, as_of=as_of)))


@router.get("/organisations/{org_id}", response_model=OrganisationProfile,
            summary="An organisation or union: its roles in ISCMs and its members")
def organisation_profile(cat: GraphDep, org_id: str, as_of: AsOf = None) -> Response:
    return _profile(cat, OrganisationProfile, ("organisation", org_id, as_of),
                    lambda: details.with_sources(cat, cat.organisation_profile(org_id, as_of=as_of)))


def _profile(cat: ISCMGraph, model: type[BaseModel], key: tuple, compute: Callable[[], dict]) -> Response:
    # validated against the response model and serialised once per release, not on every request
    body = cat.memo(("json", *key), lambda: model.model_validate(compute()).model_dump_json())
    return Response(body, media_type="application/json")
