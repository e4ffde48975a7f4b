"""The release's tables on disk: gzipped CSV written with a fixed form, read back with their dtypes.

Plain text (no code runs on load, unlike pickle), byte-identical for identical tables (the gzip
header carries no time), and read in a fraction of the time the queries that made them take.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

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
