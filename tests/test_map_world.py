"""World maps like IOM's "Country participation in ISCMs", on the real data: a count map with a
numbered legend and filters, an ISCM's members and observers, one State and its ISCMs; offline
vector geometry with small territories visible; the API the web page uses; report images."""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET

import pytest

from graph.maps.geometry import world_shapes
from graph.maps.world import NO_DATA, WorldRequest, count_classes, world_map
from graph.maps.world_draw import world_bytes, world_svg
from graph.profiles import Catalogue

SVG = "{http://www.w3.org/2000/svg}"
SMALL = ("MLT", "TUV", "SGP", "LUX", "BHR", "CPV")  # island States and small countries


@pytest.fixture(scope="module")
def cat(built):
    import graph

    return Catalogue(graph.load(built))


def countries(svg: str) -> dict[str, ET.Element]:
    return {g.get("data-iso"): g for g in ET.fromstring(svg).iter(f"{SVG}g") if g.get("data-iso")}


def test_count_classes_are_numbered_contiguous_and_cover_the_maximum():
    values = [1, 1, 2, 3, 3, 4, 5, 7, 9, 10, 12, 17]
    classes = count_classes(values)
    assert classes[0][0] == 1 and classes[-1][1] == 17
    assert all(b[0] == a[1] + 1 for a, b in itertools.pairwise(classes))
    assert count_classes([]) == []


def test_count_map_has_a_numeric_legend(cat):
    wm = world_map(cat, WorldRequest())
    labels = [c.label for c in wm.legend]
    assert labels[0].startswith("0") and len(labels) >= 4
    assert all(any(ch.isdigit() for ch in label) for label in labels)
    morocco = next(c for c in wm.countries if c.iso == "MAR")
    klass = next(c for c in wm.legend if c.key == morocco.key)
    assert klass.low <= morocco.value <= klass.high
    svg = world_svg(wm)
    legend_texts = {el.get("data-legend"): el.text for el in ET.fromstring(svg).iter(f"{SVG}text")
                    if el.get("data-legend")}
    assert [legend_texts[c.key] for c in wm.legend] == labels


def test_kind_filter_keeps_global_processes_from_painting_every_country_alike(cat):
    every = world_map(cat, WorldRequest())
    regional = world_map(cat, WorldRequest(kinds=("regional-consultative-process", "interregional-forum")))
    value = {c.iso: c.value for c in every.countries}
    fewer = {c.iso: c.value for c in regional.countries}
    assert fewer["MAR"] < value["MAR"]
    assert all(fewer[iso] <= value[iso] for iso in fewer)
    # without the UN-wide global processes, States fall in several classes, not one
    assert len({c.key for c in regional.countries}) >= 3
    assert "kinds: " in regional.subtitle and regional.summary()["filters"]["kinds"] == [
        "interregional-forum", "regional-consultative-process"]
    past = world_map(cat, WorldRequest(as_of=2005))
    assert sum(c.value for c in past.countries) < sum(value.values())


def test_small_territories_are_visible_and_every_country_is_clickable(cat):
    svg = world_svg(world_map(cat, WorldRequest()))
    found = countries(svg)
    assert len(found) == len(world_shapes()) > 240
    for iso in SMALL:
        g = found[iso]
        dots = list(g.iter(f"{SVG}circle"))
        assert dots and float(dots[0].get("r")) >= 7, iso
        assert g.find(f"{SVG}title").text.startswith(world_shapes()[iso].name)
    root = ET.fromstring(svg)
    assert not {el.tag.rsplit("}", 1)[-1] for el in root.iter()} & {"script", "image", "a", "foreignObject"}
    assert "http" not in svg.replace('xmlns="http://www.w3.org/2000/svg"', "").split("Source:")[0]


