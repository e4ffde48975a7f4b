"""Loading a built release: one call gives the store, the rdflib graph and the networkx views."""

from __future__ import annotations

import datetime as dt
import json
import os
from functools import cached_property
from pathlib import Path

import networkx as nx
import pandas as pd
from rdflib import Dataset

from graph import temporal, views
from graph.releases import (
    MEMBERSHIPS_FILE,
    QUADS_FILE,
    STORE_DIR,
    TENURES_FILE,
    current_release,
    default_build_dir,
)
from graph.store import OxigraphStore, RdflibStore, RemoteStore, Result, Store


class ISCMGraph:
    """A loaded release of the ISCM knowledge graph.

    Use :func:`load` to get one. ``query`` runs SPARQL on the store; ``rdf`` is the rdflib dataset
    (parsed on first use); ``memberships`` and ``bipartite`` are the analytic views.
    """

    def __init__(self, store: Store, *, release: Path | None = None) -> None:
        self.store = store
        self.release = release

    @cached_property
    def manifest(self) -> dict:
        """The release's manifest.json (build time, counts, hashes); read once."""
        if self.release is None:
            return {}
        return json.loads((self.release / "manifest.json").read_text())

    def query(self, sparql: str, *, max_rows: int | None = None) -> Result:
        """Run a SPARQL query (the default graph is the union of all named graphs)."""
        return self.store.query(sparql, max_rows=max_rows)

    @cached_property
    def rdf(self) -> Dataset:
        """The release as an rdflib :class:`~rdflib.Dataset` (named graphs kept)."""
        ds = Dataset(default_union=True)
        if self.release is not None:
            ds.parse(self.release / QUADS_FILE, format="nquads")
        return ds

    @cached_property
    def memberships(self) -> pd.DataFrame:
        """Every membership claim as a table (see :func:`graph.views.memberships`).

        A local store reads the table its release was built with (the same function's output, saved
        by the build); a remote endpoint may hold another version, so it is always queried.
        """
        saved = self.release / MEMBERSHIPS_FILE if self.release is not None else None
        if saved is not None and self.store.name != "remote" and saved.exists():
            return views.read_memberships(saved)
        return views.memberships(self.store)

    @cached_property
    def release_date(self) -> dt.date:
        """What "current" means for this release: the manifest's release date (today without one)."""
        stamp = self.manifest.get("release_date")
        return dt.date.fromisoformat(stamp) if stamp else dt.date.today()

    @cached_property
    def tenures(self) -> pd.DataFrame:
        """Every tenure: who held which role in which body, from when to when, on what evidence
        (see :mod:`graph.temporal`). Read from the release when saved with it, else resolved here."""
        saved = self.release / TENURES_FILE if self.release is not None else None
        if saved is not None and self.store.name != "remote" and saved.exists():
            return temporal.read_tenures(saved)
        return temporal.tenures(self.memberships, release_date=self.release_date)

    def holding(self, *, as_of: int | str | dt.date | None = None) -> pd.DataFrame:
        """The tenures that hold ``as_of`` (a year, a month or a date), or on the release date."""
        return temporal.holding(self.tenures, as_of=as_of)

    def bipartite(self, *, roles: str | tuple[str, ...] = "members", as_of: int | str | dt.date | None = None,
                  regions: tuple[str, ...] | None = None, kinds: tuple[str, ...] | None = None,
                  statuses: tuple[str, ...] | None = None, derivation: str = "all") -> nx.Graph:
        """The bipartite actor–ISCM graph (see :func:`graph.views.bipartite`)."""
        return views.bipartite(self.tenures, roles=roles, as_of=as_of, regions=regions, kinds=kinds,
                               statuses=statuses, derivation=derivation)

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<ISCMGraph {len(self)} quads on {self.store.name} from {self.release}>"


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


def load(build_dir: Path | str | None = None, *, backend: str = "oxigraph", endpoint: str | None = None,
         store_endpoint: str | None = None) -> ISCMGraph:
    """Load the current release from ``build_dir`` (default ``$ISCM_BUILD_DIR`` or ``./build``).

    ``backend``: ``"oxigraph"`` (the release's embedded on-disk store, opened read-only; the
    default), ``"oxigraph-memory"`` or ``"rdflib"`` (both parse the release into memory), or
    ``"remote"``: the SPARQL endpoint ``endpoint`` (default ``$ISCM_SPARQL_ENDPOINT``) holding the
    same release (see ``iscm publish``).
    """
    release = current_release(default_build_dir(build_dir))
    return ISCMGraph(open_store(release, backend=backend, endpoint=endpoint, store_endpoint=store_endpoint),
                     release=release)
