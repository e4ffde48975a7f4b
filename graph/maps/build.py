"""From a networkx view to a :class:`~graph.maps.spec.MapSpec`: the map functions
:func:`membership_map`, :func:`ego_map`, :func:`overlap_map` and :func:`partnership_map`.

They copy what they draw out of the graph they are given (never change it), apply the filters,
and hand the result to the layout."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import pandas as pd

from graph import views
from graph.countries import region_names
from graph.errors import UnknownEntityError
from graph.maps.layout import measure, place, simple, sizes
from graph.maps.spec import (
    EDGE_STYLES,
    ENTITY_TYPES,
    SIZE_MEASURES,
    TYPE_COLOURS,
    TYPE_LABELS,
    TYPE_SHAPES,
    Draft,
    LegendEntry,
    MapEdge,
    MapNode,
    MapParameterError,
    MapSpec,
    cell_text,
    edge_style,
)
from graph.maps.words import count_iscms, join, maybe, when, word


def _edge(u: str, v: str, relation: str, role: str | None, *, sources: Sequence[str] = (), start: str | None = None,
          end: str | None = None, as_of: str | None = None, weight: float | None = None,
          extra: Sequence[str] = ()) -> dict[str, Any]:
    return {"u": u, "v": v, "relation": relation, "role": role, "sources": [s for s in sources if s],
            "start": start, "end": end, "as_of": as_of, "weight": weight, "extra": list(extra)}


def _iso(value: object) -> str | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


def _membership_dates(memberships: pd.DataFrame | None) -> dict[tuple[str, str, str], dict[str, Any]]:
    """(actor, organisation, role) → the newest claim's start, end, as-of date and source."""
    if memberships is None or memberships.empty:
        return {}
    df = memberships.sort_values(["actor_id", "organisation_id", "role", "as_of"], kind="stable")
    out: dict[tuple[str, str, str], dict[str, Any]] = {}
    for row in df.itertuples(index=False):
        out[(row.actor_id, row.organisation_id, row.role)] = {
            "start": _iso(row.start), "end": _iso(row.end), "as_of": _iso(row.as_of),
            "source": _iso(getattr(row, "source_url", None)) or _iso(getattr(row, "source", None))}
    return out


def _enrich(draft: Draft, memberships: pd.DataFrame | None) -> None:
    if memberships is not None:  # only the drawn organisations' claims (the whole table took ~0.2 s)
        drawn = {e["v"] for e in draft.edges if e["relation"] == "membership"}
        memberships = memberships[memberships["organisation_id"].isin(drawn)]
    dates = _membership_dates(memberships)
    if not dates:
        return
    for e in draft.edges:
        if e["relation"] != "membership":
            continue
        info = dates.get((e["u"], e["v"], e["role"] or ""))
        if info is None:
            continue
        for key in ("start", "end", "as_of"):
            e[key] = e[key] or info[key]
        if info["source"] and not e["sources"]:
            e["sources"] = [info["source"]]


def _filter(draft: Draft, *, anchors: Iterable[str], regions: Iterable[str] | None, types: Iterable[str] | None,
            roles: Iterable[str] | None, relations: Iterable[str] | None) -> Draft:
    """Apply the filters. Anchors (the chosen ISCMs, the ego actor) always stay; a node left
    without any relation by the filters goes, and so does an edge whose end went."""
    keep_anchor = set(anchors)
    nodes = dict(draft.nodes)
    if regions:
        wanted = set(regions)
        nodes = {n: d for n, d in nodes.items() if n in keep_anchor or (d["region"] is None and d["subregion"] is None)
                 or d["region"] in wanted or d["subregion"] in wanted}
    if types:
        wanted_types = set(types)
        nodes = {n: d for n, d in nodes.items() if n in keep_anchor or d["type"] in wanted_types}
    edges = [e for e in draft.edges if e["u"] in nodes and e["v"] in nodes]
    if roles:
        wanted_roles = set(roles)
        edges = [e for e in edges if e["relation"] != "membership" or e["role"] in wanted_roles]
    if relations:
        wanted_relations = set(relations)
        edges = [e for e in edges if e["relation"] in wanted_relations]
    before = {n for e in draft.edges for n in (e["u"], e["v"])}
    after = {n for e in edges for n in (e["u"], e["v"])}
    nodes = {n: d for n, d in nodes.items() if n in keep_anchor or n in after or n not in before}
    if regions or types:  # a region-less node (an ISCM, an organisation) stays only if it still links to something
        nodes = {n: d for n, d in nodes.items() if n in keep_anchor or n in after}
    return Draft(nodes, [e for e in edges if e["u"] in nodes and e["v"] in nodes])


