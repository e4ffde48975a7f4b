"""HTML pages: plain, fast, offline. Text from the data is always escaped; scripts are files served
from our own origin (no inline script, no CDN), so the Content-Security-Policy can forbid the rest."""

from __future__ import annotations

from html import escape
from typing import Any

from graph.namespace import SPARQL_PREFIXES

EXAMPLES = [
    ("Members of the IGC today", """SELECT DISTINCT ?code ?name WHERE {
  ?m org:organization iscmid:igc ; org:role role:member ; iscm:current true ;
     org:member ?s .
  ?s iscm:isoAlpha3 ?code ; skos:prefLabel ?name .
} ORDER BY ?code"""),
    ("States in at least 10 ISCMs", """SELECT ?code (COUNT(DISTINCT ?i) AS ?iscms) WHERE {
  ?m a org:Membership ; org:role role:member ; iscm:current true ;
     org:organization ?i ; org:member ?s .
  ?i a iscm:ISCM . ?s iscm:isoAlpha3 ?code .
} GROUP BY ?code HAVING (COUNT(DISTINCT ?i) >= 10) ORDER BY DESC(?iscms) ?code"""),
    ("States in both the Budapest and Prague Processes", """SELECT DISTINCT ?code WHERE {
  ?a org:organization iscmid:budapest-process ; org:role role:member ; iscm:current true ; org:member ?s .
  ?b org:organization iscmid:prague-process ; org:role role:member ; iscm:current true ; org:member ?s .
  ?s iscm:isoAlpha3 ?code .
} ORDER BY ?code"""),
    ("Where each membership fact comes from", """SELECT ?iscm ?state ?role ?asOf ?source WHERE {
  ?m a org:Membership ; org:organization/dcterms:identifier ?iscm ; org:member/dcterms:identifier ?state ;
     org:role ?role ; iscm:asOf ?asOf ; prov:wasDerivedFrom/foaf:page ?source .
} LIMIT 50"""),
    ("ISCMs and their successors", """SELECT ?from ?to ?year WHERE {
  ?c a org:ChangeEvent ; org:originalOrganization/dcterms:identifier ?from ;
     org:resultingOrganization/dcterms:identifier ?to .
  OPTIONAL { ?c dcterms:date ?year }
}"""),
    ("Describe Morocco (Turtle)", "DESCRIBE state:MAR"),
]


def _layout(title: str, body: str, *, scripts: tuple[str, ...] = ()) -> str:
    tags = "".join(f'<script src="/static/{escape(s)}" defer></script>' for s in scripts)
    return (
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><link rel=\"icon\" href=\"data:,\">"
        f"<link rel=\"stylesheet\" href=\"/static/style.css\">{tags}</head>"
        "<body><header><a class=\"brand\" href=\"/\">iscm-graph</a>"
        "<nav><a href=\"/\">Explore</a><a href=\"/sparql\">SPARQL</a><a href=\"/docs\">API</a>"
        "<a href=\"/dumps\">Downloads</a></nav></header>"
        f"<main>{body}</main><footer>Inter-State consultation mechanisms on migration — every fact with its "
        "source and date. Data under CC BY 4.0: <a href=\"/api/about\">how to cite</a> · "
        "<a href=\"/.well-known/void\">dataset description</a>.</footer></body></html>"
    )


def sparql_page() -> str:
    options = "".join(
        f'<option value="{i}">{escape(title)}</option>' for i, (title, _q) in enumerate(EXAMPLES))
    examples = "".join(
        f'<template id="example-{i}">{escape(q)}</template>' for i, (_t, q) in enumerate(EXAMPLES))
    prefixes = escape(SPARQL_PREFIXES)
    body = f"""
<h1>SPARQL query</h1>
<p>Read-only SPARQL 1.1 over the whole graph (the default graph is the union of all named graphs).
Queries stop after the server's time limit; results are capped. These prefixes are declared for you:</p>
<details><summary>Prefixes</summary><pre id="prefixes">{prefixes}</pre></details>
<form id="sparql-form" method="get" action="/sparql">
<label>Example <select id="examples"><option value="">—</option>{options}</select></label>
<textarea id="query" name="query" rows="12" spellcheck="false">{escape(EXAMPLES[0][1])}</textarea>
<label>Format <select id="format" name="format">
<option value="json">table (JSON)</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="xml">XML</option><option value="turtle">Turtle (CONSTRUCT/DESCRIBE)</option>
<option value="jsonld">JSON-LD (CONSTRUCT/DESCRIBE)</option></select></label>
<button type="submit">Run</button>
</form>
<p id="limits">Limits: a time limit, a memory limit and a row cap per query; a capped answer carries
the header <code>X-Result-Truncated</code>. This address also serves its SPARQL service description,
with the limits, to clients asking for Turtle, JSON-LD or RDF/XML.</p>
<div id="status" role="status"></div>
<div id="results"></div>
{examples}
"""
    return _layout("SPARQL — iscm-graph", body, scripts=("sparql.js",))


