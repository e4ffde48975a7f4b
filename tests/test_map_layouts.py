"""Map layouts that do not make hairballs (issue 14): concentric ego maps (the focus in the middle, a
ring per step away) and geographic placement (States at their country's centroid, ISCMs at the mean of
their members), as ``layout=`` on /api/maps and ``iscm map --layout``; the page and the exports draw
the same positions."""

from __future__ import annotations

import csv
import io
import json
import math
import re

import networkx as nx
import pytest

from graph import maps
from graph.maps.geometry import centroids
from graph.maps.layout import LAYOUTS, place
from graph.profiles import Catalogue

DATA_RE = re.compile(r"var DATA = (.*);\n")


@pytest.fixture(scope="module")
def cat(built):
    import graph

    return Catalogue(graph.load(built))


def radius(spec: maps.MapSpec, node: str) -> float:
    n = spec.node(node)
    return math.hypot(n.x, n.y)


def test_concentric_puts_the_focus_in_the_middle_and_rings_by_distance():
    # a path with a branch: distances 0, 1, 2, 3 from "a"
    H = nx.Graph([("a", "b"), ("b", "c"), ("c", "d"), ("a", "e"), ("e", "f")])
    pos = place(H, 1, ["a"], "concentric")
    assert pos["a"] == (0.0, 0.0)
    dist = nx.single_source_shortest_path_length(H, "a")
    rings: dict[int, list[float]] = {}
    for node, (x, y) in pos.items():
        rings.setdefault(dist[node], []).append(math.hypot(x, y))
    for k in range(1, max(rings)):
        assert max(rings[k]) < min(rings[k + 1]), rings  # every ring strictly inside the next
    # unreachable nodes go on an outer ring, not on top of the focus
    H.add_edge("x", "y")
    pos = place(H, 1, ["a"], "concentric")
    assert min(math.hypot(*pos[n]) for n in "xy") > max(math.hypot(*pos[n]) for n in "abcdef")


def test_concentric_ego_map_on_the_real_data(cat):
    spec = maps.build_spec(cat, maps.MapRequest(kind="ego", actor="MAR", depth=2, layout="concentric"))
    P = cat.partnership(None)
    dist = nx.single_source_shortest_path_length(nx.Graph(P), "MAR", cutoff=2)
    assert (spec.node("MAR").x, spec.node("MAR").y) == (0.0, 0.0)
    one = [radius(spec, n.id) for n in spec.nodes if dist.get(n.id) == 1]
    two = [radius(spec, n.id) for n in spec.nodes if dist.get(n.id) == 2]
    assert one and two and max(one) < min(two)


def test_geographic_places_states_by_their_countries_and_iscms_among_their_members(cat):
    spec = maps.build_spec(cat, maps.MapRequest(kind="membership", iscms=("rabat-process", "khartoum-process"),
                                                layout="geographic"))
    world = centroids()
    states = [n for n in spec.nodes if n.type == "state"]
    assert len(states) > 40
    # west to east and north to south as on the world map: compare every pair far enough apart to
    # survive the nudges that keep neighbours from overlapping
    wrong = [(a.id, b.id) for a in states for b in states
             if world[a.id][0] + 150 < world[b.id][0] and not a.x < b.x]
    wrong += [(a.id, b.id) for a in states for b in states
              if world[a.id][1] + 150 < world[b.id][1] and not a.y < b.y]
    assert not wrong, wrong[:5]
    xs = [n.x for n in spec.nodes]
    width = max(xs) - min(xs)
    for iscm in ("rabat-process", "khartoum-process"):
        members = [spec.node(e.u) for e in spec.edges if e.v == iscm]
        mx, my = sum(m.x for m in members) / len(members), sum(m.y for m in members) / len(members)
        node = spec.node(iscm)
        assert math.hypot(node.x - mx, node.y - my) < 0.1 * width, (iscm, node.x, node.y, mx, my)
    # nothing on top of anything else
    pts = [(n.x, n.y) for n in spec.nodes]
    closest = min(math.dist(p, q) for i, p in enumerate(pts) for q in pts[i + 1:])
    assert closest > 30, closest


def test_layout_is_part_of_the_request_and_its_key():
    plain = maps.MapRequest(kind="membership", iscms=("rabat-process",))
    ringed = maps.MapRequest(kind="membership", iscms=("rabat-process",), layout="concentric")
    assert "layout" not in plain.canonical()  # old map URLs keep their key
    assert ringed.key() != plain.key() and maps.MapRequest.from_key(ringed.key()).layout == "concentric"
    with pytest.raises(maps.MapParameterError, match="layout must be one of"):
        maps.MapRequest(kind="membership", iscms=("rabat-process",), layout="hairball")
    assert LAYOUTS == ("spring", "concentric", "geographic")


@pytest.mark.parametrize("layout", ["concentric", "geographic"])
def test_api_layout_is_the_same_on_the_page_and_in_the_exports(app_client, layout):
    params = [("map", "membership"), ("iscm", "rabat-process"), ("layout", layout)]
    info = app_client.get("/api/maps", params=params).json()
    spring = app_client.get("/api/maps", params=params[:2]).json()
    assert maps.MapRequest.from_key(info["key"]).layout == layout and info["key"] != spring["key"]
    assert layout in info["file_name"]
    page = app_client.get(info["html"]).text
    on_screen = {n["id"]: (n["x"], n["y"]) for n in json.loads(DATA_RE.search(page).group(1))["nodes"]}
    rows = csv.DictReader(io.StringIO(app_client.get(info["downloads"]["nodes_csv"]).text))
    exported = {r["id"]: (float(r["x"]), float(r["y"])) for r in rows}
    assert on_screen == exported
    other = {n["id"]: (n["x"], n["y"]) for n in json.loads(DATA_RE.search(
        app_client.get(spring["html"]).text).group(1))["nodes"]}
    assert other != on_screen
    if layout == "concentric":
        assert on_screen["rabat-process"] == (0.0, 0.0)
    bad = app_client.get("/api/maps", params=[*params[:2], ("layout", "hairball")])
    assert bad.status_code == 422


def test_cli_layout(built, tmp_path):
    from test_maps import run_map

    out = tmp_path / "rings.csv"
    assert run_map("ego", "--actor", "MAR", "--layout", "concentric", "--out", str(out), "--build", str(built)) == 0
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO((tmp_path / "rings.nodes.csv").read_text()))}
    assert (float(rows["MAR"]["x"]), float(rows["MAR"]["y"])) == (0.0, 0.0)
    with pytest.raises(SystemExit):
        run_map("ego", "--actor", "MAR", "--layout", "hairball", "--out", str(out), "--build", str(built))
