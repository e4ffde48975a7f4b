"""The time model: from dated membership claims to tenures — who held which role, when.

Every answer about time (profiles, lists, maps, analytics, panels, the SPARQL-visible
``iscm:current`` flag) is read from the tenure table this module builds; nothing else decides
whether a membership holds. The rules, in the order they apply:

1. **Lifetimes.** An ISCM runs from its establishment to its end: ``ended``, ``dormant_since`` or
   its succession (``succeeded_by`` with a year). No tenure starts before it or runs past it;
   tenures of an ended ISCM end when it ended and are kept as history.
2. **Evidence.** A dated list is evidence that its members held the role on that date. A tenure
   runs from its explicit ``since`` (else from its earliest evidence: "at least since") to its
   explicit ``until``, or to the first later *complete* list for that ISCM and role that omits
   the actor ("ended between the last evidence and that list"), or to an exit, or stays open.
   Where two sources of the same date disagree, presence wins.
3. **Blocs.** A membership derived through a bloc (``via``: the EU, the UN, ...) holds only inside
   the ISCM's lifetime, the bloc's participation (the ``via`` claim's own period) and the State's
   tenure in the bloc — exits and suspensions included.
4. **Exclusive roles.** Member, observer and former member of one ISCM exclude each other: a later
   claim in another of these roles ends the earlier tenure (the newer source wins for "now"; the
   older stays as history), and a State named as observer is not a member through its bloc
   meanwhile. One source listing an actor in two of them is a build error (:mod:`graph.checks`
   checks it, with file and line).
5. **Rotating roles.** A chair's or presidency's term ends when the successor's starts, unless a
   source gives its end; co-chairs are their own role. Two sole chairs never hold at once
   (:mod:`graph.rotation`).
6. **Suspensions** (role ``suspended``, with a period) cut the tenures of that actor in that body
   — and, for a bloc, every tenure derived through it.
7. **Inferred dates** stay flagged: a start taken from evidence is "at least since"
   (``start_inferred``), an end set by an undated source's list or exit is ``end_inferred``, and
   every date keeps its precision (``year``/``month``/``day``).
8. **"Current"** means as of the release date kept in the manifest, and nothing else: the build
   writes the ``current`` column and the ``iscm:current`` flags from the same table.

Examples
--------
>>> claims = example_claims()
>>> t = tenures(claims, release_date=dt.date(2024, 6, 1))
>>> t[t["actor_id"] == "FRA"][["start", "end", "end_reason"]].astype(str).values.tolist()
[['2009-01-01', '2020-12-31', 'omitted']]
>>> sorted(holding(t)["actor_id"])          # as of the release date
['AUS']
>>> sorted(holding(t, as_of=2010)["actor_id"])
['AUS', 'FRA']
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from graph.asof import holding as holding
from graph.asof import iter_years as iter_years
from graph.asof import label as label
from graph.asof import period as period
from graph.columns import TENURE_COLUMNS
from graph.errors import ISCMError
from graph.rotation import rotating_terms
from graph.spans import DAY, FAR_FUTURE, FAR_PAST, Hole, Span, merge_spans, point, subtract
from graph.tables import read_table, write_table

#: roles that exclude each other for one actor in one body
EXCLUSIVE_ROLES = ("member", "observer", "former-member")
#: roles held in turn: a term ends when the next one starts
ROTATING_ROLES = ("chair", "co-chair", "presidency-pro-tempore")
#: roles that modify other tenures instead of being held
MODIFIER_ROLES = ("former-member", "suspended")

#: why a tenure ended (``end_reason``); None means it is open
END_REASONS = {
    "until": "the source gives the end",
    "omitted": "a later complete list omits it (ended between last evidence and that list)",
    "exit": "a later source records the exit",
    "role-change": "a later source gives another role (e.g. observer → member)",
    "successor": "the next chair's term started",
    "suspended": "suspended (the suspension has its own period)",
    "iscm-ended": "the ISCM ended",
    "iscm-dormant": "the ISCM went dormant",
    "iscm-succeeded": "the ISCM was succeeded by another",
    "bloc-exit": "the actor left the bloc it took part through",
    "bloc-ended": "the bloc's participation ended",
}


class TemporalError(ISCMError, ValueError):
    """The claims contradict the time model (e.g. two sole chairs at once from one source)."""


# ---------------------------------------------------------------------------------- lifetimes
@dataclass(frozen=True)
class Lifetime:
    """An organisation's lifetime as the claims table carries it (columns ``organisation_start``…)."""

    start: pd.Timestamp | None
    end: pd.Timestamp | None
    end_reason: str | None
    end_inferred: bool = False

    def clamp(self, span: Span) -> Span | None:
        """The part of ``span`` inside this lifetime (None if nothing is left)."""
        if self.start is not None and span.start < self.start:
            span.start, span.start_basis, span.start_precision = self.start, "established", "year"
            span.start_inferred = False
        if self.end is not None and span.stop() > self.end:
            span.end, span.end_reason, span.end_precision = self.end, self.end_reason, "day"
            span.end_inferred = self.end_inferred
        if span.end is not None and span.end < span.start:
            return None
        return span