def _fmt(value: float) -> str:
    return f"{value:.0f}" if float(value).is_integer() else f"{value:.3f}"


def _edge_title(e: Mapping[str, Any], labels: Mapping[str, str], lang: str) -> str:
    lines = [f"{labels[e['u']]} — {labels[e['v']]}"]
    if e["relation"] == "overlap":
        lines += e["extra"]
    else:
        relation = maybe(lang, "relation_", e["relation"])
        lines.append(word(lang, "pair", a=relation, b=maybe(lang, "role_", e["role"])) if e["role"] else relation)
        lines += e["extra"]
        period = " · ".join(p for p in (word(lang, "since", d=e["start"]) if e["start"] else "",
                                         word(lang, "until", d=e["end"]) if e["end"] else "") if p)
        if period:
            lines.append(period)
        if e["as_of"]:
            lines.append(word(lang, "as_of", when=e["as_of"]))
        lines.append(word(lang, "source_x", x="; ".join(e["sources"])) if e["sources"] else word(lang, "source_none"))
    return "\n".join(lines)


def _finish(kind: str, draft: Draft, *, anchors: Sequence[str], size_by: str, seed: int, title: str,
            subtitle: str, source_degree: Mapping[str, int], node_lines: Mapping[str, Sequence[str]] | None = None,
            params: Mapping[str, Any] | None = None, arrange: str = "spring", lang: str = "en",
            names: Mapping[str, str] | None = None) -> MapSpec:
    if size_by not in SIZE_MEASURES:
        raise MapParameterError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, got {size_by!r}")
    for n, d in draft.nodes.items():  # names in the map's language (States from CLDR, ISCMs from alt_names)
        d["label"] = (names or {}).get(n, d["label"])
    H = simple(draft)
    values = measure(H, size_by, source_degree, seed)
    scaled = sizes(values)
    pos = place(H, seed, anchors, arrange)
    labels = {n: d["label"] for n, d in draft.nodes.items()}
    anchor_set = set(anchors)
    regions = region_names(lang) if lang != "en" else {}
    nodes = []
    for n in sorted(draft.nodes):
        d = draft.nodes[n]
        ntype = d["type"]
        where = " / ".join(regions.get(p, p) for p in (d["region"], d["subregion"]) if p)
        lines = [f"{d['label']} ({n})" if d["label"] != n else n,
                 maybe(lang, "type_", ntype) + (f" · {where}" if where else "")]
        lines += list((node_lines or {}).get(n, ()))
        measure_name = word(lang, f"size_{size_by}" if size_by != "uniform" else "size_degree")
        lines.append(word(lang, "pair", a=measure_name,
                          b=_fmt(values[n]) if size_by != "uniform" else H.degree(n)))
        nodes.append(MapNode(
            id=n, label=d["label"], type=ntype, size=scaled[n] + (4.0 if n in anchor_set else 0.0),
            colour=TYPE_COLOURS.get(ntype, "#7f7f7f"), shape=TYPE_SHAPES.get(ntype, "dot"), title="\n".join(lines),
            x=pos[n][0], y=pos[n][1], value=round(float(values[n]), 6), region=d["region"],
            subregion=d["subregion"], highlight=n in anchor_set))
    edges = []
    for e in sorted(draft.edges, key=lambda e: (e["relation"], e["u"], e["v"], e["role"] or "",
                                                e["sources"][0] if e["sources"] else "")):
        style = edge_style(e["relation"], e["role"])
        width = style.width if e["weight"] is None else round(1.0 + 9.0 * float(e["weight"]), 2)
        edges.append(MapEdge(
            u=e["u"], v=e["v"], relation=e["relation"], role=e["role"],
            source=e["sources"][0] if e["sources"] else None, start=e["start"], end=e["end"], as_of=e["as_of"],
            weight=None if e["weight"] is None else round(float(e["weight"]), 6), style=style.key,
            colour=style.colour, dashes=style.dashes, width=width, arrows=style.arrows,
            title=_edge_title(e, labels, lang)))
    legend = [LegendEntry("node", t, maybe(lang, "type_", t) if lang != "en" else TYPE_LABELS[t], TYPE_COLOURS[t],
                          shape=TYPE_SHAPES[t]) for t in ENTITY_TYPES if any(n.type == t for n in nodes)]
    legend += [LegendEntry("node", t, TYPE_LABELS.get(t, t), TYPE_COLOURS.get(t, "#7f7f7f"), shape="dot")
               for t in sorted({n.type for n in nodes} - set(ENTITY_TYPES))]
    used = {e.style for e in edges}
    legend += [LegendEntry("edge", s.key, maybe(lang, "edge_", s.key) if lang != "en" else s.label, s.colour,
                           dashes=s.dashes, width=s.width) for s in EDGE_STYLES.values() if s.key in used]
    if size_by != "uniform":
        sized = word(lang, "node_size", m=word(lang, f"size_{size_by}"))
        subtitle = f"{subtitle} · {sized}" if subtitle else sized
    canon = tuple(sorted((str(k), json.dumps(v, sort_keys=True, default=str)) for k, v in (params or {}).items()))
    return MapSpec(kind=kind, title=title, subtitle=subtitle, nodes=tuple(nodes), edges=tuple(edges),
                   legend=tuple(legend), size_by=size_by, seed=seed, params=canon, lang=lang)


