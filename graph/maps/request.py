"""Map requests: the validated, canonical parameters of a map (what URLs and ``iscm map`` carry),
and :func:`build_spec`, which draws one from a :class:`graph.profiles.Catalogue`."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from graph.errors import UnknownEntityError
from graph.maps.build import _names, _when, ego_map, membership_map, overlap_map, partnership_map
from graph.maps.colour import COLOUR_BY, recolour
from graph.maps.credit import Credit, file_stem
from graph.maps.filters import (
    canonical_roles,
    check_filters,
    describe,
    describe_text,
    filter_tenures,
    iscm_matches,
    role_ids,
    roles_argument,
)
from graph.maps.layout import LAYOUTS
from graph.maps.spec import ENTITY_TYPES, KINDS, RELATIONS, SIZE_MEASURES, MapParameterError, MapSpec
from graph.maps.words import check_lang, join, local_names, word

if TYPE_CHECKING:
    from graph.profiles import Catalogue

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_REGION = re.compile(r"^[A-Za-z][A-Za-z .,'()-]{0,59}$")
ROLE_PRESETS = ("members", "members+observers", "all")  # the old values, still taken (see ROLE_GROUPS)
_DEFAULT_SIZE = {"membership": "degree", "ego": "degree", "overlap": "members", "partnership": "degree"}
_DEFAULT_ROLES = {"membership": "members", "ego": "all", "overlap": "members", "partnership": "all"}


@dataclass(frozen=True)
class MapRequest:
    """The parameters of a map, validated and canonical: the API and the command line both build
    maps from one of these, and :meth:`key` names it in URLs (the key decodes back to it, so any
    server can redraw a map from its URL alone).

    >>> r = MapRequest(kind="membership", iscms=("prague-process", "budapest-process"))
    >>> r.iscms
    ('budapest-process', 'prague-process')
    >>> MapRequest.from_key(r.key()) == r
    True
    """

    kind: str
    iscms: tuple[str, ...] = ()
    actor: str | None = None
    depth: int = 1
    as_of: int | str | None = None
    size_by: str | None = None
    regions: tuple[str, ...] = ()
    roles: str | tuple[str, ...] | None = None  # role groups; stored canonical (see canonical_roles)
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    min_jaccard: float = 0.1
    seed: int = 42
    kinds: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    derivation: str = "all"
    colour_by: str = "type"  # node colour: type, or States by UN region, or ISCMs by kind
    layout: str = "spring"  # where nodes go: spring, concentric or geographic (graph.maps.layout.LAYOUTS)
    lang: str = "en"  # the language of titles, legend, tooltips, footer and names (graph.maps.words.LANGS)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise MapParameterError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        object.__setattr__(self, "iscms", tuple(sorted(dict.fromkeys(self.iscms))))
        object.__setattr__(self, "regions", tuple(sorted(dict.fromkeys(self.regions))))
        object.__setattr__(self, "types", tuple(sorted(dict.fromkeys(self.types))))
        object.__setattr__(self, "relations", tuple(sorted(dict.fromkeys(self.relations))))
        object.__setattr__(self, "kinds", tuple(sorted(dict.fromkeys(self.kinds))))
        object.__setattr__(self, "statuses", tuple(sorted(dict.fromkeys(self.statuses))))
        if self.actor is not None and len(self.actor) == 3 and self.actor.isalpha():
            object.__setattr__(self, "actor", self.actor.upper())
        if self.size_by is None:
            object.__setattr__(self, "size_by", _DEFAULT_SIZE[self.kind])
        object.__setattr__(self, "roles", canonical_roles(self.roles or _DEFAULT_ROLES[self.kind]))
        self._check()

    def _check(self) -> None:
        if len(self.iscms) > 40 or any(not _ID.match(i) for i in self.iscms):
            raise MapParameterError("iscm: at most 40 ids of letters, digits, '.', '_' or '-'")
        if self.actor is not None and not _ID.match(self.actor):
            raise MapParameterError("actor: an id of letters, digits, '.', '_' or '-' (at most 80)")
        if not 0 <= self.depth <= 3:
            raise MapParameterError(f"depth must be between 0 and 3, got {self.depth}")
        if self.as_of is not None:
            from graph import temporal
            from graph.errors import ParameterError

            try:  # a year, a month or a date, as everywhere else
                temporal.period(self.as_of)
            except ParameterError as exc:
                raise MapParameterError(str(exc)) from None
        if self.size_by not in SIZE_MEASURES:
            raise MapParameterError(f"size_by must be one of {', '.join(SIZE_MEASURES)}, got {self.size_by!r}")
        if len(self.regions) > 10 or any(not _REGION.match(r) for r in self.regions):
            raise MapParameterError("region: at most 10 UN M49 region or sub-region names")
        check_filters(self.kinds, self.statuses, self.derivation)
        if self.layout not in LAYOUTS:
            raise MapParameterError(f"layout must be one of {', '.join(LAYOUTS)}, got {self.layout!r}")
        check_lang(self.lang)
        if self.colour_by not in COLOUR_BY:
            raise MapParameterError(f"colour_by must be one of {', '.join(COLOUR_BY)}, got {self.colour_by!r}")
        if any(t not in ENTITY_TYPES for t in self.types):
            raise MapParameterError(f"type must be among {', '.join(ENTITY_TYPES)}")
        if any(r not in RELATIONS for r in self.relations):
            raise MapParameterError(f"relation must be among {', '.join(RELATIONS)}")
        if not (isinstance(self.min_jaccard, (int, float)) and 0.0 <= self.min_jaccard <= 1.0):
            raise MapParameterError(f"min_jaccard must be between 0 and 1, got {self.min_jaccard}")
        if not 0 <= self.seed < 2**31:
            raise MapParameterError(f"seed must be between 0 and 2^31-1, got {self.seed}")
        if self.kind == "membership" and not self.iscms:
            raise MapParameterError("a membership map needs at least one iscm")
        if self.kind == "ego" and not self.actor:
            raise MapParameterError("an ego map needs an actor")

    def canonical(self) -> dict[str, Any]:
        """The parameters that differ from the defaults, as sorted JSON-ready data."""
        defaults = MapRequest.__dataclass_fields__
        out: dict[str, Any] = {"kind": self.kind}
        for name, f in defaults.items():
            value = getattr(self, name)
            if name == "kind":
                continue
            if name == "size_by" and value == _DEFAULT_SIZE[self.kind]:
                continue
            if name == "roles" and value == _DEFAULT_ROLES[self.kind]:
                continue
            if name in ("size_by", "roles") or value != f.default:
                out[name] = list(value) if isinstance(value, tuple) else value
        return out

    def key(self) -> str:
        """A URL-safe name that decodes back to this request (:meth:`from_key`)."""
        text = json.dumps(self.canonical(), sort_keys=True, separators=(",", ":"))
        return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")

    @classmethod
    def from_key(cls, key: str) -> MapRequest:
        """The request a :meth:`key` names; a malformed key raises :class:`MapParameterError`."""
        if not key or len(key) > 2000 or not re.fullmatch(r"[A-Za-z0-9_-]+", key):
            raise MapParameterError("not a map key")
        try:
            data = json.loads(base64.urlsafe_b64decode(key + "=" * (-len(key) % 4)))
        except (ValueError, UnicodeDecodeError) as exc:
            raise MapParameterError("not a map key") from exc
        if not isinstance(data, dict) or set(data) - set(cls.__dataclass_fields__):
            raise MapParameterError("not a map key")
        try:
            for name in ("iscms", "regions", "types", "relations", "kinds", "statuses"):
                if name in data:
                    if not isinstance(data[name], list) or not all(isinstance(x, str) for x in data[name]):
                        raise MapParameterError("not a map key")
                    data[name] = tuple(data[name])
            for name, kind in (("depth", int), ("seed", int), ("as_of", (int, str)),
                               ("min_jaccard", (int, float))):
                if name in data and data[name] is not None and (isinstance(data[name], bool)
                                                                or not isinstance(data[name], kind)):
                    raise MapParameterError("not a map key")
            for name in ("kind", "actor", "size_by", "roles", "derivation", "colour_by", "layout", "lang"):
                if name in data and data[name] is not None and not isinstance(data[name], str):
                    raise MapParameterError("not a map key")
            request = cls(**data)
        except TypeError as exc:
            raise MapParameterError("not a map key") from exc
        if request.key() != key:  # one map, one name
            raise MapParameterError("not a canonical map key")
        return request


def build_spec(cat: Catalogue, request: MapRequest) -> MapSpec:
    """Draw ``request`` from a :class:`graph.profiles.Catalogue` (what the API and ``iscm map`` call).
    The spec says which filters produced it, carries the release's credit line for the footer of
    every image, and a file name for downloads.

    Raises :class:`UnknownEntityError` for an unknown ISCM, actor or region.
    """
    for i in request.iscms:
        cat.entity(i, kind="iscm")
    known_regions = {str(r) for col in ("region", "subregion") for r in cat.entities[col].dropna()}
    for r in request.regions:
        if r not in known_regions:
            raise UnknownEntityError("region", r)
    spec = _draw(cat, request)
    if request.colour_by != "type":
        iscms = cat.list_iscms()
        spec = recolour(spec, request.colour_by, iscm_kinds=dict(zip(iscms["id"], iscms["kind"], strict=True)))
    filters = describe(as_of=request.as_of, roles=request.roles or "members", kinds=request.kinds,
                       statuses=request.statuses, derivation=request.derivation)
    text = describe_text(filters, request.lang)
    return replace(spec, subtitle=" · ".join(p for p in (spec.subtitle, text) if p),
                   filters=tuple((k, json.dumps(v)) for k, v in filters.items()),
                   credit=Credit.of(cat.g).line(request.as_of, request.lang),
                   stem=file_stem(request, spec, cat.g.release_date))


def _draw(cat: Catalogue, request: MapRequest) -> MapSpec:
    roles = request.roles or "members"
    regions, types = request.regions or None, request.types or None
    relations = request.relations or None
    size_by = request.size_by or _DEFAULT_SIZE[request.kind]
    seed, as_of, arrange = request.seed, request.as_of, request.layout
    words = {"lang": request.lang, "names": local_names(cat, request.lang)}
    filters = {"kinds": request.kinds or None, "statuses": request.statuses or None,
               "derivation": request.derivation}
    if request.kind in ("membership", "overlap"):
        # regions filter actors in the map, keeping the ISCMs
        B = cat.bipartite_at(as_of=as_of, roles=roles_argument(roles), regions=None, **filters)  # type: ignore[arg-type]
        if request.kind == "membership":
            missing = [i for i in request.iscms if i not in B]
            if missing:
                raise UnknownEntityError(f"ISCM with no {roles.replace('+', ' or ')} {_when(as_of)} under these "
                                         "filters", missing[0])
            title = None if roles == "members" else _role_title(B, request, roles, words["names"])
            return membership_map(B, iscms=list(request.iscms), regions=regions, types=types, size_by=size_by,
                                  seed=seed, as_of=as_of, memberships=cat.memberships_at(as_of), title=title,
                                  layout=arrange, **words)
        if regions:
            B = cat.bipartite_at(as_of=as_of, roles=roles_argument(roles), regions=tuple(regions),  # type: ignore[arg-type]
                                 **filters)
        iscms = [i for i in request.iscms if i in B] if request.iscms else None
        return overlap_map(B, min_jaccard=request.min_jaccard, iscms=iscms, size_by=size_by, seed=seed,
                           as_of=as_of, layout=arrange, **words)
    P = _partnership(cat, request)
    membership_roles = None if roles == "all" else role_ids(roles)
    if request.kind == "ego":
        assert request.actor is not None
        return ego_map(P, request.actor, depth=request.depth, relations=relations, roles=membership_roles,
                       regions=regions, types=types, size_by=size_by, seed=seed, as_of=as_of,
                       memberships=cat.memberships_at(as_of), layout=arrange, **words)
    return partnership_map(P, relations=relations, roles=membership_roles, regions=regions, types=types,
                           iscms=list(request.iscms) or None, size_by=size_by, seed=seed, as_of=as_of,
                           memberships=cat.memberships_at(as_of), layout=arrange, **words)


def _role_title(B: Any, request: MapRequest, roles: str, names: dict[str, str]) -> str:
    """"Members and observers of the Rabat Process" (all five roles: "Participants of …"), in the request's language."""
    lang = request.lang
    order = ["members", "observers", "chairs", "secretariats", "partners"]
    groups = ["all"] if roles == "all" else sorted(roles.split("+"), key=order.index)
    text = join(lang, [word(lang, f"group_{g}") for g in groups])
    shown = [names.get(i) or str(B.nodes[i].get("label") or i) for i in request.iscms]
    many = word(lang, "n_iscms", n=len(shown))
    return word(lang, "title_roles", roles=text[0].upper() + text[1:], names=_names(shown, many=many, lang=lang))


def _partnership(cat: Catalogue, request: MapRequest) -> Any:
    """The partnership multigraph; with kind/status/derivation filters, one built from the filtered
    tenures, less the ISCMs the filters leave out (their other relations go with them)."""
    if not (request.kinds or request.statuses or request.derivation != "all"):
        return cat.partnership(request.as_of)
    from graph import partnership

    tenures = filter_tenures(cat.tenures, as_of=request.as_of, kinds=request.kinds, statuses=request.statuses,
                             derivation=request.derivation)
    P = partnership.partnership_graph(cat.g.store, as_of=request.as_of, tenures=tenures)
    keep = iscm_matches(cat.tenures, as_of=request.as_of, kinds=request.kinds, statuses=request.statuses)
    P.remove_nodes_from([n for n, d in list(P.nodes(data=True))
                         if d.get("type") == "iscm" and not keep.get(n, True) and n != request.actor])
    return P