def _lifetimes(claims: pd.DataFrame) -> dict[str, Lifetime]:
    out: dict[str, Lifetime] = {}
    cols = ("organisation_start", "organisation_end", "organisation_end_reason", "organisation_end_inferred")
    if not set(cols) <= set(claims.columns):
        return out
    first = claims.drop_duplicates("organisation_id")
    for row in first.to_dict("records"):
        oid = row["organisation_id"]
        start = row["organisation_start"] if pd.notna(row["organisation_start"]) else None
        end = row["organisation_end"] if pd.notna(row["organisation_end"]) else None
        reason = row["organisation_end_reason"] if isinstance(row["organisation_end_reason"], str) else None
        out[str(oid)] = Lifetime(start, end, reason if end is not None else None,
                                 bool(row["organisation_end_inferred"]) and end is not None)
    return out


# ---------------------------------------------------------------------------------- evidence walk
def _walk(recs: list[dict], idxs: Iterable[int], absences: list[tuple[pd.Timestamp, str, bool]]) -> list[Span]:
    """Spans of one (organisation, actor, role) from its claims and the dates it is known absent."""
    events: list[tuple[pd.Timestamp, int, str, int | None]] = []  # (date, order, kind, row index)
    for idx in idxs:
        since, seen, until = point(recs[idx])
        if since is not None:
            events.append((since, 0, "open", idx))
        events.append((seen, 1, "seen", idx))
        if until is not None:
            events.append((until, 3, "until", idx))
    present_on = {e[0] for e in events if e[2] in ("open", "seen")}
    inferred_on = {when for when, _why, inferred in absences if inferred}
    for when, why, _inferred in absences:
        if when not in present_on:  # same-date disagreement: presence wins
            events.append((when, 2, why, None))
    events.sort(key=lambda e: (e[0], e[1]))
    spans: list[Span] = []
    cur: Span | None = None
    for when, _order, kind, idx in events:
        if kind in ("open", "seen"):
            row = recs[idx]
            if cur is None:
                explicit = kind == "open"
                cur = Span(start=when, end=None,
                            start_precision=(row["start_precision"] if explicit else row["as_of_precision"]) or "day",
                            start_inferred=not explicit or False,
                            start_basis="explicit" if explicit else "evidence")
                if not explicit and row["as_of_inferred"]:
                    cur.start_basis = "inferred-evidence"
                spans.append(cur)
            cur.rows.append(idx)
            if kind == "seen":
                cur.last_seen = max(cur.last_seen or when, when)
        elif cur is not None and kind == "until":
            cur.rows.append(idx)
            # an explicit end holds unless later evidence of the same claim's list reopens it
            cur.end, cur.end_reason = when, "until"
            cur.end_precision = recs[idx]["end_precision"] or "day"
            cur = None
        elif cur is not None:  # an absence; from an undated source, the end is flagged, not hidden
            cur.end, cur.end_reason, cur.end_precision = when - DAY, kind, "day"
            cur.end_inferred = when in inferred_on
            cur = None
    return spans


# ---------------------------------------------------------------------------------- the table
def _iri(*parts: object) -> str:
    digest = hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:12]
    return f"https://w3id.org/iscm/id/tenure/{digest}"


