"""Tables and networkx views projected from the RDF graph.

We project the relations we mean — memberships with their role and period, cooperation between
ISCMs and organisations — never every triple: labels, rdf:type and provenance nodes would become
fake hubs and distort every centrality measure.

All tables come out of SPARQL queries, so they are the same on every store backend; the build
saves the membership table with each release (:func:`write_memberships`), and loading a local
release reads it instead of querying again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from pathlib import Path

import networkx as nx
import pandas as pd

from graph import queries, temporal
from graph.columns import MEMBERSHIP_COLUMNS
from graph.store import Store
from graph.tables import missing, read_table, write_table

_DATE_COLUMNS = ("start", "end", "as_of", "organisation_start", "organisation_end")

# one flat query per property, joined in pandas (why: graph/queries.py); the joins below keep the
# SPARQL semantics (inner for required, left for optional)
MEMBERSHIP_PARTS = {k: queries.text(f"membership.{k}") for k in queries.MEMBERSHIP_REQUIRED}
MEMBERSHIP_OPTIONAL_PARTS = {k: queries.text(f"membership.{k}") for k in queries.MEMBERSHIP_OPTIONAL}


def _frame(store: Store, query: str) -> pd.DataFrame:
    # strings straight from the store's result serialiser (booleans as true/false on every backend):
    # at 100x the per-cell rdflib terms of store.query took most of a minute for the membership table
    return store.select_table(query)


def entities(store: Store) -> pd.DataFrame:
    """Every identified entity: IRI, id, label and type (iscm, union, state or organisation)."""
    df = _frame(store, queries.text("views.entities"))
    # an entity may match several classes (a union is also an IGO): keep the most specific type
    rank = {"iscm": 0, "union": 1, "state": 2, "network": 3, "action": 4, "event": 5}
    df["_rank"] = df["type"].map(rank).fillna(9)
    df = df.sort_values(["entity", "_rank"]).drop_duplicates("entity").drop(columns="_rank")
    df["type"] = df["type"].fillna("organisation")
    return df.reset_index(drop=True)


def memberships(store: Store) -> pd.DataFrame:
    """Every membership fact (all roles, all dates, every source's claim) as one table.

    Columns: ``membership`` (IRI), ``organisation_id`` and ``organisation_type`` (iscm, union,
    organisation), ``actor_id`` (ISO alpha-3 for States), ``actor_type`` (state, iscm,
    organisation), ``role`` (member, observer, chair, ...), ``start``/``end`` (dates or NaT),
    ``as_of``, ``source_url``, ``complete_list``, ``via`` (the union a membership follows, if any),
    ``graph`` (the named graph: curated data, or the document it was ingested from).
    """
    core = _frame(store, MEMBERSHIP_PARTS["membership"])
    if core.empty:
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS)
    for name, query in MEMBERSHIP_PARTS.items():
        if name != "membership":
            core = core.merge(_frame(store, query), on="membership", how="inner")
    for query in MEMBERSHIP_OPTIONAL_PARTS.values():
        core = core.merge(_frame(store, query), on="membership", how="left")
    if core.empty:
        return pd.DataFrame(columns=MEMBERSHIP_COLUMNS)
    core["role"] = core.pop("r").str.rsplit("/", n=1).str[-1].astype("str")
    ents = entities(store).set_index("entity")
    for side in ("organisation", "actor"):
        core[f"{side}_id"] = core[side].map(ents["id"])
        core[f"{side}_label"] = core[side].map(ents["label"])
        core[f"{side}_type"] = core[side].map(ents["type"])
    core["actor_region"] = core["actor"].map(ents["region"])
    core["actor_subregion"] = core["actor"].map(ents["subregion"])
    sources = _frame(store, queries.text("views.membership-sources"))
    sources = sources[sources["membership"].isin(core["membership"])].sort_values(["membership", "source"])
    first = sources.drop_duplicates("membership").set_index("membership")
    pages = _frame(store, queries.text("views.source-pages")).drop_duplicates("source").set_index("source")
    core["source"] = core["membership"].map(first["source"])
    core["source_url"] = core["source"].map(pages["source_url"])
    graphs = _frame(store, queries.text("views.membership-graphs"))
    graphs = graphs.drop_duplicates("membership").set_index("membership")
    core["graph"] = core["membership"].map(graphs["graph"])
    df = core.dropna(subset=["organisation_id", "actor_id"]).copy()
    df = df.merge(lifetimes(store), on="organisation", how="left")
    for col in _DATE_COLUMNS:
        df[col] = pd.to_datetime(df[col], errors="coerce")
    df["complete_list"] = df["complete_list"].eq("true")
    df["as_of_precision"] = df["as_of_precision"].fillna("day")
    df["as_of_inferred"] = df["as_of_inferred"].eq("true")
    df["organisation_end_inferred"] = df["organisation_end_inferred"].fillna(False).astype(bool)
    df = df[MEMBERSHIP_COLUMNS]
    # the membership IRI last: one order whatever order the store returned the rows in
    return df.sort_values(["organisation_id", "role", "actor_id", "as_of", "membership"]).reset_index(drop=True)


def lifetimes(store: Store) -> pd.DataFrame:
    """Each ISCM's kind, status and lifetime: ``organisation_start`` (the earliest year any source gives
    for its establishment: a disputed founding date must not cut history short; for a successor, not
    before the year it took over), ``organisation_end``
    and ``organisation_end_reason`` (``iscm-ended``, ``iscm-succeeded`` or ``iscm-dormant``).

    Only an ISCM whose newest status is not ``active`` has an end: its ``ended`` or ``dormant_since``
    date, else the year it was succeeded, else (``organisation_end_inferred``) the date of the first
    source after its last "active" one that calls it dormant, succeeded or ended.
    """
    raw = _frame(store, queries.text("views.lifetimes"))
    statuses = _frame(store, queries.text("views.status-claims"))
    statuses["value"] = statuses["value"].str.rsplit("/", n=1).str[-1]
    rows = []
    for oid, group in raw.groupby("organisation"):
        first = group.iloc[0]
        status = str(first["status"]).rsplit("/", 1)[-1] if isinstance(first["status"], str) else None
        kind = str(first["kind"]).rsplit("/", 1)[-1] if isinstance(first["kind"], str) else None
        start = _year_start(group["established"].dropna().min()) if group["established"].notna().any() else None
        if group["took_over"].notna().any():  # a successor's life starts when it took over, whatever its
            took_over = _year_start(group["took_over"].dropna().max())  # sources count from its predecessors
            start = max(start, took_over) if start else took_over
        end, reason, inferred = None, None, False
        if status in ("ended", "dormant", "succeeded"):
            for col, why in (("ended", "iscm-ended"), ("dormant", "iscm-dormant"), ("succeeded", "iscm-succeeded")):
                if group[col].notna().any():
                    end, reason = _period_end(group[col].dropna().min()), why
                    break
            else:
                said = statuses[statuses["organisation"] == oid]
                last_active = said[said["value"] == "active"]["as_of"].max()
                later = said[(said["value"] != "active") & ~(said["as_of"] <= last_active)]
                if not later.empty:
                    first = later.sort_values("as_of").iloc[0]
                    end, reason, inferred = first["as_of"], f"iscm-{first['value']}", True
        rows.append({"organisation": oid, "organisation_kind": kind, "organisation_status": status,
                     "organisation_start": start, "organisation_end": end, "organisation_end_reason": reason,
                     "organisation_end_inferred": inferred})
    return pd.DataFrame(rows, columns=["organisation", "organisation_kind", "organisation_status",
                                       "organisation_start", "organisation_end", "organisation_end_reason",
                                       "organisation_end_inferred"])


def _year_start(value: str) -> str:
    return f"{str(value)[:4]}-01-01"


def _period_end(value: str) -> str:
    """The last day of a year (``2011``), a month (``2011-05``) or a date."""
    text = str(value)
    if len(text) == 4:
        return f"{text}-12-31"
    if len(text) == 7:
        return (pd.Timestamp(f"{text}-01") + pd.offsets.MonthEnd(0)).date().isoformat()
    return text[:10]


def write_memberships(df: pd.DataFrame, path: Path) -> None:
    """Save a membership table (as :func:`memberships` returns it) for :func:`read_memberships`."""
    write_table(df, path)


def read_memberships(path: Path) -> pd.DataFrame:
    """A membership table saved by :func:`write_memberships`, with the same columns and dtypes."""
    return read_table(path, columns=MEMBERSHIP_COLUMNS, dates=_DATE_COLUMNS,
                      flags=("complete_list", "as_of_inferred", "organisation_end_inferred"), what="membership table")


def is_tenure_table(df: pd.DataFrame) -> bool:
    """Whether ``df`` is already resolved into tenures (:func:`graph.temporal.tenures`)."""
    return "end_reason" in df.columns


def resolve(df: pd.DataFrame, *, year: int | str | dt.date | None = None,
            today: dt.date | None = None) -> pd.DataFrame:
    """The tenures that hold in ``year`` (a year, a month or a date), or on the release date.

    ``df`` is a tenure table (``ISCMGraph.tenures``, resolved once per release) or a claims table,
    which is resolved here by :func:`graph.temporal.tenures` (with ``today`` as the release date).
    The rules are in :mod:`graph.temporal`; nothing else decides whether a membership holds.

    Examples
    --------
    >>> from graph import temporal
    >>> claims = temporal.example_claims()
    >>> sorted(resolve(claims, today=dt.date(2024, 1, 1))["actor_id"])   # the 2021 list omits FRA
    ['AUS']
    >>> sorted(resolve(claims, year=2010)["actor_id"])
    ['AUS', 'FRA']
    """
    if df.empty:
        return df
    table = df if is_tenure_table(df) else temporal.tenures(df, release_date=today)
    if today is not None and year is None and is_tenure_table(df):
        return temporal.holding(table, as_of=today)
    return temporal.holding(table, as_of=year)


ROLE_PRESETS: dict[str, tuple[str, ...]] = {
    "members": ("member",),
    "members+observers": ("member", "observer"),
    "all": ("member", "observer", "chair", "co-chair", "presidency-pro-tempore", "secretariat",
            "technical-support-unit", "steering-committee-member", "partner", "funder"),
}


def role_set(roles: str | Iterable[str]) -> tuple[str, ...]:
    """A preset name (``members``, ``members+observers``, ``all``) or an explicit list of role ids."""
    if isinstance(roles, str):
        if roles in ROLE_PRESETS:
            return ROLE_PRESETS[roles]
        return (roles,)
    return tuple(roles)


def filter_memberships(df: pd.DataFrame, *, roles: str | Iterable[str] = "members",
                       as_of: int | str | dt.date | None = None,
                       regions: Iterable[str] | None = None,
                       organisation_types: Iterable[str] = ("iscm",),
                       graphs: Iterable[str] | None = None,
                       kinds: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
                       derivation: str = "all") -> pd.DataFrame:
    """Tenures holding ``as_of`` (the release date if None) in one of ``roles``, optionally only for
    actors in ``regions`` (UN M49 region or sub-region names, e.g. ``"Africa"``, ``"Western Africa"``),
    only from the named ``graphs`` (e.g. leave out what was ingested from documents), only for ISCMs
    of ``kinds`` (``regional-consultative-process``, ``interregional-forum``, ``global-process``) and
    ``statuses`` (``active``, ``dormant``, ``succeeded``, ``ended``: the status on the release date;
    as of a past date only ISCMs alive then have tenures, so all count as ``active``), and
    ``derivation`` ``"named"`` (listed by a source), ``"derived"`` (held through a bloc) or ``"all"``."""
    if graphs is not None and "graph" in df:
        df = df[df["graph"].isin(set(graphs))]
    df = resolve(df, year=as_of)
    df = df[df["role"].isin(role_set(roles)) & df["organisation_type"].isin(list(organisation_types))]
    if kinds is not None:
        df = df[df["organisation_kind"].isin(list(kinds))]
    if statuses is not None:
        if as_of is None:  # the ISCM's status on the release date
            df = df[df["organisation_status"].isin(list(statuses))]
        elif "active" not in statuses:  # as of a past date every ISCM with a tenure then was alive
            df = df.iloc[0:0]
    if derivation != "all":
        if derivation not in ("named", "derived"):
            raise ValueError(f"derivation must be 'named', 'derived' or 'all', got {derivation!r}")
        df = df[df["derived"] == (derivation == "derived")]
    if regions is not None:
        wanted = set(regions)
        df = df[df["actor_region"].isin(wanted) | df["actor_subregion"].isin(wanted)]
    return df


def bipartite(store_or_df: Store | pd.DataFrame, *, roles: str | Iterable[str] = "members",
              as_of: int | str | dt.date | None = None, regions: Iterable[str] | None = None,
              organisation_types: Iterable[str] = ("iscm",), graphs: Iterable[str] | None = None,
              kinds: Iterable[str] | None = None, statuses: Iterable[str] | None = None,
              derivation: str = "all") -> nx.Graph:
    """The bipartite actor–ISCM graph: an edge per actor holding one of ``roles`` in an ISCM.

    Nodes carry ``bipartite`` (0 for actors, 1 for ISCMs), ``label``, ``type`` (state, iscm,
    organisation) and, for States, ``region`` and ``subregion``. ``graphs`` keeps only facts from
    those named graphs (``graph.compiler.CURATED_GRAPH`` alone leaves out ingested documents).
    Edges carry the ``roles`` held, the period (``start``/``end``, ISO dates or None) and the
    ``sources`` (URLs) of the claims.

    Examples
    --------
    >>> B = example()
    >>> sorted(n for n, d in B.nodes(data=True) if d["bipartite"] == 1)
    ['alpha', 'beta', 'gamma']
    >>> sorted(B["MAR"])
    ['alpha', 'beta', 'gamma']
    """
    df = store_or_df if isinstance(store_or_df, pd.DataFrame) else memberships(store_or_df)
    df = filter_memberships(df, roles=roles, as_of=as_of, regions=regions, organisation_types=organisation_types,
                            graphs=graphs, kinds=kinds, statuses=statuses, derivation=derivation)
    g = nx.Graph()
    for row in df.itertuples(index=False):
        g.add_node(row.actor_id, bipartite=0, label=row.actor_label, type=row.actor_type,
                   region=_str(row.actor_region), subregion=_str(row.actor_subregion))
        g.add_node(row.organisation_id, bipartite=1, label=row.organisation_label, type=row.organisation_type)
        start = row.start.date().isoformat() if not pd.isna(row.start) else None
        end = row.end.date().isoformat() if not pd.isna(row.end) else None
        # the page it is read on, else the source record itself (a document cited by title has no page)
        cited = _str(row.source_url) or _str(row.source)
        if g.has_edge(row.actor_id, row.organisation_id):
            data = g.edges[row.actor_id, row.organisation_id]
            if row.role not in data["roles"]:
                data["roles"].append(row.role)
            if cited and cited not in data["sources"]:
                data["sources"].append(cited)
        else:
            g.add_edge(row.actor_id, row.organisation_id, roles=[row.role], start=start, end=end,
                       sources=[cited] if cited else [])
    return g


def _str(value: object) -> str | None:
    return None if missing(value) else str(value)


def actors(B: nx.Graph, *, type: str | None = "state") -> list[str]:
    """The actor side of ``B`` (``bipartite == 0``), only of ``type`` unless None, sorted."""
    return sorted(n for n, d in B.nodes(data=True)
                  if d.get("bipartite") == 0 and (type is None or d.get("type") == type))


def iscms(B: nx.Graph) -> list[str]:
    """The ISCM side of ``B`` (``bipartite == 1``), sorted."""
    return sorted(n for n, d in B.nodes(data=True) if d.get("bipartite") == 1)


def _project(B: nx.Graph, nodes: list[str]) -> nx.Graph:
    # networkx refuses to project an empty or one-sided graph (e.g. a year before any source): no edges then
    if not nodes or len(nodes) >= len(B):
        G = nx.Graph()
        G.add_nodes_from(nodes)
        return G
    return nx.bipartite.weighted_projected_graph(B, nodes)


def state_projection(B: nx.Graph) -> nx.Graph:
    """State–State graph; edge ``weight`` = number of ISCMs the two share (co-membership).

    >>> G = state_projection(example())
    >>> G["MAR"]["SEN"]["weight"], G.has_edge("ESP", "SWE")
    (2, False)
    """
    G = _project(B, actors(B))
    for n in G:
        G.nodes[n].update(B.nodes[n])
    return G


def iscm_projection(B: nx.Graph) -> nx.Graph:
    """ISCM–ISCM graph; edge ``weight`` = number of shared members, ``jaccard`` = shared / union.

    >>> G = iscm_projection(example())
    >>> G["alpha"]["beta"]["weight"], round(G["alpha"]["beta"]["jaccard"], 3)
    (2, 0.333)
    """
    G = _project(B, iscms(B))
    for u, v, d in G.edges(data=True):
        union = len(set(B[u]) | set(B[v]))
        d["jaccard"] = d["weight"] / union if union else 0.0
    for n in G:
        G.nodes[n].update(B.nodes[n])
    return G


def example() -> nx.Graph:
    """A tiny bipartite ISCM graph for examples and doctests (fictional ISCMs, real State codes).

    alpha: MAR, ESP, SEN, FRA · beta: MAR, SEN, GHA, NOR · gamma: MAR, NOR, SWE
    """
    members = {
        "alpha": ["MAR", "ESP", "SEN", "FRA"],
        "beta": ["MAR", "SEN", "GHA", "NOR"],
        "gamma": ["MAR", "NOR", "SWE"],
    }
    regions = {"MAR": ("Africa", "Northern Africa"), "SEN": ("Africa", "Western Africa"),
               "GHA": ("Africa", "Western Africa"), "ESP": ("Europe", "Southern Europe"),
               "FRA": ("Europe", "Western Europe"), "NOR": ("Europe", "Northern Europe"),
               "SWE": ("Europe", "Northern Europe")}
    B = nx.Graph()
    for iscm, states in members.items():
        B.add_node(iscm, bipartite=1, label=iscm.title(), type="iscm")
        for s in states:
            B.add_node(s, bipartite=0, label=s, type="state", region=regions[s][0], subregion=regions[s][1])
            B.add_edge(s, iscm, roles=["member"], start=None, end=None, sources=["https://example.org/"])
    return B
