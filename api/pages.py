"""HTML pages: plain, fast, offline. Text from the data is always escaped; scripts are files served
from our own origin (no inline script, no CDN), so the Content-Security-Policy can forbid the rest."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
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
        f"<a href=\"/sparql?lang={lang}\">{escape(t('nav_sparql'))}</a>"
        f"<a href=\"/docs?lang={lang}\">{escape(t('nav_api'))}</a>"
        f"<a href=\"/dumps\">{escape(t('nav_downloads'))}</a></nav>"
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


def sparql_page(lang: str = "en") -> str:
    from api import i18n

    def t(key: str, **values: Any) -> str:
        return escape(i18n.t(lang, key, **values))

    options = "".join(
        f'<option value="{i}">{escape(title)}</option>' for i, (title, _q) in enumerate(EXAMPLES))
    examples = "".join(
        f'<template id="example-{i}">{escape(q)}</template>' for i, (_t, q) in enumerate(EXAMPLES))
    prefixes = escape(SPARQL_PREFIXES)
    body = f"""
<h1>{t("sq_title")}</h1>
<p>{t("sq_intro")}</p>
<details><summary>{t("sq_prefixes")}</summary><pre id="prefixes">{prefixes}</pre></details>
<form id="sparql-form" method="get" action="/sparql">
<label>{t("sq_example")} <select id="examples"><option value="">—</option>{options}</select></label>
<div class="editor"><pre id="query-hl" aria-hidden="true"></pre><textarea id="query" name="query" rows="12"
 spellcheck="false" aria-label="{t("sq_title")}">{escape(EXAMPLES[0][1])}</textarea></div>
<label>{t("sq_format")} <select id="format" name="format">
<option value="json">{t("sq_table")}</option><option value="csv">CSV</option><option value="tsv">TSV</option>
<option value="xml">XML</option><option value="turtle">Turtle (CONSTRUCT/DESCRIBE)</option>
<option value="jsonld">JSON-LD (CONSTRUCT/DESCRIBE)</option></select></label>
<button type="submit">{t("sq_run")}</button>
</form>
<p id="limits">{t("sq_limits", header="X-Result-Truncated")}</p>
<div id="status" role="status"></div>
<div id="results"></div>
{examples}
"""
    # the script's messages come as a JSON block, as on the home page
    data = {"lang": lang, "messages": {k: v for k, v in i18n.messages(lang).items() if k.startswith("sq_")}}
    return _layout(i18n.t(lang, "sq_title") + " — iscm-graph", body, scripts=("sparql.js",), lang=lang, data=data)


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


def home_page(headline: dict[str, dict[str, Any]], *, release_date: str, lang: str = "en",
              cite: str | None = None) -> str:
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
""" + _question_section(t, kinds) + _compare_section(t) + f"""{_map_section(lang, release_date[:4])}
<section id="whats-new"><h2>{t("news_title")}</h2><div id="whats-new-body" aria-live="polite"></div></section>
"""
    data = {"lang": lang, "messages": i18n.messages(lang), "cite": cite}
    scripts = ("i18n.js", "profile.js", "app.js", "compare.js", "typeahead.js", "mapbuilder.js", "news.js")
    return _layout(i18n.t(lang, "title") + " — iscm-graph", body, scripts=scripts,
                   lang=lang, data=data)


def _question_section(t: Callable[..., str], kinds: str) -> str:
    """The question form: States in at least n ISCMs of the chosen kinds in a year."""
    return f"""<section id="question"><h2>{t("q_title")}</h2>
<form id="question-form">
<label>{t("q_at_least")} <input id="q-min" type="number" min="1" max="60" value="5" size="3"> {t("q_iscms")}</label>
<label>{t("q_in")} <input id="q-year" placeholder="{t("q_year_ph")}" size="6" value="2010"></label>
<fieldset><legend>{t("q_kinds")}</legend>{kinds}</fieldset>
<label>{t("q_membership")} <select id="q-derivation"><option value="all">{t("deriv_all")}</option>
<option value="named">{t("deriv_named")}</option><option value="derived">{t("deriv_derived")}</option></select></label>
<button type="submit">{t("q_count")}</button></form>
<p id="q-status" role="status"></p>
<div id="q-result"></div></section>
"""


