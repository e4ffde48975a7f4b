"""Report-grade map exports and the researchers' filters on maps, on the real data.

PNG at 300 dpi, SVG with live text, PDF; title, legend and the source footer on every image; full
names (wrapped, never "…"); the exported layout is the page's layout; meaningful file names; the
kind/status/derivation/roles filters change what is drawn, and the map says which produced it.
"""

from __future__ import annotations

import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from graph import maps
from graph.maps import static
from graph.profiles import Catalogue

SVG = "{http://www.w3.org/2000/svg}"
RCP = "regional-consultative-process"


@pytest.fixture(scope="module")
def cat(built):
    import graph

    return Catalogue(graph.load(built))


@pytest.fixture(scope="module")
def rabat(cat):
    return maps.build_spec(cat, maps.MapRequest(kind="membership", iscms=("rabat-process",), as_of=2015,
                                                 roles="members+observers"))


def svg_texts(data: bytes) -> list[str]:
    root = ET.fromstring(data)
    return ["".join(el.itertext()) for el in root.iter(f"{SVG}text")]


def render(fn, spec) -> bytes:
    buf = io.BytesIO()
    fn(spec, buf)
    return buf.getvalue()


# ------------------------------------------------------------------------------------ images

def test_png_is_300_dpi_and_cropped_to_the_drawing(rabat):
    from PIL import Image

    im = Image.open(io.BytesIO(render(maps.to_png, rabat)))
    assert [round(d) for d in im.info["dpi"]] == [300, 300]
    assert im.info["Source"] == rabat.credit
    # tight crop: what is drawn reaches (nearly) every edge of the canvas
    box = Image.eval(im.convert("L"), lambda v: 255 - v).point(lambda v: 255 if v > 8 else 0).getbbox()
    assert box is not None
    left, top, right, bottom = box
    assert left < 0.03 * im.width and top < 0.03 * im.height
    assert right > 0.97 * im.width and bottom > 0.97 * im.height


def test_svg_has_live_text_full_names_title_legend_and_footer(cat, rabat):
    texts = svg_texts(render(maps.to_svg, rabat))
    joined = " ".join(texts)
    assert rabat.title in texts or rabat.title.split()[0] in joined
    for node in rabat.nodes:  # every node named, in full: its wrapped lines are text elements
        for line in maps.spec.wrap_label(node.label, 22).split("\n"):
            assert line in texts, (node.id, line)
    assert not any("…" in t for t in texts)
    assert "Legend" in texts and "member" in texts and "observer" in texts
    release = cat.g.manifest["release"]
    footer = " ".join(t for t in texts if t.startswith("Source:") or "cite as" in t or release in t)
    assert footer.startswith("Source: iscm-graph release ") and release in footer
    assert "as of 2015" in footer and "CC BY 4.0" in footer and "cite as:" in footer


def test_pdf_has_its_header_title_and_footer(cat, rabat):
    pypdf = pytest.importorskip("pypdf")
    data = render(maps.to_pdf, rabat)
    assert data.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Source: iscm-graph release" in text and cat.g.manifest["release"] in text
    assert reader.metadata["/Title"] == rabat.title and reader.metadata["/Subject"] == rabat.credit


def test_the_exported_layout_is_the_page_layout(rabat):
    from matplotlib.collections import PathCollection

    fig = static.figure(rabat)
    drawn = {(round(float(x), 1), round(float(y), 1)) for c in fig.axes[0].collections
             if isinstance(c, PathCollection) for x, y in c.get_offsets()}
    assert drawn == {(n.x, -n.y) for n in rabat.nodes}
    data = json.loads(re.search(r"var DATA = (.*);\n", maps.render_html(rabat).html).group(1))
    assert {(n["x"], n["y"]) for n in data["nodes"]} == {(n.x, n.y) for n in rabat.nodes}


