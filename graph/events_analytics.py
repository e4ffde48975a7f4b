"""Meetings as tables and networks: who met, where, under which ISCM, and which ISCMs met together.

:func:`events` reads every ``iscm:Event`` of a release (curated ``data/events/`` and ingested
documents) into one DataFrame, one row per meeting with its source and as-of date;
:func:`filter_events` selects by ISCM, State, year and level (the REST ``/api/events`` uses it);
:func:`iscm_network` and :func:`state_network` are the "attended together" relations: two ISCMs
(or two States) are linked when they took part in the same meeting, weighted by how many.
"""

from __future__ import annotations

from itertools import combinations

import networkx as nx
import pandas as pd

from graph import countries, queries
from graph.store import Store

LIST_COLUMNS = ("hosts", "chairs", "organisers", "participants", "iscms")
COLUMNS = ["id", "title", "iscm", "level", "start", "end", "place", "country", *LIST_COLUMNS,
           "participants_complete", "outcome", "outcome_url", "source", "as_of", "as_of_inferred", "note"]



# One simple pattern per column (graph/queries.py "events."), joined in pandas: rdflib evaluates a
# dozen OPTIONALs over every event far too slowly (minutes at 275 events), while each of these is
# one small join on any backend.
def _part(store: Store, name: str) -> pd.DataFrame:
    df = store.select_table(queries.text(f"events.part-{name}"))
    return df.dropna().drop_duplicates("id") if not df.empty else pd.DataFrame(columns=["id", "v"])


def events(store: Store) -> pd.DataFrame:
    """Every meeting in the release, one row each, sorted by start date.

    Columns: ``id``, ``title``, ``iscm`` (the ISCM it was held under, if any), ``level``,
    ``start``/``end`` (ISO dates: the first and last day the source's precision allows), ``place``,
    ``country`` (alpha-3 of the venue), ``hosts``, ``chairs``, ``organisers``, ``participants`` and
    ``iscms`` (the other ISCMs that took part) as sorted lists of ids, ``participants_complete``,
    ``outcome`` and ``outcome_url``, ``source`` (URL, or document and locator), ``as_of``,
    ``as_of_inferred``, ``note``.
    """
    ids = store.select_table(queries.text("events.ids"))
    if ids.empty:
        return pd.DataFrame(columns=COLUMNS)
    base = ids.drop_duplicates("id").set_index("id")
    for col in queries.EVENT_PARTS:
        base[col] = _part(store, col).set_index("id")["v"].reindex(base.index)
    base["level"] = base["level"].str.rsplit("/", n=1).str[-1]
    url = base["url"]
    doc = base["document"].fillna("") + ", " + base["locator"].fillna("")
    base["source"] = url.where(url.notna(), doc.where(base["document"].notna()))
    for col in ("participants_complete", "as_of_inferred"):
        base[col] = base[col].eq("true")
    for col in queries.EVENT_ROLES:
        rows = store.select_table(queries.text(f"events.role-{col}"))
        lists = rows.groupby("id")["v"].agg(lambda s: sorted(set(s))) if not rows.empty else pd.Series(dtype=object)
        base[col] = [lists.get(i, []) for i in base.index]
    df = base.reset_index()[COLUMNS]
    return df.sort_values(["start", "id"], na_position="last").reset_index(drop=True)


