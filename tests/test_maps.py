"""Partnership maps: specs, the offline HTML page, exports, the choropleth, the API routes and ``iscm map``."""

from __future__ import annotations

import argparse
import base64
import csv
import doctest
import hashlib
import io
import json
import os
import re
import xml.etree.ElementTree as ET

import networkx as nx
import pytest

from graph import maps, views
from graph.errors import UnknownEntityError
from graph.profiles import Catalogue

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</script><script>alert(1)</script>"
DATA_RE = re.compile(r"var DATA = (.*);\n")
URL_RE = re.compile(r"https?://")


@pytest.fixture(scope="module")
def cat(built):
    """The real data on the default store (maps read the same tables on every backend)."""
    import graph

    return Catalogue(graph.load(built))


def example_with(labels: dict[str, str] | None = None, sources: list[str] | None = None) -> nx.Graph:
    B = views.example()
    for node, label in (labels or {}).items():
        B.nodes[node]["label"] = label
    if sources is not None:
        B.edges["MAR", "alpha"]["sources"] = sources
    return B


def page_parts(page_html: str) -> tuple[str, dict]:
    """The page without the inlined vis-network assets and without its data, and the data."""
    js, css = maps.vis_assets()
    assert page_html.count(js) == 1 and page_html.count(css) == 1
    rest = page_html.replace(js, "").replace(css, "")
    match = DATA_RE.search(rest)
    assert match, "the page embeds its data as `var DATA = {...};`"
    data = json.loads(match.group(1))  # \u003c escapes are valid JSON
    return rest.replace(match.group(0), ""), data


def strings(obj, path=()):
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield from strings(v, (*path, k))
    elif isinstance(obj, list):
        for v in obj:
            yield from strings(v, path)
    elif isinstance(obj, str):
        yield path, obj


FOOTER_RE = re.compile(r'<footer id="credit">([^<]*)</footer>')


def assert_offline_page(page_html: str) -> None:
    rest, data = page_parts(page_html)
    # the footer cites the release's homepage as text (no markup, no link)
    rest = FOOTER_RE.sub("", rest)
    assert not URL_RE.search(rest), URL_RE.search(rest)
    # source URLs are data, and live only in tooltip text
    for path, text in strings(data):
        if URL_RE.search(text):
            assert path[-1] == "title", path
    # nothing in the page loads anything: no src/href attributes, stylesheets, imports or remote url()
    assert not re.search(r"<(link|img|iframe|object|embed)\b", rest, re.I)
    assert not re.search(r"\s(src|href)\s*=", rest, re.I)
    _js, css = maps.vis_assets()
    assert "@import" not in css and "@import" not in rest
    assert all(u.startswith(("data:", '"data:', "'data:")) for u in re.findall(r"url\(([^)]*)\)", css + rest))


# ------------------------------------------------------------------------------------ specs

