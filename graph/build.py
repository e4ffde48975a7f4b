"""``iscm build``: data/ + ontology/ → a validated, published release of the graph.

Releases are immutable folders under ``<out>/releases/``, named after the data they hold (see
:mod:`graph.releases`); ``<out>/current`` is a symbolic link to the newest good one. A build writes its
release into a temporary folder, validates it, and only then swaps the link with an atomic rename, so
a failed or interrupted build leaves the previous release byte-identical and still current. A build
whose inputs did not change publishes nothing. A lock file keeps two builds from interleaving; the
next build removes what a killed one left behind, and pruning keeps releases a server still reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyoxigraph as ox
from rdflib import Dataset, Graph

from graph import changes, releases, temporal, views
from graph.compiler import CURATED_GRAPH, compile_dataset
from graph.dataset import Metadata, citation, cite_lines, manifest_block, read_metadata
from graph.errors import ISCMError, ValidationError
from graph.namespace import BASE, ISCM, PREFIXES, ROLE, entity
from graph.releases import (  # the release's layout, defined with the releases (re-exported here)
    MEMBERSHIPS_FILE,
    QUADS_FILE,
    STORE_DIR,
    TENURES_FILE,
)
from graph.releases import current_release as current_release  # callers import it from here too
from graph.results import to_ox
from graph.store import OxigraphStore
from ontology import ONTOLOGY_PATH, SHAPES_PATH

CHANGELOG_FILE = "CHANGELOG.md"
DIGESTED = ("iscm.nq", "iscm.nt", "iscm.ttl", "iscm.jsonld", MEMBERSHIPS_FILE, TENURES_FILE, changes.FACTS_FILE,
            CHANGELOG_FILE)  # sha256 in manifest.json
TENURES_GRAPH = BASE + "graph/tenures"  # derived by the build, never edited by hand
KEEP_RELEASES = releases.KEEP_RELEASES

Progress = Callable[[str], None]


@dataclass
class BuildResult:
    release: Path
    triples: int
    quads: int
    seconds: float
    timings: dict[str, float] = field(default_factory=dict)
    unchanged: bool = False  # the inputs matched the current release: nothing was published
    pruned: list[str] = field(default_factory=list)


class BuildLockedError(ISCMError, BlockingIOError):
    """Another build holds the lock on the output folder."""


@contextlib.contextmanager
def build_lock(out_dir: Path, *, wait: float = 60.0) -> Iterator[None]:
    """Hold an exclusive lock on ``out_dir`` (waits up to ``wait`` seconds for another build)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / ".lock", "w") as handle:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BuildLockedError(f"another build holds {out_dir / '.lock'}") from None
                time.sleep(0.1)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ontology_dir(data_dir: Path | None = None) -> Path:
    """Where the build reads the ontology: ``$ISCM_ONTOLOGY_DIR``, else the working tree's
    ``ontology/`` beside ``data_dir`` (so edits count without reinstalling), else the installed copy."""
    env = os.environ.get("ISCM_ONTOLOGY_DIR")
    if env:
        return Path(env)
    if data_dir is not None:
        beside = data_dir.resolve().parent / "ontology"
        if (beside / ONTOLOGY_PATH.name).is_file() and (beside / SHAPES_PATH.name).is_file():
            return beside
    return ONTOLOGY_PATH.parent


def load_ontology(folder: Path | None = None) -> Graph:
    return Graph().parse((folder or ONTOLOGY_PATH.parent) / ONTOLOGY_PATH.name, format="turtle")


def validate_shapes(dataset: Dataset, ontology: Graph, *, shapes: Path | None = None,
                    origins: dict | None = None) -> None:
    """Run the SHACL shapes over all data graphs (with the ontology for schemes and classes).

    Raises :class:`ValidationError` with one line per violation: the file, line and record that
    produced the node (``origins``, filled by :func:`graph.compiler.compile_dataset`; for ingested
    documents, the document's file), the message, then the node and path.
    """
    from pyshacl import validate  # local: pyshacl is slow to import and only builds need it

    data = Graph()
    for graph in dataset.graphs():  # curated data and every ingested document (ontology included)
        for t in graph:
            data.add(t)
    shapes_graph = Graph().parse(shapes or SHAPES_PATH, format="turtle")
    conforms, report, _text = validate(data, shacl_graph=shapes_graph, inference="none",
                                       allow_warnings=True, advanced=True)
    if conforms:
        return
    from rdflib.namespace import SH

    lines = set()
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        msg = report.value(result, SH.resultMessage)
        where = _origin(dataset, focus, origins or {})
        lines.add(f"  {where}{msg} (node {focus}{', path ' + str(path) if path else ''})")
    raise ValidationError(f"{len(lines)} SHACL violation(s):\n" + "\n".join(sorted(lines)[:200]))


