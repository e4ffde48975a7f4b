"""Downloads of the release: the whole graph (Turtle, JSON-LD, N-Triples, N-Quads), its tables (CSV and
Parquet), the change log, and a bundle of the tables for reports. Every download says how to cite it:
RDF dumps open with a comment block, CSV files have W3C CSVW metadata (``<file>-metadata.json``, linked
from the response), Parquet files carry the citation in their metadata, and the bundle has a README and
the release's CITATION.cff."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Annotated

import pandas as pd
from fastapi import APIRouter, Path
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.deps import GraphDep
from api.models import PROBLEMS
from api.pages import downloads_page
from graph.dataset import cite_lines, csvw_metadata, release_cff
from graph.errors import UnknownEntityError
from graph.loader import ISCMGraph

router = APIRouter(tags=["linked data"], responses=PROBLEMS)

DUMPS = {
    "iscm.ttl": ("text/turtle", "the whole graph, Turtle"),
    "iscm.jsonld": ("application/ld+json", "the whole graph, JSON-LD"),
    "iscm.nt": ("application/n-triples", "the whole graph, N-Triples"),
    "iscm.nq": ("application/n-quads", "the whole graph with named graphs (curated data, each document), N-Quads"),
    "memberships.csv": ("text/csv", "every membership claim with role, dates, as-of date and source"),
    "entities.csv": ("text/csv", "every State, ISCM, union and organisation: id, type, label and Wikidata QID "
                                 "(skos:exactMatch), to join with other data"),
    "tenures.csv": ("text/csv", "every tenure (the claims resolved by the time model): interval, precision, "
                                "inferred flags, end reason, named or derived, evidence and source"),
    "panel-state-iscm-year.csv": ("text/csv", "panel: State × ISCM × year of membership (codebook: docs/panels.md)"),
    "panel-state-iscm-year.parquet": ("application/vnd.apache.parquet", "the same panel as Parquet"),
    "panel-dyad-year.csv": ("text/csv", "panel: pairs of States × year with their joint ISCM memberships"),
    "panel-dyad-year.parquet": ("application/vnd.apache.parquet", "the same panel as Parquet"),
    "tables.zip": ("application/zip", "every CSV above with its CSVW metadata, a README (how to cite, licence, "
                                      "files) and the release's CITATION.cff: one file for a report's annex"),
    "CITATION.cff": ("text/yaml", "how to cite this release (Citation File Format)"),
    "CHANGELOG.md": ("text/markdown", "what changed in this release, claim by claim, since the previous one"),
}
_PANELS = {"panel-state-iscm-year": "state-iscm-year", "panel-dyad-year": "dyad-year"}
_CSVW = "-metadata.json"
DumpName = Annotated[str, Path(max_length=120)]


@router.get("/dumps", response_class=HTMLResponse, summary="Downloadable dumps of the graph")
def dumps_index(graph: GraphDep) -> HTMLResponse:
    manifest = graph.manifest
    meta = manifest.get("dataset") or {}
    return HTMLResponse(downloads_page([(name, desc) for name, (_mt, desc) in DUMPS.items()],
                                       release=graph.release.name if graph.release else None,
                                       cite=manifest.get("citation"), licence=meta.get("licence"),
                                       licence_url=meta.get("licence_url")))


@router.get("/dumps/{name}", response_class=Response,
            summary="Download the graph (Turtle, JSON-LD, N-Triples, N-Quads), a table (CSV, Parquet, with "
                    "<file>-metadata.json as its CSVW description), the tables bundle, CITATION.cff or CHANGELOG.md")
def dump(graph: GraphDep, name: DumpName) -> Response:
    cat = graph
    if name.endswith(_CSVW) and DUMPS.get(name[: -len(_CSVW)], ("",))[0] == "text/csv":
        table = name[: -len(_CSVW)]
        body = json.dumps(_csvw(graph, cat, table), indent=2, ensure_ascii=False)
        return Response(body, media_type="application/csvw+json")
    if name not in DUMPS:
        raise UnknownEntityError("dump", name)
    media, _desc = DUMPS[name]
    if media == "text/csv":
        return Response(_csv_body(cat, name), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            # where CSVW readers (and people) find its title, licence and citation
            "Link": f'</dumps/{name}{_CSVW}>; rel="describedby"; type="application/csvw+json"'})
    stem, _, ext = name.rpartition(".")
    if ext == "parquet":
        body = cat.memo(("dump", name), lambda: _parquet(cat.panel(_PANELS[stem]), graph.manifest))
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{name}"'})
    if name == "tables.zip":
        body = cat.memo(("dump", name), lambda: _bundle(graph, cat))
        filename = f"iscm-graph-{graph.release.name if graph.release else 'tables'}.zip"
        return Response(body, media_type=media, headers={"Content-Disposition": f'attachment; filename="{filename}"'})
    if name == "CITATION.cff":
        return Response(release_cff(graph.manifest), media_type="text/yaml; charset=utf-8")
    if graph.release is None or not (graph.release / name).is_file():  # e.g. a release older than its CHANGELOG
        raise UnknownEntityError("dump (not in this release)", name)
    return FileResponse(graph.release / name, media_type=media, filename=name)


def _csv_body(cat: ISCMGraph, name: str) -> str:
    stem = name.rpartition(".")[0]
    if stem in _PANELS:
        return cat.memo(("dump", name), lambda: cat.panel(_PANELS[stem]).to_csv(index=False))
    return cat.memo(("dump", name), lambda: _table_dump(cat, name))


def _table_dump(cat: ISCMGraph, name: str) -> str:
    if name == "entities.csv":
        df = cat.entities.reset_index()[["id", "type", "label"]]
        df = df[df["type"].isin(["state", "iscm", "union", "organisation"])]
        df = df.join(cat.identifiers, on="id")
        return df.sort_values(["type", "id"]).to_csv(index=False)
    if name == "tenures.csv":
        return cat.tenures.to_csv(index=False, date_format="%Y-%m-%d")
    cols = ["organisation_id", "organisation_type", "actor_id", "actor_type", "role", "start", "end", "as_of",
            "as_of_inferred", "source_url", "complete_list", "via"]
    current = {c for claims in cat.current["claims"] for c in str(claims).split()}
    df = cat.memberships[["membership", *cols]].copy()
    df["current"] = df["membership"].isin(current)  # the claim is evidence of a tenure holding on the release date
    return df.drop(columns="membership").to_csv(index=False, date_format="%Y-%m-%d")


def _csvw(graph: ISCMGraph, cat: ISCMGraph, name: str) -> dict:
    header = next(csv.reader(io.StringIO(_csv_body(cat, name).partition("\n")[0])))
    return csvw_metadata(graph.manifest, name, header, description=DUMPS[name][1])


def _parquet(df: pd.DataFrame, manifest: dict) -> bytes:
    df = df.copy()
    # pandas keeps attrs in the Parquet metadata and gives them back on read_parquet
    df.attrs = {"release": manifest.get("release"), "as_of": manifest.get("release_date"),
                "how_to_cite": "\n".join(cite_lines(manifest))}
    buf = io.BytesIO()
    df.to_parquet(buf, index=False)
    return buf.getvalue()


def _bundle(graph: ISCMGraph, cat: ISCMGraph) -> bytes:
    manifest = graph.manifest
    tables = [name for name, (media, _d) in DUMPS.items() if media == "text/csv"]
    readme = ["\n".join(cite_lines(manifest)), "", "Files:"]
    readme += [f"- {name}: {DUMPS[name][1]} (columns and licence: {name}{_CSVW})" for name in tables]
    readme += ["- CITATION.cff: how to cite this release, for reference managers", ""]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("README.txt", "\n".join(readme))
        z.writestr("CITATION.cff", release_cff(manifest))
        for name in tables:
            z.writestr(name, _csv_body(cat, name))
            z.writestr(name + _CSVW, json.dumps(_csvw(graph, cat, name), indent=2, ensure_ascii=False))
    return buf.getvalue()
