"""The interactive map: one self-contained HTML page (vis-network inlined from the installed pyvis
package, our script and stylesheet from this package's ``assets/``), and the hashes of its two
inline scripts for the page's ``Content-Security-Policy``."""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from typing import Any

from graph.maps.spec import LegendEntry, MapSpec, curves, wrap_label
from graph.maps.words import maybe, word


@cache
def _asset(name: str) -> str:
    """Our page script or stylesheet, shipped as package data next to this module."""
    return files("graph.maps").joinpath("assets", name).read_text(encoding="utf-8")


@dataclass(frozen=True)
class RenderedMap:
    """A self-contained map page and the hashes of its inline scripts (for the CSP)."""

    html: str
    script_hashes: tuple[str, ...]

    @property
    def csp(self) -> str:
        """The ``Content-Security-Policy`` for this page: its own two scripts and nothing else."""
        scripts = " ".join(f"'{h}'" for h in self.script_hashes)
        return (f"default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; img-src data:; "
                "base-uri 'none'; form-action 'none'")


@cache
def _vis_assets() -> tuple[str, str]:
    """vis-network's script and stylesheet, from the newest copy inside the installed pyvis."""
    lib = files("pyvis").joinpath("lib")
    dirs = sorted((d for d in lib.iterdir() if d.name.startswith("vis-") and d.is_dir()),
                  key=lambda d: tuple(int(x) for x in re.findall(r"\d+", d.name)))
    if not dirs:
        raise FileNotFoundError("vis-network is missing from the installed pyvis package (pyvis/lib/vis-*)")
    js = dirs[-1].joinpath("vis-network.min.js").read_text(encoding="utf-8")
    css = dirs[-1].joinpath("vis-network.css").read_text(encoding="utf-8")
    # an inlined asset must not be able to end (or confuse) its own element
    if re.search(r"</script|<!--", js, re.IGNORECASE) or re.search(r"</style", css, re.IGNORECASE):
        raise ValueError("the vis-network asset cannot be inlined safely")
    return js, css


def vis_assets() -> tuple[str, str]:
    """The vis-network (script, stylesheet) texts that :func:`render_html` inlines."""
    return _vis_assets()


def _vis_options(spec: MapSpec) -> dict[str, Any]:
    from pyvis.network import Network

    # pyvis only provides its option defaults here: it is given no graph and writes nothing
    net = Network(height="100%", width="100%", directed=False, cdn_resources="remote")
    net.toggle_physics(False)
    options: dict[str, Any] = json.loads(net.options.to_json())
    options["physics"] = {"enabled": False}
    options["layout"] = {"improvedLayout": False, "randomSeed": spec.seed}
    options["edges"] = {"smooth": False, "color": {"inherit": False}, "selectionWidth": 2, "hoverWidth": 1}
    # dark text on a white halo: 15:1 on the white page, still legible where it crosses an edge
    options["nodes"] = {"borderWidth": 1, "font": {"face": "sans-serif", "size": 14, "strokeWidth": 3,
                                                    "color": "#1d2433", "strokeColor": "#ffffff"}}
    options["interaction"] = {**options.get("interaction", {}), "hover": True, "tooltipDelay": 120,
                              "hideEdgesOnDrag": len(spec.edges) > 1000, "keyboard": False, "multiselect": False}
    return options


def _vis_data(spec: MapSpec) -> dict[str, Any]:
    nodes = [{"id": n.id, "label": wrap_label(n.label), "x": n.x, "y": n.y, "size": n.size, "shape": n.shape,
              "title": n.title, "borderWidth": 4 if n.highlight else 1,
              "color": {"background": n.colour, "border": "#222222" if n.highlight else n.colour,
                        "highlight": {"background": n.colour, "border": "#000000"},
                        "hover": {"background": n.colour, "border": "#000000"}},
              **({"font": {"size": 18}} if n.highlight else {})} for n in spec.nodes]
    edges = []
    for i, (e, smooth) in enumerate(zip(spec.edges, curves(spec), strict=True)):
        item: dict[str, Any] = {"id": f"e{i}", "from": e.u, "to": e.v, "title": e.title, "width": e.width,
                                "dashes": list(e.dashes) if e.dashes else False, "smooth": smooth,
                                "color": {"color": e.colour, "highlight": "#000000", "hover": "#000000",
                                          "opacity": 0.85}}
        if e.arrows:
            item["arrows"] = "to"
        edges.append(item)
    return {"nodes": nodes, "edges": edges, "options": _vis_options(spec)}