def entity_page(iri: str, label: str, kind: str, rows: list[tuple[str, str, bool]], links: dict[str, str]) -> str:
    """An entity's triples as a table; ``rows`` are (property, value, value_is_link)."""
    items = []
    for prop, value, is_link in rows:
        shown = f'<a href="{escape(value)}">{escape(value)}</a>' if is_link else escape(value)
        items.append(f"<tr><th>{escape(prop)}</th><td>{shown}</td></tr>")
    extra = "".join(f'<li><a href="{escape(href)}">{escape(text)}</a></li>' for text, href in links.items())
    body = (f"<h1>{escape(label)}</h1><p class=\"iri\">{escape(iri)} · {escape(kind)}</p>"
            f"<ul class=\"links\">{extra}</ul><table class=\"triples\">{''.join(items)}</table>")
    return _layout(f"{label} — iscm-graph", body)


def home_page(headline: dict[str, dict[str, Any]], *, release_date: str) -> str:
    from graph.stats import headline_sentence

    counts = "".join(f"<li><strong>{escape(str(v['value']))}</strong> {escape(v['label'])}</li>"
                     for v in headline.values())
    body = f"""
<section class="intro"><h1>ISCM partnership explorer</h1>
<p id="headline">{escape(headline_sentence(headline))}</p>
<details><summary>What each number counts</summary><ul class="counts">{counts}</ul></details></section>
<section class="search"><form id="search-form" role="search">
<input id="search" name="q" type="search" placeholder="Search a State, ISCM or organisation (e.g. Morocco, IGC)"
 autocomplete="off" aria-label="Search"><button type="submit">Search</button>
<label class="asof">As of <input id="as-of" name="as_of" placeholder="release date" size="10"
 pattern="\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?" title="a year (2010), a month (2010-05) or a date (2010-05-14)"
 aria-describedby="as-of-help"></label>
<span id="as-of-help" class="hint" data-release-year="{escape(release_date[:4])}">
year, month or date; empty = the release date
({escape(release_date)})</span>
</form>
<ul id="hits"></ul></section>
<section id="profile" aria-live="polite"></section>
<section id="question"><h2>States in several ISCMs</h2>
<form id="question-form">
<label>at least <input id="q-min" type="number" min="1" max="60" value="5" size="3"> ISCMs</label>
<label>in <input id="q-year" placeholder="year" size="6" value="2010"></label>
<fieldset><legend>kinds</legend>
<label><input type="checkbox" name="kind" value="regional-consultative-process" checked>
 regional consultative processes</label>
<label><input type="checkbox" name="kind" value="interregional-forum" checked> interregional forums</label>
<label><input type="checkbox" name="kind" value="global-process"> global processes</label></fieldset>
<label>membership <select id="q-derivation"><option value="all">named and through blocs</option>
<option value="named">named by a source</option><option value="derived">through blocs only</option></select></label>
<button type="submit">Count</button></form>
<p id="q-status" role="status"></p>
<div id="q-result"></div></section>
<section id="mapbuilder"><h2>Build a map</h2>
<form id="map-form">
<label>Map <select id="map-kind" name="kind"><option value="membership">membership of chosen ISCMs</option>
<option value="ego">ego network of an actor</option><option value="overlap">ISCM overlap</option>
<option value="partnership">full partnership map</option></select></label>
<label>ISCMs (comma-separated ids) <input id="map-iscms" name="iscms" value="budapest-process,prague-process"></label>
<label>Actor <input id="map-actor" name="actor" value="MAR"></label>
<label>Depth <input id="map-depth" name="depth" type="number" min="1" max="3" value="1"></label>
<label>As of year <input id="map-year" name="as_of" type="number" min="1990" max="2100"></label>
<button type="submit">Build map</button></form>
<p id="map-status" role="status"></p>
<p id="map-downloads"></p>
<iframe id="map-frame" title="map" sandbox="allow-scripts"></iframe></section>
"""
    return _layout("iscm-graph", body, scripts=("app.js",))


def downloads_page(files: list[tuple[str, str]], *, release: str | None = None, cite: str | None = None,
                   licence: str | None = None, licence_url: str | None = None) -> str:
    items = "".join(f'<li><a href="/dumps/{escape(name)}">{escape(name)}</a> — {escape(desc)}</li>'
                    for name, desc in files)
    about = f"<p>Release <code>{escape(release)}</code>.</p>" if release else ""
    if licence and licence_url:
        about += (f'<p>Licence: <a href="{escape(licence_url)}">{escape(licence)}</a>; every fact cites its '
                  "own source, keep those citations when you reuse a fact.</p>")
    if cite:
        about += f'<h2>How to cite</h2><p class="cite">{escape(cite)}</p>'
    about += ('<p><a href="/dumps/CHANGELOG.md">What changed in this release</a> · '
              '<a href="/.well-known/void">DCAT + VoID description</a> · <a href="/api/about">about</a></p>')
    return _layout("Downloads — iscm-graph", f"<h1>Downloads</h1>{about}<ul>{items}</ul>")