def _origin(dataset: Dataset, node: object, origins: dict) -> str:
    """``file:line: record: `` for a node, as far as the build knows where it came from."""
    if node in origins:
        path, line, record = origins[node]
        return f"{path}{f':{line}' if line else ''}: {record}: "
    doc_prefix = str(CURATED_GRAPH).rsplit("/", 1)[0] + "/doc/"
    for graph in dataset.graphs():  # a node from an ingested document: its file
        name = str(graph.identifier)
        if name.startswith(doc_prefix) and (node, None, None) in graph:
            return f"data/documents/{name[len(doc_prefix):]}.yaml: "
    return ""


def _to_store(dataset: Dataset) -> ox.Store:
    store = ox.Store()
    for graph in dataset.graphs():
        if len(graph) == 0:
            continue
        name = ox.NamedNode(str(graph.identifier))
        store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), name) for s, p, o in graph)
    return store


def tenure_quads(table: pd.DataFrame) -> Iterator[ox.Quad]:
    """The tenure table as RDF in the tenures graph: one ``iscm:Tenure`` per row with its period,
    precision, basis, end reason and claims, and ``iscm:current true`` on current tenures and on
    the claims they rest on (so a SPARQL query asks for "now" exactly as Python and REST do)."""
    graph = ox.NamedNode(str(TENURES_GRAPH))
    xsd = "http://www.w3.org/2001/XMLSchema#"
    true = ox.Literal("true", datatype=ox.NamedNode(xsd + "boolean"))

    def date(value: pd.Timestamp) -> ox.Literal:
        return ox.Literal(value.date().isoformat(), datatype=ox.NamedNode(xsd + "date"))

    p = {name: ox.NamedNode(str(getattr(ISCM, name))) for name in (
        "heldFrom", "heldUntil", "fromPrecision", "startInferred", "startBasis", "endReason", "lastSeen",
        "derived", "via", "current")}
    org, rdf_type = "http://www.w3.org/ns/org#", ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    derived_from = ox.NamedNode("http://www.w3.org/ns/prov#wasDerivedFrom")
    for row in table.itertuples(index=False):
        t = ox.NamedNode(row.membership)
        yield ox.Quad(t, rdf_type, ox.NamedNode(str(ISCM.Tenure)), graph)
        yield ox.Quad(t, ox.NamedNode(org + "organization"), ox.NamedNode(row.organisation), graph)
        yield ox.Quad(t, ox.NamedNode(org + "member"), ox.NamedNode(row.actor), graph)
        yield ox.Quad(t, ox.NamedNode(org + "role"), ox.NamedNode(str(ROLE[row.role])), graph)
        yield ox.Quad(t, p["heldFrom"], date(row.start), graph)
        yield ox.Quad(t, p["fromPrecision"], ox.Literal(row.start_precision or "day"), graph)
        yield ox.Quad(t, p["startBasis"], ox.Literal(row.start_basis), graph)
        if row.start_inferred:
            yield ox.Quad(t, p["startInferred"], true, graph)
        if not pd.isna(row.end):
            yield ox.Quad(t, p["heldUntil"], date(row.end), graph)
            yield ox.Quad(t, p["endReason"], ox.Literal(str(row.end_reason)), graph)
        if not pd.isna(row.last_seen):
            yield ox.Quad(t, p["lastSeen"], date(row.last_seen), graph)
        if row.derived:
            yield ox.Quad(t, p["derived"], true, graph)
            yield ox.Quad(t, p["via"], ox.NamedNode(str(entity("org", row.via))), graph)
        claims = [ox.NamedNode(c) for c in str(row.claims).split()]
        for claim in claims:
            yield ox.Quad(t, derived_from, claim, graph)
        if row.current:
            yield ox.Quad(t, p["current"], true, graph)
            for claim in claims:
                yield ox.Quad(claim, p["current"], true, graph)


