"""``iscm map``: draw a partnership map or the world choropleth to a file.

Examples::

    iscm map membership --iscm budapest-process --iscm prague-process --out bp-pp.html
    iscm map ego --actor MAR --depth 2 --format png --out morocco.png
    iscm map overlap --min-jaccard 0.2 --as-of 2015 --out overlap.gexf
    iscm map partnership --format csv --out partners.csv     # partners.nodes.csv + partners.edges.csv
    iscm map membership --iscm rabat-process --roles members,observers --as-of 2015 --out rabat.pdf
    iscm map ego --actor MAR --depth 2 --layout concentric --out morocco-rings.svg
    iscm map membership --iscm rabat-process --iscm khartoum-process --layout geographic --out two.png
    iscm map world --kind regional-consultative-process --kind interregional-forum --out count.png
    iscm map world --map iscm --iscm rabat-process --out rabat-world.svg
    iscm map world --map state --state MAR --as-of 2015 --out morocco.pdf
    iscm map world --map iscm --iscm rabat-process --lang fr --out rabat-monde.svg   # French words and names
    iscm map choropleth --iscm rabat-process --out world.png   # = world --map count, or --map iscm with --iscm

Every image (PNG at 300 dpi, SVG with live text, PDF) has a title, a legend and a footer naming the
release, the as-of date, the licence and how to cite it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console

from graph.atomic import write_atomic
from graph.progress import stages
from graph.releases import default_build_dir

FORMATS = ("html", "png", "svg", "pdf", "gexf", "graphml", "csv")
_BY_SUFFIX = {".html": "html", ".htm": "html", ".png": "png", ".svg": "svg", ".pdf": "pdf", ".gexf": "gexf",
              ".graphml": "graphml", ".csv": "csv"}
WORLD_FORMATS = ("svg", "png", "pdf")


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``map`` command to the ``iscm`` sub-command parsers."""
    from graph.maps import ISCM_KINDS, ISCM_STATUSES, KINDS, RELATIONS, SIZE_MEASURES

    m = subparsers.add_parser(
        "map", help="draw a partnership map (HTML, PNG, SVG, GEXF, GraphML, CSV) or the world choropleth",
        description="Draw a map of ISCMs and their partners. The HTML page is self-contained and works offline.")
    m.add_argument("kind", choices=[*KINDS, "world", "choropleth"],
                   help="membership (of --iscm), ego (of --actor), overlap, partnership, or a world map "
                        "(world --map count|iscm|state; choropleth: the count map, or --iscm's members)")
    m.add_argument("--map", choices=["count", "iscm", "state"], default=None, dest="world",
                   help="world map: count (States by number of ISCMs), iscm (--iscm's members, observers, chairs), "
                        "state (--state and its ISCMs)")
    m.add_argument("--state", metavar="ISO3", help="world --map state: the State (ISO alpha-3 code)")
    m.add_argument("--kind", action="append", default=[], choices=ISCM_KINDS, dest="kinds",
                   help="only ISCMs of this kind (repeatable; default all)")
    m.add_argument("--status", action="append", default=[], choices=ISCM_STATUSES, dest="statuses",
                   help="only ISCMs with this status on the release date (repeatable; default all)")
    m.add_argument("--derivation", choices=["all", "named", "derived"], default="all",
                   help="named (listed by a source), derived (held through a bloc) or all (default)")
    m.add_argument("--iscm", action="append", default=[], metavar="ID",
                   help="ISCM id (repeat, or comma-separate); choropleth: the ISCM whose members to highlight")
    m.add_argument("--actor", help="ego map: the centre (ISO alpha-3 code or id)")
    m.add_argument("--depth", type=int, default=1, help="ego map: relations away (0-3, default 1)")
    m.add_argument("--as-of", type=_as_of, metavar="DATE",
                   help="as of this year, month (2015-06) or date (default: the release date)")
    m.add_argument("--format", choices=FORMATS,
                   help="output format (default: from the --out suffix; csv writes OUT.nodes.csv and OUT.edges.csv)")
    m.add_argument("--out", required=True, metavar="FILE", help="where to write the map")
    m.add_argument("--size-by", choices=SIZE_MEASURES, help="node size measure (default depends on the map)")
    m.add_argument("--colour-by", choices=["type", "region", "kind"], default="type",
                   help="node colour: entity type (default), States by UN M49 region, or ISCMs by kind")
    m.add_argument("--region", action="append", default=[], metavar="NAME",
                   help="only actors in this UN M49 region or sub-region (repeatable)")
    m.add_argument("--roles", metavar="ROLES",
                   help="roles to show: members, observers, chairs, secretariats, partners, comma- or '+'-joined, "
                        "or all (default: members for membership, overlap and count maps)")
    m.add_argument("--type", action="append", default=[], metavar="TYPE", dest="types",
                   help="only these entity types: state, iscm, union, organisation, network, action, event")
    m.add_argument("--relation", action="append", default=[], choices=RELATIONS, dest="relations",
                   help="only these relation types (ego and partnership maps)")
    m.add_argument("--min-jaccard", type=float, default=0.1, help="overlap map: weakest link kept (default 0.1)")
    m.add_argument("--layout", choices=["spring", "concentric", "geographic"], default="spring",
                   help="where nodes go: spring (default), concentric (the chosen ISCMs or --actor in the middle, a "
                        "ring per step away) or geographic (States at their country's centroid, ISCMs at the mean "
                        "of their members)")
    m.add_argument("--seed", type=int, default=42, help="layout seed (same seed, same picture)")
    m.add_argument("--lang", choices=["en", "fr", "es"], default="en",
                   help="language of titles, legend, tooltips, footer and country and ISCM names (default en)")
    m.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    m.set_defaults(func=cmd_map)
    return m


