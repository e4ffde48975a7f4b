"""Change over time: the same views and measures as of two years, and what changed between them.

Memberships "as of" a year follow the time model (:mod:`graph.temporal`): a tenure holds in a year
if it holds on any day of it. Early years are only as complete as the older sources in ``data/``;
pass ``ISCMGraph.tenures`` to read the release's resolved table instead of resolving claims again.
"""

from __future__ import annotations

import pandas as pd

from graph import views


def membership_changes(memberships: pd.DataFrame, year_from: int, year_to: int, *,
                       roles: str = "members") -> pd.DataFrame:
    """Which States joined or left which ISCMs between ``year_from`` and ``year_to``.

    Columns ``iscm``, ``state``, ``change`` (``joined`` or ``left``), read from ``year_from`` to
    ``year_to`` (an earlier ``year_to`` looks backwards). A "joined" may also mean a newer source
    lists a State an older one did not: read it with the sources. Given tenures (the time model's
    output, with ``start_inferred`` and ``start_basis``), each row also carries the evidence for the
    tenure holding at the later end: ``since`` (as people read it, "≈2014" when inferred),
    ``start_inferred`` (the start is only the earliest evidence: "first named ≈2014", not a join
    date), ``start_basis`` and ``source``.

    >>> rows = pd.DataFrame({
    ...     "organisation_id": ["x", "x", "x"], "organisation_type": "iscm", "actor_id": ["A", "B", "C"],
    ...     "actor_type": "state", "role": "member", "actor_region": None, "actor_subregion": None,
    ...     "start": pd.to_datetime(["2001-01-01", "2001-01-01", "2012-01-01"]),
    ...     "end": pd.to_datetime([None, "2010-12-31", None]), "complete_list": False,
    ...     "as_of": pd.to_datetime(["2020-01-01"] * 3), "via": None})
    >>> membership_changes(rows, 2005, 2015).values.tolist()
    [['x', 'B', 'left'], ['x', 'C', 'joined']]
    """
    def held(year: int) -> pd.DataFrame:
        df = views.filter_memberships(memberships, roles=roles, as_of=year)
        return df[df["actor_type"] == "state"]

    before, after = held(year_from), held(year_to)
    pairs = [set(zip(d["organisation_id"], d["actor_id"], strict=True)) for d in (before, after)]
    rows = [{"iscm": i, "state": s, "change": "joined"} for i, s in pairs[1] - pairs[0]]
    rows += [{"iscm": i, "state": s, "change": "left"} for i, s in pairs[0] - pairs[1]]
    df = pd.DataFrame(rows, columns=["iscm", "state", "change"])
    df = df.sort_values(["iscm", "state"]).reset_index(drop=True)
    if not {"start_inferred", "start_basis"} <= set(memberships.columns):
        return df
    return df.merge(_evidence(after, before), how="left", on=["iscm", "state"])


def _evidence(after: pd.DataFrame, before: pd.DataFrame) -> pd.DataFrame:
    """Per (ISCM, State): the tenure that makes the later (joined) or earlier (left) end hold — a
    named one before one held through a bloc, then the earliest start."""
    from graph import temporal

    df = pd.concat([after, before]).sort_values(["derived", "start"], na_position="last", kind="stable")
    df = df.drop_duplicates(["organisation_id", "actor_id"])
    return pd.DataFrame({
        "iscm": df["organisation_id"], "state": df["actor_id"],
        "since": [temporal.label(d, p, inferred=i) for d, p, i in
                  zip(df["start"], df["start_precision"], df["start_inferred"], strict=True)],
        "start_inferred": df["start_inferred"].astype(bool), "start_basis": df["start_basis"],
        "derived": df["derived"].astype(bool), "source": df["source_url"].fillna(df["source"])})


def size_over_time(memberships: pd.DataFrame, years: list[int], *, roles: str = "members") -> pd.DataFrame:
    """ISCM × year table of member counts (States), by the newest-claim rule for each year."""
    out = {}
    for y in years:
        df = views.filter_memberships(memberships, roles=roles, as_of=y)
        df = df[df["actor_type"] == "state"]
        out[y] = df.groupby("organisation_id")["actor_id"].nunique()
    table = pd.DataFrame(out).fillna(0).astype(int)
    table.index.name = "iscm"
    return table.sort_index()
