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
    lists a State an older one did not: read it with the sources.

    >>> rows = pd.DataFrame({
    ...     "organisation_id": ["x", "x", "x"], "organisation_type": "iscm", "actor_id": ["A", "B", "C"],
    ...     "actor_type": "state", "role": "member", "actor_region": None, "actor_subregion": None,
    ...     "start": pd.to_datetime(["2001-01-01", "2001-01-01", "2012-01-01"]),
    ...     "end": pd.to_datetime([None, "2010-12-31", None]), "complete_list": False,
    ...     "as_of": pd.to_datetime(["2020-01-01"] * 3), "via": None})
    >>> membership_changes(rows, 2005, 2015).values.tolist()
    [['x', 'B', 'left'], ['x', 'C', 'joined']]
    """
    def pairs(year: int) -> set[tuple[str, str]]:
        df = views.filter_memberships(memberships, roles=roles, as_of=year)
        df = df[df["actor_type"] == "state"]
        return set(zip(df["organisation_id"], df["actor_id"], strict=True))

    before, after = pairs(year_from), pairs(year_to)
    rows = [{"iscm": i, "state": s, "change": "joined"} for i, s in after - before]
    rows += [{"iscm": i, "state": s, "change": "left"} for i, s in before - after]
    df = pd.DataFrame(rows, columns=["iscm", "state", "change"])
    return df.sort_values(["iscm", "state"]).reset_index(drop=True)


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