def script_json(data: object) -> str:
    r"""JSON that is safe inside an HTML ``<script>`` element: ``<``, ``>``, ``&`` and the JavaScript
    line separators are escaped, keys sorted (so the text is deterministic).

    >>> script_json({"label": "</script><b>&"})
    '{"label":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026"}'
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))



def _swatch_node(entry: LegendEntry) -> str:
    c = html.escape(entry.colour)
    shapes = {"diamond": f'<polygon points="8,1 15,8 8,15 1,8" fill="{c}"/>',
              "square": f'<rect x="2" y="2" width="12" height="12" fill="{c}"/>',
              "triangle": f'<polygon points="8,1 15,15 1,15" fill="{c}"/>',
              "triangleDown": f'<polygon points="1,1 15,1 8,15" fill="{c}"/>',
              "star": f'<polygon points="8,0 10,6 16,6 11,10 13,16 8,12 3,16 5,10 0,6 6,6" fill="{c}"/>'}
    inner = shapes.get(entry.shape or "dot", f'<circle cx="8" cy="8" r="6" fill="{c}"/>')
    return f'<svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">{inner}</svg>'


def _swatch_edge(entry: LegendEntry) -> str:
    dash = f' stroke-dasharray="{",".join(str(d) for d in entry.dashes)}"' if entry.dashes else ""
    width = max(1.0, min(entry.width, 4.0))
    return (f'<svg width="34" height="10" viewBox="0 0 34 10" aria-hidden="true"><line x1="1" y1="5" x2="33" y2="5" '
            f'stroke="{html.escape(entry.colour)}" stroke-width="{width:g}"{dash}/></svg>')


def _legend_html(spec: MapSpec) -> str:
    lang = spec.lang
    legend = html.escape(word(lang, "legend"))
    parts = [f'<aside id="legend" aria-label="{legend}"><h2>{legend}</h2>']
    for kind, heading in (("node", word(lang, "nodes")), ("edge", word(lang, "relations"))):
        entries = [e for e in spec.legend if e.kind == kind]
        if not entries:
            continue
        parts.append(f"<h2>{heading}</h2><ul>")
        for e in entries:
            swatch = _swatch_node(e) if kind == "node" else _swatch_edge(e)
            parts.append(f'<li data-legend="{html.escape(e.key)}">{swatch}<span>{html.escape(e.label)}</span></li>')
        parts.append("</ul>")
    if spec.filters:  # which filters produced the map, as the REST lists say it
        parts.append(f'<h2>{html.escape(word(lang, "filters"))}</h2><ul id="filters">')
        for key, value in spec.filters:
            shown = _filter_text(lang, key, json.loads(value))
            name = word(lang, f"filter_{key}") if lang != "en" else key.replace("_", " ")
            parts.append(f'<li data-filter="{html.escape(key)}">{html.escape(word(lang, "pair", a=name, b=shown))}'
                         "</li>")
        parts.append("</ul>")
    counts = word(lang, "counts", nodes=len(spec.nodes), edges=len(spec.edges))
    parts.append(f"<p>{html.escape(counts)}. {html.escape(word(lang, 'hover'))}</p></aside>")
    return "".join(parts)


def _filter_text(lang: str, key: str, value: object) -> str:
    """A filter's value as the legend shows it (English: as the JSON says it)."""
    values = value if isinstance(value, list) else [str(value)]
    if lang == "en":
        return ", ".join(values)
    prefix = {"roles": "group_", "kinds": "kind_", "statuses": "status_"}.get(key, "")
    words = {"release date": word(lang, "release_date"), "all": word(lang, "all")}
    parts = [w for v in values for w in (v.split("+") if key == "roles" else [v])]
    return ", ".join(words.get(p) or (maybe(lang, prefix, p) if prefix else p) for p in parts)


def _hash(script: str) -> str:
    return "sha256-" + base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")


def render_html(spec: MapSpec) -> RenderedMap:
    """A self-contained interactive page for ``spec`` and the hashes of its two inline scripts.

    vis-network's script and stylesheet are inlined from the installed pyvis package; the page
    makes no request at all. Nothing is written to disk. The same spec gives the same bytes.

    Examples
    --------
    >>> from graph.views import example
    >>> from graph.maps.build import membership_map
    >>> page = render_html(membership_map(example(), iscms=["alpha"]))
    >>> page.html.count("</script>"), page.script_hashes[0].startswith("sha256-")
    (2, True)
    >>> "script-src 'sha256-" in page.csp and "default-src 'none'" in page.csp
    True
    """
    js, css = _vis_assets()
    init = _asset("map.js").replace("/*DATA*/", script_json(_vis_data(spec)), 1)
    title = html.escape(spec.title)
    subtitle = html.escape(spec.subtitle)
    page = (
        f'<!doctype html>\n<html lang="{spec.lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="iscm-graph maps"><title>{title}</title>'
        f"<style>{css}</style><style>{_asset('map.css')}</style></head>\n"
        f'<body><header id="head"><h1>{title}</h1><p>{subtitle}</p></header>'
        f'<div id="main"><div id="map" role="img" aria-label="{title}"></div>{_legend_html(spec)}</div>'
        f'<footer id="credit">{html.escape(spec.credit)}</footer>'
        f'<noscript><p>{html.escape(word(spec.lang, "noscript"))}</p></noscript>\n'
        f"<script>{js}</script>\n<script>{init}</script>\n</body></html>\n"
    )
    return RenderedMap(html=page, script_hashes=(_hash(js), _hash(init)))

