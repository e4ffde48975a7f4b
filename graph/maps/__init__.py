"""Partnership maps: interactive (vis-network), static (PNG, SVG), graph files (GEXF, GraphML), tables.

A map is built in two steps. First, a *map function* turns one of our networkx views into a
:class:`MapSpec`, a plain, immutable description of what to draw. The map functions are
:func:`membership_map` (chosen ISCMs and their members), :func:`ego_map` (an actor's
neighbourhood), :func:`overlap_map` (ISCMs linked by shared members) and :func:`partnership_map`
(every relation). A spec holds every node with its label, type, colour, shape, size and
position, every edge with its relation, role, dates, source and line style, the legend and the
title. Second, a *renderer* draws the spec: :func:`render_html`, :func:`to_png`, :func:`to_svg`,
:func:`to_gexf`, :func:`to_graphml`, :func:`nodes_csv` and :func:`edges_csv`. :func:`choropleth_svg`
draws the world map of how many ISCMs each country belongs to.

Rules the module keeps:

* **Same input, same picture.** Positions come from the chosen layout (``spring``: a seeded
  ``networkx.spring_layout`` over nodes and edges in sorted order; ``concentric``: rings around the
  focus; ``geographic``: countries' centroids), rounded, and the page draws them with physics off. So
  the same data and ``seed`` give byte-identical HTML, every export draws the page's positions, and a
  large map does not spin.
* **Offline.** The vis-network script and stylesheet are read from the files that ship inside
  the installed pyvis package and inlined. The page refers to nothing outside itself: no CDN, no
  fonts. pyvis is used only here, only for those files and the options object. It is never given
  one of our graphs (it changes graphs it is given) and never writes files.
* **Text stays text.** Labels and tooltips from the data go into the page as JSON data, with
  ``<``, ``>`` and ``&`` written as ``\\u003c``, ``\\u003e`` and ``\\u0026``, so ``</script>`` in
  a name cannot end the script block. Tooltips are built with ``textContent``, so a name can
  never become markup. The two inline scripts are hashed, and :class:`RenderedMap` gives the
  ``Content-Security-Policy`` that allows only them.

Examples
--------
>>> from graph.maps import membership_map, render_html
>>> from graph.views import example
>>> spec = membership_map(example(), iscms=["alpha", "beta"])
>>> spec.title, len(spec.nodes), len(spec.edges)
('Members of Alpha and Beta', 8, 8)
>>> [(n.id, n.type, n.colour) for n in spec.nodes if n.id in ("alpha", "MAR")]
[('MAR', 'state', '#e69f00'), ('alpha', 'iscm', '#0072b2')]
>>> page = render_html(spec)
>>> page.html.startswith("<!doctype html>"), len(page.script_hashes)
(True, 2)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from graph.maps.build import ego_map, membership_map, overlap_map, partnership_map
    from graph.maps.choropleth import choropleth_svg, iscm_counts, iscm_members
    from graph.maps.credit import Credit
    from graph.maps.exports import edges_csv, nodes_csv, to_gexf, to_graphml, to_networkx
    from graph.maps.filters import ROLE_GROUPS
    from graph.maps.html import RenderedMap, render_html, script_json, vis_assets
    from graph.maps.request import ROLE_PRESETS, MapRequest, build_spec
    from graph.maps.spec import (
        EDGE_STYLES,
        ENTITY_TYPES,
        ISCM_KINDS,
        ISCM_STATUSES,
        KINDS,
        RELATIONS,
        SIZE_MEASURES,
        TYPE_COLOURS,
        TYPE_LABELS,
        TYPE_SHAPES,
        EdgeStyle,
        LegendEntry,
        MapEdge,
        MapNode,
        MapParameterError,
        MapSpec,
        edge_style,
    )
    from graph.maps.static import to_pdf, to_png, to_svg

# The submodules load on first use: drawing pulls in pandas and matplotlib (seconds), which the
# command line's parser, asking only for the names of map kinds, should not pay for.
_NAMES_BY_MODULE = {
    "build": ("ego_map", "membership_map", "overlap_map", "partnership_map"),
    "choropleth": ("choropleth_svg", "iscm_counts", "iscm_members"),
    "credit": ("Credit",),
    "exports": ("edges_csv", "nodes_csv", "to_gexf", "to_graphml", "to_networkx"),
    "filters": ("ROLE_GROUPS",),
    "html": ("RenderedMap", "render_html", "script_json", "vis_assets"),
    "request": ("ROLE_PRESETS", "MapRequest", "build_spec"),
    "spec": (
        "EDGE_STYLES", "ENTITY_TYPES", "ISCM_KINDS", "ISCM_STATUSES", "KINDS", "RELATIONS", "SIZE_MEASURES",
        "TYPE_COLOURS", "TYPE_LABELS",
        "TYPE_SHAPES", "EdgeStyle", "LegendEntry", "MapEdge", "MapNode", "MapParameterError", "MapSpec",
        "edge_style",
    ),
    "static": ("to_pdf", "to_png", "to_svg"),
}
_HOME = {name: f"graph.maps.{module}" for module, names in _NAMES_BY_MODULE.items() for name in names}


def __getattr__(name: str) -> Any:
    import importlib

    if name in _HOME:
        return getattr(importlib.import_module(_HOME[name]), name)
    raise AttributeError(f"module 'graph.maps' has no attribute {name!r}")


__all__ = [
    "EDGE_STYLES",
    "ENTITY_TYPES",
    "ISCM_KINDS",
    "ISCM_STATUSES",
    "KINDS",
    "RELATIONS",
    "ROLE_GROUPS",
    "ROLE_PRESETS",
    "SIZE_MEASURES",
    "TYPE_COLOURS",
    "TYPE_LABELS",
    "TYPE_SHAPES",
    "Credit",
    "EdgeStyle",
    "LegendEntry",
    "MapEdge",
    "MapNode",
    "MapParameterError",
    "MapRequest",
    "MapSpec",
    "RenderedMap",
    "build_spec",
    "choropleth_svg",
    "edge_style",
    "edges_csv",
    "ego_map",
    "iscm_counts",
    "iscm_members",
    "membership_map",
    "nodes_csv",
    "overlap_map",
    "partnership_map",
    "render_html",
    "script_json",
    "to_gexf",
    "to_graphml",
    "to_networkx",
    "to_pdf",
    "to_png",
    "to_svg",
    "vis_assets",
]