def _write_release(store: ox.Store, folder: Path, manifest: dict, memberships: pd.DataFrame,
                   tenures: pd.DataFrame) -> None:
    union = sorted({ox.Triple(q.subject, q.predicate, q.object) for q in store}, key=str)
    # the analytic table, derived from this release's store: loading it is much faster than the queries
    views.write_memberships(memberships, folder / MEMBERSHIPS_FILE)
    temporal.write_tenures(tenures, folder / TENURES_FILE)
    # N-Quads, N-Triples and Turtle allow comments: each dump opens with how to cite it
    header = "".join(f"# {line}\n" for line in cite_lines(manifest)).encode("utf-8")
    with (folder / "iscm.nq").open("wb") as out:
        out.write(header)
        store.dump(out, format=ox.RdfFormat.N_QUADS)
    with (folder / "iscm.nt").open("wb") as out:
        out.write(header)
        ox.serialize(union, out, format=ox.RdfFormat.N_TRIPLES)
    with (folder / "iscm.ttl").open("wb") as out:
        out.write(header)
        ox.serialize(union, out, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)
    ox.serialize(union, folder / "iscm.jsonld", format=ox.RdfFormat.JSON_LD)
    manifest["triples"] = len(union)
    manifest["sha256"] = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()
        for name in DIGESTED
    }
    disk = ox.Store(str(folder / STORE_DIR))  # the embedded store the API opens read-only
    disk.bulk_load(path=str(folder / "iscm.nq"), format=ox.RdfFormat.N_QUADS)
    disk.flush()
    del disk
    (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    for path in folder.rglob("*"):
        if path.is_file():
            with open(path, "rb") as handle:
                os.fsync(handle.fileno())


def _describe(store: ox.Store, manifest: dict, meta: Metadata, memberships: pd.DataFrame,
              facts: pd.DataFrame) -> None:
    """What the manifest says about the data set (for citations and the DCAT + VoID description)."""
    counts: dict[str, int] = {}
    for quad in store:
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else "default"
        counts[name] = counts.get(name, 0) + 1
    manifest["graph_triples"] = dict(sorted(counts.items()))
    manifest["dataset"] = manifest_block(meta, manifest["built_at"], memberships, facts)


def _write_changes(store: ox.Store, folder: Path, manifest: dict, memberships: pd.DataFrame, out_dir: Path,
                   previous: str | None) -> pd.DataFrame:
    """The facts table and the CHANGELOG section (claims added, removed, changed since ``previous``)."""
    facts = changes.facts(OxigraphStore.wrap(store))
    changes.write_facts(facts, folder / changes.FACTS_FILE)
    before = None
    if previous is not None:
        try:
            before = changes.release_tables(out_dir / releases.RELEASES / previous)
        except Exception:  # an unreadable previous release: say so rather than fail the build
            previous = None
    empty = (memberships.iloc[0:0], facts.iloc[0:0])
    diff = changes.diff(before or empty, (memberships, facts))
    manifest["changes"] = {"since": previous, **changes.summary(diff)}
    text = changes.changelog(diff, release=manifest["release"], previous=previous, version=manifest["version"],
                             built_at=manifest["built_at"], cite=manifest.get("citation"))
    (folder / CHANGELOG_FILE).write_text(text, encoding="utf-8")
    return facts


def _point_current(out_dir: Path, name: str) -> None:
    link_tmp = out_dir / f".current-{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        link_tmp.unlink()
    link_tmp.symlink_to(Path(releases.RELEASES) / name)
    os.replace(link_tmp, out_dir / "current")  # atomic: readers see the old or the new release


def _publish(out_dir: Path, staged: Path, name: str) -> Path:
    final = out_dir / releases.RELEASES / name
    if final.exists():  # the same inputs built again the same day (e.g. after --force): replace it
        shutil.rmtree(final)
    os.replace(staged, final)
    _point_current(out_dir, name)
    return final


def _intact(release: Path) -> bool:
    return (release / QUADS_FILE).is_file() and (release / "manifest.json").is_file()


def _reusable(out_dir: Path, name: str, fingerprint: str, today: dt.date) -> Path | None:
    """A published release the build would reproduce: same inputs, and no tenure starts or ends
    between its release date and ``today`` (its "current" would differ)."""
    candidates = [out_dir / releases.RELEASES / name]
    current = releases.current_name(out_dir)
    if current:
        candidates.insert(0, out_dir / releases.RELEASES / current)
    for release in candidates:
        manifest = releases.read_manifest(release)
        if not _intact(release) or manifest.get("fingerprint") != fingerprint:
            continue
        try:
            flagged = dt.date.fromisoformat(manifest["release_date"])
            table = temporal.read_tenures(release / TENURES_FILE)
        except (KeyError, ValueError, OSError):
            continue
        lo, hi = pd.Timestamp(min(flagged, today)), pd.Timestamp(max(flagged, today))
        dates = [table[c].dropna() for c in ("start", "end")]
        if any(((d > lo) & (d <= hi)).any() for d in dates):
            continue
        return release
    return None


def build(data_dir: Path, out_dir: Path, *, validate: bool = True, progress: Progress | None = None,
          force: bool = False, ontology: Path | None = None, release_date: dt.date | None = None) -> BuildResult:
    """Compile, validate and publish a release; raise without touching ``out_dir/current`` on failure.

    ``release_date`` is what "current" means in this release (default: today, UTC); it is kept in the
    manifest, and every current flag and answer of the release is computed for it. If the inputs match
    a published release (and no tenure starts or ends between its release date and this one), that
    release becomes current again and nothing is written, unless ``force``.
    """
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    laps = _Laps()
    onto_dir = ontology or ontology_dir(data_dir)
    meta = read_metadata(data_dir)
    with build_lock(out_dir):
        releases.clean_staging(out_dir)  # what a killed build left behind
        today = release_date or dt.datetime.now(dt.UTC).date()
        fingerprint = releases.fingerprint(data_dir, onto_dir, options={"validate": validate})
        name = releases.release_name(meta.version, today, fingerprint)
        reuse = None if force else _reusable(out_dir, name, fingerprint, today)
        if reuse is not None:
            if releases.current_name(out_dir) != reuse.name:
                _point_current(out_dir, reuse.name)
            manifest = releases.read_manifest(reuse)
            say(f"unchanged: {reuse.name}")
            return BuildResult(release=reuse, triples=manifest.get("triples", 0), quads=manifest.get("quads", 0),
                               seconds=round(time.perf_counter() - t0, 3), unchanged=True)
        previous = releases.current_name(out_dir)
        store, memberships, tenures = _compile(data_dir, onto_dir, validate, today, say, laps)
        folder = out_dir / releases.RELEASES
        folder.mkdir(parents=True, exist_ok=True)
        staged = Path(tempfile.mkdtemp(prefix=".staging-", dir=folder))
        try:
            say("writing artefacts")
            manifest = _manifest(name, meta, fingerprint, today, previous, data_dir, onto_dir, store, validate)
            facts = _write_changes(store, staged, manifest, memberships, out_dir, previous)
            _describe(store, manifest, meta, memberships, facts)
            _write_release(store, staged, manifest, memberships, tenures)
            _write_stats(store, staged, memberships, tenures)
            laps.lap("write")
            final = _publish(out_dir, staged, name)
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        pruned = releases.prune(out_dir)
        say(f"published {final}")
    return BuildResult(release=final, triples=manifest["triples"], quads=manifest["quads"],
                       seconds=round(time.perf_counter() - t0, 3), timings=laps.timings, pruned=pruned)


class _Laps:
    """Seconds per build step, for ``BuildResult.timings``."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._t = time.perf_counter()

    def start(self) -> None:
        self._t = time.perf_counter()

    def lap(self, name: str) -> None:
        now = time.perf_counter()
        self.timings[name] = round(now - self._t, 3)
        self._t = now


def _compile(data_dir: Path, onto_dir: Path, validate: bool, today: dt.date, say: Progress,
             laps: _Laps) -> tuple[ox.Store, pd.DataFrame, pd.DataFrame]:
    """The release's store (curated and ingested facts, then the tenures' flags), its membership
    claims and its tenures."""
    say(f"reading ontology from {onto_dir}")
    laps.start()
    ontology_graph = load_ontology(onto_dir)
    say(f"compiling {data_dir}")
    origins: dict = {}
    dataset = compile_dataset(data_dir, ontology_graph, origins=origins)
    laps.lap("compile")
    if validate:
        say(f"validating against {onto_dir / SHAPES_PATH.name}")
        validate_shapes(dataset, ontology_graph, shapes=onto_dir / SHAPES_PATH.name, origins=origins)
        laps.lap("validate")
    store = _to_store(dataset)
    memberships = views.memberships(OxigraphStore.wrap(store))
    say("resolving tenures (the time model)")
    tenures = temporal.tenures(memberships, release_date=today)
    store.extend(tenure_quads(tenures))
    laps.lap("tenures")
    return store, memberships, tenures


def _manifest(name: str, meta: Metadata, fingerprint: str, today: dt.date, previous: str | None, data_dir: Path,
              onto_dir: Path, store: ox.Store, validate: bool) -> dict:
    manifest = {
        "release": name,
        "version": meta.version,
        "fingerprint": fingerprint,
        "built_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "release_date": today.isoformat(),
        "previous": previous,
        "data_dir": str(data_dir),
        "ontology_dir": str(onto_dir),
        "quads": len(store),
        "graphs": sorted(str(g) for g in store.named_graphs()),
        "validated": validate,
    }
    manifest["citation"] = citation({**meta.model_dump(), "built_at": manifest["built_at"]}, name)
    return manifest


def _write_stats(store: ox.Store, folder: Path, memberships: pd.DataFrame, tenures: pd.DataFrame) -> None:
    """The release's statistics, computed once on the build's store (``/stats`` and ``iscm stats`` read them)."""
    from graph.loader import ISCMGraph
    from graph.stats import STATS_FILE, compute_stats

    g = ISCMGraph(OxigraphStore.wrap(store), release=None)
    g.__dict__.update(memberships=memberships, tenures=tenures)  # the tables this build already has
    # key order kept: the headline's rows are in reading order
    text = json.dumps(compute_stats(g), indent=2, default=str, ensure_ascii=False) + "\n"
    (folder / STATS_FILE).write_text(text, encoding="utf-8")