def _years(df: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    first = pd.to_numeric(df["start"].str[:4], errors="coerce")
    last = pd.to_numeric(df["end"].fillna(df["start"]).str[:4], errors="coerce")
    return first, last


def filter_events(df: pd.DataFrame, *, iscm: str | None = None, state: str | None = None,
                  role: str | None = None, year: int | None = None, year_from: int | None = None,
                  year_to: int | None = None, level: str | None = None) -> pd.DataFrame:
    """The meetings matching every given filter.

    ``iscm``: held under it or attended by it; ``state``: a State (or organisation) that hosted,
    chaired or took part — ``role`` (``host``, ``chair``, ``participant``) narrows to one of these;
    ``year``: took place (partly) in that year; ``year_from``/``year_to``: overlaps that span.

    >>> df = pd.DataFrame({"id": ["a", "b"], "iscm": ["igc", None], "level": ["expert", "global-meeting"],
    ...     "start": ["2009-06-01", "2019-04-02"], "end": [None, "2019-04-03"],
    ...     "hosts": [[], ["CHE"]], "chairs": [["CAN"], []], "participants": [[], []], "iscms": [[], ["igc"]]})
    >>> list(filter_events(df, iscm="igc")["id"]), list(filter_events(df, state="CHE", year=2019)["id"])
    (['a', 'b'], ['b'])
    """
    keep = pd.Series(True, index=df.index)
    if iscm:
        keep &= (df["iscm"] == iscm) | df["iscms"].map(lambda xs: iscm in xs)
    if state:
        cols = {"host": ["hosts"], "chair": ["chairs"], "participant": ["participants"]}.get(
            role or "", ["hosts", "chairs", "participants"])
        hit = pd.Series(False, index=df.index)
        for col in cols:
            hit |= df[col].map(lambda xs: state in xs)
        keep &= hit
    if level:
        keep &= df["level"] == level
    if year is not None or year_from is not None or year_to is not None:
        first, last = _years(df)
        lo = year if year is not None else year_from
        hi = year if year is not None else year_to
        if lo is not None:
            keep &= last >= lo
        if hi is not None:
            keep &= first <= hi
    return df[keep].reset_index(drop=True)


def as_table(df: pd.DataFrame) -> pd.DataFrame:
    """The same rows with list columns joined by ``;`` — for CSV and flat JSON."""
    out = df.copy()
    for col in LIST_COLUMNS:
        if col in out:
            out[col] = out[col].map(lambda xs: ";".join(xs) if isinstance(xs, list) else xs)
    return out


def _cooccurrence(groups: list[tuple[str, list[str]]]) -> nx.Graph:
    G = nx.Graph()
    for event_id, members in groups:
        members = sorted(set(members))
        G.add_nodes_from(members)
        for a, b in combinations(members, 2):
            if G.has_edge(a, b):
                G[a][b]["weight"] += 1
                G[a][b]["events"].append(event_id)
            else:
                G.add_edge(a, b, weight=1, events=[event_id])
    return G


def iscm_network(df: pd.DataFrame) -> nx.Graph:
    """ISCM–ISCM network from joint meetings: an edge for every pair of ISCMs that took part in the
    same meeting (the ISCM it was held under and the ``iscms`` that attended), with ``weight`` = the
    number of shared meetings and ``events`` = their ids. Every ISCM with a meeting is a node.

    >>> df = pd.DataFrame({"id": ["gm-2009", "bp-2019"], "iscm": [None, "bali-process"],
    ...                    "iscms": [["bali-process", "igc", "rcm"], ["igc"]]})
    >>> G = iscm_network(df)
    >>> G["bali-process"]["igc"]["weight"], G["igc"]["rcm"]["events"]
    (2, ['gm-2009'])
    """
    groups = []
    for row in df.itertuples(index=False):
        members = list(row.iscms)
        if isinstance(row.iscm, str):
            members.append(row.iscm)
        groups.append((row.id, members))
    return _cooccurrence(groups)


def state_network(df: pd.DataFrame) -> nx.Graph:
    """State–State "attended together" network: States named as host, chair or participant of the
    same meeting, ``weight`` = shared meetings. Only meetings with such lists contribute.

    >>> df = pd.DataFrame({"id": ["m"], "hosts": [["MAR"]], "chairs": [[]], "participants": [["ESP", "FRA"]]})
    >>> sorted(state_network(df).edges())
    [('ESP', 'FRA'), ('ESP', 'MAR'), ('FRA', 'MAR')]
    """
    groups = []
    for row in df.itertuples(index=False):
        members = [a for a in [*row.hosts, *row.chairs, *row.participants] if countries.looks_alpha3(a)]
        groups.append((row.id, members))
    return _cooccurrence(groups)


def network_edges(G: nx.Graph) -> pd.DataFrame:
    """An attended-together network as an edge table (``a``, ``b``, ``weight``, ``events``), heaviest first."""
    rows = [{"a": a, "b": b, "weight": d["weight"], "events": ";".join(d["events"])}
            for a, b, d in G.edges(data=True)]
    df = pd.DataFrame(rows, columns=["a", "b", "weight", "events"])
    swap = df["a"] > df["b"]
    df.loc[swap, ["a", "b"]] = df.loc[swap, ["b", "a"]].to_numpy()
    return df.sort_values(["weight", "a", "b"], ascending=[False, True, True]).reset_index(drop=True)