def test_doctests_of_the_maps_package():
    import importlib
    import pkgutil

    attempted = 0
    names = ["graph.maps"] + [f"graph.maps.{m.name}" for m in pkgutil.iter_modules(maps.__path__)]
    for name in names:
        result = doctest.testmod(importlib.import_module(name),
                                 optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, name
        attempted += result.attempted
    assert attempted > 20


def test_old_names_still_work():
    """Notebooks, the CLI and the API use ``from graph import maps`` and ``maps.X``."""
    for name in maps.__all__:
        assert getattr(maps, name) is not None, name


def test_membership_map_colours_sizes_and_tooltips():
    spec = maps.membership_map(views.example(), iscms=["alpha", "beta"], size_by="degree")
    ids = {n.id for n in spec.nodes}
    assert ids == {"alpha", "beta", "MAR", "ESP", "SEN", "FRA", "GHA", "NOR"}
    assert {n.colour for n in spec.nodes if n.type == "iscm"} == {maps.TYPE_COLOURS["iscm"]}
    assert {n.colour for n in spec.nodes if n.type == "state"} == {maps.TYPE_COLOURS["state"]}
    assert spec.node("MAR").size > spec.node("ESP").size  # MAR is in both
    assert spec.node("alpha").highlight and not spec.node("MAR").highlight
    edge = next(e for e in spec.edges if e.u == "MAR" and e.v == "alpha")
    assert (edge.relation, edge.role, edge.style, edge.source) == ("membership", "member", "member",
                                                                   "https://example.org/")
    assert "membership: member" in edge.title and "source: https://example.org/" in edge.title
    assert "Morocco" in spec.node("MAR").title and "Africa / Northern Africa" in spec.node("MAR").title


def test_edge_styles_by_relation_and_role():
    assert maps.edge_style("membership", "observer").dashes
    assert not maps.edge_style("membership", "member").dashes
    assert maps.edge_style("membership", "co-chair").key == "chair"
    assert maps.edge_style("membership", "funder").pattern == "dash-dot"
    assert maps.edge_style("membership", "secretariat").pattern == "dotted"
    assert maps.edge_style("succession", "succeeded by").arrows
    assert maps.edge_style("cooperation", "occasional").key == "cooperation-occasional"


def test_legend_lists_types_and_styles_present(cat):
    spec = maps.ego_map(cat.partnership(), "MAR", depth=1, memberships=cat.current)
    nodes = {e.key for e in spec.legend if e.kind == "node"}
    edges = {e.key for e in spec.legend if e.kind == "edge"}
    assert nodes == {n.type for n in spec.nodes}
    assert edges == {e.style for e in spec.edges}
    assert {"iscm", "state"} <= nodes and "member" in edges
    page = maps.render_html(spec).html
    assert 'id="legend"' in page
    for entry in spec.legend:
        assert f'data-legend="{entry.key}"' in page


def test_filters_region_type_role_and_iscm():
    B = views.example()
    spec = maps.membership_map(B, iscms=["alpha"], regions=["Africa"])
    assert {n.id for n in spec.nodes} == {"alpha", "MAR", "SEN"}
    spec = maps.membership_map(B, iscms=["alpha", "gamma"], regions=["Northern Europe"])
    assert {n.id for n in spec.nodes} == {"alpha", "gamma", "NOR", "SWE"}
    assert maps.membership_map(B, iscms=["alpha"], types=["iscm"]).edges == ()
    assert len(maps.membership_map(B, iscms=["alpha"], roles=["observer"]).nodes) == 1
    with pytest.raises(UnknownEntityError):
        maps.membership_map(B, iscms=["nope"])
    with pytest.raises(maps.MapParameterError):
        maps.membership_map(B, iscms=[])
    with pytest.raises(maps.MapParameterError):
        maps.membership_map(B, iscms=["alpha"], size_by="fame")


def test_overlap_map_prunes_weak_links():
    spec = maps.overlap_map(views.example(), min_jaccard=0.35)
    assert [(e.u, e.v) for e in spec.edges] == [("beta", "gamma")]
    assert {n.id for n in spec.nodes} == {"alpha", "beta", "gamma"}  # islands stay
    assert all(e.weight >= 0.35 for e in spec.edges)
    assert spec.node("alpha").value == 4  # size by members


def test_ego_and_partnership_maps_on_real_data(cat):
    P = cat.partnership()
    ego = maps.ego_map(P, "MAR", depth=1, memberships=cat.current)
    assert ego.node("MAR").highlight
    assert {n.id for n in ego.nodes} == set(P["MAR"]) | {"MAR"}
    assert any(e.as_of for e in ego.edges if e.relation == "membership")
    with pytest.raises(UnknownEntityError):
        maps.ego_map(P, "XYZ")
    only = maps.partnership_map(P, relations=["cooperation"])
    assert {e.relation for e in only.edges} == {"cooperation"}
    # the map functions copy what they need: the shared graph is never changed
    before = (P.number_of_nodes(), P.number_of_edges(), dict(P.nodes["MAR"]))
    maps.partnership_map(P, regions=["Africa"], types=["state", "iscm"])
    assert before == (P.number_of_nodes(), P.number_of_edges(), dict(P.nodes["MAR"]))


def test_full_partnership_map_from_the_real_data(cat):
    P = cat.partnership()
    spec = maps.partnership_map(P, memberships=cat.current)
    assert len(spec.nodes) == P.number_of_nodes() and len(spec.edges) == P.number_of_edges()
    relations = {e.relation for e in spec.edges}
    assert {"membership", "cooperation", "succession"} <= relations
    page = maps.render_html(spec)
    assert_offline_page(page.html)
    buf = io.BytesIO()
    maps.to_png(spec, buf)
    assert buf.getvalue().startswith(b"\x89PNG\r\n\x1a\n")


# ------------------------------------------------------------------------------------ the page

def test_same_input_same_bytes_and_the_seed_matters(cat):
    a = maps.render_html(maps.membership_map(views.example(), iscms=["alpha", "beta"], seed=7)).html
    b = maps.render_html(maps.membership_map(views.example(), iscms=["alpha", "beta"], seed=7)).html
    c = maps.render_html(maps.membership_map(views.example(), iscms=["alpha", "beta"], seed=8)).html
    assert a == b and a != c
    req = maps.MapRequest(kind="membership", iscms=("budapest-process", "prague-process"))
    assert maps.render_html(maps.build_spec(cat, req)).html == maps.render_html(maps.build_spec(cat, req)).html
    assert maps.nodes_csv(maps.build_spec(cat, req)) == maps.nodes_csv(maps.build_spec(cat, req))


def test_positions_are_fixed_and_physics_off():
    _rest, data = page_parts(maps.render_html(maps.membership_map(views.example(), iscms=["alpha"])).html)
    assert data["options"]["physics"] == {"enabled": False}
    assert all(isinstance(n["x"], float | int) and isinstance(n["y"], float | int) for n in data["nodes"])


def test_page_is_offline_and_hashes_match_its_scripts():
    page = maps.render_html(maps.membership_map(views.example(), iscms=["alpha", "beta"]))
    assert_offline_page(page.html)
    scripts = re.findall(r"<script>(.*?)</script>", page.html, re.S)
    assert len(scripts) == 2
    hashes = tuple("sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in scripts)
    assert hashes == page.script_hashes
    for h in hashes:
        assert f"'{h}'" in page.csp
    assert page.csp.startswith("default-src 'none'; script-src 'sha256-")
    assert "style-src 'unsafe-inline'" in page.csp and "img-src data:" in page.csp


def test_markup_in_labels_and_sources_stays_text():
    B = example_with({"alpha": IMG, "MAR": SCRIPT}, sources=["https://example.org/?q=</script><b>x</b>"])
    spec = maps.membership_map(B, iscms=["alpha"], title=f"Map of {IMG}")
    page = maps.render_html(spec).html
    js, _css = maps.vis_assets()
    outside = page.replace(js, "")
    assert IMG not in page and SCRIPT not in page and "</script><b>" not in page
    assert outside.count("<script") == 2 and outside.count("</script>") == 2
    assert outside.lower().count("<img") == 0
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # the title and heading, escaped
    assert "\\u003cimg src=x onerror=alert(1)\\u003e" in page  # the data, escaped
    _rest, data = page_parts(page)
    alpha = next(n for n in data["nodes"] if n["id"] == "alpha")
    mar = next(n for n in data["nodes"] if n["id"] == "MAR")
    # labels are wrapped on several lines, never cut
    assert alpha["label"].replace("\n", " ") == IMG and SCRIPT in mar["title"]
    # the tooltips are put in with textContent, never as markup
    assert "textContent = text" in page and "innerHTML" not in outside


def test_xss_labels_in_exports():
    spec = maps.membership_map(example_with({"alpha": IMG, "MAR": SCRIPT}), iscms=["alpha"])
    svg = io.BytesIO()
    maps.to_svg(spec, svg)
    text = svg.getvalue().decode()
    assert IMG not in text and SCRIPT not in text
    root = ET.fromstring(text)
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert not tags & {"img", "script", "foreignObject", "a"}
    for fn, reader in ((maps.to_gexf, nx.read_gexf), (maps.to_graphml, nx.read_graphml)):
        buf = io.BytesIO()
        fn(spec, buf)
        G = reader(io.BytesIO(buf.getvalue()))
        assert G.nodes["alpha"]["label"] == IMG and G.nodes["MAR"]["label"] == SCRIPT
    rows = list(csv.DictReader(io.StringIO(maps.nodes_csv(spec))))
    assert {r["label"] for r in rows} >= {IMG, SCRIPT}


def test_csv_cells_cannot_become_formulas():
    spec = maps.membership_map(example_with({"alpha": "=HYPERLINK(\"x\")"}), iscms=["alpha"])
    rows = list(csv.DictReader(io.StringIO(maps.nodes_csv(spec))))
    assert next(r for r in rows if r["id"] == "alpha")["label"] == "'=HYPERLINK(\"x\")"


# ------------------------------------------------------------------------------------ exports

def test_exports_parse(tmp_path):
    spec = maps.membership_map(views.example(), iscms=["alpha", "beta"])
    png, svg = io.BytesIO(), io.BytesIO()
    maps.to_png(spec, png)
    maps.to_svg(spec, svg)
    assert png.getvalue().startswith(b"\x89PNG\r\n\x1a\n")
    root = ET.fromstring(svg.getvalue())
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    maps.to_gexf(spec, tmp_path / "m.gexf")
    maps.to_graphml(spec, tmp_path / "m.graphml")
    for G in (nx.read_gexf(tmp_path / "m.gexf"), nx.read_graphml(tmp_path / "m.graphml")):
        assert G.number_of_nodes() == len(spec.nodes) and G.number_of_edges() == len(spec.edges)
        assert G.nodes["MAR"]["type"] == "state"
        assert {d["relation"] for _u, _v, d in G.edges(data=True)} == {"membership"}
    nodes = list(csv.DictReader(io.StringIO(maps.nodes_csv(spec))))
    edges = list(csv.DictReader(io.StringIO(maps.edges_csv(spec))))
    assert len(nodes) == len(spec.nodes) and len(edges) == len(spec.edges)
    assert set(edges[0]) == {"from", "to", "relation", "role", "start", "end", "as_of", "source", "weight", "style"}


def test_static_images_are_deterministic():
    spec = maps.membership_map(views.example(), iscms=["alpha", "beta"])
    one, two = io.BytesIO(), io.BytesIO()
    maps.to_svg(spec, one)
    maps.to_svg(spec, two)
    assert one.getvalue() == two.getvalue()


def test_rendering_writes_nothing_to_the_working_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    spec = maps.membership_map(views.example(), iscms=["alpha", "beta"])
    maps.render_html(spec)
    for fn in (maps.to_png, maps.to_svg, maps.to_gexf, maps.to_graphml):
        fn(spec, io.BytesIO())
    maps.choropleth_svg({"MAR": 3})
    assert os.listdir(tmp_path) == []


# ------------------------------------------------------------------------------------ choropleth

def test_choropleth_is_offline_deterministic_and_escaped(cat):
    counts = maps.iscm_counts(cat.current)
    assert counts["MAR"] >= 5
    members = maps.iscm_members(cat.current, "rabat-process")
    svg = maps.choropleth_svg(counts, highlight_iscm_members=members, title=f"ISCMs {IMG}")
    assert svg == maps.choropleth_svg(counts, highlight_iscm_members=members, title=f"ISCMs {IMG}")
    root = ET.fromstring(svg)
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert "script" not in tags and "img" not in tags and "foreignObject" not in tags
    for el in root.iter():
        for name, value in el.attrib.items():
            if name.endswith("href") or name == "src":
                assert value.startswith("#"), (name, value)
    without_ns = re.sub(r'xmlns(:\w+)?="[^"]*"', "", svg)
    assert not URL_RE.search(without_ns)
    assert "@import" not in svg and IMG not in svg
    titles = [el.text for el in root.iter("{http://www.w3.org/2000/svg}title")]
    assert any(t.startswith("Morocco: ") and "members of the chosen ISCM" in t for t in titles)


# ------------------------------------------------------------------------------------ requests and keys

def test_map_request_keys_round_trip_and_reject_garbage():
    r = maps.MapRequest(kind="ego", actor="mar", depth=2, as_of=2015, relations=("membership",))
    assert r.actor == "MAR"
    assert maps.MapRequest.from_key(r.key()) == r
    for bad in ("", "!!", "e30", base64.urlsafe_b64encode(b'{"kind":"ego"}').decode().rstrip("="),
                base64.urlsafe_b64encode(b'{"kind":"membership","iscms":["x"],"depth":9}').decode().rstrip("=")):
        with pytest.raises(maps.MapParameterError):
            maps.MapRequest.from_key(bad)
    with pytest.raises(maps.MapParameterError):
        maps.MapRequest(kind="membership")
    with pytest.raises(maps.MapParameterError):
        maps.MapRequest(kind="membership", iscms=("<b>",))


def test_build_spec_checks_ids(cat):
    with pytest.raises(UnknownEntityError, match="no-such-process"):
        maps.build_spec(cat, maps.MapRequest(kind="membership", iscms=("no-such-process",)))
    with pytest.raises(UnknownEntityError, match="Atlantis"):
        maps.build_spec(cat, maps.MapRequest(kind="partnership", regions=("Atlantis",)))
    spec = maps.build_spec(cat, maps.MapRequest(kind="overlap", as_of=2010, min_jaccard=0.2))
    assert spec.kind == "overlap" and all(e.weight >= 0.2 for e in spec.edges)


# ------------------------------------------------------------------------------------ API

@pytest.fixture(scope="module")
def client(app_client):
    return app_client


def test_api_membership_map_and_downloads(client, cat):
    r = client.get("/api/maps", params=[("kind", "membership"), ("iscm", "budapest-process"),
                                        ("iscm", "prague-process")])
    assert r.status_code == 200, r.text
    info = r.json()
    B = cat.bipartite_at()
    assert info["nodes"] == 2 + len(set(B["budapest-process"]) | set(B["prague-process"]))
    assert info["edges"] == len(B["budapest-process"]) + len(B["prague-process"])
    assert set(info["downloads"]) == {"html", "png", "svg", "pdf", "gexf", "graphml", "nodes_csv", "edges_csv"}
    same = client.get("/api/maps", params={"kind": "membership", "iscm": "prague-process,budapest-process"}).json()
    assert same["key"] == info["key"]

    page = client.get(info["html"])
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    scripts = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    for s in scripts:
        digest = base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in csp
    assert csp.startswith("default-src 'none'") and "'self'" not in csp.split("script-src")[1].split(";")[0]
    assert_offline_page(page.text)

    expected = {"html": "text/html", "png": "image/png", "svg": "image/svg+xml", "pdf": "application/pdf",
                "gexf": "application/gexf+xml",
                "graphml": "application/graphml+xml", "nodes_csv": "text/csv", "edges_csv": "text/csv"}
    for name, href in info["downloads"].items():
        resp = client.get(href)
        assert resp.status_code == 200, (name, resp.text[:200])
        assert resp.headers["content-type"].startswith(expected[name]), name
        assert resp.headers["x-content-type-options"] == "nosniff"
        assert "attachment" in resp.headers.get("content-disposition", ""), name
    nodes = list(csv.DictReader(io.StringIO(client.get(info["downloads"]["nodes_csv"]).text)))
    assert len(nodes) == info["nodes"]


def test_api_map_urls_regenerate_from_the_key_alone(client):
    key = maps.MapRequest(kind="ego", actor="SEN", depth=1, seed=11).key()
    r = client.get(f"/maps/{key}.png")
    assert r.status_code == 200 and r.content.startswith(b"\x89PNG")
    assert client.get(f"/maps/{key}.gexf").status_code == 200


@pytest.mark.parametrize(("params", "status"), [
    ({"kind": "membership", "iscm": "no-such-process"}, 404),
    ({"kind": "ego", "actor": "XYZ"}, 404),
    ({"kind": "partnership", "region": "Atlantis"}, 404),
    ({"kind": "spaghetti"}, 422),
    ({"kind": "membership"}, 422),
    ({"kind": "ego"}, 422),
    ({"kind": "ego", "actor": "MAR", "depth": 9}, 422),
    ({"kind": "overlap", "min_jaccard": 2}, 422),
    ({"kind": "overlap", "size_by": "fame"}, 422),
    ({"kind": "membership", "iscm": "<script>"}, 422),
])
def test_api_map_errors_are_problems(client, params, status):
    r = client.get("/api/maps", params=params)
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_api_unknown_map_files_are_404(client):
    assert client.get("/maps/not-a-key.html").status_code == 404
    key = maps.MapRequest(kind="overlap").key()
    assert client.get(f"/maps/{key}.exe").status_code == 404
    assert client.get(f"/maps/{key}.html").status_code == 200


def test_api_choropleth(client):
    r = client.get("/api/maps/choropleth.svg")
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.headers["content-security-policy"].startswith("default-src 'none'")
    ET.fromstring(r.content)
    hi = client.get("/api/maps/choropleth.svg", params={"iscm": "rabat-process"})
    assert hi.status_code == 200 and "members of" in hi.text
    assert client.get("/api/maps/choropleth.svg", params={"iscm": "no-such-process"}).status_code == 404


# ------------------------------------------------------------------------------------ command line

def run_map(*argv: str) -> int:
    from graph import map_cli

    parser = argparse.ArgumentParser(prog="iscm")
    map_cli.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["map", *argv])
    return args.func(args)


@pytest.mark.slow  # one subprocess per format
def test_cli_writes_every_format(built, tmp_path):
    base = ["--build", str(built)]
    assert run_map("membership", "--iscm", "budapest-process,prague-process", "--out", str(tmp_path / "m.html"),
                   *base) == 0
    assert_offline_page((tmp_path / "m.html").read_text())
    assert run_map("ego", "--actor", "MAR", "--format", "png", "--out", str(tmp_path / "ego.png"), *base) == 0
    assert (tmp_path / "ego.png").read_bytes().startswith(b"\x89PNG")
    assert run_map("overlap", "--as-of", "2015", "--out", str(tmp_path / "o.gexf"), *base) == 0
    assert nx.read_gexf(tmp_path / "o.gexf").number_of_nodes() > 5
    assert run_map("partnership", "--format", "csv", "--out", str(tmp_path / "p.csv"), *base) == 0
    assert (tmp_path / "p.nodes.csv").exists() and (tmp_path / "p.edges.csv").exists()
    assert run_map("choropleth", "--iscm", "rabat-process", "--out", str(tmp_path / "w.svg"), *base) == 0
    ET.parse(tmp_path / "w.svg")
    # a .png is a PNG (it was SVG written under a .png name: a file no image viewer opens)
    assert run_map("choropleth", "--out", str(tmp_path / "world.png"), *base) == 0
    assert (tmp_path / "world.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    # and bytes of one format are never written under another format's name
    with pytest.raises(maps.MapParameterError, match=r"\*\.png"):
        run_map("ego", "--actor", "MAR", "--format", "png", "--out", str(tmp_path / "ego.svg"), *base)
    assert not (tmp_path / "ego.svg").exists()
    with pytest.raises(maps.MapParameterError, match="world map"):
        run_map("world", "--out", str(tmp_path / "world.gexf"), *base)
    with pytest.raises(UnknownEntityError):
        run_map("membership", "--iscm", "no-such-process", "--out", str(tmp_path / "x.html"), *base)
    with pytest.raises(maps.MapParameterError):
        run_map("ego", "--actor", "MAR", "--out", str(tmp_path / "x.unknown"), *base)
