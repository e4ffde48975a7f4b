"""What changed between releases (``/api/changes``) and which releases there are (``/api/releases``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request

from api.deps import PageDep, ServedDep, SettingsDep
from api.models import PROBLEMS, Table
from api.routes.rest import CSV_TABLE, Format, table
from graph import changes
from graph.releases import find_release, list_releases

router = APIRouter(prefix="/api", responses=PROBLEMS, tags=["releases"])
NAME = r"^[A-Za-z0-9][A-Za-z0-9.\-]*$"  # release folder names only: no path can be named


@router.get("/changes", response_model=Table, responses=CSV_TABLE,
            summary="Claims added, removed, changed and ended between two releases, with sources")
def release_changes(request: Request, served: ServedDep, settings: SettingsDep, page: PageDep,
                    format: Format = None,
                    release_from: Annotated[str | None, Query(alias="from", max_length=120,
                                                              pattern=NAME,
                                                              description="older release (default: the one "
                                                                          "the newer was built after)")] = None,
                    release_to: Annotated[str | None, Query(alias="to", max_length=120,
                                                            pattern=NAME,
                                                            description="newer release (default: the one "
                                                                        "served)")] = None,
                    iscm: Annotated[str | None, Query(max_length=80, description="one organisation's")] = None,
                    state: Annotated[str | None, Query(max_length=80, description="one actor's")] = None) -> Any:
    out_dir = settings.build_dir
    new = find_release(out_dir, release_to or served.release_name)
    old = find_release(out_dir, release_from, previous_of=new if release_from is None else None)
    key = ("changes", old.name, new.name)
    diff = served.catalogue.memo(key, lambda: changes.diff(changes.release_tables(old), changes.release_tables(new)))
    if iscm:
        diff = diff[diff["organisation"] == iscm]
    if state:
        diff = diff[diff["actor"] == (state.upper() if len(state) == 3 else state)]
    response = table(diff, request, page, format)
    response.headers["X-Release-From"] = old.name
    response.headers["X-Release-To"] = new.name
    return response


@router.get("/releases", summary="The releases in the build folder (the one served, the current one)")
def releases(served: ServedDep, settings: SettingsDep) -> dict[str, Any]:
    return {"served": served.release_name, "releases": [
        {"name": r.name, "current": r.current, "version": r.manifest.get("version"),
         "built_at": r.manifest.get("built_at"), "previous": r.manifest.get("previous"),
         "changes": r.manifest.get("changes"), "triples": r.manifest.get("triples")}
        for r in reversed(list_releases(settings.build_dir))]}
