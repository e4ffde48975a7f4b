"""Dates and date ranges as reports write them ("30 November - 1 December 2016", "December 7-8, 2016")."""

from __future__ import annotations

import datetime as dt
import re

_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}
MONTH = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_DASH = r"\s*(?:[-–—]|to|and|until)\s*"
_START = r"(?<!Day )(?<![\d/])"  # "Day 1 – 30 November": the 1 is a day number, not a date
_Y1, _Y2 = r"(?P<y1>\d{4})", r"(?P<y2>\d{4})"
_DATE_PATTERNS = [re.compile(p, re.I) for p in [
    # 30 December 2016 - 2 January 2017
    rf"{_START}(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH})\s+{_Y1}{_DASH}(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+{_Y2}",
    # 30 November - 1 December 2016
    rf"{_START}(?P<d1>\d{{1,2}})\s+(?P<m1>{MONTH}){_DASH}(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+{_Y2}",
    # 7-8 December 2016
    rf"{_START}(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+{_Y2}",
    # December 7-8, 2016
    rf"(?P<m2>{MONTH})\s+(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}}),?\s+{_Y2}",
    # 7 December 2016
    rf"{_START}(?P<d2>\d{{1,2}})\s+(?P<m2>{MONTH})\s+{_Y2}",
    # December 7, 2016
    rf"(?P<m2>{MONTH})\s+(?P<d2>\d{{1,2}}),?\s+{_Y2}",
]]


def parse_date_range(text: str) -> tuple[dt.date, dt.date, re.Match[str]] | None:
    """The first date or date range in ``text`` (start, end, match); None if there is none."""
    for rx in _DATE_PATTERNS:
        for m in rx.finditer(text):
            g = m.groupdict()
            y2, m2, d2 = int(g["y2"]), _MONTHS[g["m2"].lower()], int(g["d2"])
            y1 = int(g.get("y1") or y2)
            m1 = _MONTHS[g["m1"].lower()] if g.get("m1") else m2
            d1 = int(g.get("d1") or d2)
            try:
                start, end = dt.date(y1, m1, d1), dt.date(y2, m2, d2)
            except ValueError:  # "31 November": not a date, try the next match
                continue
            if start > end and g.get("m1") and not g.get("y1"):  # "30 December - 2 January 2017"
                start = dt.date(y1 - 1, m1, d1)
            if start <= end:
                return start, end, m
    return None
