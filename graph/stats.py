"""``iscm stats``: what is in the graph, how well it is sourced, how complete each list is."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from graph import queries, temporal
from graph.loader import ISCMGraph
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


def _select(g: ISCMGraph, name: str, **params: str) -> SelectResult:
    result = g.query(queries.text(name, **params))
    assert isinstance(result, SelectResult)
    return result


def current_members(tenures: Any, roles: tuple[str, ...] = ("member",), *,
                    as_of: dt.date | None = None) -> Any:
    """Tenures holding on the release date, or ``as_of`` (:func:`graph.temporal.holding`)."""
    current = temporal.holding(tenures, as_of=as_of)
    return current[current["role"].isin(roles)]


def headline(tenures: pd.DataFrame, iscm_ids: list[str], *, claims: int,
             as_of: dt.date | None = None) -> dict[str, dict[str, Any]]:
    """The headline numbers, each with what it counts. The home page, ``/stats``, ``iscm stats`` and
    the README show these and no other: States are UN member and observer States (and Kosovo),
    territories the rest of ISO 3166-1; *now* is the release date (graph/temporal.py);
    *named* means a source lists the State itself, not only a union or IGO it belongs to;
    ``claims`` is the number of sourced membership claims."""
    from graph import countries

    iscm = tenures[(tenures["organisation_type"] == "iscm") & (tenures["role"] == "member")
                   & (tenures["actor_type"] == "state")]
    now = current_members(iscm, as_of=as_of)

    def split(codes: set[str]) -> tuple[int, int]:
        territories = {c for c in codes if countries.is_country_code(c) and countries.country(c).territory}
        return len(codes - territories), len(territories)

    states_now, territories_now = split(set(now["actor_id"]))
    named_now = split(set(now.loc[~now["derived"], "actor_id"]))
    ever = split(set(iscm["actor_id"]))
    return {
        "iscms": {"value": len(set(iscm_ids)),
                  "label": "ISCMs in the graph, any status (active, dormant, succeeded or ended)"},
        "states_now": {"value": states_now,
                       "label": "States that are members of at least one ISCM now (named by a source, or through "
                                "a union or IGO they belong to)"},
        "territories_now": {"value": territories_now,
                            "label": "territories (not States) that are members of at least one ISCM now"},
        "states_named_now": {"value": named_now[0],
                             "label": "States named by a source as members of at least one ISCM now (not only "
                                      "through a union or IGO)"},
        "states_ever": {"value": ever[0], "label": "States that a source has ever named as members of an ISCM, "
                                                   "at any date (through a union or IGO included)"},
        "membership_claims": {"value": claims,
                              "label": "membership claims: every role, organisation, source and date, each sourced"},
    }


def headline_sentence(h: dict[str, dict[str, Any]]) -> str:
    """The headline in words, the same everywhere it is shown."""
    return (f"{h['iscms']['value']} ISCMs (any status); {h['states_now']['value']} States and "
            f"{h['territories_now']['value']} territories are members of at least one ISCM now "
            f"({h['states_named_now']['value']} States named by a source, the rest through a union or IGO); "
            f"{h['states_ever']['value']} States have ever been members; "
            f"{h['membership_claims']['value']} sourced membership claims.")


STATS_FILE = "stats.json"  # graph_stats of a release, written by the build


def graph_stats(g: ISCMGraph) -> dict[str, Any]:
    """Counts per class, provenance coverage, and per ISCM: members, observers, completeness, sources.

    A local release carries them (``stats.json``, computed by the build on its Oxigraph store): on a
    slow backend (rdflib) the counting queries take seconds, and the answer cannot change.
    """
    saved = g.release / STATS_FILE if g.release is not None else None
    if saved is not None and g.store.name != "remote" and saved.is_file():
        return json.loads(saved.read_text(encoding="utf-8"))
    return compute_stats(g)


def compute_stats(g: ISCMGraph) -> dict[str, Any]:
    """:func:`graph_stats` from the store and the release's tables."""
    values = " ".join(f"({cls})" for _, cls in CLASSES)
    counts = _select(g, "stats.class-counts", values=values)
    by_iri = {str(row[0]): int(row[1].toPython()) for row in counts.rows}
    classes = {}
    for name, curie in CLASSES:
        prefix, local = curie.split(":")
        iri = {"iscm": "https://w3id.org/iscm/ontology#", "org": "http://www.w3.org/ns/org#"}[prefix] + local
        classes[name] = by_iri.get(iri, 0)

    prov = _select(g, "stats.membership-provenance")
    n, with_source, with_date = (int(c.toPython()) for c in prov.rows[0])
    sources = source_kinds(g, n)

    df = g.memberships
    iscm_rows = _select(g, "stats.iscm-sources")
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
            **sources,
        },
        "iscms": iscms,
        # States and territories together (headline: the same split in two)
        "states_in_any_iscm": int(states_any[states_any["actor_type"] == "state"]["actor_id"].nunique()),
        "headline": (h := headline(g.tenures, [r["id"] for r in iscms], claims=len(df))),
        "headline_text": headline_sentence(h),
    }


KIND_ORDER = ("primary", "igo", "press", "secondary")  # a claim counts under the best kind it rests on


def source_kinds(g: ISCMGraph, n: int) -> dict[str, Any]:
    """How many membership claims rest on a primary or IGO source, and how many only on secondary ones
    (a claim through a bloc rests on its own source and the bloc's: the best of them counts)."""
    rows = _select(g, "stats.membership-source-kinds")
    best: dict[str, int] = {}
    for m, k in rows.rows:
        rank = KIND_ORDER.index(str(k)) if k is not None and str(k) in KIND_ORDER else len(KIND_ORDER)
        best[str(m)] = min(best.get(str(m), rank), rank)
    by_kind = {kind: sum(1 for r in best.values() if r == i) for i, kind in enumerate(KIND_ORDER)}
    by_kind["unknown"] = sum(1 for r in best.values() if r == len(KIND_ORDER))
    official = by_kind["primary"] + by_kind["igo"]
    return {
        "memberships_by_source_kind": by_kind,
        "memberships_primary_or_igo": official,
        "share_primary_or_igo": official / n if n else 1.0,
        "memberships_secondary_only": by_kind["secondary"],
        "share_secondary_only": by_kind["secondary"] / n if n else 0.0,
    }


def sources_markdown(p: dict[str, Any]) -> str:
    """One line under the README's counts: which kind of source the membership claims rest on."""
    k = p["memberships_by_source_kind"]
    return (f"\nOf the {p['memberships']} membership claims, {p['share_primary_or_igo']:.1%} rest on a primary "
            f"(official ISCM, State or union) or IGO source ({k['primary']} primary, {k['igo']} IGO), "
            f"{k['press']} on press only and {k['secondary']} ({p['share_secondary_only']:.1%}) on secondary "
            "sources only (`iscm sources --check` lists them).\n")


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


def headline_markdown(h: dict[str, dict[str, Any]], *, as_of: dt.date) -> str:
    """The headline as the README's table (``iscm stats --format markdown`` writes it)."""
    rows = "".join(f"| {v['value']} | {v['label']} |\n" for v in h.values())
    return f"As of {as_of.isoformat()}:\n\n| count | what it counts |\n| ---: | --- |\n{rows}"

