"""Country codes and names come from country_converter/pycountry, wrapped to work under pandas 3."""

from __future__ import annotations

import pytest

from graph import countries
from graph.errors import UnknownEntityError

# Names as they occur in the seed documents and ISCM sources.
NAMES = {
    "The Netherlands": "NLD",
    "Republic of Moldova": "MDA",
    "Côte d'Ivoire": "CIV",
    "Lao PDR": "LAO",
    "the Philippines": "PHL",
    "Kosovo": "XKX",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Czech Republic": "CZE",
    "United Kingdom": "GBR",
    "Russian Federation": "RUS",
    "Democratic Republic of the Congo": "COD",
    "Republic of the Congo": "COG",
    "Niger": "NER",
    "Nigeria": "NGA",
    "Guinea-Bissau": "GNB",
    "Eswatini": "SWZ",
    "Cabo Verde": "CPV",
    "Holy See": "VAT",
    "Tokelau": "TKL",
    "American Samoa": "ASM",
    "Belarus": "BLR",
    "Lithuania": "LTU",
}


@pytest.mark.parametrize(("name", "code"), NAMES.items())
def test_names_from_sources_resolve(name, code):
    assert countries.resolve_country_name(name) == code


def test_unresolvable_names_are_not_guessed():
    assert countries.resolve_country_name("Atlantis") is None
    assert countries.resolve_country_name("") is None


def test_namibia_survives_pandas_na_handling():
    # "NA" is Namibia's alpha-2 code, which pandas reads as missing unless told otherwise
    assert countries.country("NAM").alpha2 == "NA"
    assert countries.country("NA").alpha3 == "NAM"


def test_kosovo_is_documented_user_assigned_state():
    k = countries.country("XKX")
    assert k.user_assigned and not k.territory
    assert k.region == "Europe"


def test_territories_and_regions():
    assert countries.country("ASM").territory
    assert countries.country("TKL").territory
    assert not countries.country("MAR").territory
    assert countries.country("MAR").subregion == "Northern Africa"
    assert countries.country("MEX").region == "Americas"
    assert countries.country("GBR").alpha2 == "GB"


def test_unknown_code_raises():
    with pytest.raises(UnknownEntityError, match="XYZ"):
        countries.country("XYZ")
