"""Colour a drawn map by something other than the node type: States by UN M49 region, or ISCMs by
kind. The layout, sizes and shapes stay; only node colours and the node part of the legend change, so
the page and every export show the same colours."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from graph.maps.spec import TYPE_SHAPES, LegendEntry, MapParameterError, MapSpec
from graph.maps.words import word

COLOUR_BY = ("type", "region", "kind")

# Okabe-Ito, none the ISCM blue (ISCMs stay blue beside their members); grey for "no region recorded"
REGION_COLOURS = {"Africa": "#e69f00", "Americas": "#56b4e9", "Asia": "#009e73", "Europe": "#d55e00",
                  "Oceania": "#cc79a7"}
KIND_COLOURS = {"regional-consultative-process": "#0072b2", "interregional-forum": "#d55e00",
                "global-process": "#009e73"}
KIND_LABELS = {"regional-consultative-process": "Regional consultative process",
               "interregional-forum": "Interregional forum", "global-process": "Global process"}
OTHER = "#999999"


def recolour(spec: MapSpec, by: str, *, iscm_kinds: Mapping[str, str] | None = None) -> MapSpec:
    """``spec`` with its States coloured by region (``by="region"``) or its ISCMs by kind
    (``by="kind"``); ``"type"`` returns it unchanged.

    Parameters
    ----------
    spec : MapSpec
        A drawn map.
    by : {"type", "region", "kind"}
        What the colour says.
    iscm_kinds : mapping, optional
        ISCM id → kind (needed for ``by="kind"``).

    Returns
    -------
    MapSpec
        The same map with new node colours and legend.

    Raises
    ------
    MapParameterError
        For another ``by``.
    """
    if by not in COLOUR_BY:
        raise MapParameterError(f"colour_by must be one of {', '.join(COLOUR_BY)}, got {by!r}")
    if by == "type":
        return spec
    recoloured_type = "state" if by == "region" else "iscm"
    palette, labels = _group_labels(by, spec.lang)
    kinds = iscm_kinds or {}

    def group(node: object) -> str | None:
        return getattr(node, "region", None) if by == "region" else kinds.get(getattr(node, "id", ""))

    nodes = tuple(replace(n, colour=palette.get(group(n) or "", OTHER)) if n.type == recoloured_type else n
                  for n in spec.nodes)
    present = sorted({group(n) or "" for n in spec.nodes if n.type == recoloured_type},
                     key=lambda g: (g == "", list(palette).index(g) if g in palette else 99, g))
    shape = TYPE_SHAPES[recoloured_type]
    unknown = word(spec.lang, "no_region" if by == "region" else "no_kind")
    by_group = [LegendEntry("node", f"{recoloured_type}:{g or 'none'}", labels.get(g, g) if g else unknown,
                            palette.get(g, OTHER), shape=shape) for g in present]
    legend: list[LegendEntry] = []
    for entry in spec.legend:
        if entry.kind == "node" and entry.key == recoloured_type:
            legend += by_group  # the type's single line becomes one line per group, in its place
        else:
            legend.append(entry)
    return replace(spec, nodes=nodes, legend=tuple(legend))


def _group_labels(by: str, lang: str) -> tuple[Mapping[str, str], Mapping[str, str]]:
    """The palette and legend names of the groups: UN M49 regions (from CLDR) or ISCM kinds, in ``lang``."""
    if by == "region":
        from graph.countries import region_names

        return REGION_COLOURS, (region_names(lang) if lang != "en" else {})
    return KIND_COLOURS, (KIND_LABELS if lang == "en" else {k: word(lang, f"kind_{k}") for k in KIND_LABELS})
