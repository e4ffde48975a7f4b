"""What a reader needs beside the profiles: any entity described in words (so every search hit opens
something — an action, a network, a meeting), and the sources behind a profile as a numbered list with
title, publisher and date, so a table row can cite "[3]" instead of a bare link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from graph import queries
from graph.store import SelectResult
from graph.tables import missing

if TYPE_CHECKING:
    from graph.loader import ISCMGraph

BASE = "https://w3id.org/iscm/"
# the collection an entity's IRI lives under, by search-hit type
COLLECTION = {"state": "state", "iscm": "iscm", "union": "org", "organisation": "org", "network": "network",
              "action": "action", "event": "event"}
# properties not worth a row for a reader (bookkeeping, or shown another way)
_SKIP = {"rdf-syntax-ns#type", "terms/identifier", "rdf-schema#label", "core#prefLabel", "ontology#extractor",
         "prov#wasDerivedFrom", "ontology#asOfPrecision"}


def _select(cat: ISCMGraph, name: str, **params: str) -> list[dict[str, Any]]:
    result = cat.query(queries.text(name, **params))
    assert isinstance(result, SelectResult)
    return result.records()


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def sources(cat: ISCMGraph) -> pd.DataFrame:
    """Every source once: ``key`` (its page, or its IRI when it is a document), url, title, publisher,
    accessed, locator, the document it is part of, its kind (primary, igo, press, secondary), the date
    it was published and, for a copy, what it copies."""
    return cat.memo(("sources-table",), lambda: _sources(cat))


def _sources(cat: ISCMGraph) -> pd.DataFrame:
    rows = _select(cat, "details.sources")
    df = pd.DataFrame(rows, columns=["src", "url", "title", "label", "publisher", "accessed", "locator", "doc",
                                     "kind", "published", "copy_of"])
    df["published"] = df["published"].map(lambda v: None if missing(v) else str(v))
    df["title"] = df["title"].fillna(df["label"]).fillna(df["doc"])
    df["accessed"] = df["accessed"].map(lambda v: None if missing(v) else str(v))
    df["key"] = df["url"].fillna(df["src"])
    # one row per source whatever order the store gives them in (a page cited by two files may carry
    # two publisher spellings): the first after sorting, so every backend shows the same
    df = df.sort_values(["key", "src", "title", "publisher", "accessed", "locator", "doc"], na_position="last")
    return df.drop_duplicates("src").set_index("src")


def numbered(cat: ISCMGraph, cited: list[tuple[str, str | None]]) -> list[dict[str, Any]]:
    """The sources ``cited`` as (key, as_of) pairs — a page URL or a source IRI, and the date the
    citing fact holds — numbered in order of first citation; each with title, publisher, the date
    it was read (if recorded) and the newest as-of date it is cited for."""
    table = sources(cat)
    by_key = table.reset_index().drop_duplicates("key").set_index("key")
    by_src = table
    # rows cite a document source by its label (title, or "document, locator"): find those too
    by_label = table.dropna(subset=["label"]).drop_duplicates("label").set_index("label")
    out: dict[str, dict[str, Any]] = {}
    for key, as_of in cited:
        if not key:
            continue
        if key not in out:
            row = next((t.loc[key] for t in (by_key, by_src, by_label) if key in t.index), None)
            info = {"n": len(out) + 1, "key": key, "url": None, "title": None, "publisher": None,
                    "accessed": None, "locator": None, "kind": None, "published": None, "copy_of": None,
                    "as_of": None}
            if row is not None:
                info.update({k: None if missing(row[k]) else str(row[k])
                             for k in ("url", "title", "publisher", "accessed", "locator", "kind", "published",
                                       "copy_of")})
            elif key.startswith("http"):
                info["url"] = key
            out[key] = info
        if as_of and (out[key]["as_of"] is None or str(as_of) > out[key]["as_of"]):
            out[key]["as_of"] = str(as_of)
    return list(out.values())


def entity(cat: ISCMGraph, entity_id: str) -> dict[str, Any]:
    """Any entity as label, type and readable facts (property in words, value with its label and id),
    with its sources: what the page shows for a search hit that has no profile of its own."""
    row = cat.entity(entity_id)
    etype = str(row["type"])
    iri = f"{BASE}id/{COLLECTION.get(etype, 'org')}/{entity_id}"
    rows = _select(cat, "details.entity-facts", iri=iri)
    facts: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        p = str(r["p"])
        if any(p.endswith(s) for s in _SKIP):
            continue
        value = r["o"]
        if isinstance(value, str) and value.startswith(BASE + "id/interval/"):
            continue  # the period is given below as start and end
        shown = r.get("olabel") or (_local(value) if isinstance(value, str) and value.startswith(BASE) else value)
        key = (p, str(value))
        if key not in facts:
            facts[key] = {"property": r.get("plabel") or _local(p), "value": None if shown is None else str(shown),
                          "id": r.get("oid"), "type": _type_of(cat, r.get("oid"))}
    period = _select(cat, "details.entity-period", iri=iri)
    src = _select(cat, "details.entity-sources", iri=iri)
    table = sources(cat)
    keys = [table.at[str(s["s"]), "key"] if str(s["s"]) in table.index else str(s["s"]) for s in src]
    when = period[0] if period else {}
    return {
        "id": entity_id, "label": str(row["label"]), "type": etype,
        "start": None if when.get("start") is None else str(when["start"]),
        "end": None if when.get("end") is None else str(when["end"]),
        "facts": sorted(facts.values(), key=lambda f: (f["property"], f["value"] or "")),
        "sources": numbered(cat, [(k, None) for k in keys]),
    }


def _type_of(cat: ISCMGraph, entity_id: Any) -> str | None:
    if entity_id is None or str(entity_id) not in cat.entities.index:
        return None
    return str(cat.entities.at[str(entity_id), "type"])


_CITING = ("iscms", "unions_and_igos", "history", "members", "observers", "chairs", "chair_history", "secretariat",
           "partners", "former_members", "roles_in_iscms", "claims", "related", "events")


def with_sources(cat: ISCMGraph, profile: dict[str, Any]) -> dict[str, Any]:
    """``profile`` with ``source_list``: every source its rows cite, numbered (rows cite by their key)."""
    cited: list[tuple[str, str | None]] = []
    for part in _CITING:
        rows = profile.get(part) or []
        if isinstance(rows, dict):  # a State's events: hosted, chaired, attended
            rows = [r for group in rows.values() for r in group]
        cited += [(r.get("source"), r.get("as_of")) for r in rows if r.get("source")]
    cited += [(url, None) for url in profile.get("sources") or []]
    return {**profile, "source_list": numbered(cat, cited)}
