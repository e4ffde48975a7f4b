"""Compare two ISCMs: the States in both, only in the first, only in the second — as of a date.

One row per State, with each side's role, interval (as people read it: "2006", "≈2015"), whether the
start is only the earliest evidence, whether the State is named or held through a bloc, and the
source. The web page's "Compare ISCMs" screen, ``/api/compare`` and Python give the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from graph import temporal, views

SIDES = ("both", "only_a", "only_b")
COLUMNS = ["state", "state_label", "region", "subregion", "in",
           "a_role", "a_since", "a_until", "a_start_inferred", "a_derived", "a_via", "a_source",
           "b_role", "b_since", "b_until", "b_start_inferred", "b_derived", "b_via", "b_source"]


def _side(tenures: pd.DataFrame, iscm: str) -> pd.DataFrame:
    """One tenure per State: named before derived, then the earliest start (the longest-standing claim)."""
    df = tenures[(tenures["organisation_id"] == iscm) & (tenures["actor_type"] == "state")]
    df = df.sort_values(["actor_id", "derived", "start"], na_position="last", kind="stable")
    df = df.drop_duplicates("actor_id")
    return pd.DataFrame({
        "state": df["actor_id"], "state_label": df["actor_label"], "region": df["actor_region"],
        "subregion": df["actor_subregion"], "role": df["role"],
        "since": [temporal.label(d, p, inferred=i) for d, p, i in
                  zip(df["start"], df["start_precision"], df["start_inferred"], strict=True)],
        "until": [temporal.label(d, p, inferred=i) for d, p, i in
                  zip(df["end"], df["end_precision"], df["end_inferred"], strict=True)],
        "start_inferred": df["start_inferred"].astype(bool), "derived": df["derived"].astype(bool),
        "via": df["via"], "source": df["source_url"].fillna(df["source"])}).set_index("state")


def compare(tenures: pd.DataFrame, a: str, b: str, *, as_of: int | str | None = None,
            roles: str | Iterable[str] = "members", derivation: str = "all",
            which: Iterable[str] = SIDES) -> pd.DataFrame:
    """States holding ``roles`` in ISCM ``a`` and/or ``b`` as of ``as_of`` (release date if None).

    ``in`` is ``both``, ``only_a`` or ``only_b``; rows sorted by that, then by the State's name.

    >>> t = temporal.tenures(temporal.example_claims(), release_date=pd.Timestamp("2024-06-01").date())
    >>> t = t.assign(organisation_type="iscm", actor_type="state")
    >>> t2 = t[t["actor_id"] == "AUS"].assign(organisation_id="other")
    >>> compare(pd.concat([t, t2]), "igc", "other", as_of=2010)[["state", "in"]].values.tolist()
    [['AUS', 'both'], ['FRA', 'only_a']]
    >>> compare(pd.concat([t, t2]), "igc", "other", as_of=2022)[["state", "in"]].values.tolist()
    [['AUS', 'both']]
    """
    held = views.filter_memberships(tenures, roles=roles, as_of=as_of, derivation=derivation)
    left, right = _side(held, a), _side(held, b)
    out = left.add_prefix("a_").join(right.add_prefix("b_"), how="outer")
    for col in ("state_label", "region", "subregion"):
        out[col] = out["a_" + col].combine_first(out["b_" + col])
    has_a, has_b = out["a_role"].notna(), out["b_role"].notna()
    out["in"] = ["both" if x and y else "only_a" if x else "only_b" for x, y in zip(has_a, has_b, strict=True)]
    out = out.reset_index().rename(columns={"index": "state", "actor_id": "state"})
    out = out[out["in"].isin(list(which))]
    order = {s: i for i, s in enumerate(SIDES)}
    out = out.assign(_o=out["in"].map(order), _n=out["state_label"].astype(str).str.casefold())
    out = out.sort_values(["_o", "_n", "state"], kind="stable")
    return out[COLUMNS].reset_index(drop=True)


def counts(df: pd.DataFrame) -> dict[str, int]:
    """How many States are in both, only in A, only in B."""
    return {s: int((df["in"] == s).sum()) for s in SIDES}
