"""Reading a tenure table as of a date: what an ``as_of`` means (a year, a month or a day), which
tenures hold then, the years a table spans, and a date as people should read it. The table itself
is built by :mod:`graph.temporal`, which hands these on (``temporal.holding`` is this ``holding``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterator

import pandas as pd

from graph.errors import ParameterError


def period(as_of: int | str | dt.date | None) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The period an ``as_of`` means: a whole year (``2010``), a month (``"2010-05"``) or one day.

    >>> [str(d.date()) for d in period(2010)]
    ['2010-01-01', '2010-12-31']
    >>> [str(d.date()) for d in period("2010-05-14")]
    ['2010-05-14', '2010-05-14']
    """
    if as_of is None:
        return None
    if isinstance(as_of, dt.date):
        day = pd.Timestamp(as_of)
        return day, day
    text = str(as_of).strip()
    parts = text.split("-")
    try:
        if len(parts) == 1:
            year = int(parts[0])
            return pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        if len(parts) == 2:
            start = pd.Timestamp(int(parts[0]), int(parts[1]), 1)
            return start, start + pd.offsets.MonthEnd(0)
        if text[5:] == "02-29" and not calendar.isleap(int(parts[0])):
            text = text[:8] + "28"  # the end of February, in a common year
        day = pd.Timestamp(dt.date.fromisoformat(text))
        return day, day
    except ValueError as exc:
        raise ParameterError(f"as_of must be a year (2010), a month (2010-05) or a date (2010-05-14), "
                            f"got {as_of!r}") from exc


def holding(table: pd.DataFrame, *, as_of: int | str | dt.date | None = None) -> pd.DataFrame:
    """The tenures that hold ``as_of`` (any day of a year or month), or on the release date.

    >>> from graph.temporal import example_claims, tenures
    >>> t = tenures(example_claims(), release_date=dt.date(2024, 6, 1))
    >>> len(holding(t)), len(holding(t, as_of="2021-06"))
    (1, 1)
    """
    if table.empty:
        return table
    if as_of is None:
        return table[table["current"].astype(bool)]
    start, end = period(as_of)
    return table[(table["start"] <= end) & (table["end"].isna() | (table["end"] >= start))]


def iter_years(table: pd.DataFrame) -> Iterator[int]:
    """The years a tenure table spans, from its earliest start to its latest evidence or end."""
    if table.empty:
        return iter(())
    first = int(table["start"].min().year)
    last = max(int(table["as_of"].max().year), int(table["end"].max().year) if table["end"].notna().any() else 0)
    return iter(range(first, last + 1))


def label(when: pd.Timestamp | None, precision: str | None, *, inferred: bool = False) -> str | None:
    """A date as people should read it: ``2015``, ``2015-05``, ``2015-05-14``; ``≈`` when inferred.

    >>> label(pd.Timestamp("2015-01-01"), "year", inferred=True)
    '≈2015'
    """
    if when is None or pd.isna(when):
        return None
    text = {"year": f"{when.year:04d}", "month": f"{when.year:04d}-{when.month:02d}"}.get(
        precision or "day", when.date().isoformat())
    return ("≈" if inferred else "") + text