def _names(labels: Sequence[str], *, many: str, lang: str = "en") -> str:
    return join(lang, labels) if len(labels) <= 3 else many


def _when(as_of: int | str | None, lang: str = "en") -> str:
    return when(lang, as_of)


def _degrees(G: nx.Graph) -> dict[str, int]:
    return {n: len(G[n]) for n in G}


def membership_map(B: nx.Graph, *, iscms: Sequence[str], roles: Iterable[str] | None = None,
                   regions: Iterable[str] | None = None, types: Iterable[str] | None = None,
                   size_by: str = "degree", seed: int = 42, as_of: int | str | None = None,
                   memberships: pd.DataFrame | None = None, title: str | None = None,
                   layout: str = "spring", lang: str = "en", names: Mapping[str, str] | None = None) -> MapSpec:
    """The chosen ISCMs and their members (an edge per role held).

    Parameters
    ----------
    B : networkx.Graph
        The bipartite actor–ISCM graph (:func:`graph.views.bipartite`,
        ``Catalogue.bipartite_at``); its roles, year and regions are already chosen there.
    iscms : list of str
        ISCM ids; each must be on the ISCM side of ``B``.
    roles, regions, types : iterables of str, optional
        Keep only membership edges with these roles, actors in these UN M49 regions or
        sub-regions, actors of these entity types (``state``, ``organisation``, ``union``).
    size_by : str
        One of :data:`SIZE_MEASURES`; ``members`` is a node's number of links in ``B``.
    seed : int
        Seed of the layout: same seed, same positions.
    as_of : int, optional
        The year ``B`` was resolved for (shown in the subtitle; filtering happens when ``B`` is made).
    memberships : pandas.DataFrame, optional
        A membership table (``Catalogue.memberships_at``); when given, tooltips show the as-of date.
    title : str, optional
        Overrides the generated title.
    layout : str
        ``spring`` (default), ``concentric`` (the ISCMs in the middle, their members around them) or
        ``geographic`` (States at their country's centroid, ISCMs at the mean of their members).
    lang : str
        ``en``, ``fr`` or ``es``: the language of the title, legend and tooltips (:mod:`graph.maps.words`).
    names : mapping, optional
        Node id → the name to show (names in ``lang``: :func:`graph.maps.words.local_names`).

    Returns
    -------
    MapSpec

    Raises
    ------
    UnknownEntityError
        If an id is not an ISCM in ``B``.

    Examples
    --------
    >>> from graph.views import example
    >>> spec = membership_map(example(), iscms=["gamma"], size_by="uniform")
    >>> sorted(n.id for n in spec.nodes)
    ['MAR', 'NOR', 'SWE', 'gamma']
    >>> {e.style for e in spec.edges}, spec.node("gamma").highlight
    ({'member'}, True)
    >>> print(spec.edges[0].title)
    Morocco... — Gamma
    membership: member
    source: https://example.org/
    >>> membership_map(example(), iscms=["delta"])
    Traceback (most recent call last):
    ...
    graph.errors.UnknownEntityError: unknown ISCM (not in this graph): 'delta'
    """
    chosen = list(dict.fromkeys(iscms))
    draft = _membership_draft(B, chosen)
    _enrich(draft, memberships)
    draft = _filter(draft, anchors=chosen, regions=regions, types=types, roles=roles, relations=None)
    node_lines = {i: [word(lang, "members_in_map", n=sum(1 for e in draft.edges if e["v"] == i))] for i in chosen}
    for n, d in draft.nodes.items():
        if n not in chosen:
            d["label"] = _country_label(n, d["label"])
    shown = [(names or {}).get(i) or B.nodes[i].get("label") or i for i in sorted(chosen)]
    subtitle = " · ".join(p for p in (
        _when(as_of, lang), word(lang, "regions_x", x=", ".join(sorted(regions))) if regions else "",
        word(lang, "roles_x", x=", ".join(maybe(lang, "role_", r) for r in sorted(roles))) if roles else "") if p)
    return _finish("membership", draft, anchors=chosen, size_by=size_by, seed=seed,
                   title=title or word(lang, "title_members", names=_names(shown, many=count_iscms(lang, len(shown)),
                                                                           lang=lang)),
                   subtitle=subtitle, source_degree=_degrees(B), node_lines=node_lines,
                   params={"iscms": sorted(chosen), "as_of": as_of}, arrange=layout, lang=lang, names=names)


