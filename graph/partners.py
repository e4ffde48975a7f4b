"""Capacity-building actions and liaison networks as tables: what ``/api/actions``,
``/api/networks`` and the expert flows read.

Actions and networks come from two homes — curated files (``data/programmes/``, ``data/networks/``)
and documents ingested earlier (``data/documents/``) — and are read here the same way: one row per
action, network or deployment, list columns joined by ``;``, every row with its source and as-of
date. Dates keep the precision the source gave (``2009-09``, ``2015``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from graph import queries
from graph.store import Store
from graph.temporal import period

ACTION_COLUMNS = ["id", "title", "programme", "status", "region", "partners", "requesting_authority",
                  "requesting_actor", "topic", "themes", "experts_from", "non_state_experts_from",
                  "expert_types", "start", "end", "source", "as_of", "home"]
DEPLOYMENT_COLUMNS = ["network", "network_label", "host", "covers", "place", "deployed_by", "purpose", "since",
                      "until", "officers", "approximate", "source", "as_of", "home"]
NETWORK_COLUMNS = ["id", "label", "acronym", "parent", "legal_basis", "officers", "approximate", "deployments",
                   "hosts", "deployed_by", "since", "source", "as_of"]
FLOW_COLUMNS = ["expert_state", "partner", "actions", "first_start", "action_ids"]


def _table(store: Store, name: str) -> pd.DataFrame:
    return store.select_table(queries.text(f"partners.{name}"))


def _short(value: object) -> str | None:
    """The id at the end of an entity IRI (``…/state/AGO`` → ``AGO``)."""
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NA:
        return None
    return str(value).rstrip("/").rsplit("/", 1)[-1]


def _first(*values: object) -> str | None:
    for v in values:
        if v is not None and not (isinstance(v, float) and pd.isna(v)) and v is not pd.NA:
            return str(v)
    return None


def _dates(df: pd.DataFrame) -> pd.DataFrame:
    """``start``/``end`` as the source gave them: a year, a month or a day."""
    for side in ("start", "end"):
        cols = [f"{side}_{p}" for p in ("year", "month", "date")]
        df[side] = [_first(*(r.get(c) for c in cols)) for r in df.to_dict("records")] if len(df) else []
    return df


def _source(df: pd.DataFrame) -> pd.Series:
    rows = df.to_dict("records")
    return pd.Series([_first(r.get("url"), f"{r['doc']}, {r['loc']}" if _first(r.get("doc")) else None)
                      for r in rows], index=df.index, dtype=object)


def _joined(store: Store, name: str) -> dict[str, str]:
    """A multi-valued property (the named query ``partners.<name>``) → ``{subject IRI: "A;B"}``, ids sorted."""
    df = _table(store, name)
    if df.empty:
        return {}
    df["v"] = df["v"].map(lambda v: _short(v) if str(v).startswith("http") else v)
    return df.groupby("x")["v"].agg(lambda s: ";".join(sorted(set(s)))).to_dict()


def actions(store: Store) -> pd.DataFrame:
    """Every capacity-building action, one row each.

    Columns: ``id``, ``title``, ``programme``, ``status``, ``region``, ``partners`` (the countries or
    organisations it served), ``requesting_authority`` (as the source words it), ``requesting_actor``
    (the State or organisation of that authority), ``topic``, ``themes``, ``experts_from``
    (expert-providing States), ``non_state_experts_from``, ``expert_types`` (academia, NGO, …),
    ``start``/``end`` (with the source's precision), ``source``, ``as_of`` and ``home`` (``curated``
    or the ingested document's id). List columns are ``;``-joined ids.
    """
    df = _table(store, "actions")
    if df.empty:
        return pd.DataFrame(columns=ACTION_COLUMNS)
    df = _dates(df)
    df["source"] = _source(df)
    df["requesting_authority"] = [_first(n, d[len("Requesting authority: "):] if isinstance(d, str) else None)
                                  for n, d in zip(df["req_name"], df["req_desc"], strict=True)]
    df["requesting_actor"] = df["req_actor"].map(_short)
    df["home"] = df["g"].map(lambda g: "curated" if str(g).endswith("/graph/curated") else _short(g))
    for col, name in (("partners", "action-partners"), ("experts_from", "action-experts-from"),
                      ("non_state_experts_from", "action-non-state-experts-from"),
                      ("expert_types", "action-expert-types"), ("themes", "action-themes")):
        values = _joined(store, name)
        df[col] = [values.get(x, "") for x in df["x"]]
    df = df.sort_values(["id", "as_of"]).drop_duplicates("id", keep="last")
    return df[ACTION_COLUMNS].reset_index(drop=True)


def deployments(store: Store) -> pd.DataFrame:
    """Every liaison deployment: network, host country, countries also covered, place, who deploys,
    purpose (posting or fact-finding), ``since``/``until`` with their precision, officer count,
    source and as-of date."""
    df = _table(store, "deployments")
    if df.empty:
        return pd.DataFrame(columns=DEPLOYMENT_COLUMNS)
    df = _dates(df).rename(columns={"start": "since", "end": "until"})
    df["source"] = _source(df)
    df["host"] = df["host"].map(_short)
    df["home"] = df["g"].map(lambda g: "curated" if str(g).endswith("/graph/curated") else _short(g))
    for col, name in (("deployed_by", "deployment-deployed-by"), ("covers", "deployment-covers")):
        values = _joined(store, name)
        df[col] = [values.get(x, "") for x in df["x"]]
    df = df.drop_duplicates("x")
    df = df.sort_values(["network", "host", "since"], na_position="last")
    return df[DEPLOYMENT_COLUMNS].reset_index(drop=True)


def networks(store: Store, deps: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every liaison network, one row: label (the curated name where there is one), acronym, parent
    network, legal bases, the newest officer count, how many deployments and to which host countries,
    who deploys, the earliest ``since`` of its deployments, and the source and date of the newest count."""
    df = _table(store, "networks")
    if df.empty:
        return pd.DataFrame(columns=NETWORK_COLUMNS)
    df["label"] = [_first(c, a) for c, a in zip(df["curated_label"], df["label"], strict=True)]
    # several sources may give a count: the curated claims say which is newest
    counts = _table(store, "officer-counts")
    newest: dict[str, dict] = {}
    if not counts.empty:
        counts["source"] = _source(counts)
        for r in counts.sort_values("as_of").to_dict("records"):
            newest[r["n"]] = r
    basis = _joined(store, "network-legal-basis")
    deps = deployments(store) if deps is None else deps
    out = []
    for r in df.drop_duplicates("n").sort_values("id").to_dict("records"):
        mine = deps[deps["network"] == r["id"]]
        count = newest.get(r["n"], {})
        sinces = [s for s in mine["since"].dropna()]
        out.append({
            "id": r["id"], "label": r["label"], "acronym": _first(r.get("acronym")), "parent": _first(r.get("parent")),
            "legal_basis": basis.get(r["n"], "").replace(";", "; ") if basis.get(r["n"]) else "",
            "officers": _first(count.get("value"), r.get("officers")),
            "approximate": _first(count.get("approximate"), r.get("approximate")),
            "deployments": len(mine), "hosts": ";".join(sorted(set(mine["host"].dropna()))),
            "deployed_by": ";".join(sorted({d for v in mine["deployed_by"] for d in str(v).split(";") if d})),
            "since": min(sinces) if sinces else None,
            "source": _first(count.get("source")), "as_of": _first(count.get("as_of"))})
    return pd.DataFrame(out, columns=NETWORK_COLUMNS)


def _started_by(starts: Iterable[object], as_of: int | str | None) -> list[bool]:
    bounds = period(as_of)
    if bounds is None:
        return [True for _ in starts]
    return [isinstance(s, str) and pd.Timestamp(_first_day(s)) <= bounds[1] for s in starts]


def _first_day(value: str) -> str:
    return {4: value + "-01-01", 7: value + "-01"}.get(len(value), value)


def expert_flows(table: pd.DataFrame, *, as_of: int | str | None = None, programme: str | None = None) -> pd.DataFrame:
    """Expert flows: expert-providing State → partner country or organisation, one row per pair,
    weighted by the number of actions.

    Parameters
    ----------
    table : pandas.DataFrame
        The actions, as :func:`actions` returns them (``experts_from`` and ``partners`` ``;``-joined).
    as_of : int or str, optional
        Count only actions that had started by the end of this year, month or date (``2015``,
        ``"2015-06"``); actions without a known start are then left out. Default: every action.
    programme : str, optional
        Only the actions of this programme (``mieux``).

    Returns
    -------
    pandas.DataFrame
        Columns ``expert_state``, ``partner``, ``actions`` (count of distinct actions),
        ``first_start`` (the earliest start among them) and ``action_ids`` (``;``-joined), sorted by
        count, then by the pair.

    Examples
    --------
    >>> acts = pd.DataFrame({"id": ["mieux-a", "mieux-b", "mieux-c"], "programme": "mieux",
    ...                      "experts_from": ["NLD;PRT", "NLD", "ESP"], "partners": ["AGO", "AGO", "CPV"],
    ...                      "start": ["2009-09", "2012", "2016-03"]})
    >>> expert_flows(acts)[["expert_state", "partner", "actions"]].values.tolist()
    [['NLD', 'AGO', 2], ['ESP', 'CPV', 1], ['PRT', 'AGO', 1]]
    >>> expert_flows(acts, as_of=2010)[["expert_state", "partner", "actions"]].values.tolist()
    [['NLD', 'AGO', 1], ['PRT', 'AGO', 1]]
    """
    rows = table
    if programme is not None:
        rows = rows[rows["programme"] == programme]
    rows = rows[_started_by(rows["start"], as_of)] if len(rows) else rows
    pairs = [(e, p, r["id"], r["start"]) for r in rows.to_dict("records")
             for e in str(r.get("experts_from") or "").split(";") if e
             for p in str(r.get("partners") or "").split(";") if p]
    if not pairs:
        return pd.DataFrame(columns=FLOW_COLUMNS)
    df = pd.DataFrame(pairs, columns=["expert_state", "partner", "action", "start"])
    out = (df.groupby(["expert_state", "partner"])
           .agg(actions=("action", "nunique"),
                first_start=("start", lambda s: min((v for v in s if isinstance(v, str)), default=None)),
                action_ids=("action", lambda s: ";".join(sorted(set(s)))))
           .reset_index())
    out = out.sort_values(["actions", "expert_state", "partner"], ascending=[False, True, True])
    return out[FLOW_COLUMNS].reset_index(drop=True)