def _absences(claims: pd.DataFrame) -> dict[tuple[str, str, str], list[tuple[pd.Timestamp, str, bool]]]:
    """For each (organisation, actor, role): the dates it is known *not* to hold the role, why, and
    whether that date was inferred (an undated source: the tenure's end is then flagged inferred)."""
    out: dict[tuple[str, str, str], list[tuple[pd.Timestamp, str, bool]]] = defaultdict(list)
    named = claims[claims["via"].isna()]
    # complete lists: grouped by organisation, role and date (same-date lists from several sources are merged)
    complete = named[named["complete_list"] & ~named["role"].isin(MODIFIER_ROLES)]
    actors_of = named[~named["role"].isin(MODIFIER_ROLES)].groupby(["organisation_id", "role"])["actor_id"].unique()
    for (oid, role, when), group in complete.groupby(["organisation_id", "role", "as_of"]):
        listed = set(group["actor_id"])
        inferred = bool(group["as_of_inferred"].all())
        for actor in actors_of.get((oid, role), ()):
            if actor not in listed:
                out[(oid, actor, role)].append((when, "omitted", inferred))
    # exits: a former-member claim ends the membership at its `until`, else by its date
    for row in named[named["role"] == "former-member"].itertuples(index=False):
        when = row.end if pd.notna(row.end) else row.as_of
        out[(row.organisation_id, row.actor_id, "member")].append(
            (when + DAY if pd.notna(row.end) else when, "exit", pd.isna(row.end) and bool(row.as_of_inferred)))
    # role changes among member / observer: the other role's evidence is this one's absence
    exclusive = named[named["role"].isin(("member", "observer"))]
    for (oid, actor), group in exclusive.groupby(["organisation_id", "actor_id"]):
        if group["role"].nunique() < 2:
            continue
        for row in group.itertuples(index=False):
            other = "observer" if row.role == "member" else "member"
            when = row.start if pd.notna(row.start) else row.as_of
            out[(oid, actor, other)].append((when, "role-change", pd.isna(row.start) and bool(row.as_of_inferred)))
    return out


def _suspensions(claims: pd.DataFrame) -> dict[tuple[str, str], list[Hole]]:
    out: dict[tuple[str, str], list[Hole]] = defaultdict(list)
    for row in claims[claims["role"] == "suspended"].itertuples(index=False):
        start = row.start if pd.notna(row.start) else row.as_of
        end = row.end if pd.notna(row.end) else FAR_FUTURE
        out[(row.organisation_id, row.actor_id)].append((start, end, "suspended"))
    return out


def tenures(claims: pd.DataFrame, *, release_date: dt.date | None = None) -> pd.DataFrame:
    """Resolve every membership claim into tenures (one row per actor, body, role and period).

    Parameters
    ----------
    claims : DataFrame
        The claims table (:func:`graph.views.memberships`): one row per sourced claim, with the
        lifetime of its organisation in ``organisation_start`` / ``organisation_end`` /
        ``organisation_end_reason``.
    release_date : date, optional
        What "current" means: the release date from the manifest (default: today, for tables
        that do not come from a release).

    Returns
    -------
    DataFrame
        Columns :data:`TENURE_COLUMNS`. ``start``/``end`` are inclusive (``end`` NaT = open);
        ``start_inferred`` marks "at least since" starts taken from evidence; ``end_reason`` says
        why a tenure ended (:data:`END_REASONS`); ``derived`` marks tenures held through a bloc
        (``via``); ``claims`` lists the claim IRIs it rests on; ``current`` = holds on the release date.

    Raises
    ------
    TemporalError
        If the claims table lacks the columns the model needs.

    Examples
    --------
    >>> t = tenures(example_claims(), release_date=dt.date(2024, 6, 1))
    >>> t[["actor_id", "role", "current"]].values.tolist()
    [['AUS', 'member', True], ['FRA', 'member', False]]
    """
    missing = {"organisation_id", "actor_id", "role", "start", "end", "as_of", "complete_list", "via"} - set(claims)
    if missing:
        raise TemporalError(f"not a claims table: missing columns {sorted(missing)}")
    if claims.empty:
        return pd.DataFrame(columns=TENURE_COLUMNS)
    claims = _normalise(claims)
    recs = claims.to_dict("records")
    suspensions = _suspensions(claims)
    spans = _named_spans(claims, recs)
    # bloc tenures first (named members of unions and IGOs, less their suspensions), then what is
    # derived through them
    spans += _derived_spans(claims, recs, spans, suspensions)
    return _table(recs, _pieces(recs, spans, suspensions, _lifetimes(claims)), release_date)


Spans = list[tuple[str, str, str, Span, bool]]  # (organisation, actor, role, span, derived)


def _named_spans(claims: pd.DataFrame, recs: list[dict]) -> Spans:
    """The spans of the roles sources name directly (rules 2, 4 and 5)."""
    absences = _absences(claims)
    spans: Spans = []
    held = claims[~claims["role"].isin(MODIFIER_ROLES)]
    named = held[held["via"].isna()]
    rotating = named["role"].isin(ROTATING_ROLES)
    # groupby(...).groups: labels of `claims` rows (the positions of `recs`)
    for (oid, role), labels in named[rotating].groupby(["organisation_id", "role"]).groups.items():
        spans.extend((oid, actor, held_as, s, False) for actor, held_as, s in rotating_terms(recs, labels, role))
    for (oid, actor, role), labels in named[~rotating].groupby(["organisation_id", "actor_id", "role"]).groups.items():
        spans.extend((oid, actor, role, s, False)
                     for s in _walk(recs, labels, absences.get((oid, actor, role), [])))
    return spans


