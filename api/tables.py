"""Tables over HTTP: one page of a DataFrame as JSON (``Table``) or CSV, and the filters every list and
analytics route shares. The resource routers in :mod:`api.routes` answer their tables through here."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

import pandas as pd
from fastapi import Query, Request
from fastapi.responses import Response

from api.deps import PageDep
from api.models import Table
from graph.loader import ISCMGraph
from graph.tables import plain

# table routes also answer CSV (format=csv or Accept: text/csv)
CSV_TABLE: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "one page of the table"}}
Format = Annotated[str | None, Query(pattern="^(json|csv)$", description="json (default) or csv")]


def table(df: pd.DataFrame | Callable[[], pd.DataFrame], request: Request, page: PageDep, fmt: str | None, *,
          index: str | None = None, cache: tuple[ISCMGraph, tuple] | None = None,
          filters: dict[str, Any] | None = None) -> Response:
    """One page of ``df`` as JSON (``Table``) or CSV (``format=csv`` or ``Accept: text/csv``).

    ``df`` may be a function that returns the table: it is called only when the page is not kept.
    ``cache=(catalogue, key)``: ``key`` names ``df`` fully (route and arguments), so the rendered page
    is kept with the catalogue's other per-release answers (also when the table itself is too large
    to keep, as the ISCM overlap table at 100x the real data is). ``filters``: the time and ISCM
    filters that produced ``df``, returned in the JSON and, for CSV too, in the ``X-ISCM-Filter``
    header. ``df.attrs["note"]`` (how the rows were computed, e.g. a sampled estimate) goes in the
    JSON's ``note`` and the ``X-ISCM-Note`` header.
    """
    wants_csv = fmt == "csv" or (fmt is None and "text/csv" in request.headers.get("accept", ""))

    def render() -> tuple[str, str, int, str | None]:
        frame = df() if callable(df) else df
        note = frame.attrs.get("note")
        return (*_render_page(frame, page, wants_csv, index, filters, note), note)

    if cache is not None:
        cat, key = cache
        body, media_type, total, note = cat.memo(("page", *key, page.offset, page.limit, wants_csv), render)
    else:
        body, media_type, total, note = render()
    headers = {"X-Total-Count": str(total)} if wants_csv else {}
    if note:
        headers["X-ISCM-Note"] = quote(note, safe=" ;=,:-()")
    if filters is not None:
        # header values are Latin-1: anything else is percent-encoded
        headers["X-ISCM-Filter"] = quote("; ".join(f"{k}={','.join(v) if isinstance(v, list) else v}"
                                                   for k, v in filters.items()), safe=" ;=,:-")
    return Response(body, media_type=media_type, headers=headers or None)


def _render_page(df: pd.DataFrame, page: PageDep, wants_csv: bool, index: str | None,
                 filters: dict[str, Any] | None = None, note: str | None = None) -> tuple[str, str, int]:
    if index is not None:
        df = df.reset_index().rename(columns={"index": index})
    total = len(df)
    window = df.iloc[page.offset: page.offset + page.limit]
    if wants_csv:
        buf = io.StringIO()
        window.to_csv(buf, index=False)
        return buf.getvalue(), "text/csv; charset=utf-8", total
    items = [{k: plain(v) for k, v in row.items()} for row in window.to_dict(orient="records")]
    body = Table(filters=filters, note=note, total=total, limit=page.limit, offset=page.offset,
                 columns=[str(c) for c in df.columns], items=items)
    # already a validated Table: serialise it here instead of FastAPI validating it again
    return body.model_dump_json(), "application/json", total


def filtered(df: pd.DataFrame, filters: Any) -> pd.DataFrame:
    """Tenures of ISCMs of the filter's kinds and statuses, named or derived as asked (other bodies'
    tenures — unions, IGOs — have no kind or status and pass only when those filters are unset)."""
    if filters.kinds:
        df = df[df["organisation_kind"].isin(filters.kinds)]
    if filters.statuses:
        df = df[df["organisation_status"].isin(filters.statuses)]
    if filters.derivation != "all":
        df = df[df["derived"] == (filters.derivation == "derived")]
    return df


