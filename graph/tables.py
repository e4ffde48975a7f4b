"""The release's tables on disk — gzipped CSV written with a fixed form, read back with their
dtypes — and the one rule for a table cell that holds nothing (None, NaN, NaT, pd.NA).

Plain text (no code runs on load, unlike pickle), byte-identical for identical tables (the gzip
header carries no time), and read in a fraction of the time the queries that made them take.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd


def write_table(df: pd.DataFrame, path: Path) -> None:
    """Save ``df`` as gzipped CSV, dates as ``YYYY-MM-DD``."""
    df.to_csv(path, index=False, date_format="%Y-%m-%d",
              compression={"method": "gzip", "compresslevel": 5, "mtime": 0})


def read_table(path: Path, *, columns: list[str], dates: Iterable[str] = (), flags: Iterable[str] = (),
               what: str = "table") -> pd.DataFrame:
    """A table saved by :func:`write_table`: strings, NA for empty cells, ``dates`` as timestamps and
    ``flags`` as booleans.

    Raises
    ------
    ValueError
        If the file's columns are not ``columns`` (a table of another kind or version).
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    if list(df.columns) != columns:
        raise ValueError(f"{path}: not a {what} (columns {list(df.columns)})")
    for col in dates:
        df[col] = pd.to_datetime(df[col], errors="coerce")
    for col in flags:
        df[col] = df[col].map({"True": True, "False": False}).fillna(False).astype(bool)
    return df


def missing(value: Any) -> bool:
    """A cell that holds nothing: None, NaN, NaT or pd.NA (never raises on lists or strings).

    >>> missing(None), missing(float("nan")), missing(pd.NaT), missing(pd.NA), missing(""), missing([1])
    (True, True, True, True, False, False)
    """
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and value != value  # NaN is the one float not equal to itself


def text(value: Any) -> str | None:
    """A cell as text for JSON or a label: None when missing, a timestamp as its ISO date.

    >>> text(pd.Timestamp("2020-05-01")), text(float("nan")), text(3)
    ('2020-05-01', None, '3')
    """
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def plain(value: Any) -> Any:
    """A cell as a plain JSON value: None when missing, ISO dates, numpy scalars as Python ones.

    >>> import numpy as np
    >>> plain(np.int64(3)), plain(pd.NaT), plain("x")
    (3, None, 'x')
    """
    if missing(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return value
