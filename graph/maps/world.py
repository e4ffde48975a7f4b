"""World maps like IOM's "Country participation in ISCMs": what to draw, country by country.

Three maps, each a :class:`WorldMap` (drawn by :mod:`graph.maps.world_draw` as SVG, PNG or PDF):

* :func:`count_map` — each State shaded by how many ISCMs it takes part in, in numbered classes,
  under the researchers' filters (ISCM kinds, statuses, named or derived, roles, as of a date), so
  UN-wide global processes need not paint every country alike;
* :func:`iscm_map` — one ISCM: its members, observers and chairs in different colours;
* :func:`state_map` — one State highlighted, the States it meets in its ISCMs shaded, and its
  ISCMs and roles listed beside the map.

Counts and roles come from the time model (:func:`graph.views.filter_memberships` over the
release's tenures), exactly as the REST lists count them.

>>> count_classes([1, 2, 3])
[(1, 1), (2, 2), (3, 3)]
>>> count_classes([1, 2, 3, 5, 8, 9, 12, 14, 15, 20])
[(1, 3), (4, 8), (9, 12), (13, 15), (16, 20)]
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pandas as pd

from graph import views
from graph.errors import UnknownEntityError
from graph.maps.credit import Credit, slug
from graph.maps.filters import canonical_roles, check_filters, describe, describe_text, role_ids
from graph.maps.geometry import world_shapes
from graph.maps.words import check_lang, count_iscms, join, local_names, maybe, word

if TYPE_CHECKING:
    from graph.profiles import Catalogue

WORLD_KINDS = ("count", "iscm", "state")
NO_DATA = "#e9e9e9"
# ColorBrewer "Blues" (sequential, readable in grey and by colour-blind readers), light to dark
BLUES = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
ROLE_COLOURS = {"chair": "#d55e00", "member": "#0072b2", "observer": "#e69f00"}  # Okabe-Ito
ROLE_LABELS = {"chair": "chair, co-chair or presidency (and member)", "member": "member", "observer": "observer"}
HIGHLIGHT, PARTNER = "#d55e00", "#9ecae1"


@dataclass(frozen=True)
class WorldClass:
    """A legend line: its colour and label; count classes also give their bounds."""

    key: str
    label: str
    colour: str
    low: int | None = None
    high: int | None = None


@dataclass(frozen=True)
class WorldCountry:
    """A country drawn with data: its legend class, hover text and (count map) value or roles."""

    iso: str
    name: str
    key: str
    tip: str
    value: int | None = None
    roles: tuple[str, ...] = ()


@dataclass(frozen=True)
class WorldMap:
    """Everything needed to draw one world map, independent of the output format."""

    kind: str
    title: str
    subtitle: str
    countries: tuple[WorldCountry, ...]
    legend: tuple[WorldClass, ...]
    filters: tuple[tuple[str, str], ...] = ()
    credit: str = ""
    stem: str = "world-map"
    focus: str | None = None
    listing: tuple[str, ...] = field(default=())
    lang: str = "en"

    def colour(self, key: str) -> str:
        return next((c.colour for c in self.legend if c.key == key), NO_DATA)

    def summary(self) -> dict[str, Any]:
        """Title, legend, filters and every country with data, as JSON-ready data."""
        return {"map": self.kind, "title": self.title, "subtitle": self.subtitle, "focus": self.focus,
                "legend": [{"key": c.key, "label": c.label, "colour": c.colour, "min": c.low, "max": c.high}
                           for c in self.legend],
                "filters": {k: json.loads(v) for k, v in self.filters}, "credit": self.credit,
                "file_name": self.stem, "listing": list(self.listing), "lang": self.lang,
                "countries": [{"iso": c.iso, "name": c.name, "class": c.key, "value": c.value, "roles": list(c.roles),
                               "title": c.tip} for c in self.countries]}


def count_classes(values: Iterable[int], n: int = 5) -> list[tuple[int, int]]:
    """Numbered classes for counts: one per value when there are few, else about ``n`` classes
    from the quantiles (the top class ends at the maximum)."""
    vals = sorted(v for v in values if v > 0)
    if not vals:
        return []
    top = vals[-1]
    if top <= 6:
        return [(v, v) for v in range(1, top + 1)]
    cuts = sorted({int(pd.Series(vals).quantile(q, interpolation="higher")) for q in
                   [i / n for i in range(1, n)]} - {top})
    out, low = [], 1
    for cut in [*cuts, top]:
        if cut >= low:
            out.append((low, cut))
            low = cut + 1
    return out


def _label(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


@dataclass(frozen=True)
class WorldRequest:
    """The validated parameters of a world map (what the API and ``iscm map world`` take)."""

    map: str = "count"
    iscm: str | None = None
    state: str | None = None
    as_of: int | str | None = None
    roles: str | tuple[str, ...] | None = None
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    derivation: str = "all"
    lang: str = "en"  # words and names in English, French or Spanish (graph.maps.words)

    def __post_init__(self) -> None:
        from graph import temporal
        from graph.errors import ParameterError
        from graph.maps.spec import MapParameterError

        if self.map not in WORLD_KINDS:
            raise MapParameterError(f"map must be one of {', '.join(WORLD_KINDS)}, got {self.map!r}")
        default = "members" if self.map == "count" else "members+observers+chairs"
        object.__setattr__(self, "roles", canonical_roles(self.roles or default))
        object.__setattr__(self, "kinds", tuple(sorted(set(self.kinds))))
        object.__setattr__(self, "statuses", tuple(sorted(set(self.statuses))))
        check_filters(self.kinds, self.statuses, self.derivation)
        check_lang(self.lang)
        if self.map == "iscm" and not self.iscm:
            raise MapParameterError("an ISCM world map needs iscm")
        if self.map == "state" and not self.state:
            raise MapParameterError("a State world map needs state (an ISO alpha-3 code)")
        if self.as_of is not None:
            try:
                temporal.period(self.as_of)
            except ParameterError as exc:
                raise MapParameterError(str(exc)) from None

    def filters(self) -> dict[str, Any]:
        return describe(as_of=self.as_of, roles=str(self.roles), kinds=self.kinds, statuses=self.statuses,
                        derivation=self.derivation)


def _tenures(cat: Catalogue, req: WorldRequest, roles: str) -> pd.DataFrame:
    df = views.filter_memberships(cat.tenures, roles=role_ids(roles), as_of=req.as_of, kinds=req.kinds or None,
                                  statuses=req.statuses or None, derivation=req.derivation)
    return df[df["actor_type"] == "state"]


def _when(req: WorldRequest, cat: Catalogue) -> str:
    if req.as_of is not None:
        return word(req.lang, "as_of", when=req.as_of)
    return word(req.lang, "as_of_release", when=cat.g.release_date.isoformat())


def _names(cat: Catalogue, req: WorldRequest) -> dict[str, str]:
    """Country (and ISCM) names in the request's language; the outlines' own names otherwise."""
    local = local_names(cat, req.lang)
    return {iso: local.get(iso, shape.name) for iso, shape in world_shapes().items()} | local


def _roles_text(req: WorldRequest, sep: str) -> str:
    groups = str(req.roles).split("+")
    if req.lang == "en":
        return sep.join(groups)
    return sep.join(word(req.lang, f"group_{g}") for g in groups)


def _count(lang: str, n: int, what: str) -> str:
    """"1 member", "3 observers", "2 ISCMs" in ``lang``."""
    if what == "iscm":
        return count_iscms(lang, n)
    return word(lang, f"w_n_{what}_1") if n == 1 else word(lang, f"w_n_{what}", n=n)


def _finish(cat: Catalogue, req: WorldRequest, **kw: Any) -> WorldMap:
    filters = req.filters()
    text = describe_text(filters, req.lang)
    subtitle = " · ".join(p for p in (kw.pop("subtitle"), _when(req, cat), text) if p)
    when = str(req.as_of) if req.as_of is not None else cat.g.release_date.isoformat()
    if req.lang != "en":  # a French download does not take an English one's name
        when = f"{when}-{req.lang}"
    return WorldMap(lang=req.lang, subtitle=subtitle, filters=tuple((k, json.dumps(v)) for k, v in filters.items()),
                    credit=Credit.of(cat.g).line(req.as_of, req.lang), stem=slug(f"{kw.pop('stem')}-{when}", 120), **kw)


def count_map(cat: Catalogue, req: WorldRequest) -> WorldMap:
    """Each State shaded by its number of ISCMs, in numbered classes."""
    df = _tenures(cat, req, str(req.roles))
    counts: Mapping[str, int] = df.groupby("actor_id")["organisation_id"].nunique().to_dict()
    shapes, names, lang = world_shapes(), _names(cat, req), req.lang
    classes = count_classes(counts.values())
    legend = [WorldClass("none", word(lang, "w_zero"), NO_DATA, 0, 0)]
    picks = [BLUES[round(i * (len(BLUES) - 1) / max(1, len(classes) - 1))] for i in range(len(classes))]
    legend += [WorldClass(f"c{i}", _label(lo, hi), picks[i], lo, hi) for i, (lo, hi) in enumerate(classes)]
    countries = []
    for iso, n in sorted(counts.items()):
        if iso not in shapes:
            continue
        key = next(c.key for c in legend[1:] if c.low is not None and c.high is not None and c.low <= n <= c.high)
        countries.append(WorldCountry(iso, names[iso], key, word(lang, "pair", a=names[iso], b=_count(lang, n, "iscm")),
                                      value=int(n)))
    roles = _roles_text(req, " or " if lang == "en" else ", ")
    return _finish(cat, req, kind="count", title=word(lang, "w_title_count", roles=roles),
                   subtitle=word(lang, "w_legend_count"), countries=tuple(countries), legend=tuple(legend),
                   stem=f"world-iscm-count-{str(req.roles).replace('+', '-')}-"
                   + "-".join(k.split("-")[0] for k in req.kinds))


def iscm_map(cat: Catalogue, req: WorldRequest) -> WorldMap:
    """One ISCM's members, observers and chairs in different colours."""
    assert req.iscm is not None
    info = cat.entity(req.iscm, kind="iscm")
    df = _tenures(cat, req, str(req.roles))
    df = df[df["organisation_id"] == req.iscm]
    shapes, names, lang = world_shapes(), _names(cat, req), req.lang
    roles_of: dict[str, set[str]] = {}
    for row in df.itertuples(index=False):
        group = "chair" if row.role in ("chair", "co-chair", "presidency-pro-tempore") else row.role
        roles_of.setdefault(row.actor_id, set()).add(group)
    countries = []
    for iso, held in sorted(roles_of.items()):
        key = next((r for r in ("chair", "member", "observer") if r in held), None)
        if iso not in shapes or key is None:
            continue
        held_text = ", ".join(maybe(lang, "role_", r) for r in ("chair", "member", "observer") if r in held)
        countries.append(WorldCountry(iso, names[iso], key, word(lang, "pair", a=names[iso], b=held_text),
                                      roles=tuple(sorted(held))))
    used = {c.key for c in countries}
    legend = [WorldClass(k, ROLE_LABELS[k] if lang == "en" else word(lang, f"w_{k}"), ROLE_COLOURS[k])
              for k in ("member", "observer", "chair") if k in used]
    legend.append(WorldClass("none", word(lang, "w_absent"), NO_DATA))
    counts = {k: sum(1 for c in countries if c.key == k) for k in ("member", "observer", "chair")}
    name = names.get(req.iscm) or str(info["label"])
    title = word(lang, "title_roles", roles=_role_words(used, lang), names=name)
    summary = ", ".join(_count(lang, counts[k] + (counts["chair"] if k == "member" else 0), k)
                        for k in ("member", "observer") if counts[k] or (k == "member" and counts["chair"]))
    return _finish(cat, req, kind="iscm", title=title, subtitle=summary, countries=tuple(countries),
                   legend=tuple(legend), focus=req.iscm,
                   stem=f"world-{req.iscm}-" + _role_words(used).lower().replace(" and ", "-"))