def _membership_draft(B: nx.Graph, chosen: list[str]) -> Draft:
    """The chosen ISCMs, their members and an edge per role held, before any filter."""
    if not chosen:
        raise MapParameterError("a membership map needs at least one ISCM")
    for i in chosen:
        if i not in B or B.nodes[i].get("bipartite") != 1:
            raise UnknownEntityError("ISCM (not in this graph)", i)
    draft = Draft()
    for i in sorted(chosen):
        draft.add_node(i, B.nodes[i])
        for actor in sorted(B[i]):
            draft.add_node(actor, B.nodes[actor])
            data = B.edges[actor, i]
            for role in sorted(data.get("roles") or ["member"]):
                draft.edges.append(_edge(actor, i, "membership", role, sources=sorted(data.get("sources") or []),
                                         start=cell_text(data.get("start")), end=cell_text(data.get("end"))))
    return draft


def _country_label(node_id: str, label: str) -> str:
    """States in :func:`graph.views.example` are labelled with their codes; show names instead."""
    if label == node_id and len(node_id) == 3 and node_id.isupper():
        from graph.countries import country

        try:
            return country(node_id).name
        except UnknownEntityError:
            return label
    return label


def _from_multigraph(G: nx.MultiGraph) -> Draft:
    draft = Draft()
    for n in sorted(G):
        draft.add_node(n, G.nodes[n])
    for u, v, d in G.edges(data=True):
        draft.edges.append(_edge(u, v, str(d.get("relation") or "relation"), cell_text(d.get("role")),
                                 sources=[d["source"]] if d.get("source") else []))
    return draft


