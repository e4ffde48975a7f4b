"""Profiles and lists over a loaded graph — the answers the API serves, as plain data.

They are methods of the one read model, :class:`graph.loader.ISCMGraph` (this module holds them so
the facade stays short). The REST API calls these and nothing else for the same questions, so the
Python API, REST and the web page cannot disagree. Every membership or fact in a profile carries its
source and as-of date.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from functools import cached_property
from typing import Any

import pandas as pd

from graph import queries, temporal, views
from graph.columns import Col
from graph.namespace import BASE
from graph.store import SelectResult
from graph.tables import text

_iso = text  # a cell as text: None when missing, timestamps as ISO dates


def _rows(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Tenure rows as plain data: the interval as stored (ISO dates) and as people read it
    (``since``/``until`` with precision, ``≈`` when inferred), why it ended, and its evidence."""
    out = []
    tenure = "end_reason" in df.columns
    for row in df.itertuples(index=False):
        item = {
            "organisation": row.organisation_id, "organisation_label": row.organisation_label,
            "organisation_type": row.organisation_type, "actor": row.actor_id, "actor_label": row.actor_label,
            "actor_type": row.actor_type, "role": row.role, "start": _iso(row.start), "end": _iso(row.end),
            "as_of": _iso(row.as_of), "source": _iso(row.source_url) or _iso(row.source),
            "complete_list": bool(row.complete_list), "via": _iso(row.via),
        }
        if tenure:
            item.update({
                "since": temporal.label(row.start, row.start_precision, inferred=bool(row.start_inferred)),
                "until": temporal.label(row.end, row.end_precision, inferred=bool(row.end_inferred)),
                "start_inferred": bool(row.start_inferred), "start_basis": row.start_basis,
                "end_reason": _iso(row.end_reason), "end_inferred": bool(row.end_inferred),
                "last_seen": _iso(row.last_seen), "derived": bool(row.derived),
                "as_of_inferred": bool(row.as_of_inferred), "evidence": int(row.evidence),
                "current": bool(row.current),
                "as_of_label": temporal.label(row.as_of, row.as_of_precision, inferred=bool(row.as_of_inferred)),
            })
        out.append(item)
    return out


def _per_release(method: Callable[..., pd.DataFrame]) -> Callable[..., pd.DataFrame]:
    """Remember a list method's table per arguments: the release cannot change under a loaded graph.
    Callers get the cached DataFrame itself and must not modify it."""

    @functools.wraps(method)
    def cached(self: Any, *args: Any, **kwargs: Any) -> pd.DataFrame:
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        return self.memo(key, lambda: method(self, *args, **kwargs))

    return cached