def _as_of(text: str) -> int | str:
    return int(text) if text.isdigit() else text


def _split(values: list[str]) -> tuple[str, ...]:
    return tuple(p.strip() for v in values for p in v.split(",") if p.strip())


def _write(path: Path, data: bytes) -> None:
    """Write atomically: readers see the old file or the new one, never a part."""
    write_atomic(path, data)


def _render(spec: Any, writer: Callable[[Any, Any], None]) -> bytes:
    import io

    buf = io.BytesIO()
    writer(spec, buf)
    return buf.getvalue()


def cmd_map(args: argparse.Namespace) -> int:
    """Run ``iscm map``: load the build, draw the map, write ``--out``. Returns the exit code."""
    import graph
    from graph import maps
    from graph.profiles import Catalogue

    out = Path(args.out)
    fmt = args.format or _BY_SUFFIX.get(out.suffix.lower())
    if fmt is None:
        raise maps.MapParameterError(f"cannot tell the format from {out.name!r}: give --format")
    if args.kind in ("world", "choropleth") and fmt not in WORLD_FORMATS:
        raise maps.MapParameterError(f"a world map is written as {', '.join(WORLD_FORMATS)}, not {fmt!r}")
    named = _BY_SUFFIX.get(out.suffix.lower())
    if args.format and named and named != fmt:
        # the bytes must match the name: a PNG asked of foo.svg would open as garbage
        raise maps.MapParameterError(f"--format {fmt} does not match {out.name!r}: name it *.{fmt}")
    build = default_build_dir(args.build)
    with stages(Console(stderr=True), "map", 3) as step:
        step(f"loading {build}")
        cat = Catalogue(graph.load(build))
        step(f"computing the {args.kind} map")
        written = _draw(args, cat, out, fmt, step)
    for path in written:
        print(path)
    return 0


def _draw(args: argparse.Namespace, cat: Any, out: Path, fmt: str, step: Callable[[str], None]) -> list[Path]:
    from graph import maps

    iscms = _split(args.iscm)
    if args.kind in ("world", "choropleth"):
        return [_world(args, cat, out, fmt, iscms, step)]
    request = maps.MapRequest(kind=args.kind, iscms=iscms, actor=args.actor, depth=args.depth, as_of=args.as_of,
                              size_by=args.size_by, regions=tuple(args.region), roles=args.roles,
                              types=_split(args.types), relations=tuple(args.relations),
                              min_jaccard=args.min_jaccard, seed=args.seed, kinds=tuple(args.kinds),
                              statuses=tuple(args.statuses), derivation=args.derivation,
                              colour_by=args.colour_by, layout=args.layout, lang=args.lang)
    spec = maps.build_spec(cat, request)
    step(f"drawing and writing {fmt}")
    written: list[Path] = []
    if fmt == "csv":
        base = out.with_suffix("") if out.suffix.lower() == ".csv" else out
        for part, text in (("nodes", maps.nodes_csv(spec)), ("edges", maps.edges_csv(spec))):
            path = base.with_name(f"{base.name}.{part}.csv")
            _write(path, text.encode("utf-8"))
            written.append(path)
    else:
        if fmt == "html":
            data = maps.render_html(spec).html.encode("utf-8")
        else:
            writers = {"png": maps.to_png, "svg": maps.to_svg, "pdf": maps.to_pdf, "gexf": maps.to_gexf,
                       "graphml": maps.to_graphml}
            data = _render(spec, writers[fmt])
        _write(out, data)
        written.append(out)
    print(f"{spec.title}: {len(spec.nodes)} nodes, {len(spec.edges)} relations", file=sys.stderr)
    return written


def _world(args: argparse.Namespace, cat: Any, out: Path, fmt: str, iscms: tuple[str, ...],
           step: Callable[[str], None]) -> Path:
    """A world map: ``world --map ...``, or ``choropleth`` (the count map; with --iscm, its members)."""
    from graph import maps
    from graph.maps.world import WorldRequest, world_map
    from graph.maps.world_draw import world_bytes

    if len(iscms) > 1:
        raise maps.MapParameterError("a world map shows one ISCM at most")
    name = args.world or ("iscm" if iscms else "state" if args.state else "count")
    req = WorldRequest(map=name, iscm=iscms[0] if iscms else None, state=args.state, as_of=args.as_of,
                       roles=args.roles, kinds=tuple(args.kinds), statuses=tuple(args.statuses),
                       derivation=args.derivation, lang=args.lang)
    wm = world_map(cat, req)
    step(f"writing {out}")
    # SVG to a file is the report image (live text); the page's interactive SVG comes from the API
    _write(out, world_bytes(wm, "image.svg" if fmt == "svg" else fmt))
    print(f"{wm.title}: {len(wm.countries)} countries with data", file=sys.stderr)
    return out
