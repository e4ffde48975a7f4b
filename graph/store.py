"""One store interface over several SPARQL engines.

* :class:`OxigraphStore` — pyoxigraph, in memory or persistent on disk (the default: on aggregate
  queries over graphs of this shape it is 25-50x faster than rdflib's engine; see bench/).
* :class:`RdflibStore` — rdflib's own engine, for tiny graphs and as a reference in tests.
* :class:`RemoteStore` — any SPARQL 1.1 endpoint (query protocol + graph store protocol), e.g. an
  Oxigraph, Fuseki, Virtuoso or GraphDB server shared by several API workers.

Each store answers :meth:`Store.query` with a result type per query form —
:class:`SelectResult`, :class:`AskResult` or :class:`GraphResult` — holding rdflib terms, so the
code above it does not care which engine answered. The default graph is the union of all named
graphs (curated data, ontology, one graph per ingested document).

:meth:`run_native` is what the SPARQL endpoint uses: the engine's own terms (no rdflib rewriting of
lexical forms), an explicit dataset (``default_graphs`` / ``named_graphs``; None means the union
default graph and every named graph) and a base IRI for relative IRIs.

Security: stores run whatever SPARQL they are given, including ``SERVICE`` (which makes the server
fetch arbitrary URLs) and updates on backends that support them. Untrusted queries must go through
:func:`graph.sparql.check_query` first, as the API does.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Node

from graph import queries, rdflib_planner
from graph.errors import ISCMError, QueryError
from graph.releases import QUADS_FILE, STORE_DIR
from graph.result_tables import csv_table, json_table, tsv_table
from graph.sparql_syntax import QueryForm, form_of

if TYPE_CHECKING:
    import pandas as pd

    from graph.results import NativeResult


@dataclass(frozen=True)
class SelectResult:
    """Rows of a SELECT query; a cell is None where the variable is unbound."""

    variables: list[str]
    rows: list[tuple[Node | None, ...]]
    truncated: bool = False  # True when max_rows cut the answer

    def __len__(self) -> int:
        return len(self.rows)

    def __iter__(self) -> Iterator[tuple[Node | None, ...]]:
        return iter(self.rows)

    def records(self) -> list[dict[str, object]]:
        """Rows as dicts of Python values (``Literal.toPython()``, IRIs as str)."""
        return [
            {v: _py(cell) for v, cell in zip(self.variables, row, strict=True)} for row in self.rows
        ]

    def to_frame(self):  # noqa: ANN201 - pandas is imported lazily
        import pandas as pd

        return pd.DataFrame(self.records(), columns=self.variables)


@dataclass(frozen=True)
class AskResult:
    value: bool

    def __bool__(self) -> bool:
        return self.value


@dataclass(frozen=True)
class GraphResult:
    """Triples of a CONSTRUCT or DESCRIBE query."""

    triples: list[tuple[Node, Node, Node]] = field(default_factory=list)
    truncated: bool = False

    def __len__(self) -> int:
        return len(self.triples)


Result = SelectResult | AskResult | GraphResult


def _py(term: Node | None) -> object:
    if term is None:
        return None
    if isinstance(term, Literal):
        return term.toPython()
    return str(term)


class Store(Protocol):
    """What the rest of the package needs from a triple store."""

    name: str

    def query(self, sparql: str, *, max_rows: int | None = None,
              prefixes: dict[str, str] | None = None) -> Result: ...

    def select_table(self, sparql: str) -> pd.DataFrame: ...

    def __len__(self) -> int: ...

    def close(self) -> None: ...


# ----------------------------------------------------------------------------- pyoxigraph


def _from_ox(term: object) -> Node | None:
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise QueryError(f"unsupported term in result: {term!r}")


class OxigraphStore:
    """pyoxigraph store; in memory when ``path`` is None, else persistent (read-only if asked)."""

    name = "oxigraph"

    def __init__(self, path: Path | None = None, *, read_only: bool = False) -> None:
        # the name says which of the two embedded stores answers (/health reports it)
        self.name = "oxigraph-memory" if path is None else "oxigraph"
        if path is None:
            self._store = ox.Store()
        elif read_only:
            self._store = ox.Store.read_only(str(path))
        else:
            self._store = ox.Store(str(path))
        self._lock = threading.Lock()

    @classmethod
    def wrap(cls, native: ox.Store) -> OxigraphStore:
        """Use an existing pyoxigraph store."""
        store = cls.__new__(cls)
        store.name = "oxigraph-memory"
        store._store = native
        store._lock = threading.Lock()
        return store

    @classmethod
    def from_file(cls, path: Path, *, store_path: Path | None = None) -> OxigraphStore:
        store = cls(store_path)
        fmt = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
        if fmt is None:
            raise ValueError(f"cannot tell the RDF format of {path} from its extension")
        store._store.bulk_load(path=str(path), format=fmt)
        return store

    @property
    def native(self) -> ox.Store:
        return self._store

    def __len__(self) -> int:
        return len(self._store)

    def query(self, sparql: str, *, max_rows: int | None = None,
              prefixes: dict[str, str] | None = None) -> Result:
        """Run ``sparql``; ``prefixes`` are declared unless the query redeclares them."""
        try:
            result = self._store.query(sparql, use_default_graph_as_union=True, prefixes=prefixes)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if isinstance(result, (bool, ox.QueryBoolean)):
            return AskResult(bool(result))
        if isinstance(result, ox.QuerySolutions):
            variables = [v.value for v in result.variables]
            rows: list[tuple[Node | None, ...]] = []
            truncated = False
            for solution in result:
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(_from_ox(solution[i]) for i in range(len(variables))))
            return SelectResult(variables, rows, truncated)
        triples = []
        truncated = False
        for triple in result:
            if max_rows is not None and len(triples) >= max_rows:
                truncated = True
                break
            triples.append((_from_ox(triple.subject), _from_ox(triple.predicate), _from_ox(triple.object)))
        return GraphResult(triples, truncated)

    def run_native(self, sparql: str, *, max_rows: int | None = None, prefixes: dict[str, str] | None = None,
                   default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None, raw: bool = False) -> NativeResult | Any:
        """Run ``sparql`` on an explicit dataset; results keep the engine's terms. ``raw``: the engine's
        lazy result itself, uncapped (for :func:`graph.results.engine_bytes`)."""
        from graph.results import capped

        if default_graphs is None and named_graphs is None:
            dataset: dict[str, object] = {"use_default_graph_as_union": True}
        else:  # the protocol's dataset: a graph list left out is empty (SPARQL 1.1 Protocol §2.1.4)
            dataset = {"default_graph": [ox.NamedNode(g) for g in default_graphs or []],
                       "named_graphs": [ox.NamedNode(g) for g in named_graphs or []]}
        try:
            result = self._store.query(sparql, prefixes=prefixes, base_iri=base_iri, **dataset)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        return result if raw else capped(result, max_rows)

    def select_table(self, sparql: str) -> pd.DataFrame:
        """A SELECT answer as a DataFrame of strings, serialised by Oxigraph itself (no per-cell
        Python objects: about five times faster than :meth:`query` on large answers)."""
        try:
            result = self._store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if not isinstance(result, ox.QuerySolutions):
            raise QueryError("select_table needs a SELECT query")
        return tsv_table(result.serialize(format=ox.QueryResultsFormat.TSV))

    def quads(self) -> Iterable[ox.Quad]:
        return iter(self._store)

    def close(self) -> None:
        # pyoxigraph closes on garbage collection; drop our reference
        self._store = None  # type: ignore[assignment]


# ----------------------------------------------------------------------------- rdflib


class RdflibStore:
    """rdflib's in-memory Dataset and SPARQL engine (slow on aggregates; fine for tiny graphs).

    Basic graph patterns are join-ordered by :mod:`graph.rdflib_planner` (rdflib's own order can
    take minutes on a two-membership join); the answers are still rdflib's.
    """

    name = "rdflib"

    def __init__(self) -> None:
        from rdflib import Dataset

        self._ds = Dataset(default_union=True)

    @classmethod
    def from_file(cls, path: Path) -> RdflibStore:
        store = cls()
        fmt = {"nq": "nquads", "nt": "nt", "ttl": "turtle", "trig": "trig", "jsonld": "json-ld"}[path.suffix[1:]]
        store._ds.parse(path, format=fmt)
        rdflib_planner.enable(store._ds.store, store._ds.triples((None, None, None)))
        return store

    @property
    def native(self):  # noqa: ANN201
        return self._ds

    def __len__(self) -> int:
        return len(self._ds)

    def query(self, sparql: str, *, max_rows: int | None = None,
              prefixes: dict[str, str] | None = None) -> Result:
        from pyparsing import ParseException

        try:
            result = self._ds.query(sparql, initNs=prefixes or {})
        except ParseException as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if result.type == "ASK":
            return AskResult(bool(result.askAnswer))
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            rows = []
            truncated = False
            for row in result:
                if max_rows is not None and len(rows) >= max_rows:
                    truncated = True
                    break
                rows.append(tuple(row[v] for v in variables))
            return SelectResult(variables, rows, truncated)
        triples = list(result)
        truncated = max_rows is not None and len(triples) > max_rows
        return GraphResult(triples[:max_rows] if truncated else triples, truncated)

    def run_native(self, sparql: str, *, max_rows: int | None = None, prefixes: dict[str, str] | None = None,
                   default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None) -> NativeResult:
        """Run ``sparql`` with rdflib on an explicit dataset; terms as pyoxigraph terms."""
        import rdflib.plugins.sparql as rdflib_sparql
        from pyparsing import ParseException
        from rdflib.plugins.sparql.algebra import translateQuery
        from rdflib.plugins.sparql.parser import parseQuery
        from rdflib.plugins.sparql.parserutils import CompValue

        from graph.results import Solutions, Triples, rows_from_rdflib, to_ox

        rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # a FROM never makes rdflib fetch a URL
        try:
            query = translateQuery(parseQuery(sparql), base=base_iri, initNs=prefixes or {})
        except ParseException as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        # the endpoint decides the dataset; rdflib copies each listed graph of the store
        clause = None
        if default_graphs is not None or named_graphs is not None:
            clause = ([CompValue("DatasetClause", default=URIRef(g)) for g in default_graphs or []]
                      + [CompValue("DatasetClause", named=URIRef(g)) for g in named_graphs or []])
        query.algebra["datasetClause"] = clause
        result = self._ds.query(query)
        if result.type == "ASK":
            return bool(result.askAnswer)
        if result.type == "SELECT":
            variables = [str(v) for v in result.vars]
            rows = []
            for row in result:
                if max_rows is not None and len(rows) >= max_rows:
                    return Solutions(variables, rows_from_rdflib(rows), True)
                rows.append(tuple(row[v] for v in variables))
            return Solutions(variables, rows_from_rdflib(rows))
        triples = list(result)
        truncated = max_rows is not None and len(triples) > max_rows
        kept = triples[:max_rows] if truncated else triples
        return Triples([ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in kept], truncated)

    def select_table(self, sparql: str) -> pd.DataFrame:
        """A SELECT answer as a DataFrame of strings (SPARQL CSV results; unbound is NA)."""
        from pyparsing import ParseException

        try:
            result = self._ds.query(sparql)
        except ParseException as exc:
            raise QueryError(f"SPARQL syntax error: {exc}") from exc
        if result.type != "SELECT":
            raise QueryError("select_table needs a SELECT query")
        return csv_table(result.serialize(format="csv"))

    def close(self) -> None:
        self._ds = None  # type: ignore[assignment]


# ----------------------------------------------------------------------------- remote endpoint


class StoreAuthError(ISCMError, PermissionError):
    """The remote graph store refused a write: no or wrong credentials."""


# every graph a release writes is named under this (graph/curated, graph/tenures, graph/doc/…)
RELEASE_GRAPHS = "https://w3id.org/iscm/graph/"


class RemoteStore:
    """A SPARQL 1.1 endpoint over HTTP (query protocol), loaded through the graph store protocol.

    The server must treat the default graph as the union of the named graphs (Oxigraph:
    ``oxigraph serve --union-default-graph``; Fuseki: ``unionDefaultGraph``; Virtuoso does so
    without ``FROM``), as the local stores do. Queries are sent as HTML-form POSTs, which every
    SPARQL 1.1 server takes (Virtuoso 7 does not take a raw ``application/sparql-query`` body).
    ``timeout`` bounds how long we wait; stopping the work on the server is the server's own
    setting (Oxigraph: ``--timeout-s``; Virtuoso: ``MaxQueryExecutionTime``, whose partial
    "anytime" answers are refused here as timeouts).

    Loading (``replace_dataset``): ``store_protocol="dataset"`` PUTs the whole N-Quads dataset to
    ``store_url`` in one request (Oxigraph, Fuseki); ``"graphs"`` PUTs each named graph to
    ``store_url?graph=…`` and deletes the release graphs the new dataset no longer has (Virtuoso's
    ``/sparql-graph-crud-auth``). ``store_user``/``store_password`` authenticate the writes, with
    ``store_auth`` ``"digest"`` (Virtuoso) or ``"basic"`` (a reverse proxy in front of Oxigraph).
    Each defaults to its ``ISCM_STORE_*`` environment variable.
    """

    name = "remote"

    def __init__(self, query_url: str, *, store_url: str | None = None, timeout: float = 30.0,
                 store_protocol: str | None = None, store_user: str | None = None,
                 store_password: str | None = None, store_auth: str | None = None) -> None:
        import httpx

        if not query_url.startswith(("http://", "https://")):
            raise ValueError(f"not an http(s) endpoint URL: {query_url!r}")
        self.query_url = query_url
        self.store_url = store_url
        self.store_protocol = store_protocol or os.environ.get("ISCM_STORE_PROTOCOL", "dataset")
        if self.store_protocol not in ("dataset", "graphs"):
            raise ValueError(f"ISCM_STORE_PROTOCOL must be 'dataset' or 'graphs', got {self.store_protocol!r}")
        user = store_user or os.environ.get("ISCM_STORE_USER")
        password = store_password or os.environ.get("ISCM_STORE_PASSWORD", "")
        kind = store_auth or os.environ.get("ISCM_STORE_AUTH", "digest")
        if kind not in ("digest", "basic"):
            raise ValueError(f"ISCM_STORE_AUTH must be 'digest' or 'basic', got {kind!r}")
        self._store_auth = None if not user else (
            httpx.DigestAuth(user, password) if kind == "digest" else httpx.BasicAuth(user, password))
        self._client = httpx.Client(timeout=timeout)

    def _post(self, sparql: str, accept: str, params: list[tuple[str, str]] | None = None):  # noqa: ANN202
        import httpx

        from graph.errors import QueryTimeoutError

        try:
            # a form POST: Virtuoso waits on a raw sparql-query body; the dataset goes with the query
            form: dict[str, str | list[str]] = {"query": sparql}
            for key, value in params or ():
                existing = form.setdefault(key, [])
                assert isinstance(existing, list)
                existing.append(value)
            resp = self._client.post(self.query_url, data=form, headers={"Accept": accept})
        except httpx.TimeoutException as exc:
            raise QueryTimeoutError(f"the SPARQL endpoint did not answer in time ({exc})") from exc
        if resp.status_code == 400:
            raise QueryError(f"SPARQL syntax error (from the endpoint): {resp.text[:500]}")
        resp.raise_for_status()
        if resp.headers.get("x-sql-state") == "S1TAT":  # Virtuoso's "anytime" answer: partial, not an answer
            raise QueryTimeoutError("the SPARQL endpoint stopped the query at its own time limit")
        return resp

    def query(self, sparql: str, *, max_rows: int | None = None,
              prefixes: dict[str, str] | None = None) -> Result:
        if prefixes:
            sparql = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items()) + sparql
        form = form_of(sparql)
        if form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE):
            resp = self._post(sparql, "application/n-triples")
            triples = []
            truncated = False
            for t in ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES):
                if max_rows is not None and len(triples) >= max_rows:
                    truncated = True
                    break
                triples.append((_from_ox(t.subject), _from_ox(t.predicate), _from_ox(t.object)))
            return GraphResult(triples, truncated)
        resp = self._post(sparql, "application/sparql-results+json")
        body = _standard_ask(resp.json()) if form is QueryForm.ASK else resp.json()
        if "boolean" in body:
            return AskResult(bool(body["boolean"]))
        variables = body["head"]["vars"]
        rows: list[tuple[Node | None, ...]] = []
        truncated = False
        for binding in body["results"]["bindings"]:
            if max_rows is not None and len(rows) >= max_rows:
                truncated = True
                break
            rows.append(tuple(_from_json(binding.get(v)) for v in variables))
        return SelectResult(variables, rows, truncated)

    def run_native(self, sparql: str, *, max_rows: int | None = None, prefixes: dict[str, str] | None = None,
                   default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
                   base_iri: str | None = None) -> NativeResult:
        """Run ``sparql`` on the endpoint with the dataset as protocol parameters; the answer is
        parsed by pyoxigraph, so terms arrive as the endpoint wrote them."""
        from graph.results import capped

        head = f"BASE <{base_iri}>\n" if base_iri else ""
        if prefixes:
            head += "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in prefixes.items())
        sparql = head + sparql
        params = [("default-graph-uri", g) for g in default_graphs or []]
        params += [("named-graph-uri", g) for g in named_graphs or []]
        form = form_of(sparql)
        graph = form in (QueryForm.CONSTRUCT, QueryForm.DESCRIBE)
        resp = self._post(sparql, "application/n-triples" if graph else "application/sparql-results+json",
                          params=params)
        if graph:
            return capped(ox.parse(resp.content, format=ox.RdfFormat.N_TRIPLES), max_rows)
        body = resp.content
        if form is QueryForm.ASK and b'"boolean"' not in body:
            body = json.dumps(_standard_ask(json.loads(body))).encode()
        return capped(ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON), max_rows)

    def select_table(self, sparql: str) -> pd.DataFrame:
        """A SELECT answer as a DataFrame of strings, fetched as SPARQL JSON results (unbound is NA):
        typed, unlike CSV, so booleans arrive as ``true``/``false`` from every server."""
        if form_of(sparql) is not QueryForm.SELECT:
            raise QueryError("select_table needs a SELECT query")
        return json_table(self._post(sparql, "application/sparql-results+json").json())

    def replace_dataset(self, nquads: bytes) -> None:
        """Replace the release on the server with this N-Quads dataset (graph store protocol)."""
        if not self.store_url:
            raise ValueError("no graph store URL configured (ISCM_STORE_ENDPOINT)")
        if self.store_protocol == "dataset":
            self._write("PUT", content=nquads, headers={"Content-Type": "application/n-quads"})
            return
        graphs: dict[str, list[ox.Triple]] = {}
        for q in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
            if isinstance(q.graph_name, ox.DefaultGraph):
                raise ValueError("a release holds named graphs only; this dataset has default-graph quads")
            graphs.setdefault(q.graph_name.value, []).append(ox.Triple(q.subject, q.predicate, q.object))
        for name, triples in graphs.items():  # each PUT replaces one graph in one transaction
            self._write("PUT", params={"graph": name}, headers={"Content-Type": "application/n-triples"},
                        content=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        for name in set(self.release_graphs()) - set(graphs):  # graphs of an older release
            self._write("DELETE", params={"graph": name})

    def _write(self, method: str, **kw: Any) -> None:
        resp = self._client.request(method, self.store_url, auth=self._store_auth, **kw)
        if resp.status_code in (401, 403):
            raise StoreAuthError(f"the graph store refused the write ({resp.status_code}): set ISCM_STORE_USER "
                                  "and ISCM_STORE_PASSWORD (docs/deploy.md)")
        resp.raise_for_status()

    def release_graphs(self) -> list[str]:
        """The named graphs of ours the server holds (a server may keep graphs of its own beside them)."""
        result = self.query(queries.text("release.remote-graphs", prefix=RELEASE_GRAPHS))
        assert isinstance(result, SelectResult)
        return [str(row[0]) for row in result.rows]

    def __len__(self) -> int:
        result = self.query(queries.text("release.remote-size", prefix=RELEASE_GRAPHS))
        assert isinstance(result, SelectResult)
        return int(result.rows[0][0].toPython())

    def close(self) -> None:
        self._client.close()


def _standard_ask(answer: dict) -> dict:
    """An ASK answer as SPARQL JSON says it: Virtuoso 7 writes one row of ``__ASK_RETVAL`` 1 or 0."""
    if "boolean" in answer:
        return answer
    rows = answer.get("results", {}).get("bindings", [])
    return {"head": {}, "boolean": bool(rows) and next(iter(rows[0].values()), {}).get("value") not in ("0", "false")}


def _from_json(cell: dict | None) -> Node | None:
    if cell is None:
        return None
    kind, value = cell["type"], cell["value"]
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if "xml:lang" in cell:
        return Literal(value, lang=cell["xml:lang"])
    if "datatype" in cell:
        return Literal(value, datatype=URIRef(cell["datatype"]))
    return Literal(value)


def open_store(release: Path, *, backend: str = "oxigraph", endpoint: str | None = None,
               store_endpoint: str | None = None) -> Store:
    """Open the store of a release: ``oxigraph`` (the on-disk store, read-only, instant),
    ``oxigraph-memory`` / ``rdflib`` (parsed into memory from the N-Quads file), or ``remote``
    (the SPARQL endpoint in ``$ISCM_SPARQL_ENDPOINT``, loaded with ``iscm publish``)."""
    if backend == "oxigraph":
        if (release / STORE_DIR).is_dir():
            return OxigraphStore(release / STORE_DIR, read_only=True)
        return OxigraphStore.from_file(release / QUADS_FILE)
    if backend == "oxigraph-memory":
        return OxigraphStore.from_file(release / QUADS_FILE)
    if backend == "rdflib":
        return RdflibStore.from_file(release / QUADS_FILE)
    if backend == "remote":
        url = endpoint or os.environ.get("ISCM_SPARQL_ENDPOINT")
        if not url:
            raise ValueError("backend 'remote' needs ISCM_SPARQL_ENDPOINT (the server's SPARQL query URL)")
        return RemoteStore(url, store_url=store_endpoint or os.environ.get("ISCM_STORE_ENDPOINT"))
    raise ValueError(f"unknown backend {backend!r}; expected 'oxigraph', 'oxigraph-memory', 'rdflib' or 'remote'")
