"""The researchers' filters as maps take them: roles (members, observers, chairs, secretariats,
partners), ISCM kinds and statuses, named or derived — the same values the REST lists take
(:class:`api.deps.Filters`) and the same rule (:func:`graph.views.filter_memberships`).

>>> canonical_roles("observers,members"), canonical_roles(["chairs", "members"])
('members+observers', 'chairs+members')
>>> canonical_roles("members+observers+chairs+secretariats+partners"), role_ids("chairs")
('all', ('chair', 'co-chair', 'presidency-pro-tempore'))
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from graph import views
from graph.maps.spec import DERIVATIONS, ISCM_KINDS, ISCM_STATUSES, MapParameterError

#: role groups a map can show, and the role ids each stands for (all five: ``views.ROLE_PRESETS["all"]``)
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
    "members": ("member",),
    "observers": ("observer",),
    "chairs": ("chair", "co-chair", "presidency-pro-tempore"),
    "secretariats": ("secretariat", "technical-support-unit"),
    "partners": ("partner", "funder", "steering-committee-member"),
}


def canonical_roles(value: str | Iterable[str]) -> str:
    """Role groups as one canonical name: ``all`` for the five, else the groups sorted and joined
    by ``+`` — so the old presets ``members`` and ``members+observers`` keep their names."""
    parts = value.replace(",", "+").split("+") if isinstance(value, str) else [
        p for v in value for p in v.replace(",", "+").split("+")]
    groups = {p.strip() for p in parts if p.strip()}
    if "all" in groups:
        return "all"
    unknown = sorted(groups - set(ROLE_GROUPS))
    if unknown or not groups:
        raise MapParameterError(f"roles must be among {', '.join(ROLE_GROUPS)} (or all), got {unknown or value!r}")
    return "all" if groups == set(ROLE_GROUPS) else "+".join(sorted(groups))


def role_ids(roles: str) -> tuple[str, ...]:
    """The role ids a canonical roles name stands for."""
    if roles == "all":
        return views.ROLE_PRESETS["all"]
    return tuple(r for g in roles.split("+") for r in ROLE_GROUPS[g])


def roles_argument(roles: str) -> str | tuple[str, ...]:
    """What :meth:`graph.profiles.Catalogue.bipartite_at` takes: a preset name where there is one
    (its default graph is memoised), else the role ids."""
    return roles if roles in views.ROLE_PRESETS else role_ids(roles)


def check_filters(kinds: Iterable[str], statuses: Iterable[str], derivation: str) -> None:
    if any(k not in ISCM_KINDS for k in kinds):
        raise MapParameterError(f"kind must be among {', '.join(ISCM_KINDS)}")
    if any(s not in ISCM_STATUSES for s in statuses):
        raise MapParameterError(f"status must be among {', '.join(ISCM_STATUSES)}")
    if derivation not in DERIVATIONS:
        raise MapParameterError(f"derivation must be one of {', '.join(DERIVATIONS)}, got {derivation!r}")


def describe(*, as_of: object, roles: str, kinds: Iterable[str], statuses: Iterable[str],
             derivation: str) -> dict[str, Any]:
    """Which filters produced a map, in the words and shape the REST lists use."""
    kinds, statuses = list(kinds), list(statuses)
    return {"as_of": str(as_of) if as_of is not None else "release date", "roles": roles,
            "kinds": kinds or "all", "statuses": statuses or "all", "derivation": derivation}


def describe_text(filters: Mapping[str, Any], lang: str = "en") -> str:
    """The filters as one line for a subtitle or a legend (defaults left out), in ``lang``."""
    from graph.maps.words import maybe, word

    parts = []
    for key, label, prefix in (("roles", "roles_x", "group_"), ("kinds", "kinds_x", "kind_"),
                               ("statuses", "status_x", "status_"), ("derivation", "", "")):
        value = filters.get(key)
        if value in (None, "all"):
            continue
        values = value if isinstance(value, list) else str(value).split("+")
        text = ", ".join(maybe(lang, prefix, v).lower() if lang != "en" else v for v in values)
        parts.append(word(lang, label, x=text) if label else word(lang, f"derivation_{value}"))
    return " · ".join(parts)


def filter_tenures(tenures: pd.DataFrame, *, as_of: int | str | None, kinds: Iterable[str],
                   statuses: Iterable[str], derivation: str) -> pd.DataFrame:
    """Tenures of ISCMs of ``kinds`` and ``statuses``, named or derived, as
    :func:`graph.views.filter_memberships` counts them; tenures in other bodies (regional unions,
    organisations) are kept, since ego and partnership maps draw those too."""
    kinds, statuses = list(kinds), list(statuses)
    iscm = tenures["organisation_type"] == "iscm"
    keep = pd.Series(True, index=tenures.index)
    if kinds:
        keep &= ~iscm | tenures["organisation_kind"].isin(kinds)
    if statuses:
        if as_of is None:
            keep &= ~iscm | tenures["organisation_status"].isin(statuses)
        elif "active" not in statuses:  # as of a past date every ISCM with a tenure then was alive
            keep &= ~iscm
    if derivation != "all":
        keep &= ~iscm | (tenures["derived"] == (derivation == "derived"))
    return tenures[keep]


def iscm_matches(tenures: pd.DataFrame, *, as_of: int | str | None, kinds: Iterable[str],
                 statuses: Iterable[str]) -> dict[str, bool]:
    """ISCM id → whether its kind and status pass the filters (the status on the release date;
    as of a past date, an ISCM is "active" then)."""
    kinds, statuses = set(kinds), set(statuses)
    rows = tenures[tenures["organisation_type"] == "iscm"].drop_duplicates("organisation_id")
    return {str(r.organisation_id): (not kinds or r.organisation_kind in kinds)
            and (not statuses or (r.organisation_status in statuses if as_of is None else "active" in statuses))
            for r in rows.itertuples(index=False)}
