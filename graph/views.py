"""Tables and networkx views projected from the RDF graph.

We project the relations we mean — memberships with their role and period, cooperation between
ISCMs and organisations — never every triple: labels, rdf:type and provenance nodes would become
fake hubs and distort every centrality measure.

All tables come out of one SPARQL query each, so they are the same on every store backend.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import networkx as nx
import pandas as pd

from graph.namespace import SPARQL_PREFIXES
from graph.store import SelectResult, Store

MEMBERSHIP_COLUMNS = [
    "membership", "organisation", "organisation_id", "organisation_label", "organisation_type",
    "actor", "actor_id", "actor_label", "actor_type", "role", "start", "end", "as_of",
    "source", "source_url", "complete_list", "via",
]

# Oxigraph joins the label lookups badly when they sit in one query with the OPTIONALs (seconds
# instead of milliseconds), so the table is assembled from three simple queries.
MEMBERSHIPS_QUERY = SPARQL_PREFIXES + """
SELECT ?membership ?organisation ?actor ?r ?start ?end ?as_of ?complete_list ?via WHERE {
  ?membership a org:Membership ; org:organization ?organisation ; org:member ?actor ; org:role ?r ;
      iscm:asOf ?as_of .
  OPTIONAL { ?membership org:memberDuring ?i1 . ?i1 time:hasBeginning ?b . ?b time:inXSDDate ?start }
  OPTIONAL { ?membership org:memberDuring ?i2 . ?i2 time:hasEnd ?e . ?e time:inXSDDate ?end }
  OPTIONAL { ?membership iscm:completeList ?complete_list }
  OPTIONAL { ?membership iscm:via ?v . ?v dcterms:identifier ?via }
}"""

ENTITIES_QUERY = SPARQL_PREFIXES + """
SELECT ?entity ?id ?label ?type WHERE {
  ?entity dcterms:identifier ?id ; skos:prefLabel ?label .
  OPTIONAL { VALUES (?class ?type) { (iscm:ISCM "iscm") (iscm:RegionalUnion "union") (iscm:State "state") }
             ?entity a ?class }
}"""

MEMBERSHIP_SOURCES_QUERY = SPARQL_PREFIXES + """
SELECT ?membership ?source ?source_url WHERE {
  ?membership a org:Membership ; prov:wasDerivedFrom ?source .
  OPTIONAL { ?source foaf:page ?source_url }
}"""


def _frame(store: Store, query: str) -> pd.DataFrame:
    result = store.query(query)
    assert isinstance(result, SelectResult)
    return pd.DataFrame(result.records(), columns=result.variables)


def entities(store: Store) -> pd.DataFrame:
    """Every identified entity: IRI, id, label and type (iscm, union, state or organisation)."""
    df = _frame(store, ENTITIES_QUERY)
    # an entity may match several classes (a union is also an IGO): keep the most specific type
    rank = {"iscm": 0, "union": 1, "state": 2}
    df["_rank"] = df["type"].map(rank).fillna(9)
    df = df.sort_values(["entity", "_rank"]).drop_duplicates("entity").drop(columns="_rank")
    df["type"] = df["type"].fillna("organisation")
    return df.reset_index(drop=True)


def memberships(store: Store) -> pd.DataFrame:
    """Every membership fact (all roles, all dates, every source's claim) as one table.

    Columns: ``membership`` (IRI), ``organisation_id`` and ``organisation_type`` (iscm, union,
    organisation), ``actor_id`` (ISO alpha-3 for States), ``actor_type`` (state, iscm,
    organisation), ``role`` (member, observer, chair, ...), ``start``/``end`` (dates or NaT),
    ``as_of``, ``source_url``, ``complete_list``, ``via`` (the union a membership follows, if any).
    """
    core = _frame(store, MEMBERSHIPS_QUERY)
    if core.empty:
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS)
    core["role"] = core.pop("r").str.rsplit("/", n=1).str[-1]
    ents = entities(store).set_index("entity")
    for side in ("organisation", "actor"):
        core[f"{side}_id"] = core[side].map(ents["id"])
        core[f"{side}_label"] = core[side].map(ents["label"])
        core[f"{side}_type"] = core[side].map(ents["type"])
    sources = _frame(store, MEMBERSHIP_SOURCES_QUERY).sort_values(["membership", "source"])
    first = sources.drop_duplicates("membership").set_index("membership")
    core["source"] = core["membership"].map(first["source"])
    core["source_url"] = core["membership"].map(first["source_url"])
    df = core.dropna(subset=["organisation_id", "actor_id"]).copy()
    for col in ("start", "end", "as_of"):
        df[col] = pd.to_datetime(df[col], errors="coerce")
    df["complete_list"] = df["complete_list"].fillna(False).astype(bool)
    df = df[MEMBERSHIP_COLUMNS]
    return df.sort_values(["organisation_id", "role", "actor_id", "as_of"], kind="stable").reset_index(drop=True)


def resolve(df: pd.DataFrame, *, year: int | None = None, today: dt.date | None = None) -> pd.DataFrame:
    """The memberships that hold in ``year`` (or today), by the newest-claim rule.

    Sources disagree and age, so every claim is kept in the graph; this decides which hold:

    1. A claim counts for the period if its explicit start is before the period's end (or, with
       no start, if its source is dated by then) and its end, if any, is not before the period.
    2. For each organisation and role, the newest *complete* list counts, with every newer
       partial claim added to it; older claims without an explicit end are superseded.
    3. A former-member claim ends a membership unless a member claim is newer than the exit
       (the exit's ``until`` date, or else the date of the source saying so).

    Examples
    --------
    >>> rows = pd.DataFrame({
    ...     "organisation_id": ["igc"] * 4, "actor_id": ["AUS", "FRA", "AUS", "AUT"],
    ...     "role": ["member", "member", "member", "former-member"],
    ...     "start": pd.NaT, "end": pd.NaT, "complete_list": [True, True, True, False],
    ...     "as_of": pd.to_datetime(["2009-06-04", "2009-06-04", "2021-01-01", "2019-01-01"])})
    >>> sorted(resolve(rows, today=dt.date(2024, 1, 1))["actor_id"])   # the 2021 list supersedes 2009
    ['AUS']
    >>> sorted(resolve(rows, year=2010)["actor_id"])
    ['AUS', 'FRA']
    """
    if df.empty:
        return df
    if year is None:
        ref = pd.Timestamp(today or dt.date.today())
        period_start = period_end = ref
    else:
        period_start, period_end = pd.Timestamp(dt.date(year, 1, 1)), pd.Timestamp(dt.date(year, 12, 31))
    known = (df["start"].notna() & (df["start"] <= period_end)) | (df["start"].isna() & (df["as_of"] <= period_end))
    claims = df[known & (df["end"].isna() | (df["end"] >= period_start))]

    holding = claims[claims["role"] != "former-member"]
    baseline = (holding[holding["complete_list"]].groupby(["organisation_id", "role"])["as_of"].max()
                .rename("_baseline"))
    holding = holding.join(baseline, on=["organisation_id", "role"])
    keep = holding["_baseline"].isna() | (holding["as_of"] >= holding["_baseline"]) | holding["end"].notna()
    holding = holding[keep].drop(columns="_baseline")

    exits = df[(df["role"] == "former-member") & (df["as_of"] <= period_end)].copy()
    if not exits.empty:
        exits["_exit"] = exits["end"].fillna(exits["as_of"])
        exits = exits[exits["_exit"] <= period_end]
        last_exit = exits.groupby(["organisation_id", "actor_id"])["_exit"].max().rename("_exit")
        newest_member = (holding[holding["role"] == "member"].groupby(["organisation_id", "actor_id"])["as_of"]
                         .max().rename("_newest"))
        gone = pd.concat([last_exit, newest_member], axis=1).dropna()
        gone = gone[gone["_exit"] >= gone["_newest"]].index
        if len(gone):
            idx = pd.MultiIndex.from_frame(holding[["organisation_id", "actor_id"]])
            holding = holding[~(idx.isin(gone) & (holding["role"] == "member").to_numpy())]
    return holding


def active_in(df: pd.DataFrame, year: int | None) -> pd.DataFrame:
    """Memberships holding in ``year``, or today when ``year`` is None (see :func:`resolve`)."""
    return resolve(df, year=year)


def bipartite(store_or_df: Store | pd.DataFrame, *, roles: Iterable[str] = ("member",),
              as_of: int | None = None, organisation_types: Iterable[str] = ("iscm",)) -> nx.Graph:
    """The bipartite actor–ISCM graph: an edge per actor holding one of ``roles`` in an ISCM.

    Nodes carry ``bipartite`` (0 for actors, 1 for ISCMs), ``label`` and ``type``; edges carry the
    ``roles`` held, and the ``sources`` of those claims.
    """
    df = store_or_df if isinstance(store_or_df, pd.DataFrame) else memberships(store_or_df)
    df = active_in(df, as_of)
    df = df[df["role"].isin(list(roles)) & df["organisation_type"].isin(list(organisation_types))]
    g = nx.Graph()
    for row in df.itertuples(index=False):
        g.add_node(row.actor_id, bipartite=0, label=row.actor_label, type=row.actor_type)
        g.add_node(row.organisation_id, bipartite=1, label=row.organisation_label, type=row.organisation_type)
        if g.has_edge(row.actor_id, row.organisation_id):
            data = g.edges[row.actor_id, row.organisation_id]
            data["roles"].add(row.role)
            data["sources"].add(row.source_url)
        else:
            g.add_edge(row.actor_id, row.organisation_id, roles={row.role}, sources={row.source_url})
    return g
