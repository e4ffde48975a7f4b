"""Profiles, lists and search over a loaded graph — the answers the API serves, as plain data.

The REST API calls these functions and nothing else for the same questions, so the Python API,
REST and the web page cannot disagree. Every membership or fact in a profile carries its source
and as-of date.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import networkx as nx
import pandas as pd
from cachetools import LRUCache

from graph import queries, temporal, views
from graph.errors import UnknownEntityError
from graph.loader import ISCMGraph
from graph.namespace import BASE
from graph.store import SelectResult


def _fold(text: str) -> str:
    """Lower case, no accents, single spaces: "Côte d'Ivoire" → "cote d ivoire"."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in norm).split())


def _iso(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return None
    if isinstance(value, pd.Timestamp):
        return value.date().isoformat()
    return str(value)


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
    """Remember a list method's table per arguments: the release cannot change under a Catalogue.
    Callers get the cached DataFrame itself and must not modify it."""

    @functools.wraps(method)
    def cached(self: Catalogue, *args: Any, **kwargs: Any) -> pd.DataFrame:
        key = (method.__name__, args, tuple(sorted(kwargs.items())))
        return self.memo(key, lambda: method(self, *args, **kwargs))

    return cached


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


def _size(value: Any) -> int:
    """Roughly the bytes an answer holds (the cache's bound): exact for text, shallow for tables."""
    if isinstance(value, str | bytes):
        return len(value) + 64
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum()) + 64 * value.size + 256
    if isinstance(value, tuple | list):
        return sum(_size(v) for v in value) + 64
    if isinstance(value, dict):
        return sum(_size(k) + _size(v) for k, v in value.items()) + 64
    return 256


@dataclass(frozen=True)
class Hit:
    id: str
    label: str
    type: str
    score: float
    matched: str