class Profiles:
    """Profiles and lists: the part of the facade :class:`graph.loader.ISCMGraph` that answers the
    API's questions. The host provides the tables (``tenures``, ``current``, ``entities``, ``events``),
    ``memo``, ``query`` and ``release_date``."""

    def state_profile(self, code: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        """A State's ISCMs by role, unions and IGOs, full ISCM history, actions and liaison links."""
        return self.memo(("state", code.upper(), as_of), lambda: self._state_profile(code, as_of=as_of))

    def iscm_profile(self, iscm_id: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        """An ISCM's facts, members, observers, chairs, secretariat, partners and sources."""
        return self.memo(("iscm", iscm_id, as_of), lambda: self._iscm_profile(iscm_id, as_of=as_of))

    def organisation_profile(self, org_id: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        """An organisation's roles in ISCMs and, for unions and IGOs, its members."""
        return self.memo(("org", org_id, as_of), lambda: self._organisation_profile(org_id, as_of=as_of))

    # ------------------------------------------------------------------ profiles (uncached)
    def _state_profile(self, code: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        row = self.entity(code, kind="state")
        code = code.upper()
        held = self.memberships_at(as_of)
        mine = held[held[Col.ACTOR_ID] == code]
        iscms = mine[mine[Col.ORGANISATION_TYPE] == "iscm"]
        unions = mine[mine[Col.ORGANISATION_TYPE].isin(["union", "organisation"])]
        return {
            "id": code, "label": row["label"], "type": "state", "identifiers": self.identifiers_of(code),
            "region": _iso(row["region"]),
            "subregion": _iso(row["subregion"]), "as_of": None if as_of is None else str(as_of),
            "iscm_count": int(iscms[iscms[Col.ROLE] == "member"][Col.ORGANISATION_ID].nunique()),
            "iscms": _rows(iscms), "unions_and_igos": _rows(unions),
            "history": _rows(self.tenures[(self.tenures[Col.ACTOR_ID] == code)
                                          & (self.tenures[Col.ORGANISATION_TYPE] == "iscm")]),
            "actions": self._actions_of(code), "liaison": self._deployments_to(code),
            "events": _state_events(self.events, code),
        }

    def _iscm_profile(self, iscm_id: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        row = self.entity(iscm_id, kind="iscm")
        held = self.memberships_at(as_of)
        mine = held[held[Col.ORGANISATION_ID] == iscm_id]
        facts = self._iscm_facts(iscm_id)

        def by_role(*roles: str) -> list[dict[str, Any]]:
            return _rows(mine[mine[Col.ROLE].isin(roles)])

        ever = self.tenures[self.tenures[Col.ORGANISATION_ID] == iscm_id]
        ended = ever[(ever[Col.ROLE] == "member") & ever[Col.END].notna()]
        # ended before the period asked for (or before the release date)
        ended = ended[ended[Col.END] < temporal.period(as_of)[0]] if as_of is not None else ended[~ended[Col.CURRENT]]
        ended = ended[~ended[Col.ACTOR_ID].isin(mine[mine[Col.ROLE] == "member"][Col.ACTOR_ID])]
        # exits a source records for actors no member claim names (IOM: "France, Austria and Italy have left")
        claims = self.memberships[(self.memberships[Col.ORGANISATION_ID] == iscm_id)
                                  & (self.memberships[Col.ROLE] == "former-member")]
        if as_of is not None:
            claims = claims[claims[Col.AS_OF] <= temporal.period(as_of)[1]]
        exits = claims[~claims[Col.ACTOR_ID].isin(set(ended[Col.ACTOR_ID]) | set(mine[Col.ACTOR_ID]))]
        return {
            "id": iscm_id, "label": row["label"], "type": "iscm", "identifiers": self.identifiers_of(iscm_id),
            "as_of": None if as_of is None else str(as_of),
            **facts,
            "member_count": int(mine[(mine[Col.ROLE] == "member")][Col.ACTOR_ID].nunique()),
            "members": by_role("member"), "observers": by_role("observer"),
            "chairs": by_role(*temporal.ROTATING_ROLES),
            "chair_history": _rows(ever[ever[Col.ROLE].isin(temporal.ROTATING_ROLES)].sort_values("start")),
            "secretariat": by_role("secretariat", "technical-support-unit"),
            "partners": by_role("partner", "funder", "steering-committee-member"),
            "former_members": _rows(ended) + _rows(exits.drop_duplicates("actor_id")),
            "events": _event_rows(self.events, iscm=iscm_id),
        }

    def _organisation_profile(self, org_id: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        row = self.entity(org_id, kind="organisation")
        held = self.memberships_at(as_of)
        return {
            "id": org_id, "label": row["label"], "type": row["type"], "identifiers": self.identifiers_of(org_id),
            "as_of": None if as_of is None else str(as_of),
            "roles_in_iscms": _rows(held[(held[Col.ACTOR_ID] == org_id)]),
            "members": _rows(held[(held[Col.ORGANISATION_ID] == org_id) & (held[Col.ROLE] == "member")]),
        }

    def _select(self, name: str, **params: str) -> list[dict[str, Any]]:
        result = self.query(queries.text(name, **params))
        assert isinstance(result, SelectResult)
        return result.records()

    def _iscm_facts(self, iscm_id: str) -> dict[str, Any]:
        iri = f"{BASE}id/iscm/{iscm_id}"
        base = self._select("profile.iscm-facts", iri=iri)
        info = base[0] if base else {}
        themes = sorted({r["t"] for r in self._select("profile.iscm-themes", iri=iri)})
        claims = self._select("profile.iscm-claims", iri=iri)
        related = self._select("profile.iscm-related", iri=iri)
        sources = sorted({r["url"] for r in self._select("profile.iscm-source-pages", iri=iri)})
        for rows in (claims, related):
            for r in rows:
                r[Col.AS_OF] = _iso(r.get("as_of"))
        return {
            "kind": info.get("kind"), "status": info.get("status"), "established": _iso(info.get("established")),
            "website": info.get("website"), "acronym": info.get("acronym"), "themes": themes,
            "claims": _dedupe(claims), "related": _dedupe(related), "sources": sources,
        }

    def _actions_of(self, code: str) -> list[dict[str, Any]]:
        rows = self._select("profile.state-actions", iri=f"{BASE}id/state/{code}")
        return _dedupe(rows)

    def _deployments_to(self, code: str) -> list[dict[str, Any]]:
        return _dedupe(self._select("profile.state-deployments", iri=f"{BASE}id/state/{code}"))

    # ------------------------------------------------------------------ lists
    @_per_release
    def list_iscms(self, *, kind: str | None = None, status: str | None = None) -> pd.DataFrame:
        rows = self._select("profile.iscms")
        df = pd.DataFrame(rows, columns=["id", "label", "kind", "status", "established"])
        counts = self.current[(self.current[Col.ORGANISATION_TYPE] == "iscm") & (self.current[Col.ROLE] == "member")]
        df["members"] = df["id"].map(counts.groupby(Col.ORGANISATION_ID)[Col.ACTOR_ID].nunique()).fillna(0).astype(int)
        df["established"] = df["established"].map(_iso)
        if kind:
            df = df[df["kind"] == kind]
        if status:
            df = df[df["status"] == status]
        return df.reset_index(drop=True)

    @_per_release
    def list_states(self, *, min_iscms: int = 0, region: str | None = None, role: str = "member",
                    as_of: int | str | None = None, kinds: tuple[str, ...] | None = None,
                    statuses: tuple[str, ...] | None = None, derivation: str = "all") -> pd.DataFrame:
        held = views.filter_memberships(self.tenures, roles=(role,), as_of=as_of, kinds=kinds, statuses=statuses,
                                        derivation=derivation)
        held = held[held[Col.ACTOR_TYPE] == "state"]
        counts = held.groupby(Col.ACTOR_ID)[Col.ORGANISATION_ID].nunique()
        ents = self.entities[self.entities["type"] == "state"]
        df = pd.DataFrame({"id": ents.index, "label": ents["label"].to_numpy(),
                           "region": ents["region"].to_numpy(), "subregion": ents["subregion"].to_numpy()})
        df["iscms"] = df["id"].map(counts).fillna(0).astype(int)
        df = df[df["iscms"] >= min_iscms]
        if region:
            df = df[(df["region"] == region) | (df["subregion"] == region)]
        return df.sort_values(["iscms", "id"], ascending=[False, True]).reset_index(drop=True)

    def panel(self, name: str, *, kinds: tuple[str, ...] | None = None, derivation: str = "all") -> pd.DataFrame:
        """A panel dataset of this release (``state-iscm-year`` or ``dyad-year``; see :mod:`graph.panels`)."""
        from graph import panels

        build = {"state-iscm-year": panels.state_iscm_year, "dyad-year": panels.dyad_year}[name]
        last = self.release_date.year
        return self.memo(("panel", name, kinds, derivation),
                         lambda: build(self.tenures, last_year=last, kinds=kinds, derivation=derivation))

    @_per_release
    def list_organisations(self, *, type: str | None = None) -> pd.DataFrame:
        ents = self.entities[self.entities["type"].isin(["organisation", "union"])]
        df = pd.DataFrame({"id": ents.index, "label": ents["label"].to_numpy(), "type": ents["type"].to_numpy()})
        if type:
            df = df[df["type"] == type]
        return df.sort_values("id").reset_index(drop=True)

    @_per_release
    def list_actions(self) -> pd.DataFrame:
        """Every capacity-building action with partner, requesting authority, experts and period
        (:func:`graph.partners.actions`)."""
        from graph import partners

        return partners.actions(self.store)

    @_per_release
    def list_deployments(self) -> pd.DataFrame:
        from graph import partners

        return partners.deployments(self.store)

    @_per_release
    def list_networks(self) -> pd.DataFrame:
        from graph import partners

        return partners.networks(self.store, self.list_deployments())

    @_per_release
    def expert_flows(self, as_of: int | str | None = None, programme: str | None = None) -> pd.DataFrame:
        from graph import partners

        return partners.expert_flows(self.list_actions(), as_of=as_of, programme=programme)

    @cached_property
    def identifiers(self) -> pd.DataFrame:
        """Ids other registries give our entities (``skos:exactMatch``): ``id`` → ``wikidata`` (a QID)."""
        df = pd.DataFrame(self._select("profile.identifiers"), columns=["id", "match"]).dropna()
        df["wikidata"] = df["match"].map(lambda m: str(m).rsplit("/", 1)[-1])
        return df.drop_duplicates("id").set_index("id")[["wikidata"]]

    def identifiers_of(self, entity_id: str) -> dict[str, str]:
        """``{"wikidata": "Q…", "wikidata_uri": …}`` for one entity, or ``{}``."""
        if entity_id not in self.identifiers.index:
            return {}
        qid = str(self.identifiers.loc[entity_id, "wikidata"])
        return {"wikidata": qid, "wikidata_uri": f"http://www.wikidata.org/entity/{qid}"}

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every meeting, one row each, list columns as lists (see :func:`graph.events_analytics.events`)."""
        from graph import events_analytics

        return events_analytics.events(self.store)

    @_per_release
    def list_events(self, **filters: Any) -> pd.DataFrame:
        """Meetings matching ``filters`` (:func:`graph.events_analytics.filter_events`), lists joined by ``;``."""
        from graph import events_analytics

        return events_analytics.as_table(events_analytics.filter_events(self.events, **filters))


def _event_rows(df: pd.DataFrame, **filters: Any) -> list[dict[str, Any]]:
    from graph import events_analytics

    cols = ["id", "title", "iscm", "level", "start", "end", "place", "country", "iscms", "source", "as_of",
            "as_of_inferred"]
    rows = events_analytics.filter_events(df, **filters)[cols].to_dict(orient="records")
    return [{k: v if isinstance(v, (list, bool)) else _iso(v) for k, v in r.items()} for r in rows]


def _state_events(df: pd.DataFrame, code: str) -> dict[str, list[dict[str, Any]]]:
    return {"hosted": _event_rows(df, state=code, role="host"), "chaired": _event_rows(df, state=code, role="chair"),
            "attended": _event_rows(df, state=code, role="participant")}


def _dedupe(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen, out = set(), []
    for r in rows:
        clean = {k: (_iso(v) if not isinstance(v, (int, float, bool)) or isinstance(v, bool) else v)
                 for k, v in r.items()}
        key = tuple(sorted((k, str(v)) for k, v in clean.items()))
        if key not in seen:
            seen.add(key)
            out.append(clean)
    return out


def Catalogue(g: Any, *, cache_bytes: int | None = None) -> Any:
    """The loaded graph itself: profiles, lists and search are methods of :class:`graph.loader.ISCMGraph`
    now (kept so code written for the old ``Catalogue(g)`` keeps working)."""
    if cache_bytes is not None:
        g.resize_cache(cache_bytes)
    return g
