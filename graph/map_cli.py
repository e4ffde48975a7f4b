"""``iscm map``: draw a partnership map or the world choropleth to a file.

Examples::

    iscm map membership --iscm budapest-process --iscm prague-process --out bp-pp.html
    iscm map ego --actor MAR --depth 2 --format png --out morocco.png
    iscm map overlap --min-jaccard 0.2 --as-of 2015 --out overlap.gexf
    iscm map partnership --format csv --out partners.csv     # partners.nodes.csv + partners.edges.csv
    iscm map choropleth --iscm rabat-process --out world.svg
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

FORMATS = ("html", "png", "svg", "gexf", "graphml", "csv", "choropleth")
_BY_SUFFIX = {".html": "html", ".htm": "html", ".png": "png", ".svg": "svg", ".gexf": "gexf",
              ".graphml": "graphml", ".csv": "csv"}


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    """Add the ``map`` command to the ``iscm`` sub-command parsers."""
    from graph.maps import KINDS, RELATIONS, SIZE_MEASURES

    m = subparsers.add_parser(
        "map", help="draw a partnership map (HTML, PNG, SVG, GEXF, GraphML, CSV) or the world choropleth",
        description="Draw a map of ISCMs and their partners. The HTML page is self-contained and works offline.")
    m.add_argument("kind", choices=[*KINDS, "choropleth"],
                   help="membership (of --iscm), ego (of --actor), overlap, partnership, or choropleth")
    m.add_argument("--iscm", action="append", default=[], metavar="ID",
                   help="ISCM id (repeat, or comma-separate); choropleth: the ISCM whose members to highlight")
    m.add_argument("--actor", help="ego map: the centre (ISO alpha-3 code or id)")
    m.add_argument("--depth", type=int, default=1, help="ego map: relations away (0-3, default 1)")
    m.add_argument("--as-of", type=int, metavar="YEAR", help="as of this year (default: today)")
    m.add_argument("--format", choices=FORMATS,
                   help="output format (default: from the --out suffix; csv writes OUT.nodes.csv and OUT.edges.csv)")
    m.add_argument("--out", required=True, metavar="FILE", help="where to write the map")
    m.add_argument("--size-by", choices=SIZE_MEASURES, help="node size measure (default depends on the map)")
    m.add_argument("--region", action="append", default=[], metavar="NAME",
                   help="only actors in this UN M49 region or sub-region (repeatable)")
    m.add_argument("--roles", choices=["members", "members+observers", "all"], help="membership roles to show")
    m.add_argument("--type", action="append", default=[], metavar="TYPE", dest="types",
                   help="only these entity types: state, iscm, union, organisation, network, action, event")
    m.add_argument("--relation", action="append", default=[], choices=RELATIONS, dest="relations",
                   help="only these relation types (ego and partnership maps)")
    m.add_argument("--min-jaccard", type=float, default=0.1, help="overlap map: weakest link kept (default 0.1)")
    m.add_argument("--seed", type=int, default=42, help="layout seed (same seed, same picture)")
    m.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    m.set_defaults(func=cmd_map)
    return m


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
    fmt = args.format or ("choropleth" if args.kind == "choropleth" else _BY_SUFFIX.get(out.suffix.lower()))
    if fmt is None:
        raise maps.MapParameterError(f"cannot tell the format from {out.name!r}: give --format")
    if (fmt == "choropleth") != (args.kind == "choropleth"):
        raise maps.MapParameterError("the world choropleth is `iscm map choropleth [--iscm ID] --out FILE.svg`")
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
    if fmt == "choropleth":
        if out.suffix.lower() != ".svg":
            # it is drawn as SVG only; writing SVG into world.png gave a file no viewer opens
            raise maps.MapParameterError(f"the world choropleth is drawn as SVG: write it to a .svg file, "
                                         f"not {out.name!r} (e.g. --out {out.with_suffix('.svg').name})")
        if len(iscms) > 1:
            raise maps.MapParameterError("the choropleth highlights one ISCM at most")
        current = cat.memberships_at(args.as_of)
        extra: dict[str, Any] = {}
        if iscms:
            info = cat.entity(iscms[0], kind="iscm")
            extra = {"highlight_iscm_members": maps.iscm_members(current, iscms[0]),
                     "highlight_label": f"members of {info['label']}"}
        title = "Number of ISCMs each country belongs to" + (f" ({args.as_of})" if args.as_of else "")
        svg = maps.choropleth_svg(maps.iscm_counts(current), title=title, **extra)
        step(f"writing {out}")
        _write(out, svg.encode("utf-8"))
        return [out]
    request = maps.MapRequest(kind=args.kind, iscms=iscms, actor=args.actor, depth=args.depth, as_of=args.as_of,
                              size_by=args.size_by, regions=tuple(args.region), roles=args.roles,
                              types=_split(args.types), relations=tuple(args.relations),
                              min_jaccard=args.min_jaccard, seed=args.seed)
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
            writers = {"png": maps.to_png, "svg": maps.to_svg, "gexf": maps.to_gexf, "graphml": maps.to_graphml}
            data = _render(spec, writers[fmt])
        _write(out, data)
        written.append(out)
    print(f"{spec.title}: {len(spec.nodes)} nodes, {len(spec.edges)} relations", file=sys.stderr)
    return written