def ego_map(P: nx.MultiGraph, actor: str, *, depth: int = 1, relations: Iterable[str] | None = None,
            roles: Iterable[str] | None = None, regions: Iterable[str] | None = None,
            types: Iterable[str] | None = None, size_by: str = "degree", seed: int = 42, as_of: int | str | None = None,
            memberships: pd.DataFrame | None = None, title: str | None = None, layout: str = "spring",
            lang: str = "en", names: Mapping[str, str] | None = None) -> MapSpec:
    """An actor and everything within ``depth`` relations of it in the partnership multigraph.

    Parameters
    ----------
    P : networkx.MultiGraph
        :func:`graph.partnership.partnership_graph` (``Catalogue.partnership(as_of)``).
    actor : str
        The centre: an ISO alpha-3 code, an ISCM or organisation id.
    depth : int
        How many relations away (0-3).
    relations, roles, regions, types : iterables of str, optional
        Keep only these relation types, membership roles, regions of actors and entity types.
    size_by, seed, as_of, memberships, title, lang, names
        As in :func:`membership_map`.
    layout : str
        ``spring`` (default), ``concentric`` (the actor in the middle, a ring per relation away) or
        ``geographic``.

    Raises
    ------
    UnknownEntityError
        If ``actor`` is not in ``P``.

    Examples
    --------
    >>> from graph.views import example
    >>> P = nx.MultiGraph(example())
    >>> for u, v, k in P.edges(keys=True):
    ...     P.edges[u, v, k].update(relation="membership", role="member", source="https://example.org/")
    >>> spec = ego_map(P, "GHA", depth=1)
    >>> sorted(n.id for n in spec.nodes), spec.node("GHA").highlight
    (['GHA', 'beta'], True)
    >>> len(ego_map(P, "GHA", depth=2).nodes)
    5
    """
    from graph import partnership

    if not 0 <= depth <= 3:
        raise MapParameterError(f"depth must be between 0 and 3, got {depth}")
    E = partnership.ego(P, actor, depth=depth)
    draft = _from_multigraph(E)
    _enrich(draft, memberships)
    draft = _filter(draft, anchors=[actor], regions=regions, types=types, roles=roles, relations=relations)
    label = (names or {}).get(actor) or str(P.nodes[actor].get("label") or actor)
    within = word(lang, "within_1") if depth == 1 else word(lang, "within_n", n=depth)
    subtitle = " · ".join(p for p in (within, _when(as_of, lang), word(lang, "relations_x", x=", ".join(
        maybe(lang, "relation_", r) for r in sorted(relations))) if relations else "") if p)
    return _finish("ego", draft, anchors=[actor], size_by=size_by, seed=seed,
                   title=title or word(lang, "title_ego", name=label), subtitle=subtitle, source_degree=_degrees(P),
                   params={"actor": actor, "depth": depth, "as_of": as_of}, arrange=layout, lang=lang, names=names)


def overlap_map(B: nx.Graph, *, min_jaccard: float = 0.1, iscms: Sequence[str] | None = None,
                size_by: str = "members", seed: int = 42, as_of: int | str | None = None,
                title: str | None = None, layout: str = "spring", lang: str = "en",
                names: Mapping[str, str] | None = None) -> MapSpec:
    """ISCMs linked by their shared members, edge width by Jaccard similarity; weaker links pruned.

    Parameters
    ----------
    B : networkx.Graph
        The bipartite actor–ISCM graph.
    min_jaccard : float
        Links with a Jaccard similarity (shared / all members of the two) below this are dropped;
        ISCMs left without links stay, as islands.
    iscms : list of str, optional
        Only these ISCMs (default: all in ``B``).
    size_by : str
        ``members`` (default) sizes an ISCM by its number of members in ``B``.
    seed, as_of, title, layout, lang, names
        As in :func:`membership_map`.

    Examples
    --------
    >>> from graph.views import example
    >>> spec = overlap_map(example(), min_jaccard=0.2)
    >>> [(e.u, e.v, e.weight) for e in spec.edges]
    [('alpha', 'beta', 0.333333), ('beta', 'gamma', 0.4)]
    >>> print(spec.edges[0].title)
    Alpha — Beta
    shared members: 2
    Jaccard similarity: 0.333
    """
    if not 0.0 <= min_jaccard <= 1.0:
        raise MapParameterError(f"min_jaccard must be between 0 and 1, got {min_jaccard}")
    side = views.iscms(B)
    chosen = list(dict.fromkeys(iscms)) if iscms else side
    for i in chosen:
        if i not in side:
            raise UnknownEntityError("ISCM (not in this graph)", i)
    G = views.iscm_projection(B)
    draft = Draft()
    for i in sorted(chosen):
        draft.add_node(i, B.nodes[i])
    wanted = set(chosen)
    for u, v, d in G.edges(data=True):
        if u in wanted and v in wanted and d["jaccard"] >= min_jaccard:
            a, b = sorted((u, v))
            draft.edges.append(_edge(a, b, "overlap", None, weight=d["jaccard"],
                                     extra=[word(lang, "shared_n", n=d["weight"]),
                                            word(lang, "jaccard_x", x=f"{d['jaccard']:.3f}")]))
    members = _degrees(B)
    node_lines = {i: [word(lang, "members_n", n=members.get(i, 0))] for i in chosen}
    subtitle = f"{word(lang, 'jaccard', x=f'{min_jaccard:g}')} · {_when(as_of, lang)}"
    return _finish("overlap", draft, anchors=[], size_by=size_by, seed=seed,
                   title=title or word(lang, "title_overlap"), subtitle=subtitle, source_degree=members,
                   node_lines=node_lines, params={"min_jaccard": min_jaccard, "iscms": sorted(chosen),
                                                  "as_of": as_of}, arrange=layout, lang=lang, names=names)


