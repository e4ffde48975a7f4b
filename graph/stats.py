"""``iscm stats``: what is in the graph, how well it is sourced, how complete each list is."""

from __future__ import annotations

from typing import Any

import pandas as pd

from graph import temporal, views
from graph.loader import ISCMGraph
from graph.namespace import SPARQL_PREFIXES
from graph.store import SelectResult

CLASSES = [
    ("ISCM", "iscm:ISCM"),
    ("State (incl. territories)", "iscm:State"),
    ("Territory", "iscm:Territory"),
    ("Regional union", "iscm:RegionalUnion"),
    ("Intergovernmental organisation", "iscm:IntergovernmentalOrganisation"),
    ("EU body", "iscm:EUBody"),
    ("Civil-society organisation", "iscm:CivilSocietyOrganisation"),
    ("Private-sector organisation", "iscm:PrivateSectorOrganisation"),
    ("Academic institution", "iscm:AcademicInstitution"),
    ("Government agency", "iscm:GovernmentAgency"),
    ("Liaison network", "iscm:LiaisonNetwork"),
    ("Capacity-building action", "iscm:CapacityBuildingAction"),
    ("Event", "iscm:Event"),
    ("Membership", "org:Membership"),
    ("Claim", "iscm:Claim"),
    ("Cooperation", "iscm:Cooperation"),
    ("Source", "iscm:Source"),
]


def _select(g: ISCMGraph, body: str) -> SelectResult:
    result = g.query(SPARQL_PREFIXES + body)
    assert isinstance(result, SelectResult)
    return result


def current_members(df: Any, roles: tuple[str, ...] = ("member",)) -> Any:
    """Tenures holding on the release date (:func:`graph.views.resolve`)."""
    current = views.resolve(df)
    return current[current["role"].isin(roles)]


def graph_stats(g: ISCMGraph) -> dict[str, Any]:
    """Counts per class, provenance coverage, and per ISCM: members, observers, completeness, sources."""
    values = " ".join(f"({cls})" for _, cls in CLASSES)
    counts = _select(g, f"SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{ VALUES (?c) {{ {values} }} "
                        "OPTIONAL { ?s a ?c } } GROUP BY ?c")
    by_iri = {str(row[0]): int(row[1].toPython()) for row in counts.rows}
    classes = {}
    for name, curie in CLASSES:
        prefix, local = curie.split(":")
        iri = {"iscm": "https://w3id.org/iscm/ontology#", "org": "http://www.w3.org/ns/org#"}[prefix] + local
        classes[name] = by_iri.get(iri, 0)

    prov = _select(g, """
        SELECT (COUNT(DISTINCT ?m) AS ?n) (COUNT(DISTINCT ?ms) AS ?with_source) (COUNT(DISTINCT ?md) AS ?with_date)
        WHERE { ?m a org:Membership .
                OPTIONAL { ?m prov:wasDerivedFrom ?s . ?s a iscm:Source . BIND(?m AS ?ms) }
                OPTIONAL { ?m iscm:asOf ?d . BIND(?m AS ?md) } }""")
    n, with_source, with_date = (int(c.toPython()) for c in prov.rows[0])

    iscm_rows = _select(g, """
        SELECT ?id ?kind ?status (COUNT(DISTINCT ?src) AS ?sources) WHERE {
          ?i a iscm:ISCM ; dcterms:identifier ?id ; iscm:kind ?k .
          BIND(STRAFTER(STR(?k), "/kind/") AS ?kind)
          OPTIONAL { ?i iscm:status ?st . BIND(STRAFTER(STR(?st), "/status/") AS ?status) }
          { ?i prov:wasDerivedFrom ?src } UNION { ?f prov:wasDerivedFrom ?src ; org:organization ?i }
          UNION { ?f prov:wasDerivedFrom ?src ; iscm:subject ?i }
        } GROUP BY ?id ?kind ?status ORDER BY ?id""")
    current = temporal.holding(g.tenures)
    current = current[current["organisation_type"] == "iscm"]
    iscms = []
    for row in iscm_rows.rows:
        iscm_id = str(row[0])
        mine = current[current["organisation_id"] == iscm_id]
        members = mine[mine["role"] == "member"]
        observers = mine[mine["role"] == "observer"]
        iscms.append({
            "id": iscm_id,
            "kind": str(row[1]),
            "status": str(row[2]) if row[2] is not None else None,
            "members": members["actor_id"].nunique(),
            "observers": observers["actor_id"].nunique(),
            "complete": _complete(members),
            "sources": int(row[3].toPython()),
        })
    states_any = current[current["role"] == "member"]
    return {
        "classes": classes,
        "provenance": {
            "memberships": n,
            "memberships_with_source": with_source,
            "share_with_source": with_source / n if n else 1.0,
            "share_with_as_of": with_date / n if n else 1.0,
        },
        "iscms": iscms,
        "states_in_any_iscm": int(states_any[states_any["actor_type"] == "state"]["actor_id"].nunique()),
    }


def _complete(members: pd.DataFrame) -> bool:
    """Whether the current member list is known whole: a source gives the complete list itself, or
    every current member is covered by a complete claim (e.g. all UN member States through ``via``).
    A complete ``via`` claim alone covers only that bloc's part (the Tripoli Process: the EU's 28
    of 82), so members known only from partial claims leave the list incomplete."""
    if members.empty:
        return False
    explicit = members["complete_list"] & members["via"].isna()
    covered = set(members.loc[members["complete_list"], "actor_id"])
    return bool(explicit.any() or set(members["actor_id"]) <= covered)
