"""``/api/compare``: two ISCMs side by side — States in both, only in A, only in B — as of a date.

Its own router (the REST lists live in :mod:`api.routes.rest`); the table, JSON or CSV, comes from
the same ``table()`` helper as every other list, so paging, CSV and the filter header are the same.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query, Request

from api.deps import AsOf, GraphDep, PageDep
from api.models import PROBLEMS, Table
from api.routes.analytics import Roles
from api.tables import CSV_TABLE, Format, table
from graph import compare as comparing

router = APIRouter(prefix="/api", responses=PROBLEMS, tags=["analytics"])

IscmId = Annotated[str, Query(min_length=1, max_length=80, description="an ISCM id (e.g. rabat-process)")]


@router.get("/compare", response_model=Table, responses=CSV_TABLE,
            summary="Two ISCMs compared: States in both, only in a, only in b, with intervals and sources")
def compare_iscms(request: Request, cat: GraphDep, page: PageDep, a: IscmId, b: IscmId,
                  format: Format = None, as_of: AsOf = None, roles: Roles = "members",
                  derivation: Annotated[str, Query(pattern="^(all|named|derived)$",
                                                   description="named by a source, held through a bloc, or all")]
                  = "all",
                  which: Annotated[list[str] | None, Query(alias="in", description="both, only_a, only_b "
                                                                                  "(repeat; default all three)")]
                  = None) -> Any:
    for iscm in (a, b):
        cat.entity(iscm, kind="iscm")  # 404 names the unknown one
    sides = tuple(sorted(set(which))) if which else comparing.SIDES
    bad = [s for s in sides if s not in comparing.SIDES]
    if bad:
        raise HTTPException(422, detail=f"in must be both, only_a or only_b, got {', '.join(bad)}")
    key = ("compare", a, b, as_of, roles, derivation, sides)
    df = cat.memo(("df", *key), lambda: comparing.compare(cat.tenures, a, b, as_of=as_of, roles=roles,
                                                          derivation=derivation, which=sides))
    described: dict[str, Any] = {"a": a, "b": b, "as_of": as_of or "release date", "roles": roles,
                                 "derivation": derivation, "in": list(sides)}
    return table(df, request, page, format, cache=(cat, key), filters=described)