def partnership_map(P: nx.MultiGraph, *, relations: Iterable[str] | None = None, roles: Iterable[str] | None = None,
                    regions: Iterable[str] | None = None, types: Iterable[str] | None = None,
                    iscms: Sequence[str] | None = None, size_by: str = "degree", seed: int = 42,
                    as_of: int | str | None = None, memberships: pd.DataFrame | None = None,
                    title: str | None = None, layout: str = "spring", lang: str = "en",
                    names: Mapping[str, str] | None = None) -> MapSpec:
    """Every actor and every relation type: memberships (any role), cooperation, associations,
    successions, capacity building, deployments and meetings.

    Parameters
    ----------
    P : networkx.MultiGraph
        :func:`graph.partnership.partnership_graph`.
    relations, roles, regions, types : iterables of str, optional
        Filters, as in :func:`ego_map`.
    iscms : list of str, optional
        Keep only these ISCMs and the relations that touch them.
    size_by, seed, as_of, memberships, title, layout, lang, names
        As in :func:`membership_map`.

    Examples
    --------
    >>> P = nx.MultiGraph()
    >>> P.add_node("alpha", label="Alpha", type="iscm"); P.add_node("beta", label="Beta", type="iscm")
    >>> P.add_node("MAR", label="Morocco", type="state", region="Africa")
    >>> _ = P.add_edge("MAR", "alpha", relation="membership", role="member", source="https://a.example/")
    >>> _ = P.add_edge("MAR", "alpha", relation="membership", role="chair", source="https://a.example/")
    >>> _ = P.add_edge("alpha", "beta", relation="cooperation", role="occasional", source=None)
    >>> spec = partnership_map(P)
    >>> [(e.relation, e.role, e.style) for e in spec.edges]
    [('cooperation', 'occasional', 'cooperation-occasional'), ('membership', 'chair', 'chair'), \
('membership', 'member', 'member')]
    >>> len(partnership_map(P, relations=["cooperation"]).nodes)
    2
    """
    draft = _from_multigraph(P)
    anchors: list[str] = []
    if iscms:
        anchors = list(dict.fromkeys(iscms))
        for i in anchors:
            if i not in P or P.nodes[i].get("type") != "iscm":
                raise UnknownEntityError("ISCM (not in the partnership network)", i)
        wanted = set(anchors)
        draft.edges = [e for e in draft.edges if e["u"] in wanted or e["v"] in wanted]
        linked = wanted | {n for e in draft.edges for n in (e["u"], e["v"])}
        draft.nodes = {n: d for n, d in draft.nodes.items() if n in linked}
    _enrich(draft, memberships)
    draft = _filter(draft, anchors=anchors, regions=regions, types=types, roles=roles, relations=relations)
    subtitle = " · ".join(p for p in (
        word(lang, "relations_x", x=", ".join(maybe(lang, "relation_", r) for r in sorted(relations)))
        if relations else word(lang, "all_relations"), _when(as_of, lang),
        word(lang, "regions_x", x=", ".join(sorted(regions))) if regions else "") if p)
    return _finish("partnership", draft, anchors=anchors, size_by=size_by, seed=seed,
                   title=title or word(lang, "title_partnership"), subtitle=subtitle, source_degree=_degrees(P),
                   params={"iscms": sorted(anchors), "as_of": as_of}, arrange=layout, lang=lang, names=names)

