"""Checks across files: every id a record names (ISCMs, unions, organisations, roles, themes, sources,
country codes) must exist. A reference to a record that failed its own checks is not reported again
(:meth:`Catalog.explained`), so one bad file yields its own errors and no echo in the files that
point at it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from graph import countries
from graph.catalog import Catalog, Errors, Vocabulary, not_an_id
from graph.schema import CollaborationFile, Dated, MembershipBlock


def _actor_hint(name: str) -> str:
    if name == name.lower():  # looks like an organisation id, not a country name
        return ""
    code = countries.resolve_country_name(name)
    return f" (did you mean {code}?)" if code else ""


def is_id(value: Any, *, list_ok: bool = False) -> bool:
    if isinstance(value, str):
        return True
    return list_ok and isinstance(value, list) and all(isinstance(v, str) for v in value)


def check_references(cat: Catalog, vocab: Vocabulary, errors: Errors) -> None:
    org_ids = set(cat.organisations) | set(cat.unions)
    for rec, shown, _line in cat.organisations.values():
        if rec.country and not countries.is_country_code(rec.country):
            errors.add(f"unknown country code {rec.country!r}{_actor_hint(rec.country)}", path=shown,
                       record=f"organisation {rec.id}")
    kinds = _SourceKinds(errors)
    for rec, shown, _line in cat.organisations.values():
        kinds.check(rec.source, shown, path=shown, record=f"organisation {rec.id}")
    for loaded in [*cat.unions.values(), *cat.iscms.values()]:
        rec, doc, shown = loaded.record, loaded.doc, loaded.display
        for skey, src in rec.sources.items():
            kinds.check(src, shown, path=shown, doc=doc, loc=("sources", skey, "kind"))
        is_iscm = loaded.record.id in cat.iscms
        if is_iscm and rec.kind not in vocab.kinds:
            errors.add(f"kind {rec.kind!r} is not one of {sorted(vocab.kinds)}", path=shown, doc=doc, loc=("kind",))
        folder = loaded.path.parent.name
        expected = {"unions": "regional-union", "igos": "igo"}.get(folder)
        if not is_iscm and rec.type != expected:
            errors.add(f"a file in {folder}/ needs 'type: {expected}'", path=shown, doc=doc, loc=("type",))
        at = _At(rec, doc, shown, errors)
        for i, alt in enumerate(rec.alt_names):
            if alt.source is not None and alt.source not in rec.sources:
                at.add(f"source {alt.source!r} is not defined under 'sources' (defined: "
                       f"{', '.join(sorted(rec.sources))})", ("alt_names", i, "source"))
        for fname in ("established", "ended", "dormant_since", "status", "themes", "succeeded_by",
                      "associated_union", "cooperates_with"):
            for i, fact in enumerate(getattr(rec.facts, fname)):
                _check_fact(fname, fact, ("facts", fname, i), at, cat, vocab, org_ids)
        for i, block in enumerate(rec.memberships):
            _check_block(block, i, at, cat, vocab, org_ids)


class _SourceKinds:
    """One source, one kind: the same page cited as primary in one file and secondary in another
    would give its graph node two kinds."""

    def __init__(self, errors: Errors) -> None:
        self.errors = errors
        self.kinds: dict[tuple, tuple[str, str]] = {}

    def check(self, src: Any, where: str, **at: Any) -> None:
        key = (src.url, src.document, src.locator)
        seen = self.kinds.setdefault(key, (src.kind, where))
        if seen[0] != src.kind:
            self.errors.add(f"kind {src.kind!r}, but {seen[1]} cites the same source as {seen[0]!r}: "
                            "a source has one kind wherever it is cited", **at)


@dataclass
class _At:
    """The file being checked: its record, YAML document and name, and the error list."""

    rec: CollaborationFile
    doc: Any
    shown: str
    errors: Errors

    def add(self, message: str, loc: tuple) -> None:
        self.errors.add(message, path=self.shown, doc=self.doc, loc=loc)

    def dated(self, item: Dated, loc: tuple) -> None:
        if item.source not in self.rec.sources:
            self.add(f"source {item.source!r} is not defined under 'sources' (defined: "
                     f"{', '.join(sorted(self.rec.sources))})", (*loc, "source"))
        if item.as_of.start() > dt.date.today():
            self.add(f"as_of {item.as_of} is in the future", (*loc, "as_of"))


def _check_fact(fname: str, fact: Any, loc: tuple, at: _At, cat: Catalog, vocab: Vocabulary,
                org_ids: set[str]) -> None:
    at.dated(fact, loc)
    v = fact.value
    if fname not in ("established", "ended", "dormant_since") and not is_id(v, list_ok=fname == "themes"):
        at.add(not_an_id(v), (*loc, "value"))
        return
    if fname == "established" and not (isinstance(v, int) and 1900 <= v <= dt.date.today().year):
        at.add(f"established must be a year, got {v!r}", (*loc, "value"))
    elif fname == "status" and v not in vocab.statuses:
        at.add(f"status {v!r} is not one of {sorted(vocab.statuses)}", (*loc, "value"))
    elif fname == "themes":
        values = v if isinstance(v, list) else [v]
        for j, t in enumerate(values):
            if t not in vocab.themes:
                at.add(f"unknown theme {t!r}; themes are the ids of ontology/iscm.ttl's theme scheme",
                       (*loc, "value", j))
    elif cat.explained(v):
        return  # names a file that failed its own checks: reported there
    elif fname == "succeeded_by" and v not in cat.iscms:
        at.add(f"succeeded_by names unknown ISCM {v!r}", (*loc, "value"))
    elif fname == "associated_union" and (v not in cat.unions or cat.unions[v].record.type != "regional-union"):
        at.add(f"associated_union names unknown union {v!r} (no data/unions/{v}.yaml)", (*loc, "value"))
    elif fname == "cooperates_with":
        if v not in cat.iscms and v not in org_ids:
            at.add(f"cooperates_with names unknown ISCM or organisation {v!r}", (*loc, "value"))
        if fact.intensity is None:
            at.add("cooperates_with needs an intensity (official, regular or occasional)", loc)


def _check_block(block: MembershipBlock, i: int, at: _At, cat: Catalog, vocab: Vocabulary, org_ids: set[str]) -> None:
    loc = ("memberships", i)
    at.dated(block, loc)
    if block.role not in vocab.roles:
        at.add(f"role {block.role!r} is not one of {sorted(vocab.roles)}", (*loc, "role"))
    if block.via and block.via not in cat.unions and not cat.explained(block.via):
        at.add(f"via names {block.via!r}, which has no file in data/unions/ or data/igos/", (*loc, "via"))
    _check_exclusive(at.rec, at.doc, at.shown, i, at.errors)
    seen: set[str] = set()
    for j, actor in enumerate(block.actors):
        if actor in seen:
            at.add(f"actor {actor!r} is listed twice in this block", (*loc, "actors", j))
        seen.add(actor)
        if countries.looks_alpha3(actor):
            if not countries.is_country_code(actor):
                at.add(f"unknown country code {actor!r} (not ISO 3166-1 alpha-3 nor a documented "
                       "user-assigned code)", (*loc, "actors", j))
        elif actor not in org_ids and actor not in cat.iscms and not cat.explained(actor):
            at.add(f"unknown actor {actor!r}: not an ISO alpha-3 code, nor the id of an organisation "
                   f"(data/organisations.yaml, unions/, igos/) or ISCM (iscms/){_actor_hint(actor)}",
                   (*loc, "actors", j))


EXCLUSIVE_ROLES = ("member", "observer", "former-member")  # as graph.temporal.EXCLUSIVE_ROLES


def _check_exclusive(rec: CollaborationFile, doc: Any, shown: str, i: int, errors: Errors) -> None:
    """One source, one date: an actor cannot be member and observer (or member and former member).

    Claims of different sources or dates may disagree (the time model keeps both, newest first);
    within one list it is a slip.
    """
    block = rec.memberships[i]
    if block.role not in EXCLUSIVE_ROLES:
        return
    for earlier in rec.memberships[:i]:
        if (earlier.role in EXCLUSIVE_ROLES and earlier.role != block.role and earlier.source == block.source
                and earlier.as_of == block.as_of and _overlap(earlier, block)):
            for j, actor in enumerate(block.actors):
                if actor in earlier.actors:
                    errors.add(f"{actor} is listed as {earlier.role} and as {block.role} by the same source "
                               f"({block.source}, as of {block.as_of}); one list cannot give both roles",
                               path=shown, doc=doc, loc=("memberships", i, "actors", j))


def _overlap(a: MembershipBlock, b: MembershipBlock) -> bool:
    """Whether two blocks say the roles held on a common day. A block without ``since``/``until``
    speaks for its ``as_of`` date; a change of role on one day (one's ``until``, the other's
    ``since``) is a handover, not an overlap."""
    def span(x: MembershipBlock) -> tuple[dt.date, dt.date]:
        return (x.since.start() if x.since else x.as_of.start()), (x.until.end() if x.until else x.as_of.end())

    (a_start, a_end), (b_start, b_end) = span(a), span(b)
    if max(a_start, b_start) > min(a_end, b_end):
        return False
    handover = ((a.until is not None and b.since is not None and a.until.end() == b.since.start())
                or (b.until is not None and a.since is not None and b.until.end() == a.since.start()))
    return not handover
