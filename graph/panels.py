"""Time series from tenures: timelines per ISCM and per State, and panel datasets for researchers.

Everything here reads a tenure table (:func:`graph.temporal.tenures`, ``ISCMGraph.tenures``), so
the years, joins and leaves agree with every other answer of the release.

The panels follow the shape researchers know from the Correlates of War IGO data: one row per
State, ISCM and year (``state_iscm_year``) and one row per pair of States and year with the number
of ISCMs both were members of (``dyad_year``). A State counts for a year if a tenure holds on any
day of it. The codebook is ``docs/panels.md``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import numpy as np
import pandas as pd

from graph import temporal

PANEL_COLUMNS = [
    "state", "state_label", "iscm", "iscm_label", "iscm_kind", "year", "role", "derived", "via",
    "start", "end", "start_inferred", "end_reason", "source_url", "as_of",
]
DYAD_COLUMNS = ["state_a", "state_b", "year", "joint_iscms", "iscms"]


def _years(first: int, last: int) -> range:
    return range(first, last + 1)


def _states_in_iscms(tenures: pd.DataFrame, roles: Iterable[str], *, kinds: Iterable[str] | None = None,
                     derivation: str = "all") -> pd.DataFrame:
    df = tenures[(tenures["organisation_type"] == "iscm") & (tenures["actor_type"] == "state")
                 & tenures["role"].isin(list(roles))]
    if kinds is not None:
        df = df[df["organisation_kind"].isin(list(kinds))]
    if derivation != "all":
        df = df[df["derived"] == (derivation == "derived")]
    return df


def state_iscm_year(tenures: pd.DataFrame, *, roles: Iterable[str] = ("member",), first_year: int | None = None,
                    last_year: int | None = None, kinds: Iterable[str] | None = None,
                    derivation: str = "all") -> pd.DataFrame:
    """One row per State, ISCM and year in which the State held one of ``roles``.

    Parameters
    ----------
    tenures : DataFrame
        A tenure table (``ISCMGraph.tenures``).
    roles : iterable of str, keyword-only
        Roles that count (default: members).
    first_year, last_year : int, optional
        The span (default: the earliest ISCM's start to the latest evidence or end).
    kinds, derivation
        As in :func:`graph.views.filter_memberships`.

    Returns
    -------
    DataFrame
        Columns :data:`PANEL_COLUMNS`, sorted by State, ISCM and year; the tenure's interval,
        evidence and source repeat on each of its years.

    Examples
    --------
    >>> t = temporal.tenures(temporal.example_claims(), release_date=dt.date(2024, 6, 1))
    >>> t["actor_type"], t["organisation_type"] = "state", "iscm"
    >>> p = state_iscm_year(t, first_year=2019, last_year=2022)
    >>> p.groupby("state")["year"].apply(list).to_dict()
    {'AUS': [2019, 2020, 2021, 2022], 'FRA': [2019, 2020]}
    """
    df = _states_in_iscms(tenures, roles, kinds=kinds, derivation=derivation)
    if df.empty:
        return pd.DataFrame(columns=PANEL_COLUMNS)
    last = last_year or max(int(df["as_of"].max().year), int(df["end"].max().year) if df["end"].notna().any() else 0)
    first = first_year or int(df["start"].min().year)
    start_year = df["start"].dt.year.clip(lower=first)
    end_year = df["end"].dt.year.fillna(last).astype(int).clip(upper=last)
    counts = (end_year - start_year + 1).clip(lower=0)
    rep = df.loc[df.index.repeat(counts)].copy()
    offsets = np.concatenate([np.arange(n) for n in counts]) if len(counts) else np.array([], dtype=int)
    rep["year"] = start_year.loc[rep.index].to_numpy() + offsets
    out = pd.DataFrame({
        "state": rep["actor_id"], "state_label": rep["actor_label"], "iscm": rep["organisation_id"],
        "iscm_label": rep["organisation_label"], "iscm_kind": rep["organisation_kind"], "year": rep["year"],
        "role": rep["role"], "derived": rep["derived"], "via": rep["via"],
        "start": rep["start"].dt.date, "end": rep["end"].dt.date, "start_inferred": rep["start_inferred"],
        "end_reason": rep["end_reason"], "source_url": rep["source_url"], "as_of": rep["as_of"].dt.date,
    })
    # one row per State, ISCM, role and year even where two tenures touch within a year
    out = out.drop_duplicates(["state", "iscm", "role", "year"], keep="last")
    return out.sort_values(["state", "iscm", "year", "role"]).reset_index(drop=True)[PANEL_COLUMNS]


def dyad_year(tenures: pd.DataFrame, *, roles: Iterable[str] = ("member",), first_year: int | None = None,
              last_year: int | None = None, kinds: Iterable[str] | None = None,
              derivation: str = "all") -> pd.DataFrame:
    """Joint membership per pair of States and year: how many ISCMs (and which) both were in.

    Only pairs with at least one joint ISCM in a year appear (the COW dyadic IGO data lists every
    pair; the zeros follow from the State list).

    Examples
    --------
    >>> t = temporal.tenures(temporal.example_claims(), release_date=dt.date(2024, 6, 1))
    >>> t["actor_type"], t["organisation_type"] = "state", "iscm"
    >>> dyad_year(t, first_year=2019, last_year=2022)[["state_a", "state_b", "year", "joint_iscms"]].values.tolist()
    [['AUS', 'FRA', 2019, 1], ['AUS', 'FRA', 2020, 1]]
    """
    panel = state_iscm_year(tenures, roles=roles, first_year=first_year, last_year=last_year, kinds=kinds,
                            derivation=derivation)
    if panel.empty:
        return pd.DataFrame(columns=DYAD_COLUMNS)
    # each State's ISCMs in a year as a bit mask; a pair's joint ISCMs are the bits both masks share
    codes = {iscm: i for i, iscm in enumerate(sorted(panel["iscm"].unique()))}
    if len(codes) > 63:  # pragma: no cover - one int64 mask holds 63 ISCMs; a larger graph needs blocks
        raise ValueError(f"dyad_year handles up to 63 ISCMs at once, got {len(codes)}")
    slim = panel[["state", "iscm", "year"]].drop_duplicates()
    slim = slim.assign(bit=np.left_shift(1, slim["iscm"].map(codes).to_numpy(dtype=np.int64)))
    masks = slim.groupby(["year", "state"])["bit"].sum().reset_index()
    names = {}
    frames = []
    for year, group in masks.groupby("year"):
        states, bits = group["state"].to_numpy(), group["bit"].to_numpy(dtype=np.int64)
        i, j = np.triu_indices(len(states), k=1)
        shared = bits[i] & bits[j]
        keep = shared != 0
        frames.append(pd.DataFrame({"state_a": states[i[keep]], "state_b": states[j[keep]], "year": year,
                                    "joint_iscms": np.bitwise_count(shared[keep]).astype(int),
                                    "mask": shared[keep]}))
    out = pd.concat(frames, ignore_index=True)
    order = sorted(codes, key=codes.get)
    for m in out["mask"].unique():
        names[m] = " ".join(order[k] for k in range(len(order)) if m >> k & 1)
    out["iscms"] = out["mask"].map(names)
    # states are sorted within a year (groupby), so state_a < state_b already
    return out.sort_values(["state_a", "state_b", "year"]).reset_index(drop=True)[DYAD_COLUMNS]


def counts_per_year(tenures: pd.DataFrame, *, organisation_id: str, roles: Iterable[str] = ("member", "observer"),
                    last_year: int | None = None) -> pd.DataFrame:
    """Actors per year and role for one ISCM, from its first tenure to ``last_year``.

    >>> t = temporal.tenures(temporal.example_claims(), release_date=dt.date(2024, 6, 1))
    >>> counts_per_year(t, organisation_id="igc", last_year=2022).tail(3).values.tolist()
    [[2020, 2, 0], [2021, 1, 0], [2022, 1, 0]]
    """
    roles = list(roles)
    df = tenures[(tenures["organisation_id"] == organisation_id) & tenures["role"].isin(roles)]
    if df.empty:
        return pd.DataFrame(columns=["year", *roles])
    last = last_year or dt.date.today().year
    rows = []
    for year in _years(int(df["start"].min().year), last):
        held = temporal.holding(df, as_of=year)
        rows.append([year, *(int(held[held["role"] == r]["actor_id"].nunique()) for r in roles)])
    return pd.DataFrame(rows, columns=["year", *roles])


def changes(tenures: pd.DataFrame, *, organisation_id: str | None = None, actor_id: str | None = None,
            roles: Iterable[str] | None = None) -> pd.DataFrame:
    """Joins and leaves, dated, with the reason a tenure ended and its source.

    A join at the ISCM's founding has ``basis`` ``established``; a start taken from the earliest
    evidence is marked ``inferred`` ("at least since").

    >>> t = temporal.tenures(temporal.example_claims(), release_date=dt.date(2024, 6, 1))
    >>> changes(t)[["date", "actor", "change", "reason"]].astype(str).values.tolist()[-1]
    ['2020-12-31', 'FRA', 'left', 'omitted']
    """
    df = tenures
    if organisation_id is not None:
        df = df[df["organisation_id"] == organisation_id]
    if actor_id is not None:
        df = df[df["actor_id"] == actor_id]
    if roles is not None:
        df = df[df["role"].isin(list(roles))]
    cols = ["organisation", "organisation_label", "actor", "actor_label", "role", "derived", "source_url"]
    base = pd.DataFrame({"organisation": df["organisation_id"], "organisation_label": df["organisation_label"],
                         "actor": df["actor_id"], "actor_label": df["actor_label"], "role": df["role"],
                         "derived": df["derived"], "source_url": df["source_url"]})
    joins = base.assign(date=df["start"], change="joined", reason=df["start_basis"],
                        display=[temporal.label(d, p, inferred=i) for d, p, i in
                                 zip(df["start"], df["start_precision"], df["start_inferred"], strict=True)])
    ended = df["end"].notna()
    leaves = base[ended].assign(date=df["end"][ended], change="left", reason=df["end_reason"][ended],
                                display=[temporal.label(d, p, inferred=i) for d, p, i in
                                         zip(df["end"][ended], df["end_precision"][ended], df["end_inferred"][ended],
                                             strict=True)])
    out = pd.concat([joins, leaves], ignore_index=True)
    out = out[["date", "display", "change", "reason", *cols]]
    out["date"] = pd.to_datetime(out["date"]).dt.date
    return out.sort_values(["date", "organisation", "actor", "change"]).reset_index(drop=True)