def _role_words(used: set[str], lang: str = "en") -> str:
    words = [w for k, w in (("member", "members"), ("chair", "members"), ("observer", "observers")) if k in used]
    words = list(dict.fromkeys(words)) or ["members"]
    text = join(lang, [word(lang, f"group_{w}") for w in words])
    return text[0].upper() + text[1:]


def state_map(cat: Catalogue, req: WorldRequest) -> WorldMap:
    """One State highlighted; the States it meets in its ISCMs shaded; its ISCMs and roles listed."""
    assert req.state is not None
    code = req.state.upper()
    info = cat.entity(code, kind="state")
    shapes, names, lang = world_shapes(), _names(cat, req), req.lang
    if code not in shapes:
        raise UnknownEntityError("State on the world map", code)
    df = _tenures(cat, req, str(req.roles))
    own = df[df["actor_id"] == code].sort_values(["organisation_label", "role"])
    iscms = set(own["organisation_id"])
    others = df[df["organisation_id"].isin(iscms) & (df["actor_id"] != code)]
    shared = others.groupby("actor_id")["organisation_id"].nunique().to_dict()
    state = names.get(code) or str(info["label"])
    total = _count(lang, len(iscms), "iscm")
    countries = [WorldCountry(code, names[code], "state", word(lang, "pair", a=names[code], b=total), value=len(iscms))]
    countries += [WorldCountry(iso, names[iso], "shares", word(lang, "w_meets", name=names[iso], state=state,
                                                               count=_count(lang, int(n), "iscm")), value=int(n))
                  for iso, n in sorted(shared.items()) if iso in shapes]
    listing = tuple(_listing(own, lang, names))
    legend = (WorldClass("state", state, HIGHLIGHT),
              WorldClass("shares", word(lang, "w_shares", roles=_roles_text(req, ", ")), PARTNER),
              WorldClass("none", word(lang, "w_no_shared"), NO_DATA))
    return _finish(cat, req, kind="state", title=word(lang, "pair", a=state, b=total),
                   subtitle="", countries=tuple(countries), legend=legend, focus=code, listing=listing,
                   stem=f"world-{code.lower()}-iscms")


def _listing(own: pd.DataFrame, lang: str = "en", names: Mapping[str, str] | None = None) -> list[str]:
    """"Rabat Process — member (since 2006)", one line per ISCM, roles together, in ``lang``."""
    from graph import temporal

    lines = []
    for (label, iscm), rows in own.groupby(["organisation_label", "organisation_id"], sort=True):
        parts = []
        for row in rows.itertuples(index=False):
            since = temporal.label(row.start, row.start_precision, inferred=bool(row.start_inferred))
            role = maybe(lang, "role_", str(row.role)) if lang != "en" else str(row.role)
            parts.append(word(lang, "w_role_since", role=role, d=since) if since else role)
        lines.append(f"{(names or {}).get(str(iscm)) or label} — {', '.join(dict.fromkeys(parts))}")
    return lines


def world_map(cat: Catalogue, req: WorldRequest) -> WorldMap:
    """The world map ``req`` asks for. Unknown ISCMs or States raise :class:`UnknownEntityError`."""
    return {"count": count_map, "iscm": iscm_map, "state": state_map}[req.map](cat, req)
