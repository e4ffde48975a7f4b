"""HTML pages: plain, fast, offline. Text from the data is always escaped; scripts are files served
from our own origin (no inline script, no CDN), so the Content-Security-Policy can forbid the rest."""

from __future__ import annotations

import functools
import json
from html import escape
from typing import Any

from graph import queries
from graph.namespace import SPARQL_PREFIXES

EXAMPLES = list(queries.EXAMPLES.items())  # the example queries live with every other query


def _layout(title: str, body: str, *, scripts: tuple[str, ...] = (), lang: str = "en",
            data: dict[str, Any] | None = None) -> str:
    from api import i18n

    tags = "".join(f'<script src="/static/{escape(s)}" defer></script>' for s in scripts)
    # data for the scripts as a JSON block: not executed, so the CSP's script-src 'self' still holds
    block = (f'<script type="application/json" id="i18n-data">{_json_block(data)}</script>' if data else "")
    options = "".join(f'<option value="{code}"{" selected" if code == lang else ""}>'
                      f'{escape(i18n.t(code, "lang_name"))}</option>' for code in i18n.LANGS)
    t = functools.partial(i18n.t, lang)
    return (
        f"<!doctype html><html lang=\"{escape(lang)}\"><head><meta charset=\"utf-8\">"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        f"<title>{escape(title)}</title><link rel=\"icon\" href=\"data:,\">"
        f"<link rel=\"stylesheet\" href=\"/static/style.css\">{block}{tags}</head>"
        f"<body><a class=\"skip\" href=\"#main\">{escape(t('skip'))}</a>"
        "<header><a class=\"brand\" href=\"/\">iscm-graph</a>"
        f"<nav><a href=\"/?lang={lang}\">{escape(t('nav_explore'))}</a>"
        f"<a href=\"/sparql\">{escape(t('nav_sparql'))}</a>"
        f"<a href=\"/docs\">{escape(t('nav_api'))}</a><a href=\"/dumps\">{escape(t('nav_downloads'))}</a></nav>"
        f"<form class=\"lang\" method=\"get\" action=\"/\"><label>{escape(t('lang_label'))} "
        f"<select id=\"lang\" name=\"lang\">{options}</select></label>"
        f"<noscript><button type=\"submit\">OK</button></noscript></form></header>"
        f"<main id=\"main\">{body}</main><footer>{escape(t('footer'))} "
        f"<a href=\"/api/about\">{escape(t('footer_cite'))}</a> · "
        f"<a href=\"/.well-known/void\">{escape(t('footer_void'))}</a>.</footer></body></html>"
    )


def _json_block(data: Any) -> str:
    # "</" cannot end the block early, whatever the text holds
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


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


def home_page(headline: dict[str, dict[str, Any]], *, release_date: str, lang: str = "en") -> str:
    from api import i18n
    from graph.stats import headline_sentence

    def t(key: str, **values: Any) -> str:
        return escape(i18n.t(lang, key, **values))

    values = {k: v["value"] for k, v in headline.items()}
    sentence = escape(headline_sentence(headline)) if lang == "en" else t("headline", **values)
    counts = "".join(f"<li><strong>{escape(str(v['value']))}</strong> "
                     f"{escape(v['label'] if lang == 'en' else i18n.t(lang, 'count_' + k))}</li>"
                     for k, v in headline.items())
    kinds = "".join(
        f'<label><input type="checkbox" name="kind" value="{k}"{" checked" if on else ""}> {t(label)}</label>'
        for k, label, on in (("regional-consultative-process", "kinds_rcp", True),
                             ("interregional-forum", "kinds_irf", True), ("global-process", "kinds_global", False)))
    body = f"""
<section class="intro"><h1>{t("title")}</h1>
<p id="headline">{sentence}</p>
<details><summary>{t("counts_summary")}</summary><ul class="counts">{counts}</ul></details></section>
<section class="search"><form id="search-form" role="search">
<input id="search" name="q" type="search" placeholder="{t("search_placeholder")}"
 autocomplete="off" aria-label="{t("search_label")}"><button type="submit">{t("search_button")}</button>
<label class="asof">{t("as_of")} <input id="as-of" name="as_of" placeholder="{t("as_of_placeholder")}" size="10"
 pattern="\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?" title="{t("as_of_title")}"
 aria-describedby="as-of-help"></label>
<span id="as-of-help" class="hint" data-release-year="{escape(release_date[:4])}">
{t("as_of_help", date=release_date)}</span>
</form>
<ul id="hits" aria-live="polite"></ul></section>
<section id="profile" aria-live="polite"></section>
<section id="question"><h2>{t("q_title")}</h2>
<form id="question-form">
<label>{t("q_at_least")} <input id="q-min" type="number" min="1" max="60" value="5" size="3"> {t("q_iscms")}</label>
<label>{t("q_in")} <input id="q-year" placeholder="{t("q_year_ph")}" size="6" value="2010"></label>
<fieldset><legend>{t("q_kinds")}</legend>{kinds}</fieldset>
<label>{t("q_membership")} <select id="q-derivation"><option value="all">{t("deriv_all")}</option>
<option value="named">{t("deriv_named")}</option><option value="derived">{t("deriv_derived")}</option></select></label>
<button type="submit">{t("q_count")}</button></form>
<p id="q-status" role="status"></p>
<div id="q-result"></div></section>
<section id="mapbuilder"><h2>{t("m_title")}</h2>
<form id="map-form">
<label>{t("m_kind")} <select id="map-kind" name="kind"><option value="membership">{t("m_membership")}</option>
<option value="ego">{t("m_ego")}</option><option value="overlap">{t("m_overlap")}</option>
<option value="partnership">{t("m_partnership")}</option></select></label>
<label>{t("m_iscms")} <input id="map-iscms" name="iscms" value="Budapest Process, Prague Process" list="iscm-names"
 size="40"></label><datalist id="iscm-names"></datalist>
<label>{t("m_actor")} <input id="map-actor" name="actor" value="MAR"></label>
<label>{t("m_depth")} <input id="map-depth" name="depth" type="number" min="1" max="3" value="1"></label>
<label>{t("m_year")} <input id="map-year" name="as_of" type="number" min="1990" max="2100"></label>
<button type="submit">{t("m_build")}</button></form>
<p id="map-status" role="status"></p>
<p id="map-downloads"></p>
<iframe id="map-frame" title="{t("m_frame")}" sandbox="allow-scripts"></iframe></section>
"""
    data = {"lang": lang, "messages": i18n.messages(lang)}
    return _layout(i18n.t(lang, "title") + " — iscm-graph", body, scripts=("i18n.js", "profile.js", "app.js"),
                   lang=lang, data=data)


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
