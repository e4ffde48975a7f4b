"""Timelines (one ISCM's or one State's joins and leaves) and the research panels (docs/panels.md)."""

from __future__ import annotations

from typing import Annotated, Any

import pandas as pd
from fastapi import APIRouter, Path, Query, Request

from api.deps import FiltersDep, GraphDep, PageDep
from api.models import PROBLEMS, Table
from api.tables import CSV_TABLE, Format, table
from graph import panels, temporal
from graph.loader import ISCMGraph

router = APIRouter(prefix="/api", responses=PROBLEMS)


@router.get("/iscms/{iscm_id}/timeline", response_model=Table, responses=CSV_TABLE, tags=["timelines"],
            summary="An ISCM's members and observers per year, or (changes=true) its joins and leaves with sources")
def iscm_timeline(request: Request, cat: GraphDep, page: PageDep, iscm_id: str, format: Format = None,
                  changes: Annotated[bool, Query(description="joins and leaves instead of counts")] = False) -> Any:
    cat.entity(iscm_id, kind="iscm")
    df = iscm_timeline_table(cat, iscm_id, changes)
    return table(df, request, page, format, cache=(cat, ("iscm-timeline", iscm_id, changes)))


def iscm_timeline_table(cat: ISCMGraph, iscm_id: str, changes: bool) -> pd.DataFrame:
    """The whole timeline table, once per release (each page of it is rendered and kept apart; the
    profile page asks for two, and the start-up warm-up computes them for every ISCM: api.warmup)."""
    def compute() -> pd.DataFrame:
        if changes:
            roles = ("member", "observer", *temporal.ROTATING_ROLES)
            return panels.changes(cat.tenures, organisation_id=iscm_id, roles=roles)
        return panels.counts_per_year(cat.tenures, organisation_id=iscm_id, last_year=cat.release_date.year)

    return cat.memo(timeline_key(iscm_id, changes), compute)


def timeline_key(iscm_id: str, changes: bool) -> tuple:
    """Where an ISCM's whole timeline table is remembered with the release."""
    return ("iscm-timeline-table", iscm_id, changes)


@router.get("/states/{code}/timeline", response_model=Table, responses=CSV_TABLE, tags=["timelines"],
            summary="Every role a State ever held, with its interval, evidence and source (joins and leaves)")
def state_timeline(request: Request, cat: GraphDep, page: PageDep, code: Annotated[str, Path(max_length=12)],
                   format: Format = None) -> Any:
    cat.entity(code, kind="state")
    df = panels.changes(cat.tenures, actor_id=code.upper())
    return table(df, request, page, format, cache=(cat, ("state-timeline", code.upper())))


@router.get("/panels/state-iscm-year", response_model=Table, responses=CSV_TABLE, tags=["panels"],
            summary="Panel: one row per State, ISCM and year of membership (codebook: docs/panels.md)")
def panel_state_iscm_year(request: Request, cat: GraphDep, page: PageDep, filters: FiltersDep,
                          format: Format = None) -> Any:
    df = cat.panel("state-iscm-year", kinds=filters.kinds, derivation=filters.derivation)
    if filters.statuses:
        df = df[df["iscm"].isin(cat.list_iscms().query("status in @filters.statuses")["id"])]
    return table(df, request, page, format, cache=(cat, ("panel-siy", filters)), filters=filters.describe("every year"))


@router.get("/panels/dyad-year", response_model=Table, responses=CSV_TABLE, tags=["panels"],
            summary="Panel: pairs of States per year with the number of ISCMs both were members of")
def panel_dyad_year(request: Request, cat: GraphDep, page: PageDep, filters: FiltersDep,
                    format: Format = None) -> Any:
    df = cat.panel("dyad-year", kinds=filters.kinds, derivation=filters.derivation)
    return table(df, request, page, format, cache=(cat, ("panel-dy", filters)), filters=filters.describe("every year"))