class Catalogue:
    """Read-only indexes over one loaded graph, built once (the API holds one per process)."""

    def __init__(self, g: ISCMGraph, *, cache_bytes: int = 256 * 2**20) -> None:
        self.g = g
        # the release is immutable, so an answer computed once stays right until a new release;
        # bounded by the (estimated) bytes the answers hold, least recently used first out
        self._cache: LRUCache[tuple, Any] = LRUCache(maxsize=cache_bytes, getsizeof=_size)
        self._pending: dict[tuple, _Pending] = {}
        self._lock = threading.Lock()

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered under ``key`` for this release (treat as read-only). Callers
        asking for a key being computed wait for that computation instead of repeating it."""
        with self._lock:
            with contextlib.suppress(KeyError):
                return self._cache[key]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            pending.value = compute()
            with self._lock, contextlib.suppress(ValueError):  # larger than the whole cache: not kept
                self._cache[key] = pending.value
            return pending.value
        except BaseException as exc:
            pending.error = exc
            raise
        finally:
            with self._lock:
                del self._pending[key]
            pending.done.set()

    def cached(self, key: tuple) -> bool:
        with self._lock:
            return key in self._cache

    # ------------------------------------------------------------------ tables built once
    @cached_property
    def memberships(self) -> pd.DataFrame:
        """Every membership claim, as sourced (see :func:`graph.views.memberships`)."""
        return self.g.memberships

    @cached_property
    def tenures(self) -> pd.DataFrame:
        """The claims resolved by the time model (:mod:`graph.temporal`): what every answer reads."""
        return self.g.tenures

    @cached_property
    def current(self) -> pd.DataFrame:
        """The tenures holding on the release date."""
        return temporal.holding(self.tenures)

    @cached_property
    def entities(self) -> pd.DataFrame:
        return views.entities(self.g.store).set_index("id")

    @cached_property
    def names(self) -> pd.DataFrame:
        """Every name an entity is known by (labels, alternative labels, acronyms, ISO codes)."""
        result = self.g.query(queries.text("profile.names"))
        assert isinstance(result, SelectResult)
        df = pd.DataFrame(result.records(), columns=["id", "name"]).dropna()
        df = df[df["id"].isin(self.entities.index)]
        df["folded"] = df["name"].map(_fold)
        return df.drop_duplicates(["id", "folded"]).reset_index(drop=True)

    @cached_property
    def bipartite(self) -> nx.Graph:
        return views.bipartite(self.tenures)

    def bipartite_at(self, *, as_of: int | str | None = None, roles: str = "members",
                     regions: tuple[str, ...] | None = None, **filters: Any) -> nx.Graph:
        """``filters``: ``kinds``, ``statuses``, ``derivation`` (see :func:`graph.views.filter_memberships`)."""
        if as_of is None and roles == "members" and regions is None and not any(filters.values()):
            return self.bipartite
        return views.bipartite(self.tenures, roles=roles, as_of=as_of, regions=regions, **filters)

    @cached_property
    def _partnership_now(self):  # noqa: ANN202 - networkx multigraph
        from graph import partnership

        return partnership.partnership_graph(self.g.store, tenures=self.tenures)

    def partnership(self, as_of: int | str | None = None):  # noqa: ANN201 - networkx multigraph
        """The partnership multigraph (today's is built once and reused)."""
        if as_of is None:
            return self._partnership_now
        from graph import partnership

        return partnership.partnership_graph(self.g.store, as_of=as_of, tenures=self.tenures)

    def memberships_at(self, as_of: int | str | None) -> pd.DataFrame:
        """The tenures holding ``as_of`` (a year, a month or a date; the release date if None)."""
        return self.current if as_of is None else temporal.holding(self.tenures, as_of=as_of)

    # ------------------------------------------------------------------ lookup and search
    def entity(self, entity_id: str, *, kind: str | None = None) -> pd.Series:
        key = entity_id.upper() if kind == "state" else entity_id
        if key not in self.entities.index:
            raise UnknownEntityError(kind or "entity", entity_id)
        row = self.entities.loc[key]
        if kind is not None and kind != "organisation" and row["type"] != kind:
            raise UnknownEntityError(kind, entity_id)
        if kind == "organisation" and row["type"] not in ("organisation", "union"):
            raise UnknownEntityError(kind, entity_id)
        return row

    def search(self, q: str, *, limit: int = 10, types: tuple[str, ...] | None = None) -> list[Hit]:
        """Entities whose name, acronym, alias or ISO code matches ``q``, best first.

        Exact (folded) matches score 1; prefixes and word matches 0.9-0.8; otherwise a fuzzy
        similarity (difflib ratio ≥ 0.75) catches spelling variants ("Marocco", "Phillipines").
        """
        needle = _fold(q)
        if not needle:
            return []
        # the release cannot change under a Catalogue, so an answer holds until it is evicted
        key = ("search", needle, limit, tuple(sorted(types)) if types else None)
        return list(self.memo(key, lambda: self._search(needle, limit=limit, types=types)))

    def _search(self, needle: str, *, limit: int, types: tuple[str, ...] | None) -> list[Hit]:
        best: dict[str, Hit] = {}
        names = self.names
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(needle)  # difflib caches facts about seq2: the query
        for row in names.itertuples(index=False):
            hay = row.folded
            if hay == needle:
                score = 1.0
            elif hay.startswith(needle):
                score = 0.9
            elif f" {needle}" in f" {hay}":
                score = 0.8
            elif len(needle) >= 4:
                matcher.set_seq1(hay)
                # cheap upper bounds first, as difflib.get_close_matches does
                if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75:
                    continue
                ratio = matcher.ratio()
                score = ratio * 0.75 if ratio >= 0.75 else 0.0
            else:
                score = 0.0
            if score <= 0:
                continue
            etype = self.entities.at[row.id, "type"]
            if types and etype not in types:
                continue
            current = best.get(row.id)
            if current is None or score > current.score:
                best[row.id] = Hit(id=row.id, label=str(self.entities.at[row.id, "label"]), type=str(etype),
                                   score=round(score, 3), matched=row.name)
        self._country_alias(needle, best, types)
        hits = sorted(best.values(), key=lambda h: (-h.score, h.type != "state", h.label))
        return hits[:limit]

    def _country_alias(self, needle: str, best: dict[str, Hit], types: tuple[str, ...] | None) -> None:
        """A common name country_converter knows ("UK", "Ivory Coast", "Swaziland", "Turkey") ranks as
        an alias (0.95): above prefixes and fuzzy matches ("UK" is not Ukraine), below exact names."""
        if types and "state" not in types:
            return
        from graph.countries import resolve_country_name

        code = resolve_country_name(needle)
        if code is None or code not in self.entities.index or self.entities.at[code, "type"] != "state":
            return
        current = best.get(code)
        if current is None or current.score < 0.95:
            best[code] = Hit(id=code, label=str(self.entities.at[code, "label"]), type="state", score=0.95,
                             matched=needle)


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
        mine = held[held["actor_id"] == code]
        iscms = mine[mine["organisation_type"] == "iscm"]
        unions = mine[mine["organisation_type"].isin(["union", "organisation"])]
        return {
            "id": code, "label": row["label"], "type": "state", "region": _iso(row["region"]),
            "subregion": _iso(row["subregion"]), "as_of": None if as_of is None else str(as_of),
            "iscm_count": int(iscms[iscms["role"] == "member"]["organisation_id"].nunique()),
            "iscms": _rows(iscms), "unions_and_igos": _rows(unions),
            "history": _rows(self.tenures[(self.tenures["actor_id"] == code)
                                          & (self.tenures["organisation_type"] == "iscm")]),
            "actions": self._actions_of(code), "liaison": self._deployments_to(code),
            "events": _state_events(self.events, code),
        }

    def _iscm_profile(self, iscm_id: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        row = self.entity(iscm_id, kind="iscm")
        held = self.memberships_at(as_of)
        mine = held[held["organisation_id"] == iscm_id]
        facts = self._iscm_facts(iscm_id)

        def by_role(*roles: str) -> list[dict[str, Any]]:
            return _rows(mine[mine["role"].isin(roles)])

        ever = self.tenures[self.tenures["organisation_id"] == iscm_id]
        ended = ever[(ever["role"] == "member") & ever["end"].notna()]
        # ended before the period asked for (or before the release date)
        ended = ended[ended["end"] < temporal.period(as_of)[0]] if as_of is not None else ended[~ended["current"]]
        ended = ended[~ended["actor_id"].isin(mine[mine["role"] == "member"]["actor_id"])]
        # exits a source records for actors no member claim names (IOM: "France, Austria and Italy have left")
        claims = self.memberships[(self.memberships["organisation_id"] == iscm_id)
                                  & (self.memberships["role"] == "former-member")]
        if as_of is not None:
            claims = claims[claims["as_of"] <= temporal.period(as_of)[1]]
        exits = claims[~claims["actor_id"].isin(set(ended["actor_id"]) | set(mine["actor_id"]))]
        return {
            "id": iscm_id, "label": row["label"], "type": "iscm", "as_of": None if as_of is None else str(as_of),
            **facts,
            "member_count": int(mine[(mine["role"] == "member")]["actor_id"].nunique()),
            "members": by_role("member"), "observers": by_role("observer"),
            "chairs": by_role(*temporal.ROTATING_ROLES),
            "chair_history": _rows(ever[ever["role"].isin(temporal.ROTATING_ROLES)].sort_values("start")),
            "secretariat": by_role("secretariat", "technical-support-unit"),
            "partners": by_role("partner", "funder", "steering-committee-member"),
            "former_members": _rows(ended) + _rows(exits.drop_duplicates("actor_id")),
            "events": _event_rows(self.events, iscm=iscm_id),
        }

    def _organisation_profile(self, org_id: str, *, as_of: int | str | None = None) -> dict[str, Any]:
        row = self.entity(org_id, kind="organisation")
        held = self.memberships_at(as_of)
        return {
            "id": org_id, "label": row["label"], "type": row["type"], "as_of": None if as_of is None else str(as_of),
            "roles_in_iscms": _rows(held[(held["actor_id"] == org_id)]),
            "members": _rows(held[(held["organisation_id"] == org_id) & (held["role"] == "member")]),
        }

    def _select(self, name: str, **params: str) -> list[dict[str, Any]]:
        result = self.g.query(queries.text(name, **params))
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
                r["as_of"] = _iso(r.get("as_of"))
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
        counts = self.current[(self.current["organisation_type"] == "iscm") & (self.current["role"] == "member")]
        df["members"] = df["id"].map(counts.groupby("organisation_id")["actor_id"].nunique()).fillna(0).astype(int)
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
        held = held[held["actor_type"] == "state"]
        counts = held.groupby("actor_id")["organisation_id"].nunique()
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
        last = self.g.release_date.year
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
        rows = self._select("profile.actions")
        df = pd.DataFrame(rows, columns=["id", "title", "status", "start", "end", "requesting"])
        for col in ("start", "end"):
            df[col] = df[col].map(_iso)
        return df.drop_duplicates("id").reset_index(drop=True)

    @_per_release
    def list_networks(self) -> pd.DataFrame:
        rows = self._select("profile.networks")
        return pd.DataFrame(rows, columns=["id", "label", "officers", "approximate"]).drop_duplicates("id")

    @cached_property
    def events(self) -> pd.DataFrame:
        """Every meeting, one row each, list columns as lists (see :func:`graph.events_analytics.events`)."""
        from graph import events_analytics

        return events_analytics.events(self.g.store)

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