def test_iscm_map_colours_members_and_observers_apart(cat):
    wm = world_map(cat, WorldRequest(map="iscm", iscm="rabat-process"))
    assert wm.title.startswith("Members and observers of ") and "Rabat" in wm.title
    keys = {c.iso: c.key for c in wm.countries}
    assert "observer" in keys.values() and keys["MAR"] in ("member", "chair")
    found = countries(world_svg(wm))
    observer = next(iso for iso, k in keys.items() if k == "observer")
    member = next(iso for iso, k in keys.items() if k == "member")
    fills = {found[observer].get("fill"), found[member].get("fill"), NO_DATA}
    assert len(fills) == 3
    assert found["CHN"].get("fill") == NO_DATA  # not in the Rabat Process


def test_state_map_highlights_the_state_and_lists_its_iscms(cat):
    wm = world_map(cat, WorldRequest(map="state", state="mar", as_of=2015))
    assert wm.focus == "MAR" and wm.title.startswith("Morocco: ")
    assert any(line.startswith("Euro-African Dialogue") and "member" in line for line in wm.listing)
    svg = world_svg(wm)
    found = countries(svg)
    assert found["MAR"].get("fill") == wm.colour("state")
    assert found["ESP"].get("fill") == wm.colour("shares")
    texts = ["".join(el.itertext()) for el in ET.fromstring(svg).iter(f"{SVG}text")]
    assert "ISCMs and roles" in texts


def test_world_images_have_title_legend_and_footer(cat):
    from PIL import Image

    wm = world_map(cat, WorldRequest(map="iscm", iscm="rabat-process", as_of=2015))
    im = Image.open(io.BytesIO(world_bytes(wm, "png")))
    assert [round(d) for d in im.info["dpi"]] == [300, 300]
    texts = ["".join(el.itertext()) for el in ET.fromstring(world_bytes(wm, "image.svg")).iter(f"{SVG}text")]
    assert wm.title in texts and "Legend" in texts and "observer" in texts
    footer = " ".join(t for t in texts if t.startswith("Source:") or cat.g.manifest["release"] in t)
    assert "as of 2015" in footer and "CC BY 4.0" in footer
    pdf = world_bytes(wm, "pdf")
    assert pdf.startswith(b"%PDF-")
    pypdf = pytest.importorskip("pypdf")
    text = " ".join(pypdf.PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "Source: iscm-graph release" in text


# ------------------------------------------------------------------------------------ API

def test_api_world_map_description_and_files(app_client):
    info = app_client.get("/api/maps/world", params=[("kind", "regional-consultative-process"),
                                                     ("status", "active")])
    assert info.status_code == 200, info.text
    body = info.json()
    assert body["map"] == "count" and body["filters"]["kinds"] == ["regional-consultative-process"]
    assert body["legend"][1]["min"] == 1 and body["countries"]
    svg = app_client.get(body["svg"])
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.headers["content-security-policy"].startswith("default-src 'none'")
    assert countries(svg.text)["MAR"].get("data-class") != "none"
    png = app_client.get(body["downloads"]["png"])
    assert png.content.startswith(b"\x89PNG") and "attachment" in png.headers["content-disposition"]
    assert 'filename="world-iscm-count-members-regional-' in png.headers["content-disposition"]
    assert app_client.get(body["downloads"]["pdf"]).content.startswith(b"%PDF-")
    state = app_client.get("/api/maps/world", params={"map": "state", "state": "SEN"}).json()
    assert state["focus"] == "SEN" and state["listing"]


@pytest.mark.parametrize(("params", "status"), [
    ({"map": "iscm", "iscm": "no-such-process"}, 404),
    ({"map": "state", "state": "XYZ"}, 404),
    ({"map": "iscm"}, 422),
    ({"map": "galaxy"}, 422),
    ({"roles": "friends"}, 422),
    ({"kind": "spaghetti"}, 422),
])
def test_api_world_map_errors(app_client, params, status):
    r = app_client.get("/api/maps/world", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert app_client.get("/api/maps/world.gif").status_code in (404, 422)
