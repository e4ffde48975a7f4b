"""What changed between two releases, claim by claim: ``iscm diff``, ``/api/changes`` and each
release's ``CHANGELOG.md``.

Two kinds of facts are compared: membership claims (the membership table) and ISCM facts (status,
establishment, themes, succession, union association, cooperation: the ``facts.csv.gz`` table saved
with each release). A claim is identified by what it says and who says it — organisation, actor,
role (or property), source (and, for multi-valued facts, the value); its dates and flags are what can
change. So a source re-read at a later date shows as *changed*, an end date added as *ended*, a
claim no longer made as *removed*.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from graph import countries, queries, views
from graph.errors import UnknownEntityError
from graph.store import Store
from graph.tables import text

FACTS_FILE = "facts.csv.gz"
FACT_COLUMNS = ["subject_id", "property", "value", "source", "source_url", "as_of", "detail"]
CHANGE_COLUMNS = ["change", "kind", "organisation", "actor", "what", "before", "after", "source"]
# single-valued: a new value from the same source is a change; otherwise the value is part of the identity
SINGLE_VALUED = {"status", "established"}

def facts(store: Store) -> pd.DataFrame:
    """Every ISCM fact claim of a store, one row per claim and source, in a canonical order."""
    df = store.select_table(queries.text("release.facts"))
    if df.empty:
        return pd.DataFrame(columns=FACT_COLUMNS)
    df = df[FACT_COLUMNS].drop_duplicates()
    return df.sort_values(FACT_COLUMNS, na_position="first").reset_index(drop=True)


def write_facts(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0})


def read_facts(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False).replace({"": None})[FACT_COLUMNS]


def release_tables(release: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(membership table, facts table) of a published release folder."""
    from graph.loader import open_store
    from graph.releases import MEMBERSHIPS_FILE

    if not (release / "manifest.json").is_file():
        raise UnknownEntityError("release", release.name)
    saved = release / MEMBERSHIPS_FILE
    store = None
    if saved.is_file():
        members = views.read_memberships(saved)
    else:
        store = open_store(release)
        members = views.memberships(store)
    if (release / FACTS_FILE).is_file():
        fact_table = read_facts(release / FACTS_FILE)
    else:  # a release from before facts tables were saved
        fact_table = facts(store or open_store(release))
    return members, fact_table


def _text(value: object) -> str:
    return text(value) or ""


def _membership_claims(df: pd.DataFrame) -> dict[tuple, tuple]:
    out: dict[tuple, set] = {}
    for row in df.itertuples(index=False):
        source = _text(row.source_url) or _text(row.source)
        key = ("membership", row.organisation_id, row.actor_id, row.role, source, _text(row.via))
        state = (f"as of {_text(row.as_of)}", f"since {_text(row.start) or '?'}", f"until {_text(row.end) or '—'}",
                 "complete list" if row.complete_list else "partial list")
        out.setdefault(key, set()).add(state)
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _fact_claims(df: pd.DataFrame) -> dict[tuple, tuple]:
    out: dict[tuple, set] = {}
    for row in df.itertuples(index=False):
        source = _text(row.source_url) or _text(row.source)
        single = row.property in SINGLE_VALUED
        key = ("fact", row.subject_id, "", row.property, source, "" if single else _text(row.value))
        detail = f" ({row.detail})" if _text(row.detail) else ""
        out.setdefault(key, set()).add((f"{_text(row.value)}{detail}", f"as of {_text(row.as_of)}"))
    return {k: tuple(sorted(v)) for k, v in out.items()}


def _show(states: tuple) -> str:
    return "; ".join(", ".join(s) for s in states)


def diff(before: tuple[pd.DataFrame, pd.DataFrame], after: tuple[pd.DataFrame, pd.DataFrame]) -> pd.DataFrame:
    """Claims added, removed, changed and ended from ``before`` to ``after`` (each: membership table,
    facts table), one row per claim, ordered by organisation, actor and what."""
    a = {**_membership_claims(before[0]), **_fact_claims(before[1])}
    b = {**_membership_claims(after[0]), **_fact_claims(after[1])}
    rows = []
    for key in sorted(set(a) | set(b)):
        kind, organisation, actor, what, source, extra = key
        if key not in a:
            change = "added"
        elif key not in b:
            change = "removed"
        elif a[key] != b[key]:
            was_open = any("until —" in s for s in a[key]) if kind == "membership" else False
            now_closed = all("until —" not in s for s in b[key]) if kind == "membership" else False
            change = "ended" if was_open and now_closed else "changed"
        else:
            continue
        label = f"{what} {extra}".strip() if kind == "fact" and extra else what
        if kind == "membership" and extra:
            label = f"{what} (via {extra})"
        rows.append({"change": change, "kind": kind, "organisation": organisation, "actor": actor or None,
                     "what": label, "before": _show(a[key]) if key in a else None,
                     "after": _show(b[key]) if key in b else None, "source": source})
    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


def summary(changes: pd.DataFrame) -> dict[str, int]:
    return {c: int((changes["change"] == c).sum()) for c in ("added", "removed", "changed", "ended")}


def changelog(changes: pd.DataFrame, *, release: str, previous: str | None, version: str | None = None,
              built_at: str | None = None, cite: str | None = None) -> str:
    """The Markdown CHANGELOG section of a release: counts, then changes by ISCM and by State."""
    out = io.StringIO()
    when = f" — built {built_at}" if built_at else ""
    out.write(f"## {release}" + (f" (version {version})" if version else "") + f"{when}\n\n")
    if cite:
        out.write(f"How to cite: {cite}\n\n")
    if previous is None:
        out.write("First release in this build folder: every claim is new.\n\n")
    else:
        out.write(f"Changes since {previous}, claim by claim (a claim: who says which fact, with its dates).\n\n")
    counts = summary(changes)
    out.write(", ".join(f"{n} {c}" for c, n in counts.items()) + "\n")
    if changes.empty or previous is None:
        return out.getvalue()
    out.write("\n### By ISCM, union or organisation\n\n")
    for org, group in changes.groupby("organisation", sort=True):
        out.write(f"- **{org}**\n")
        for row in group.itertuples(index=False):
            who = f" {_text(row.actor)}" if _text(row.actor) else ""
            now = _text(row.after) or _text(row.before)
            was = f" (was: {row.before})" if row.change in ("changed", "ended") else ""
            out.write(f"  - {row.change}: {row.what}{who} — {now}{was} [{row.source}]\n")
    states = changes[changes["actor"].fillna("").str.fullmatch(countries.ALPHA3.pattern)]
    if not states.empty:
        out.write("\n### By State\n\n")
        for code, group in states.groupby("actor", sort=True):
            items = ", ".join(f"{r.change} {r.what} of {r.organisation}" for r in group.itertuples(index=False))
            out.write(f"- **{code}**: {items}\n")
    return out.getvalue()
