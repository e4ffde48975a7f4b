"""What changed between releases (``/api/changes``) and which releases there are (``/api/releases``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from api.deps import PageDep, ServedDep, SettingsDep
from api.models import PROBLEMS, Table
from api.negotiation import negotiate_among
from api.tables import CSV_TABLE, Format, table
from graph import changes
from graph.countries import actor_key
from graph.dataset import DUMP_TYPES, Metadata, citation, describe
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
    diff = served.graph.memo(key, lambda: changes.diff(changes.release_tables(old), changes.release_tables(new)))
    if iscm:
        diff = diff[diff["organisation"] == iscm]
    if state:
        diff = diff[diff["actor"] == actor_key(state)]
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


@router.get("/about", summary="The data set: title, version, release, licence, how to cite, where to find more")
def about(served: ServedDep) -> dict[str, Any]:
    manifest = served.graph.manifest
    meta = manifest.get("dataset") or Metadata().model_dump()
    return {
        "title": meta["title"], "description": meta["description"], "version": meta["version"],
        "release": served.release_name, "built_at": manifest.get("built_at"),
        "licence": meta["licence"], "licence_url": meta["licence_url"], "publisher": meta["publisher"],
        "temporal": meta.get("temporal"),
        "cite": manifest.get("citation") or citation(meta, served.release_name),
        "attribution": "every fact carries its source (prov:wasDerivedFrom) and as-of date: cite those too "
                       "when you use a fact",
        "links": {"void": "/.well-known/void", "changelog": "/dumps/CHANGELOG.md", "dumps": "/dumps",
                  "changes": "/api/changes", "sparql": "/sparql"},
    }


wellknown = APIRouter(tags=["releases"], responses=PROBLEMS)
VOID_TYPES = {"turtle": "text/turtle", "jsonld": "application/ld+json", "ntriples": "application/n-triples"}


@wellknown.get("/.well-known/void", response_class=Response,
               summary="DCAT + VoID description of the data set (Turtle; JSON-LD or N-Triples by Accept)",
               responses={200: {"content": {media: {} for media in VOID_TYPES.values()}}})
def void_description(request: Request, served: ServedDep,
                     format: Annotated[str | None, Query(pattern="^(turtle|jsonld|ntriples)$")] = None) -> Response:
    chosen = format or negotiate_among(request.headers.get("accept"), VOID_TYPES, default="turtle")
    base = str(request.base_url)

    def render() -> str:
        release = served.graph.release
        sizes = {}
        if release is not None:
            sizes = {name: (release / name).stat().st_size for name in DUMP_TYPES if (release / name).is_file()}
        g = describe(served.graph.manifest, base, sizes=sizes)
        return g.serialize(format={"turtle": "turtle", "jsonld": "json-ld", "ntriples": "nt"}[chosen])

    body = served.graph.memo(("void", base, chosen), render)
    return Response(body, media_type=VOID_TYPES[chosen], headers={"Vary": "Accept"})
