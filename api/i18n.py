"""The page in English, French and Spanish (IOM's official languages).

Interface text comes from a small message catalogue per language (``api/static/i18n/{lang}.json``,
English is the reference: a key missing elsewhere falls back to it). Country names come from CLDR
through Babel, keyed by ISO alpha-2, and so do the UN M49 region names (keyed by their M49 code,
see :mod:`graph.countries`); ISCM names from the data's ``alt_names`` in that language, when
a source gives one. The language is ``?lang=`` when given, else the best of ``Accept-Language``.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from typing import Any

from graph import countries
from graph.maps.words import iscm_alt_names, layered

LANGS = ("en", "fr", "es")


def pick(query: str | None, accept_language: str | None) -> str:
    """``query`` if it is one of ours, else the first of ours in ``Accept-Language`` (by q), else English."""
    if query and query.lower()[:2] in LANGS:
        return query.lower()[:2]
    ranked: list[tuple[float, int, str]] = []
    for i, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        if tag:
            ranked.append((-q, i, tag.strip().lower()[:2]))
    for _q, _i, lang in sorted(ranked):
        if lang in LANGS:
            return lang
    return "en"


@cache
def messages(lang: str) -> dict[str, str]:
    """The interface text in ``lang``, every English key present."""
    return layered(files("api.static").joinpath("i18n"), "{lang}.json", lang)


def t(lang: str, key: str, **values: Any) -> str:
    text = messages(lang).get(key, key)
    return text.format(**values) if values else text


def country_names(lang: str) -> dict[str, str]:
    """alpha-3 → the country's name in ``lang`` (CLDR via Babel; one place: :mod:`graph.countries`)."""
    return countries.local_names(lang)


def labels(cat: Any, lang: str) -> dict[str, Any]:
    """Names the page shows, in ``lang``: States, ISCMs (with kind and status) and other organisations."""
    return cat.memo(labels_key(lang), lambda: _labels(cat, lang))


def labels_key(lang: str) -> tuple:
    """Where the names in ``lang`` are remembered with the release."""
    return ("labels", lang)


def _labels(cat: Any, lang: str) -> dict[str, Any]:
    ents = cat.entities
    local = country_names(lang) if lang != "en" else {}
    states = {str(i): local.get(str(i), str(r["label"])) for i, r in ents[ents["type"] == "state"].iterrows()}
    alt = iscm_alt_names(cat, lang) if lang != "en" else {}
    facts = cat.list_iscms().set_index("id")
    iscms = {str(i): {"label": alt.get(str(i), str(r["label"])), "kind": _text(facts, i, "kind"),
                      "status": _text(facts, i, "status")}
             for i, r in ents[ents["type"] == "iscm"].iterrows()}
    others = ents[ents["type"].isin(["organisation", "union", "network"])]
    orgs = {str(i): str(r["label"]) for i, r in others.iterrows()}
    # UN M49 regions and sub-regions by their English name (as the API gives them), from CLDR
    # alpha-2 → alpha-3: the world map marks countries by their two-letter code
    alpha2 = {c.alpha2: a3 for a3, c in countries.all_countries().items() if a3 in states and not c.obsolete_since}
    return {"lang": lang, "states": states, "iscms": iscms, "organisations": orgs,
            "regions": countries.region_names(lang), "alpha2": alpha2}


def _text(df: Any, i: str, col: str) -> str | None:
    if i not in df.index:
        return None
    value = df.at[i, col]
    return value if isinstance(value, str) and value else None
