"""The words of maps in English, French and Spanish (IOM's official languages).

Fixed text — titles, legends, filters, tooltips, the footer — comes from a small catalogue per
language shipped beside this module (``assets/words.{lang}.json``; English is the reference and a
key missing elsewhere falls back to it). It is separate from the web page's catalogue
(``api/static/i18n``) because ``graph`` never reads ``api``. Names come from the data: States from
CLDR through Babel (:func:`graph.countries.local_names`), ISCMs from their ``alt_names`` in that
language when a source gives one (:func:`local_names`).

>>> word("fr", "title_members", names="Processus de Rabat")
'Membres de Processus de Rabat'
>>> join("es", ["Rabat", "Jartum", "Praga"])
'Rabat, Jartum y Praga'
>>> check_lang("de")
Traceback (most recent call last):
...
graph.maps.spec.MapParameterError: lang must be one of en, fr, es, got 'de'
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from functools import cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

from graph.maps.spec import MapParameterError

LANGS = ("en", "fr", "es")


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise MapParameterError(f"lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def layered(folder: Traversable, name: str, lang: str) -> dict[str, str]:
    """The JSON catalogue ``name.format(lang=...)`` in ``folder`` over the English one: every English
    key present, the language's text where it has one (the maps' words and the page's messages)."""
    text = json.loads(folder.joinpath(name.format(lang="en")).read_text(encoding="utf-8"))
    if lang != "en":
        text.update(json.loads(folder.joinpath(name.format(lang=lang)).read_text(encoding="utf-8")))
    return text


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every map word in ``lang`` (English where the language's catalogue has no entry)."""
    return layered(files("graph.maps").joinpath("assets"), "words.{lang}.json", check_lang(lang))


def word(lang: str, key: str, **values: Any) -> str:
    """The text of ``key`` in ``lang``, with ``values`` put in; an unknown key is returned as is."""
    text = catalogue(lang).get(key, key)
    return text.format(**values) if values else text


def maybe(lang: str, prefix: str, value: str) -> str:
    """A word from the data (a role, a kind, a status) in ``lang``, or the value itself if unknown."""
    return catalogue(lang).get(prefix + value, value)


def join(lang: str, items: Sequence[str]) -> str:
    """``a, b and c`` in ``lang``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {word(lang, 'and')} " + items[-1]


def count_iscms(lang: str, n: int) -> str:
    return word(lang, "one_iscm") if n == 1 else word(lang, "n_iscms", n=n)


def when(lang: str, as_of: object) -> str:
    """"as of 2015", or "current" when no date was asked for."""
    return word(lang, "as_of", when=as_of) if as_of is not None else word(lang, "current")


def local_names(cat: Any, lang: str) -> dict[str, str]:
    """Entity id → its name in ``lang``: States and territories from CLDR, ISCMs from their
    ``alt_names`` in that language (the longest: the full name, as the English label is). Empty
    for English, whose names are the data's labels. Remembered per release."""
    if lang == "en":
        return {}
    return cat.memo(("map-names", lang), lambda: _local_names(cat, lang))


def _local_names(cat: Any, lang: str) -> dict[str, str]:
    from graph import countries

    return {**countries.local_names(lang), **iscm_alt_names(cat, lang)}


def iscm_alt_names(cat: Any, lang: str) -> dict[str, str]:
    """ISCM id → its name in ``lang`` from its ``alt_names`` (the longest: the full name, as the
    English label is); the page's labels use it too (:mod:`api.i18n`)."""
    from graph import queries

    out: dict[str, str] = {}
    for row in cat.query(queries.text("profile.iscm-alt-names", lang=lang)).records():
        name = str(row["name"])
        if len(name) > len(out.get(str(row["id"]), "")):
            out[str(row["id"])] = name
    return out