def _derived_spans(claims: pd.DataFrame, recs: list[dict], spans: Spans,
                   suspensions: dict[tuple[str, str], list[Hole]]) -> Spans:
    """The spans held through a bloc (rule 3): inside the ``via`` claim's period and the actor's own
    membership of the bloc, less the bloc's suspensions of it."""
    bloc_spans: dict[tuple[str, str], list[Span]] = defaultdict(list)
    for oid, actor, role, s, _d in spans:
        if role == "member":
            holes = suspensions.get((oid, actor), [])
            bloc_spans[(oid, actor)].extend(subtract(s, holes) if holes else [s])
    held = claims[~claims["role"].isin(MODIFIER_ROLES)]
    out: Spans = []
    for idx in held[held["via"].notna()].index:
        row = recs[idx]
        for bs in bloc_spans.get((row["via"], row["actor_id"]), []):
            span = _through_bloc(row, idx, bs)
            if span is not None:
                out.append((row["organisation_id"], row["actor_id"], row["role"], span, True))
    return out


def _through_bloc(row: dict, idx: int, bs: Span) -> Span | None:
    """The part of the bloc tenure ``bs`` inside the period of the ``via`` claim ``row`` (None: none)."""
    since, _seen, until = point(row)
    window_start = since if since is not None else FAR_PAST
    window_end = until if until is not None else FAR_FUTURE
    start, end = max(bs.start, window_start), min(bs.stop(), window_end)
    if end < start:
        return None
    from_bloc = bs.start >= window_start
    span = Span(start=start, end=None if end == FAR_FUTURE else end,
                start_precision=bs.start_precision if from_bloc else (row["start_precision"] or "day"),
                start_inferred=bs.start_inferred if from_bloc else False,
                start_basis="bloc-" + bs.start_basis if from_bloc else "explicit",
                last_seen=bs.last_seen, rows=[idx, *bs.rows])
    if span.end is not None:
        span.end_reason = "bloc-exit" if bs.end is not None and bs.end <= window_end else "bloc-ended"
        if bs.end_reason == "suspended" and bs.end == span.end:
            span.end_reason = "suspended"
        span.end_precision = "day"
    return span


def _pieces(recs: list[dict], spans: Spans, suspensions: dict[tuple[str, str], list[Hole]],
            lifetimes: dict[str, Lifetime]) -> dict[tuple[str, str, str], list[tuple[Span, bool]]]:
    """Each span less its suspensions (rule 6) and, derived, its observer spells; clamped to the
    organisation's lifetime (rule 1)."""
    # a State a source names as observer is not a member through its bloc meanwhile (the named,
    # more specific claim wins over the bloc rule)
    observing: dict[tuple[str, str], list[Hole]] = defaultdict(list)
    for oid, actor, role, span, is_derived in spans:
        if role == "observer" and not is_derived:
            observing[(oid, actor)].append((span.start, span.stop(), "role-change"))
    pieces: dict[tuple[str, str, str], list[tuple[Span, bool]]] = defaultdict(list)
    for oid, actor, role, span, is_derived in spans:
        holes = list(suspensions.get((oid, actor), []))
        if is_derived:
            holes += suspensions.get((oid, recs[span.rows[0]]["via"]), [])
            if role == "member":
                holes += observing.get((oid, actor), [])
        life = lifetimes.get(oid)
        for piece in (subtract(span, holes) if holes else [span]):
            if life is None or life.clamp(piece) is not None:
                pieces[(oid, actor, role)].append((piece, is_derived))
    return pieces


def _table(recs: list[dict], pieces: dict[tuple[str, str, str], list[tuple[Span, bool]]],
           release_date: dt.date | None) -> pd.DataFrame:
    """One row per merged span, ``current`` as of the release date (rule 8)."""
    rows = [_row(recs, oid, actor, role, span, is_derived)
            for (oid, actor, role), found in pieces.items()
            for span, is_derived in merge_spans(found)]
    if not rows:
        return pd.DataFrame(columns=TENURE_COLUMNS)
    out = pd.DataFrame(rows)
    for col in ("start", "end", "last_seen", "as_of"):
        out[col] = pd.to_datetime(out[col])
    when = pd.Timestamp(release_date or dt.date.today())
    out["current"] = (out["start"] <= when) & (out["end"].isna() | (out["end"] >= when))
    out = out[TENURE_COLUMNS]
    return out.sort_values(["organisation_id", "role", "actor_id", "start"]).reset_index(drop=True)


