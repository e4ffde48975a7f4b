"""``iscm query`` with a time limit and a row cap that really stop the work.

pyoxigraph cannot interrupt a running query, so the query runs in a child process (forked: the
command line runs no threads, and the child needs nothing re-imported) that formats the whole
answer and hands it back; past the time limit the child is killed. Nothing is printed from a
query that was stopped or whose rows exceeded the cap: a partial table would read as a full one.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing as mp
from multiprocessing.connection import Connection
from pathlib import Path

from graph.errors import ISCMError, QueryError, QueryTimeoutError


class TooManyRowsError(ISCMError, ValueError):
    """The answer has more rows than ``--max-rows`` allows."""


def _cell(term: object) -> str:
    return "" if term is None else str(term)


def render(result: object, fmt: str, *, width: int | None = None) -> tuple[str, str]:
    """The answer as text for standard output, and a note for standard error."""
    from rdflib import Graph
    from rich.console import Console
    from rich.table import Table

    from graph.store import AskResult, GraphResult, SelectResult

    if isinstance(result, AskResult):
        return (json.dumps(result.value) if fmt == "json" else str(result.value).lower()) + "\n", ""
    if isinstance(result, GraphResult):
        g = Graph()
        for t in result.triples:
            g.add(t)
        return g.serialize(format="json-ld" if fmt == "json" else "turtle") + "\n", ""
    assert isinstance(result, SelectResult)
    buf = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buf, lineterminator="\n")
        writer.writerow(result.variables)
        writer.writerows([_cell(c) for c in row] for row in result.rows)
        return buf.getvalue(), ""
    if fmt == "json":
        return json.dumps(result.records(), default=str, ensure_ascii=False, indent=2) + "\n", ""
    table = Table(*result.variables, show_lines=False)
    for row in result.rows:
        table.add_row(*(_cell(c) for c in row))
    Console(file=buf, width=width or 200, force_terminal=False).print(table)
    return buf.getvalue(), f"{len(result)} row(s)"


def _child(conn: Connection, build: str, text: str, fmt: str, max_rows: int, width: int | None) -> None:
    # the store alone: the read model's tables (pandas, networkx) would only slow the start
    from graph.releases import current_release, default_build_dir
    from graph.store import open_store

    try:
        store = open_store(current_release(default_build_dir(Path(build))))
        # one row more than the cap tells "exactly the cap" from "more than the cap"
        result = store.query(text, max_rows=max_rows + 1 if max_rows else None)
        rows = getattr(result, "rows", None)
        if max_rows and rows is not None and len(rows) > max_rows:
            conn.send(("too-many", len(rows) - 1))
            return
        conn.send(("ok", *render(result, fmt, width=width)))
    except QueryError as exc:
        conn.send(("query-error", str(exc)))
    except ISCMError as exc:
        conn.send(("iscm-error", str(exc)))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"))


def run(text: str, build: Path, *, fmt: str, timeout: float, max_rows: int,
        width: int | None = None) -> tuple[str, str]:
    """Run ``text`` on the current release in ``build``: (standard output, note) or raise
    QueryTimeoutError, TooManyRowsError, QueryError. ``timeout`` 0 and ``max_rows`` 0: no limit."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(child, str(build), text, fmt, max_rows, width), daemon=True)
    proc.start()
    child.close()
    try:
        if not parent.poll(timeout if timeout > 0 else None):
            raise QueryTimeoutError(f"the query was stopped after {timeout:g} s (--timeout, default "
                                    "$ISCM_SPARQL_TIMEOUT as on the server); narrow it, or give a longer --timeout")
        try:
            reply = parent.recv()
        except EOFError:
            raise ISCMError(f"the query process died (exit code {proc.exitcode}); nothing was printed") from None
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        parent.close()
    kind = reply[0]
    if kind == "ok":
        return reply[1], reply[2]
    if kind == "too-many":
        raise TooManyRowsError(f"the answer has more than {max_rows} rows (--max-rows, default "
                               "$ISCM_SPARQL_MAX_ROWS as on the server); nothing was printed: add LIMIT, narrow "
                               "the query, or give a larger --max-rows (0: no cap)")
    if kind == "query-error":
        raise QueryError(reply[1])
    if kind == "iscm-error":
        raise ISCMError(reply[1])
    raise ISCMError(f"the query failed: {reply[1]}")