def _compare_section(t: Callable[..., str]) -> str:
    """The form comparing two ISCMs' members as of a date."""
    return f"""<section id="compare"><h2>{t("cmp_title")}</h2>
<form id="compare-form">
<label>{t("cmp_a")} <input id="cmp-a" data-typeahead="iscm" size="30" autocomplete="off"
 placeholder="{t("cmp_ph")}"></label>
<label>{t("cmp_b")} <input id="cmp-b" data-typeahead="iscm" size="30" autocomplete="off"
 placeholder="{t("cmp_ph")}"></label>
<label>{t("as_of")} <input id="cmp-as-of" placeholder="{t("as_of_placeholder")}" size="10"
 pattern="\\d{{4}}(-\\d{{2}}(-\\d{{2}})?)?" title="{t("as_of_title")}"></label>
<label>{t("cmp_roles")} <select id="cmp-roles"><option value="members">{t("roles_members")}</option>
<option value="members+observers">{t("roles_members_observers")}</option></select></label>
<button type="submit">{t("cmp_go")}</button></form>
<p id="cmp-status" role="status"></p>
<div id="cmp-result"></div></section>
"""


def _map_section(lang: str, release_year: str) -> str:
    """The map builder: a network map from names (type-ahead), roles, regions, kinds, status,
    derivation and a year slider; and a world map tab. The maps themselves come from /api/maps."""
    t = _translator(lang)
    return f"""<section id="mapbuilder"><h2>{t("m_title")}</h2>
<div class="tabs" role="tablist"><button type="button" role="tab" id="tab-network" aria-selected="true"
 aria-controls="network-panel">{t("m_tab_network")}</button><button type="button" role="tab" id="tab-world"
 aria-selected="false" aria-controls="world-panel">{t("m_tab_world")}</button></div>
""" + _network_panel(lang, release_year) + _world_panel(lang) + """</section>
"""


_MAP_KINDS = (("regional-consultative-process", "kinds_rcp", False), ("interregional-forum", "kinds_irf", False),
              ("global-process", "kinds_global", False))
_MAP_ROLES = (("members", "roles_g_members", True), ("observers", "roles_g_observers", False),
              ("chairs", "roles_g_chairs", False), ("secretariats", "roles_g_secretariats", False),
              ("partners", "roles_g_partners", False))


def _translator(lang: str) -> Callable[..., str]:
    from api import i18n

    def t(key: str, **values: Any) -> str:
        return escape(i18n.t(lang, key, **values))

    return t


def _checks(lang: str, name: str, items: tuple[tuple[str, str, bool], ...]) -> str:
    t = _translator(lang)
    return "".join(f'<label><input type="checkbox" name="{name}" value="{v}"{" checked" if on else ""}> '
                   f"{t(label)}</label>" for v, label, on in items)


def _status_select(lang: str, select_id: str) -> str:
    t = _translator(lang)
    statuses = "".join(f'<option value="{v}">{t("status_" + v)}</option>'
                       for v in ("active", "dormant", "succeeded", "ended"))
    return f'<select id="{select_id}"><option value="">{t("status_any")}</option>{statuses}</select>'


