"""Countries and territories, from maintained libraries rather than a hand-typed table.

Codes, names and UN M49 regions come from country_converter's bundled table (which also carries
the name-matching regular expressions used for entity linking) cross-checked with pycountry.
country_converter 1.3.2 cannot build its converter under pandas >= 3.1 (Namibia's ISO2 "NA" is read
as a missing value, then ``re.compile`` fails), so we read its table ourselves with every cell kept
as text and hand the DataFrame to the converter.

User-assigned codes: Kosovo has no ISO 3166-1 code; like the European Commission and the World
Bank we use the user-assigned ``XK``/``XKX`` (``userAssignedCode true`` in the graph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files

import pandas as pd
import pycountry

from graph.errors import UnknownEntityError

# Not UN members, yet States in the sense of the ISCM sources (they take part as States).
_STATES_OUTSIDE_UN = frozenset({"PSE", "VAT", "XKX", "TWN"})
USER_ASSIGNED = frozenset({"XKX"})
_M49_REGION = {"America": "Americas"}  # coco says "America"; UN M49 says "Americas"


@dataclass(frozen=True, slots=True)
class Country:
    """One State or territory as the graph knows it."""

    alpha3: str
    alpha2: str
    name: str
    official_name: str
    m49: str | None
    region: str | None
    subregion: str | None
    territory: bool
    user_assigned: bool
    obsolete_since: int | None
    variants: tuple[str, ...] = field(default=())


@cache
def _table() -> pd.DataFrame:
    path = files("country_converter").joinpath("country_data.tsv")
    with path.open(encoding="utf-8") as handle:
        df = pd.read_csv(handle, sep="\t", dtype=str, keep_default_na=False)
    # obsolete rows stay (e.g. ANT, Netherlands Antilles, until 2010): historical memberships need them
    return df.reset_index(drop=True)


@cache
def _converter():  # noqa: ANN202 - coco has no type hints
    import country_converter as coco  # local: importing it is slow and logs on failure

    df = _table()
    df = df[df["obsolete"] == ""].copy()
    # the converter expects numeric columns as nullable integers, blanks as missing
    for col in ("ISOnumeric", "UNcode", "FAOcode", "GBDcode", "EURO", "UN", "UNmember",
                "obsolete", "GEOnumeric"):
        df[col] = pd.to_numeric(df[col].replace("", None), errors="coerce").astype("Int64")
    return coco.CountryConverter(country_data=df)


def _variants(row: pd.Series) -> tuple[str, ...]:
    names = [row["name_short"], row["name_official"]]
    rec = pycountry.countries.get(alpha_3=row["ISO3"])
    if rec is not None:
        names += [getattr(rec, a, None) for a in ("name", "official_name", "common_name")]
    seen: dict[str, None] = {}
    for n in names:
        if n and n not in seen:
            seen[n] = None
    return tuple(seen)


@cache
def _countries() -> dict[str, Country]:
    out: dict[str, Country] = {}
    for _, row in _table().iterrows():
        a3 = row["ISO3"]
        if not re.fullmatch(r"[A-Z]{3}", a3):
            continue
        continent = row["continent"] or None
        rec = pycountry.countries.get(alpha_3=a3) or pycountry.historic_countries.get(alpha_3=a3)
        # coco's ISO2 column holds matching patterns for some rows (e.g. "GB|UK"); ISO's own code wins
        alpha2 = rec.alpha_2 if rec is not None else row["ISO2"].split("|")[0]
        out[a3] = Country(
            alpha3=a3,
            alpha2=alpha2,
            name=row["name_short"],
            official_name=row["name_official"],
            m49=row["UNcode"] or None,
            region=_M49_REGION.get(continent, continent) if continent else None,
            subregion=row["UNregion"] or None,
            territory=not row["UNmember"] and a3 not in _STATES_OUTSIDE_UN,
            user_assigned=a3 in USER_ASSIGNED,
            obsolete_since=int(row["obsolete"]) if row["obsolete"] else None,
            variants=_variants(row),
        )
    return out


def all_countries() -> dict[str, Country]:
    """All countries and territories keyed by alpha-3 code (withdrawn codes have ``obsolete_since``).

    Examples
    --------
    >>> countries = all_countries()
    >>> countries["MAR"].name, countries["MAR"].region, countries["MAR"].subregion
    ('Morocco', 'Africa', 'Northern Africa')
    >>> countries["ASM"].territory, countries["XKX"].user_assigned
    (True, True)
    """
    return _countries()


def country(code: str) -> Country:
    """The country with ISO 3166-1 alpha-3 (or alpha-2) ``code``.

    Raises
    ------
    UnknownEntityError
        If the code is neither a current alpha-3/alpha-2 code nor a documented user-assigned code.

    Examples
    --------
    >>> country("NLD").name
    'Netherlands'
    >>> country("md").alpha3
    'MDA'
    """
    key = code.strip().upper()
    table = _countries()
    if key in table:
        return table[key]
    if len(key) == 2:
        for c in table.values():
            if c.alpha2 == key:
                return c
    raise UnknownEntityError("country code", code)


ALPHA3 = re.compile(r"[A-Z]{3}")


def looks_alpha3(value: str) -> bool:
    """Written like an ISO 3166-1 alpha-3 code — three capital letters — so the data means a State
    (whether the code exists is :func:`is_country_code`; other actors have lower-case ids).

    >>> looks_alpha3("MAR"), looks_alpha3("iom"), looks_alpha3("EU1")
    (True, False, False)
    """
    return ALPHA3.fullmatch(value) is not None


def actor_key(value: str) -> str:
    """An actor id typed by a user as the tables spell it: three letters are an alpha-3 code, in
    capitals; any other id as given.

    >>> actor_key("mar"), actor_key("budapest-process")
    ('MAR', 'budapest-process')
    """
    return value.upper() if len(value) == 3 and value.isascii() and value.isalpha() else value


def is_country_code(code: str) -> bool:
    """Whether ``code`` is a known alpha-3 code (as used in data/ files)."""
    return code in _countries()


def resolve_country_name(text: str) -> str | None:
    """The alpha-3 code for a country name as written in a document, or None if unresolved.

    Matching uses country_converter's curated regular expressions, which know variants such as
    "The Netherlands", "Republic of Moldova", "Lao PDR" or "the Philippines". A name that matches
    no country or several returns None: a caller must report it, never guess.

    Examples
    --------
    >>> [resolve_country_name(n) for n in ["The Netherlands", "Côte d'Ivoire", "Lao PDR"]]
    ['NLD', 'CIV', 'LAO']
    >>> resolve_country_name("Atlantis") is None
    True
    """
    cleaned = " ".join(text.split())
    if not cleaned:
        return None
    if cleaned.upper() in _countries():
        return cleaned.upper()
    matches = [
        a3 for a3, rx in _regexes() if rx.search(cleaned)
    ]
    return matches[0] if len(matches) == 1 else None


@cache
def _regexes() -> list[tuple[str, re.Pattern[str]]]:
    conv = _converter()
    return [(a3, rx) for a3, rx in zip(conv.data["ISO3"], conv.regexes, strict=True)
            if a3 in _countries()]


# UN M49 codes of the region and sub-region names used above (https://unstats.un.org/unsd/methodology/m49/):
# the codes are the standard's; their names in other languages come from CLDR (Babel), which keys
# region names by these codes. Only the names, not the translations, are ours.
M49_REGION_CODES = {
    "Africa": "002", "Americas": "019", "Asia": "142", "Europe": "150", "Oceania": "009",
    "Northern Africa": "015", "Western Africa": "011", "Middle Africa": "017", "Eastern Africa": "014",
    "Southern Africa": "018", "Sub-Saharan Africa": "202", "Caribbean": "029", "Central America": "013",
    "South America": "005", "Northern America": "021", "Latin America and the Caribbean": "419",
    "Central Asia": "143", "Eastern Asia": "030", "South-eastern Asia": "035", "Southern Asia": "034",
    "Western Asia": "145", "Eastern Europe": "151", "Northern Europe": "154", "Southern Europe": "039",
    "Western Europe": "155", "Australia and New Zealand": "053", "Melanesia": "054", "Micronesia": "057",
    "Polynesia": "061", "Antarctica": "AQ",
}
LANGUAGES = ("en", "fr", "es")  # IOM's official languages: the page's, and those search knows names in


@cache
def local_names(lang: str) -> dict[str, str]:
    """alpha-3 → the country's name in ``lang`` from CLDR (Babel); absent where CLDR has none.

    >>> local_names("fr")["MAR"], local_names("es")["DEU"]
    ('Maroc', 'Alemania')
    """
    from babel import Locale

    territories = Locale.parse(lang).territories
    return {a3: territories[c.alpha2] for a3, c in all_countries().items() if c.alpha2 in territories}


@cache
def region_names(lang: str) -> dict[str, str]:
    """UN M49 region and sub-region name (as in :class:`Country`) → its name in ``lang`` (CLDR).

    >>> region_names("fr")["Northern Africa"], region_names("es")["Western Asia"]
    ('Afrique septentrionale', 'Asia occidental')
    """
    from babel import Locale

    territories = Locale.parse(lang).territories
    return {name: territories.get(code, name) for name, code in M49_REGION_CODES.items()}
