"""The ``iscm`` command line: build, validate, query, stats, serve."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from pathlib import Path

from rich.console import Console
from rich.table import Table

from graph import cli_query, map_cli
from graph.errors import DataErrors, ISCMError
from graph.namespace import SPARQL_PREFIXES
from graph.progress import stages

err = Console(stderr=True, soft_wrap=True)
out = Console(width=None if sys.stdout.isatty() else 200)


def _data_dir(value: str | None) -> Path:
    return Path(value or os.environ.get("ISCM_DATA_DIR", "data"))


def _build_dir(value: str | None) -> Path:
    from graph.releases import default_build_dir

    return default_build_dir(value)


def _date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date YYYY-MM-DD: {value!r}") from None


def cmd_build(args: argparse.Namespace) -> int:
    from graph.build import build

    # the build's stages: ontology, compile, validate, tenures, artefacts, publish
    with stages(err, "build", 6 if not args.no_validate else 5) as step:
        result = build(_data_dir(args.data), _build_dir(args.out), validate=not args.no_validate,
                       progress=step, force=args.force,
                       ontology=Path(args.ontology) if args.ontology else None, release_date=args.release_date)
    if result.unchanged:
        err.print(f"[green]unchanged[/]: the inputs match {result.release.name}, which stays current "
                  "(nothing was written; --force rebuilds)")
        return 0
    err.print(f"[green]built[/] {result.triples} triples ({result.quads} quads) in {result.seconds:.2f}s "
              f"→ {result.release}")
    if result.pruned:
        err.print(f"pruned {len(result.pruned)} old release(s): {', '.join(result.pruned)}")
    return 0


def cmd_diff(args: argparse.Namespace) -> int:
    from graph import changes
    from graph.releases import find_release

    out_dir = _build_dir(args.build)
    new = find_release(out_dir, args.to_release)
    old = find_release(out_dir, args.from_release, previous_of=new if args.from_release is None else None)
    diff = changes.diff(changes.release_tables(old), changes.release_tables(new))
    if args.format == "csv":
        diff.to_csv(sys.stdout, index=False)
    elif args.format == "json":
        print(json.dumps({"from": old.name, "to": new.name, **changes.summary(diff),
                          "changes": json.loads(diff.to_json(orient="records"))}, indent=2, ensure_ascii=False))
    elif args.format == "markdown":
        sys.stdout.write(changes.changelog(diff, release=new.name, previous=old.name))
    else:
        t = Table("change", "organisation", "actor", "what", "now", "before", "source",
                  title=f"{old.name} → {new.name}")
        for row in diff.itertuples(index=False):
            t.add_row(row.change, row.organisation, row.actor or "", row.what, row.after or "", row.before or "",
                      row.source)
        out.print(t)
        err.print(", ".join(f"{n} {c}" for c, n in changes.summary(diff).items()))
    return 0


def cmd_releases(args: argparse.Namespace) -> int:
    from graph.releases import list_releases

    infos = list_releases(_build_dir(args.build))
    if args.format == "json":
        print(json.dumps([{"name": r.name, "current": r.current, "version": r.manifest.get("version"),
                           "built_at": r.manifest.get("built_at"), "fingerprint": r.manifest.get("fingerprint"),
                           "triples": r.manifest.get("triples"), "leased_by": list(r.leased_by)}
                          for r in infos], indent=2))
        return 0
    t = Table("release", "version", "built at", "triples", "in use by", title=f"Releases in {_build_dir(args.build)}")
    for r in infos:
        mark = " [bold](current)[/]" if r.current else ""
        t.add_row(r.name + mark, str(r.manifest.get("version", "")), r.built_at, str(r.manifest.get("triples", "")),
                  ", ".join(f"pid {p}" for p in r.leased_by))
    out.print(t)
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from graph.build import load_ontology, ontology_dir, validate_shapes
    from graph.compiler import compile_dataset

    folder = ontology_dir(_data_dir(args.data))
    with stages(err, "validate", 3) as step:
        step(f"reading ontology from {folder}")
        onto = load_ontology(folder)
        origins: dict = {}
        step(f"compiling {_data_dir(args.data)}")
        ds = compile_dataset(_data_dir(args.data), onto, origins=origins)
        step(f"validating against {folder / 'shapes.ttl'}")
        validate_shapes(ds, onto, shapes=folder / "shapes.ttl", origins=origins)
    err.print(f"[green]valid[/]: {_data_dir(args.data)} compiles and conforms to {folder / 'shapes.ttl'}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    if args.file:
        text = Path(args.file).read_text(encoding="utf-8")
    elif args.sparql == "-":
        text = sys.stdin.read()
    elif args.sparql:
        text = args.sparql
    else:
        raise ISCMError("give a SPARQL query as an argument, '-' for standard input, or --file")
    if not args.no_prefixes:
        text = SPARQL_PREFIXES + text
    stdout, note = cli_query.run(text, _build_dir(args.build), fmt=args.format, timeout=args.timeout,
                                 max_rows=args.max_rows, width=out.width if sys.stdout.isatty() else None)
    sys.stdout.write(stdout)
    if note:
        err.print(note)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from graph.loader import load
    from graph.stats import graph_stats

    g = load(_build_dir(args.build))
    stats = graph_stats(g)
    if args.format == "json":
        print(json.dumps(stats, indent=2, default=str, ensure_ascii=False))
        return 0
    if args.format == "markdown":  # the README's "Counts" table
        from graph.stats import headline_markdown, sources_markdown

        as_of = g.release_date
        sys.stdout.write(headline_markdown(stats["headline"], as_of=as_of) + sources_markdown(stats["provenance"]))
        return 0
    t = Table("count", "what it counts", title="Headline")
    for item in stats["headline"].values():
        t.add_row(str(item["value"]), item["label"])
    out.print(t)
    t = Table("class", "count", title="Entities by class")
    for name, n in stats["classes"].items():
        t.add_row(name, str(n))
    out.print(t)
    p = stats["provenance"]
    out.print(f"membership facts: {p['memberships']}; with a source: {p['memberships_with_source']} "
              f"([bold]{p['share_with_source']:.1%}[/]); with an as-of date: {p['share_with_as_of']:.1%}")
    k = p["memberships_by_source_kind"]
    out.print(f"resting on a primary or IGO source: {p['memberships_primary_or_igo']} "
              f"([bold]{p['share_primary_or_igo']:.1%}[/]; primary {k['primary']}, IGO {k['igo']}); "
              f"press only: {k['press']}; secondary only: {k['secondary']} ({p['share_secondary_only']:.1%})")
    t = Table("ISCM", "kind", "status", "members", "observers", "complete", "sources",
              title="ISCMs (current members/observers: newest claims, open-ended)")
    for row in stats["iscms"]:
        t.add_row(row["id"], row["kind"], row["status"] or "?", str(row["members"]), str(row["observers"]),
                  "yes" if row["complete"] else "[yellow]no[/]", str(row["sources"]))
    out.print(t)
    empty = [r["id"] for r in stats["iscms"] if r["members"] == 0]
    if empty:
        out.print(f"[red]{len(empty)} ISCM(s) with no member list in any source read:[/] " + ", ".join(empty)
                  + " (see data/README.md, Known gaps)")
    incomplete = [r["id"] for r in stats["iscms"] if not r["complete"]]
    if incomplete:
        out.print(f"[yellow]{len(incomplete)} ISCM(s) whose member list no source gives as complete:[/] "
                  + ", ".join(incomplete))
    out.print(stats["headline_text"])
    return 0


def cmd_ingest(args: argparse.Namespace) -> int:
    from graph.ingest import ingest, merge, write

    data = _data_dir(args.data)
    with stages(err, "ingest", 2) as step:
        step(f"reading {args.file}")
        extraction = ingest(Path(args.file), data_dir=data, kind=args.kind)
        doc = extraction.document
        step("merging into data/documents/" if args.merge else "writing candidates and review report")
        if args.merge:
            written = merge(extraction, data, force=args.force)
        else:
            written = write(extraction, Path(args.out) if args.out else _build_dir(None) / "ingest")
    if args.merge:
        if written.diff:
            sys.stdout.write(written.diff)
        else:
            err.print("no change to the merged facts")
    err.print(f"[green]{doc['kind']}[/]: {len(extraction.facts)} candidate facts, "
              f"{len(extraction.unresolved)} unresolved mention(s)", highlight=False)
    err.print(f"  facts:  {written.facts_path}\n  review: {written.report_path}", highlight=False)
    if args.merge:
        err.print("run `iscm build` to put them in the graph")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from graph.atomic import write_atomic
    from graph.sources_report import render

    if args.check:
        from graph.sources_check import check

        report = check(_data_dir(args.data))
        for line in report.lines():
            print(line)
        return 1 if args.strict and report.findings else 0
    text = render(_data_dir(args.data))
    if args.write:
        write_atomic(Path(args.write), text)
        err.print(f"wrote {args.write}")
    else:
        sys.stdout.write(text)
    return 0


def cmd_publish(args: argparse.Namespace) -> int:
    from graph.releases import QUADS_FILE, current_release
    from graph.store import RemoteStore

    release = current_release(_build_dir(args.build))
    store_url = args.store or os.environ.get("ISCM_STORE_ENDPOINT")
    query_url = args.endpoint or os.environ.get("ISCM_SPARQL_ENDPOINT")
    if not store_url or not query_url:
        raise ISCMError("give --endpoint and --store (or ISCM_SPARQL_ENDPOINT and ISCM_STORE_ENDPOINT)")
    remote = RemoteStore(query_url, store_url=store_url)
    with stages(err, "publish", 3) as step:
        step(f"reading {release / QUADS_FILE}")
        data = (release / QUADS_FILE).read_bytes()
        step(f"loading {len(data) / 2**20:.1f} MB into {store_url}")
        remote.replace_dataset(data)
        step("counting what the endpoint holds")
        n = len(remote)
    err.print(f"[green]published[/] {release.name}: the endpoint now holds {n} quads")
    return 0


LOOPBACK = ("127.0.0.1", "::1", "localhost")


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.server import BODY_TIMEOUT_ENV, HEADER_TIMEOUT_ENV, MAX_HEADER_BYTES_ENV, LimitedHttpToolsProtocol

    if args.host not in LOOPBACK and not args.public:
        raise ISCMError(f"--host {args.host} would expose uvicorn directly: put a reverse proxy in front "
                        "(docs/deploy.md) and keep the default 127.0.0.1, or pass --public if a proxy or "
                        "firewall already stands between this address and clients")
    os.environ["ISCM_BUILD_DIR"] = str(_build_dir(args.build))
    # the protocol class reads these in each worker process
    os.environ[HEADER_TIMEOUT_ENV] = str(args.header_timeout)
    os.environ[BODY_TIMEOUT_ENV] = str(args.body_timeout)
    os.environ[MAX_HEADER_BYTES_ENV] = str(args.max_header_bytes)
    uvicorn.run("api.app:create_app", factory=True, host=args.host, port=args.port,
                workers=args.workers, log_level=args.log_level, http=LimitedHttpToolsProtocol,
                timeout_keep_alive=args.keep_alive_timeout, limit_concurrency=args.max_connections or None,
                backlog=args.backlog, timeout_graceful_shutdown=args.shutdown_timeout)
    return 0


def _env_number(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def make_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="iscm", description="ISCM knowledge graph: build, query and serve.")
    sub = p.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    map_cli.add_parser(sub)
    return p


def _add_build(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("build", help="compile data/ + ontology/ into a validated release")
    b.add_argument("--data", help="data folder (default: $ISCM_DATA_DIR or ./data)")
    b.add_argument("--out", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    b.add_argument("--no-validate", action="store_true", help="skip SHACL validation (not for releases)")
    b.add_argument("--release-date", type=_date, metavar="YYYY-MM-DD",
                   help="what 'current' means in this release (default: today)")
    b.add_argument("--force", action="store_true", help="build even if the inputs match the current release")
    b.add_argument("--ontology", help="ontology folder (default: ontology/ beside the data folder, else installed)")
    b.set_defaults(func=cmd_build)


def _add_diff(sub: argparse._SubParsersAction) -> None:
    d = sub.add_parser("diff", help="claims added, removed, changed and ended between two releases")
    d.add_argument("from_release", nargs="?", help="older release (default: the one the newer was built after)")
    d.add_argument("to_release", nargs="?", help="newer release (default: current)")
    d.add_argument("--format", choices=["table", "csv", "json", "markdown"], default="table")
    d.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    d.set_defaults(func=cmd_diff)


def _add_releases(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("releases", help="list the published releases (current one, and which are in use)")
    r.add_argument("--format", choices=["table", "json"], default="table")
    r.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    r.set_defaults(func=cmd_releases)


def _add_validate(sub: argparse._SubParsersAction) -> None:
    v = sub.add_parser("validate", help="check data/ without publishing anything")
    v.add_argument("--data", help="data folder (default: $ISCM_DATA_DIR or ./data)")
    v.set_defaults(func=cmd_validate)


def _add_query(sub: argparse._SubParsersAction) -> None:
    q = sub.add_parser("query", help="run a SPARQL query on the built graph")
    q.add_argument("sparql", nargs="?", help="the query text, or '-' to read standard input")
    q.add_argument("-f", "--file", help="read the query from this file")
    q.add_argument("--format", choices=["table", "csv", "json"], default="table")
    q.add_argument("--no-prefixes", action="store_true", help="do not prepend the standard PREFIX lines")
    q.add_argument("--timeout", type=float, default=_env_number("ISCM_SPARQL_TIMEOUT", 10),
                   help="seconds before the query is stopped (default: the server's, $ISCM_SPARQL_TIMEOUT or 10; "
                        "0: no limit)")
    q.add_argument("--max-rows", type=int, default=int(_env_number("ISCM_SPARQL_MAX_ROWS", 10_000)),
                   help="refuse an answer with more rows (default: the server's, $ISCM_SPARQL_MAX_ROWS or 10000; "
                        "0: no cap)")
    q.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    q.set_defaults(func=cmd_query)


def _add_stats(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("stats", help="counts, provenance coverage and per-ISCM completeness")
    s.add_argument("--format", choices=["table", "json", "markdown"], default="table",
                   help="markdown: the headline table of the README's Counts section")
    s.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    s.set_defaults(func=cmd_stats)


def _add_ingest(sub: argparse._SubParsersAction) -> None:
    ig = sub.add_parser("ingest", help="extract candidate facts from a document (see docs/ingestion.md)")
    ig.add_argument("file", help="the document, as UTF-8 text")
    ig.add_argument("--kind", default="auto", choices=["auto", "iscm-summary", "mieux", "meeting", "eu-summary"])
    ig.add_argument("--out", help="where candidates and the review report go (default: <build>/ingest)")
    ig.add_argument("--merge", action="store_true", help="put the facts into data/documents/ (shows a diff)")
    ig.add_argument("--force", action="store_true", help="with --merge: replace a hand-edited document file")
    ig.add_argument("--data", help="data folder (default: $ISCM_DATA_DIR or ./data)")
    ig.set_defaults(func=cmd_ingest)


def _add_sources(sub: argparse._SubParsersAction) -> None:
    so = sub.add_parser("sources", help="list the sources per ISCM (generates data/SOURCES.md), or check them")
    so.add_argument("--data", help="data folder (default: $ISCM_DATA_DIR or ./data)")
    so.add_argument("--write", metavar="FILE", help="write to FILE (atomically) instead of standard output")
    so.add_argument("--check", action="store_true",
                    help="list facts resting only on secondary sources and unstable URLs (no network), "
                         "one line per finding with file and line")
    so.add_argument("--strict", action="store_true", help="with --check: exit 1 when there is any finding")
    so.set_defaults(func=cmd_sources)


def _add_publish(sub: argparse._SubParsersAction) -> None:
    pb = sub.add_parser("publish", help="replace a remote store's data with the current release")
    pb.add_argument("--endpoint", help="SPARQL query URL (default: $ISCM_SPARQL_ENDPOINT)")
    pb.add_argument("--store", help="graph store protocol URL (default: $ISCM_STORE_ENDPOINT)")
    pb.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    pb.set_defaults(func=cmd_publish)


def _add_serve(sub: argparse._SubParsersAction) -> None:
    sv = sub.add_parser("serve", help="serve the API and web page with uvicorn")
    sv.add_argument("--host", default="127.0.0.1", help="address to bind (loopback unless --public)")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--workers", type=int, default=1)
    sv.add_argument("--public", action="store_true", default=os.environ.get("ISCM_PUBLIC") == "1",
                    help="allow a non-loopback --host (only behind a reverse proxy or firewall: docs/deploy.md; "
                         "$ISCM_PUBLIC=1)")
    sv.add_argument("--header-timeout", type=float, default=_env_number("ISCM_HEADER_TIMEOUT", 10),
                    help="seconds a client has to send the request headers (default 10; $ISCM_HEADER_TIMEOUT)")
    sv.add_argument("--body-timeout", type=float, default=_env_number("ISCM_BODY_TIMEOUT", 30),
                    help="seconds a client has to send the request body (default 30; $ISCM_BODY_TIMEOUT)")
    sv.add_argument("--max-header-bytes", type=int, default=int(_env_number("ISCM_MAX_HEADER_BYTES", 65536)),
                    help="largest request head accepted, in bytes (default 65536; $ISCM_MAX_HEADER_BYTES)")
    sv.add_argument("--keep-alive-timeout", type=int, default=int(_env_number("ISCM_KEEPALIVE_TIMEOUT", 5)),
                    help="seconds an idle kept-alive connection stays open (default 5; $ISCM_KEEPALIVE_TIMEOUT)")
    sv.add_argument("--max-connections", type=int, default=int(_env_number("ISCM_MAX_CONNECTIONS", 256)),
                    help="concurrent connections per worker before 503 (default 256; 0: no limit; "
                         "$ISCM_MAX_CONNECTIONS)")
    sv.add_argument("--backlog", type=int, default=int(_env_number("ISCM_BACKLOG", 256)),
                    help="connections the kernel queues before accept (default 256; $ISCM_BACKLOG)")
    sv.add_argument("--shutdown-timeout", type=int, default=int(_env_number("ISCM_SHUTDOWN_TIMEOUT", 15)),
                    help="seconds running requests get to finish on shutdown (default 15)")
    sv.add_argument("--log-level", default="info")
    sv.add_argument("--build", help="build folder (default: $ISCM_BUILD_DIR or ./build)")
    sv.set_defaults(func=cmd_serve)


# the subcommands, in the order --help lists them (the map commands come last, from graph.map_cli)
COMMANDS = (_add_build, _add_diff, _add_releases, _add_validate, _add_query, _add_stats, _add_ingest, _add_sources,
            _add_publish, _add_serve)


def main(argv: list[str] | None = None) -> int:
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except DataErrors as exc:
        err.print(f"[red]error:[/] {len(exc.errors)} invalid record(s) in data — nothing was published:",
                  highlight=False)
        for e in exc.errors:
            err.print(f"  {e}", highlight=False, markup=False)
        return 1
    except ISCMError as exc:
        err.print(f"[red]error:[/] {exc}", highlight=False)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
