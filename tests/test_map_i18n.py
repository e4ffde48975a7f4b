"""Maps in IOM's three languages (issue 14): world maps and network maps, as the page and the
downloads give them, say their title, legend, footer and country names in French and Spanish."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from importlib.resources import files
from string import Formatter

import pytest

SVG = "{http://www.w3.org/2000/svg}"
# per language: words of the title, the legend heading, the footer, and country names (CLDR)
WORDS = {
    "fr": {"members": "Membres et observateurs de", "legend": "Légende", "footer": "Source : iscm-graph, version",
           "countries": {"MAR": "Maroc", "DEU": "Allemagne", "SEN": "Sénégal"}, "rabat": "Processus de Rabat"},
    "es": {"members": "Miembros y observadores de", "legend": "Leyenda", "footer": "Fuente: iscm-graph, versión",
           "countries": {"MAR": "Marruecos", "DEU": "Alemania", "SEN": "Senegal"}, "rabat": "Proceso de Rabat"},
}
ENGLISH = ("Morocco", "Germany", "Legend", "Source: iscm-graph release", "Members and observers of")


def texts(svg: bytes) -> list[str]:
    """Every text of an SVG, one string per <text> (matplotlib writes wrapped lines as tspans)."""
    return ["".join(el.itertext()) for el in ET.fromstring(svg).iter(f"{SVG}text")]


def fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in Formatter().parse(text) if name)


def test_every_language_has_every_map_word():
    folder = files("graph.maps").joinpath("assets")
    words = {lang: json.loads(folder.joinpath(f"words.{lang}.json").read_text(encoding="utf-8"))
             for lang in ("en", "fr", "es")}
    assert set(words["fr"]) == set(words["en"]) == set(words["es"])
    # a translation keeps the same placeholders as the English
    for key, text in words["en"].items():
        for lang in ("fr", "es"):
            assert fields(text) == fields(words[lang][key]), (lang, key)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_world_map_images_in_french_and_spanish(app_client, lang):
    want = WORDS[lang]
    info = app_client.get("/api/maps/world", params={"map": "iscm", "iscm": "rabat-process", "lang": lang}).json()
    assert info["title"].startswith(want["members"]) and info["file_name"].endswith(f"-{lang}")
    assert info["credit"].startswith(want["footer"])
    names = {c["iso"]: c["name"] for c in info["countries"]}
    assert {iso: names[iso] for iso in want["countries"]} == want["countries"]
    # the report image: title, legend, footer and no English left in them
    image = app_client.get(info["downloads"]["image_svg"])
    assert image.status_code == 200
    shown = "\n".join(texts(image.content))
    assert want["members"] in shown and want["legend"] in shown and want["footer"] in shown
    assert not [w for w in ENGLISH if w in shown]
    # the page's map: country names on hover and in data-name
    page = ET.fromstring(app_client.get(info["svg"]).content)
    by_iso = {g.get("data-iso"): g for g in page.iter(f"{SVG}g") if g.get("data-iso")}
    for iso, name in want["countries"].items():
        assert by_iso[iso].get("data-name") == name
        assert by_iso[iso].find(f"{SVG}title").text.startswith(name)


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_network_map_svg_in_french_and_spanish(app_client, lang):
    want = WORDS[lang]
    info = app_client.get("/api/maps", params={"map": "membership", "iscm": "rabat-process",
                                               "roles": "members,observers", "lang": lang}).json()
    assert info["lang"] == lang and info["title"].startswith(want["members"])
    assert info["file_name"].endswith(f"-{lang}")
    assert want["rabat"] in info["title"]  # the ISCM's name as a source gives it in that language
    svg = app_client.get(info["downloads"]["svg"])
    assert svg.status_code == 200
    shown = "\n".join(texts(svg.content))
    assert want["legend"] in shown and want["footer"] in shown and want["members"] in shown
    lines = set(shown.split("\n"))
    assert {want["countries"]["MAR"], want["countries"]["SEN"]} <= lines
    assert not [w for w in ENGLISH if w in shown]
    # the interactive page: the same names, legend and footer, and its language declared
    page = app_client.get(info["html"]).text
    assert f'<html lang="{lang}">' in page and want["legend"] in page and want["footer"] in page
    assert json.dumps(want["countries"]["MAR"], ensure_ascii=False) in page.replace("\\u0026", "&")


def test_maps_follow_accept_language_and_refuse_other_languages(app_client):
    spanish = app_client.get("/api/maps/world", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}).json()
    assert spanish["title"].startswith("Número de MCIM") and "lang=es" in spanish["svg"]
    english = app_client.get("/api/maps/world").json()
    assert english["title"].startswith("Number of ISCMs")
    # an explicit lang= wins over the browser's
    french = app_client.get("/api/maps/world", params={"lang": "fr"}, headers={"Accept-Language": "es"}).json()
    assert french["title"].startswith("Nombre de MCIM")
    assert app_client.get("/api/maps/world", params={"lang": "de"}).status_code == 422
    assert app_client.get("/api/maps", params={"map": "overlap", "lang": "de"}).status_code == 422


def test_command_line_draws_a_french_world_map(built, tmp_path):
    from graph.cli import main

    out = tmp_path / "rabat-monde.svg"
    assert main(["map", "world", "--map", "iscm", "--iscm", "rabat-process", "--lang", "fr", "--build", str(built),
                 "--out", str(out)]) == 0
    shown = "\n".join(texts(out.read_bytes()))
    assert WORDS["fr"]["members"] in shown and "Légende" in shown and "Source : iscm-graph" in shown
