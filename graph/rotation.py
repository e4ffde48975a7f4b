"""Rule 5 of the time model (:mod:`graph.temporal`): rotating roles. A chair's or presidency's term
ends when the successor's starts, unless a source gives its end; several sole chairs from one start
are co-chairs, and two sole chairs never hold at once."""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable

import pandas as pd

from graph.spans import DAY, Span, point


def _precision_of_day_before(start: pd.Timestamp, precision: str | None) -> str:
    """A term that ends the day before a successor starts on 1 January (or on the 1st of a month) is
    known to the year (or month) its own start is known to: "2000 – 2000", not "2000 – 2000-12-31"."""
    if start.month == 1 and start.day == 1 and precision in ("year", "month"):
        return precision
    if start.day == 1 and precision == "month":
        return "month"
    return "day"


def rotating_terms(recs: list[dict], idxs: Iterable[int], role: str) -> list[tuple[str, str, Span]]:
    """Terms of one (organisation, rotating role) as (actor, role, span): each ends when the next starts.

    A claim without a start for an actor whose stated term had begun by then is evidence of that
    term, not a new one (lists of past chairs). Several sole chairs from one start are co-chairs
    (never two sole chairs at once); a stated end that runs past the successor's start (a year
    given for a term that changed mid-year) is cut there.
    """
    keyed, attach = _keyed(recs, idxs)
    out = _terms(recs, _groups(keyed), role)
    for idx, since in attach.items():
        for actor, _r, term in out:
            if actor == recs[idx]["actor_id"] and term.start == since:
                term.rows.append(idx)
    _cut_overruns(out)
    _end_at_next_start(out)
    return out


Keyed = tuple[pd.Timestamp, bool, "pd.Timestamp | None", int, str]  # (start or evidence, stated, until, claim, actor)


def _keyed(recs: list[dict], idxs: Iterable[int]) -> tuple[list[Keyed], dict[int, pd.Timestamp]]:
    """The claims that open a term, in start order, and the claims that are evidence of a stated term
    (claim index → that term's start)."""
    keyed = []
    stated: dict[str, list[pd.Timestamp]] = defaultdict(list)
    for idx in idxs:
        row = recs[idx]
        since, seen, until = point(row)
        keyed.append((since if since is not None else seen, since is not None, until, idx, row["actor_id"]))
        if since is not None:
            stated[row["actor_id"]].append(since)
    attach: dict[int, pd.Timestamp] = {}  # claim index → the stated term it supports
    for key, explicit, _until, idx, actor in keyed:
        if not explicit and any(s <= key for s in stated.get(actor, ())):
            attach[idx] = max(s for s in stated[actor] if s <= key)
    return sorted((k for k in keyed if k[3] not in attach), key=lambda k: (k[0], k[3])), attach


def _groups(keyed: list[Keyed]) -> list[tuple[pd.Timestamp, bool, list]]:
    """(start, stated, holders): who took office on each start."""
    groups: list[tuple[pd.Timestamp, bool, list]] = []
    for key, explicit, until, idx, actor in keyed:
        if groups and groups[-1][0] == key:
            groups[-1][2].append((actor, idx, until))
            groups[-1] = (key, groups[-1][1] or explicit, groups[-1][2])
        else:
            groups.append((key, explicit, [(actor, idx, until)]))
    return groups


def _terms(recs: list[dict], groups: list[tuple[pd.Timestamp, bool, list]], role: str) -> list[tuple[str, str, Span]]:
    """One term per holder and start; the previous holders not named again leave when a group starts."""
    out: list[tuple[str, str, Span]] = []
    open_terms: dict[str, Span] = {}
    for key, explicit, holders in groups:
        actors = {a for a, _, _ in holders}
        for actor in list(open_terms):
            if actor not in actors:
                term = open_terms.pop(actor)
                if term.end is None or term.end >= key:
                    term.end, term.end_reason = key - DAY, "successor"
                    term.end_precision = _precision_of_day_before(key, term.start_precision)
        held_as = "co-chair" if role != "co-chair" and len(actors) > 1 else role
        for actor, idx, until in holders:
            row = recs[idx]
            term = open_terms.get(actor)
            if term is None:
                term = Span(start=key, end=None,
                            start_precision=(row["start_precision"] if explicit else row["as_of_precision"]) or "day",
                            start_inferred=not explicit, start_basis="explicit" if explicit else "evidence")
                out.append((actor, held_as, term))
                open_terms[actor] = term
            term.rows.append(idx)
            term.last_seen = max(term.last_seen or key, row["as_of"] if pd.notna(row["as_of"]) else key)
            if until is not None:
                term.end, term.end_reason = until, "until"
                term.end_precision = row["end_precision"] or "day"
                open_terms.pop(actor, None)
    return out


def _cut_overruns(out: list[tuple[str, str, Span]]) -> None:
    """Where a stated end runs past the next holder's start: a start known only to the year (or month)
    of a more precisely stated end follows that end ("since 2022" after "until 2022-12-14");
    otherwise the successor's start ends the term ("2000–2001" then "2001–2002": mid-year handovers)."""
    for _actor, _r, term in sorted(out, key=lambda o: o[2].start):
        later = sorted({t.start for _a, _r2, t in out if t.start > term.start})
        if not later or term.stop() < later[0]:
            continue
        nxt = [t for _a, _r2, t in out if t.start == later[0]]
        finer = all(_RANK.get(term.end_precision or "day", 0) < _RANK.get(t.start_precision or "day", 0) for t in nxt)
        if term.end is not None and term.end_reason == "until" and finer and _within(term.end, later[0], nxt) \
                and all(t.stop() > term.end for t in nxt):
            for t in nxt:
                t.start, t.start_precision, t.start_basis = term.end + DAY, "day", "after-predecessor"
        else:
            term.end, term.end_reason = later[0] - DAY, "successor"
            term.end_precision = _precision_of_day_before(later[0], term.start_precision)


def _end_at_next_start(out: list[tuple[str, str, Span]]) -> None:
    """Last, in start order: a term still running on the day the next holder starts ends the day before."""
    starts = sorted({t.start for _a, _r, t in out})
    for _a, _r, term in out:
        following = starts[bisect.bisect_right(starts, term.start):]
        if following and term.stop() >= following[0]:
            term.end, term.end_reason, term.end_precision = following[0] - DAY, "successor", "day"


_RANK = {"day": 0, "month": 1, "year": 2}  # how coarse a precision is


def _within(day: pd.Timestamp, start: pd.Timestamp, terms: list[Span]) -> bool:
    """Whether ``day`` falls inside the year (or month) that coarse starts ``start`` stand for."""
    precisions = {t.start_precision for t in terms}
    if precisions <= {"year"}:
        return day.year == start.year
    if precisions <= {"year", "month"}:
        return (day.year, day.month) == (start.year, start.month)
    return False