def test_page_names_are_wrapped_not_cut_and_it_cites_the_release(cat, rabat):
    page = maps.render_html(rabat).html
    data = json.loads(re.search(r"var DATA = (.*);\n", page).group(1))
    longest = max(rabat.nodes, key=lambda n: len(n.label))
    assert len(longest.label) > 32  # the old page cut names at 32 characters
    shown = next(n["label"] for n in data["nodes"] if n["id"] == longest.id)
    assert shown.replace("\n", " ") == longest.label and "…" not in shown
    assert f'<footer id="credit">{rabat.credit}</footer>' in page and cat.g.manifest["release"] in page


def test_file_names_say_what_is_drawn(rabat, cat):
    assert rabat.stem == "rabat-process-members-observers-2015"
    now = maps.build_spec(cat, maps.MapRequest(kind="membership", iscms=("rabat-process",)))
    assert now.stem == f"rabat-process-members-{cat.g.release_date.isoformat()}"


def _crowd(spec, n: int):
    """``spec`` with ``n`` made-up nodes of growing size on a grid (node 0, the smallest, chosen)."""
    from dataclasses import replace

    proto = spec.nodes[-1]
    nodes = tuple(replace(proto, id=f"n{i}", label=f"Node {i:03d}", size=8 + i / 10, highlight=i == 0,
                          x=(i % 20) * 60.0, y=(i // 20) * 60.0) for i in range(n))
    return replace(spec, nodes=nodes, edges=())


@pytest.mark.parametrize("fn", [maps.to_svg, maps.to_pdf])
def test_a_large_map_names_its_largest_nodes_and_says_so(rabat, fn):
    crowd = _crowd(rabat, static.MAX_LABELS + 50)
    named = static.named(crowd)
    assert len(named) == static.MAX_LABELS
    # the chosen node first, then the largest: the 49 smallest others are left unnamed
    assert {g.label for g in named} == {"Node 000"} | {f"Node {i:03d}" for i in range(51, 200)}
    if fn is maps.to_svg:
        texts = svg_texts(render(fn, crowd))
        assert sorted(t for t in texts if t.startswith("Node ")) == sorted(g.label for g in named)
        assert any(f"names shown for the {static.MAX_LABELS} largest nodes" in t for t in texts)
    else:
        assert render(fn, crowd).startswith(b"%PDF")
    # a map of MAX_LABELS nodes or fewer names every node, and its note does not say otherwise
    few = _crowd(rabat, static.MAX_LABELS)
    texts = svg_texts(render(maps.to_svg, few))
    assert len([t for t in texts if t.startswith("Node ")]) == static.MAX_LABELS
    assert not any("names shown" in t for t in texts)


@pytest.mark.parametrize("text", [{"Title": "Processus de Rabat", "Source": "Source : iscm-graph"},
                                  {"Title": "Rabat", "Source": "Source — \u0627\u0644\u0631\u0628\u0627\u0637"}])
def test_the_png_writer_keeps_pixels_dpi_and_text(text):
    import numpy as np
    from PIL import Image

    from graph.maps import png

    rgb = np.random.default_rng(7).integers(0, 256, size=(37, 53, 3), dtype=np.uint8)
    rgb[:5] = 255  # some white rows, as on a map
    im = Image.open(io.BytesIO(png.encode(rgb, dpi=300, text=text)))
    im.load()  # reads every chunk and checks each CRC
    assert im.mode == "RGB" and im.size == (53, 37)
    assert np.array_equal(np.asarray(im), rgb)
    assert [round(d) for d in im.info["dpi"]] == [300, 300]
    assert {k: im.info[k] for k in text} == text
    with pytest.raises(ValueError, match="RGB uint8"):
        png.encode(np.zeros((2, 2, 4), dtype=np.uint8), dpi=300)


# ------------------------------------------------------------------------------------ filters

def test_iscm_kind_filter_drops_other_kinds(cat):
    every = maps.build_spec(cat, maps.MapRequest(kind="overlap", min_jaccard=0.0))
    rcp = maps.build_spec(cat, maps.MapRequest(kind="overlap", min_jaccard=0.0, kinds=(RCP,)))
    kinds = cat.tenures.drop_duplicates("organisation_id").set_index("organisation_id")["organisation_kind"]
    assert 0 < len(rcp.nodes) < len(every.nodes)
    assert {kinds[n.id] for n in rcp.nodes} == {RCP}
    assert dict(rcp.filters)["kinds"] == json.dumps([RCP]) and "kinds: " + RCP in rcp.subtitle


def test_derivation_and_status_filters(cat):
    every = maps.build_spec(cat, maps.MapRequest(kind="overlap", min_jaccard=0.0))
    named = maps.build_spec(cat, maps.MapRequest(kind="overlap", min_jaccard=0.0, derivation="named"))
    # bloc-derived memberships (EU, UN) make ISCMs share more members: naming only shrinks the links
    assert sum(e.weight for e in named.edges) < sum(e.weight for e in every.edges)
    ended = maps.build_spec(cat, maps.MapRequest(kind="overlap", statuses=("ended",)))
    assert len(ended.nodes) < len(every.nodes)


def test_roles_are_selectable_and_old_values_still_work(cat):
    def spec(roles):
        return maps.build_spec(cat, maps.MapRequest(kind="membership", iscms=("rabat-process",), roles=roles))

    members, both = spec("members"), spec("members+observers")
    assert {e.role for e in members.edges} == {"member"}
    assert {e.role for e in both.edges} == {"member", "observer"}
    assert spec(("observers", "members")).edges == both.edges  # a list, in any order
    chairs = spec("members,chairs")
    assert {e.role for e in chairs.edges} >= {"member", "chair"} and len(chairs.edges) > len(members.edges)
    assert chairs.title.startswith("Members and chairs of ")
    with pytest.raises(maps.MapParameterError, match="roles"):
        maps.MapRequest(kind="membership", iscms=("rabat-process",), roles="friends")
    with pytest.raises(maps.MapParameterError, match="kind"):
        maps.MapRequest(kind="overlap", kinds=("spaghetti",))


def test_filtered_requests_round_trip_their_keys():
    r = maps.MapRequest(kind="partnership", kinds=(RCP,), statuses=("active",), derivation="named",
                        roles="chairs+members", as_of="2015-06")
    assert maps.MapRequest.from_key(r.key()) == r


# ------------------------------------------------------------------------------------ API

def test_api_map_takes_the_rest_filters_and_names_its_files(app_client):
    params = [("kind", "membership"), ("iscm", "rabat-process"), ("as_of", "2015"), ("roles", "members,observers")]
    info = app_client.get("/api/maps", params=params).json()
    assert info["filters"] == {"as_of": "2015", "roles": "members+observers", "kinds": "all", "statuses": "all",
                               "derivation": "all"}
    assert info["file_name"] == "rabat-process-members-observers-2015"
    assert info["credit"].startswith("Source: iscm-graph release")
    same = app_client.get("/api/maps", params=[("map", "membership"), ("iscm", "rabat-process"),
                                               ("as_of", "2015"), ("roles", "observers"), ("roles", "members")])
    assert same.json()["key"] == info["key"]
    png = app_client.get(info["downloads"]["png"])
    assert png.headers["content-disposition"] == 'attachment; filename="rabat-process-members-observers-2015.png"'
    pdf = app_client.get(info["downloads"]["pdf"])
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    filtered = app_client.get("/api/maps", params=[("kind", "overlap"), ("kind", RCP), ("derivation", "named")])
    assert filtered.status_code == 200, filtered.text
    assert filtered.json()["filters"]["kinds"] == [RCP] and filtered.json()["filters"]["derivation"] == "named"
    page = app_client.get(filtered.json()["html"]).text
    assert 'data-filter="kinds"' in page and RCP in page
    assert app_client.get("/api/maps", params=[("kind", RCP)]).status_code == 422  # no map named
    assert app_client.get("/api/maps", params={"kind": "overlap", "roles": "friends"}).status_code == 422
