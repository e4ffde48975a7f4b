"""Map requests: the validated, canonical parameters of a map (what URLs and ``iscm map`` carry),
and :func:`build_spec`, which draws one from a :class:`graph.profiles.Catalogue`."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph import views
from graph.errors import UnknownEntityError
from graph.maps.build import _when, ego_map, membership_map, overlap_map, partnership_map
from graph.maps.spec import ENTITY_TYPES, KINDS, RELATIONS, SIZE_MEASURES, MapParameterError, MapSpec

if TYPE_CHECKING:
    from graph.profiles import Catalogue

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")
_REGION = re.compile(r"^[A-Za-z][A-Za-z .,'()-]{0,59}$")
ROLE_PRESETS = ("members", "members+observers", "all")
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
    roles: str | None = None
    types: tuple[str, ...] = ()
    relations: tuple[str, ...] = ()
    min_jaccard: float = 0.1
    seed: int = 42

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise MapParameterError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        object.__setattr__(self, "iscms", tuple(sorted(dict.fromkeys(self.iscms))))
        object.__setattr__(self, "regions", tuple(sorted(dict.fromkeys(self.regions))))
        object.__setattr__(self, "types", tuple(sorted(dict.fromkeys(self.types))))
        object.__setattr__(self, "relations", tuple(sorted(dict.fromkeys(self.relations))))
        if self.actor is not None and len(self.actor) == 3 and self.actor.isalpha():
            object.__setattr__(self, "actor", self.actor.upper())
        if self.size_by is None:
            object.__setattr__(self, "size_by", _DEFAULT_SIZE[self.kind])
        if self.roles is None:
            object.__setattr__(self, "roles", _DEFAULT_ROLES[self.kind])
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
        if self.roles not in ROLE_PRESETS:
            raise MapParameterError(f"roles must be one of {', '.join(ROLE_PRESETS)}, got {self.roles!r}")
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
            for name in ("iscms", "regions", "types", "relations"):
                if name in data:
                    if not isinstance(data[name], list) or not all(isinstance(x, str) for x in data[name]):
                        raise MapParameterError("not a map key")
                    data[name] = tuple(data[name])
            for name, kind in (("depth", int), ("seed", int), ("as_of", int), ("min_jaccard", (int, float))):
                if name in data and data[name] is not None and (isinstance(data[name], bool)
                                                                or not isinstance(data[name], kind)):
                    raise MapParameterError("not a map key")
            for name in ("kind", "actor", "size_by", "roles"):
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

    Raises :class:`UnknownEntityError` for an unknown ISCM, actor or region.
    """
    for i in request.iscms:
        cat.entity(i, kind="iscm")
    known_regions = {str(r) for col in ("region", "subregion") for r in cat.entities[col].dropna()}
    for r in request.regions:
        if r not in known_regions:
            raise UnknownEntityError("region", r)
    roles = views.role_set(request.roles or "members")
    regions = request.regions or None
    types = request.types or None
    relations = request.relations or None
    size_by = request.size_by or _DEFAULT_SIZE[request.kind]
    seed, as_of = request.seed, request.as_of
    if request.kind in ("membership", "overlap"):
        B = cat.bipartite_at(as_of=as_of, roles=request.roles or "members",
                             regions=None)  # regions filter actors in the map, keeping the ISCMs
        if request.kind == "membership":
            missing = [i for i in request.iscms if i not in B]
            if missing:
                raise UnknownEntityError(f"ISCM with no {request.roles} {_when(as_of)}", missing[0])
            return membership_map(B, iscms=list(request.iscms), regions=regions, types=types, size_by=size_by,
                                  seed=seed, as_of=as_of, memberships=cat.memberships_at(as_of))
        if regions:
            B = cat.bipartite_at(as_of=as_of, roles=request.roles or "members", regions=tuple(regions))
        iscms = [i for i in request.iscms if i in B] if request.iscms else None
        return overlap_map(B, min_jaccard=request.min_jaccard, iscms=iscms, size_by=size_by, seed=seed,
                           as_of=as_of)
    P = cat.partnership(as_of)
    membership_roles = None if request.roles == "all" else roles
    if request.kind == "ego":
        assert request.actor is not None
        return ego_map(P, request.actor, depth=request.depth, relations=relations, roles=membership_roles,
                       regions=regions, types=types, size_by=size_by, seed=seed, as_of=as_of,
                       memberships=cat.memberships_at(as_of))
    return partnership_map(P, relations=relations, roles=membership_roles, regions=regions, types=types,
                           iscms=list(request.iscms) or None, size_by=size_by, seed=seed, as_of=as_of,
                           memberships=cat.memberships_at(as_of))