def _network_panel(lang: str, release_year: str) -> str:
    """The network map's form: names (type-ahead), roles, kinds, status, derivation, region, colour, year."""
    from graph.countries import M49_REGION_CODES, region_names

    t = _translator(lang)
    local = region_names(lang)
    regions = "".join(f'<option value="{escape(name)}">{escape(local[name])}</option>' for name in
                      sorted((n for n, c in M49_REGION_CODES.items() if c not in ("202", "419", "AQ")),
                             key=lambda n: local[n]))
    return f"""<div id="network-panel" role="tabpanel" aria-labelledby="tab-network">
<form id="map-form">
<label>{t("m_kind")} <select id="map-kind" name="kind"><option value="membership">{t("m_membership")}</option>
<option value="ego">{t("m_ego")}</option><option value="overlap">{t("m_overlap")}</option>
<option value="partnership">{t("m_partnership")}</option></select></label>
<label class="wide" id="map-iscms-label">{t("m_iscms")} <input id="map-iscms" name="iscms"
 value="Budapest Process, Prague Process" size="40" autocomplete="off" data-typeahead="iscm" data-multi="true"></label>
<label class="wide" id="map-actor-label">{t("m_actor")} <input id="map-actor" name="actor" value="MAR"
 autocomplete="off" data-typeahead="state,organisation,iscm"></label>
<label id="map-depth-label">{t("m_depth")} <input id="map-depth" name="depth" type="number" min="1" max="3"
 value="1"></label>
<fieldset><legend>{t("m_roles")}</legend>{_checks(lang, "mrole", _MAP_ROLES)}</fieldset>
<fieldset><legend>{t("q_kinds")}</legend>{_checks(lang, "mkind", _MAP_KINDS)}</fieldset>
<label>{t("c_status")} {_status_select(lang, "map-status-filter")}</label>
<label>{t("q_membership")} <select id="map-derivation"><option value="all">{t("deriv_all")}</option>
<option value="named">{t("deriv_named")}</option><option value="derived">{t("deriv_derived")}</option></select></label>
<label>{t("c_region")} <select id="map-region"><option value="">{t("region_any")}</option>{regions}</select></label>
<label>{t("m_colour")} <select id="map-colour"><option value="">{t("m_colour_type")}</option>
<option value="region">{t("m_colour_region")}</option>
<option value="kind">{t("m_colour_kind")}</option></select></label>
<label>{t("m_layout")} <select id="map-layout"><option value="">{t("m_layout_spring")}</option>
<option value="concentric">{t("m_layout_concentric")}</option>
<option value="geographic">{t("m_layout_geographic")}</option></select></label>
<label class="wide">{t("m_year")} <input id="map-year-range" type="range" min="1990" max="{escape(release_year)}"
 value="{escape(release_year)}" aria-label="{t("m_year")}"> <input id="map-year" name="as_of" type="number"
 min="1990" max="2100" placeholder="{t("m_year_now")}" size="6"></label>
<button type="submit">{t("m_build")}</button></form>
<p id="map-status" role="status"></p>
<p id="map-downloads"></p>
<form id="map-find-form" role="search" hidden><label>{t("m_find")} <input id="map-find" type="search"
 autocomplete="off" placeholder="{t("m_find_ph")}"></label></form>
<div id="map-found" aria-live="polite"></div>
<iframe id="map-frame" title="{t("m_frame")}" sandbox="allow-scripts"></iframe></div>
"""


def _world_panel(lang: str) -> str:
    """The world map's form: ISCM counts per country, or one ISCM's members."""
    t = _translator(lang)
    return f"""<div id="world-panel" role="tabpanel" aria-labelledby="tab-world" hidden>
<form id="world-form">
<label>{t("w_show")} <select id="world-kind"><option value="count">{t("w_count")}</option>
<option value="iscm">{t("w_iscm")}</option></select></label>
<label class="wide">{t("c_iscm")} <input id="world-iscm" size="34" autocomplete="off" data-typeahead="iscm"
 placeholder="{t("cmp_ph")}"></label>
<fieldset><legend>{t("q_kinds")}</legend>{_checks(lang, "wkind", _MAP_KINDS)}</fieldset>
<label>{t("c_status")} {_status_select(lang, "world-status-filter")}</label>
<label>{t("m_year")} <input id="world-year" type="number" min="1990" max="2100" placeholder="{t("m_year_now")}"
 size="6"></label>
<button type="submit">{t("w_draw")}</button></form>
<p id="world-status" role="status"></p>
<p id="world-downloads"></p>
<p class="hint">{t("w_click")}</p>
<iframe id="world-frame" title="{t("m_tab_world")}"></iframe></div>"""


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
