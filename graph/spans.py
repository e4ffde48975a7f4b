"""Spans of time as the time model (:mod:`graph.temporal`) builds tenures from them: a start and an
inclusive end, each with its precision and why it is there, and the claims a span rests on; cutting
holes out of a span (suspensions, observer spells) and merging the spans of one fact."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

FAR_PAST = pd.Timestamp("1900-01-01")
FAR_FUTURE = pd.Timestamp("2262-01-01")
DAY = pd.Timedelta(days=1)


@dataclass
class Span:
    start: pd.Timestamp
    end: pd.Timestamp | None  # inclusive; None = open
    start_precision: str = "day"
    start_inferred: bool = False
    start_basis: str = "explicit"
    end_precision: str | None = None
    end_reason: str | None = None
    end_inferred: bool = False
    last_seen: pd.Timestamp | None = None
    rows: list[int] = field(default_factory=list)

    def stop(self) -> pd.Timestamp:
        return self.end if self.end is not None else FAR_FUTURE


def point(row: dict) -> tuple[pd.Timestamp | None, pd.Timestamp, pd.Timestamp | None]:
    """(explicit start, evidence date, explicit end) of one claim; evidence kept inside its period."""
    since, until, as_of = row["start"], row["end"], row["as_of"]
    since = since if pd.notna(since) else None
    until = until if pd.notna(until) else None
    seen = as_of
    if until is not None and seen > until:
        seen = until if since is None else since
    if since is not None and seen < since:
        seen = since
    return since, seen, until


Hole = tuple[pd.Timestamp, pd.Timestamp, str]  # (first day, last day, why): a pause in a tenure


def subtract(span: Span, holes: Iterable[Hole]) -> list[Span]:
    """``span`` minus the (inclusive) periods in ``holes`` (suspensions, observer spells)."""
    pieces = [span]
    for h_start, h_end, why in sorted(holes):
        out = []
        for p in pieces:
            if h_end < p.start or h_start > p.stop():
                out.append(p)
                continue
            if h_start > p.start:
                out.append(Span(**{**p.__dict__, "end": h_start - DAY, "end_reason": why,
                                    "end_precision": "day", "rows": list(p.rows)}))
            if h_end < p.stop():
                out.append(Span(**{**p.__dict__, "start": h_end + DAY, "start_basis": f"after-{why}",
                                    "start_precision": "day", "start_inferred": False, "rows": list(p.rows)}))
        pieces = out
    return pieces


def merge_spans(found: list[tuple[Span, bool]]) -> list[tuple[Span, bool]]:
    """One row per fact: overlapping or touching spans of one actor, body and role become one
    (named if any part is named; the earliest start and the latest end keep their basis and reason)."""
    found = sorted(found, key=lambda f: f[0].start)
    out: list[tuple[Span, bool]] = []
    for span, is_derived in found:
        if out and span.start <= out[-1][0].stop() + DAY:
            prev, prev_derived = out[-1]
            if span.stop() > prev.stop():
                prev.end, prev.end_reason, prev.end_precision = span.end, span.end_reason, span.end_precision
                prev.end_inferred = span.end_inferred
            if span.last_seen is not None:
                prev.last_seen = max(prev.last_seen or span.last_seen, span.last_seen)
            prev.rows = [*prev.rows, *(r for r in span.rows if r not in prev.rows)]
            out[-1] = (prev, prev_derived and is_derived)
        else:
            out.append((Span(**{**span.__dict__, "rows": list(span.rows)}), is_derived))
    return out