def _normalise(claims: pd.DataFrame) -> pd.DataFrame:
    claims = claims.reset_index(drop=True).copy()
    for col, default in (("as_of_precision", "day"), ("start_precision", None), ("end_precision", None),
                         ("as_of_inferred", False), ("organisation_kind", None), ("organisation_status", None)):
        if col not in claims:
            claims[col] = default
    claims["as_of_inferred"] = claims["as_of_inferred"].fillna(False).astype(bool)
    for col in ("as_of_precision", "start_precision", "end_precision"):
        claims[col] = claims[col].where(claims[col].notna(), None)
    claims["via"] = claims["via"].where(claims["via"].notna(), None)
    # "former member from 1973 until 2020" also says it was a member then: a member claim for that period
    past = claims[(claims["role"] == "former-member") & claims["start"].notna()]
    if not past.empty:
        claims = pd.concat([claims, past.assign(role="member", complete_list=False)], ignore_index=True)
    return claims


def _row(recs: list[dict], oid: str, actor: str, role: str, span: Span, is_derived: bool) -> dict:
    own = [recs[i] for i in span.rows]
    # the row speaks for its newest evidence; every claim it rests on is listed in `claims`
    newest = max(own, key=lambda r: r["as_of"])
    first = own[0]
    via = next((r["via"] for r in own if r["via"]), None) if is_derived else None
    return {
        "membership": _iri(oid, actor, role, span.start),
        "organisation": first.get("organisation"), "organisation_id": oid,
        "organisation_label": first.get("organisation_label"), "organisation_type": first.get("organisation_type"),
        "organisation_kind": first.get("organisation_kind"), "organisation_status": first.get("organisation_status"),
        "actor": first.get("actor"), "actor_id": actor, "actor_label": first.get("actor_label"),
        "actor_type": first.get("actor_type"), "actor_region": first.get("actor_region"),
        "actor_subregion": first.get("actor_subregion"),
        "role": role, "start": span.start, "start_precision": span.start_precision,
        "start_inferred": bool(span.start_inferred), "start_basis": span.start_basis,
        "end": span.end, "end_precision": span.end_precision, "end_reason": span.end_reason,
        "end_inferred": bool(span.end_inferred),
        "last_seen": span.last_seen, "derived": is_derived, "via": via,
        "as_of": newest["as_of"], "as_of_precision": newest["as_of_precision"] or "day",
        "as_of_inferred": bool(newest["as_of_inferred"]),
        "source": newest.get("source"), "source_url": newest.get("source_url"),
        "complete_list": any(bool(r["complete_list"]) for r in own), "evidence": len(own),
        "claims": " ".join(sorted({r["membership"] for r in own if isinstance(r.get("membership"), str)})),
        "graph": first.get("graph"),
    }


# ---------------------------------------------------------------------------------- files
_TENURE_DATES = ("start", "end", "last_seen", "as_of")
_TENURE_BOOLS = ("start_inferred", "end_inferred", "derived", "as_of_inferred", "complete_list", "current")


def write_tenures(table: pd.DataFrame, path: Path) -> None:
    """Save a tenure table with its release (read back by :func:`read_tenures`)."""
    write_table(table, path)


def read_tenures(path: Path) -> pd.DataFrame:
    """A tenure table saved by :func:`write_tenures`, with its dtypes."""
    try:
        df = read_table(path, columns=TENURE_COLUMNS, dates=_TENURE_DATES, flags=_TENURE_BOOLS, what="tenure table")
    except ValueError as exc:
        raise TemporalError(str(exc)) from None
    df["evidence"] = df["evidence"].astype(int)
    df["claims"] = df["claims"].fillna("")
    return df


def example_claims() -> pd.DataFrame:
    """Claims for doctests: the IGC's complete lists of 2009 and 2021 (France left in between)."""
    rows = [("igc", "AUS", "2009-06-04"), ("igc", "FRA", "2009-06-04"), ("igc", "AUS", "2021-01-01")]
    df = pd.DataFrame(rows, columns=["organisation_id", "actor_id", "as_of"])
    df["as_of"] = pd.to_datetime(df["as_of"])
    df["as_of_precision"] = ["day", "day", "year"]
    df["membership"] = [f"claim-{i}" for i in range(len(df))]
    df["role"], df["complete_list"], df["via"] = "member", True, None
    df["start"] = pd.to_datetime(["2009-01-01", "2009-01-01", None])
    df["start_precision"] = ["year", "year", None]
    df["end"] = pd.NaT
    df["organisation_start"] = pd.Timestamp("1985-01-01")
    df["organisation_end"] = pd.NaT
    df["organisation_end_reason"] = None
    df["organisation_end_inferred"] = False
    return df
