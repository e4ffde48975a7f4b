"""The one read model: :class:`ISCMGraph`, a loaded release — its store, its release folder and
manifest, the tables built once (memberships, tenures, entities, names), the answers the API serves
(profiles, lists, search: :mod:`graph.profiles`, :mod:`graph.search`), remembered per release.
The API, the CLI, the maps, the analytics and the notebooks all read a release through it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
from rdflib import Dataset

from graph import partnership, queries, temporal, views
from graph.countries import LANGUAGES, local_names
from graph.errors import UnknownEntityError
from graph.memo import Memo
from graph.profiles import Profiles
from graph.releases import (
    QUADS_FILE,
    Release,
    current_release,
    default_build_dir,
)
from graph.search import Search, fold
from graph.store import Result, SelectResult, Store, open_store


class ISCMGraph(Profiles, Search):
    """A loaded release of the ISCM knowledge graph: the one read model.

    Use :func:`load` to get one. ``query`` runs SPARQL on the store; ``rdf`` is the rdflib dataset
    (parsed on first use); ``memberships``, ``tenures``, ``current``, ``entities`` are tables built
    once; ``bipartite`` and ``partnership`` the networks; profiles, lists and ``search`` the API's
    answers. ``memo(key, compute)`` remembers any answer for this release (within ``cache_bytes``).
    """

    def __init__(self, store: Store, *, release: Path | None = None, cache_bytes: int = 256 * 2**20) -> None:
        self.store = store
        self.release = release  # the folder (a Path: what most callers need); ``layout`` reads it
        self.layout = Release(release) if release is not None else None
        self._memo = Memo(cache_bytes)

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered under ``key`` for this release (treat the answer as read-only)."""
        return self._memo.memo(key, compute)

    def cached(self, key: tuple) -> bool:
        return self._memo.cached(key)

    def resize_cache(self, cache_bytes: int) -> None:
        """A new, empty answer cache of ``cache_bytes`` (the server sets its size from ``ISCM_CACHE_MB``)."""
        self._memo = Memo(cache_bytes)

    @property
    def g(self) -> ISCMGraph:
        """Itself: code written for the old ``Catalogue`` (``cat.g.store``) keeps working."""
        return self

    @property
    def manifest(self) -> dict:
        """The release's manifest.json (build time, counts, hashes); read once."""
        return self.layout.manifest if self.layout is not None else {}

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
        saved = self.layout.memberships_file if self.layout is not None else None
        if saved is not None and self.store.name != "remote" and saved.exists():
            return views.read_memberships(saved)
        return views.memberships(self.store)

    @cached_property
    def release_date(self) -> dt.date:
        """What "current" means for this release: the manifest's release date (today without one)."""
        return self.layout.release_date if self.layout is not None else dt.date.today()

    @cached_property
    def tenures(self) -> pd.DataFrame:
        """Every tenure: who held which role in which body, from when to when, on what evidence
        (see :mod:`graph.temporal`). Read from the release when saved with it, else resolved here."""
        saved = self.layout.tenures_file if self.layout is not None else None
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

    # ------------------------------------------------------------------ tables built once
    @cached_property
    def current(self) -> pd.DataFrame:
        """The tenures holding on the release date."""
        return temporal.holding(self.tenures)

    @cached_property
    def entities(self) -> pd.DataFrame:
        return views.entities(self.store).set_index("id")

    @cached_property
    def names(self) -> pd.DataFrame:
        """Every name an entity is known by (labels, alternative labels, acronyms, ISO codes)."""
        result = self.query(queries.text("profile.names"))
        assert isinstance(result, SelectResult)
        df = pd.DataFrame(result.records(), columns=["id", "name"]).dropna()
        # States' names in French and Spanish (CLDR via Babel): "Maroc", "Marruecos", "Allemagne"
        local = [(a3, name) for lang in LANGUAGES if lang != "en" for a3, name in local_names(lang).items()]
        df = pd.concat([df, pd.DataFrame(local, columns=["id", "name"])], ignore_index=True)
        df = df[df["id"].isin(self.entities.index)]
        df["folded"] = df["name"].map(fold)
        return df.drop_duplicates(["id", "folded"]).reset_index(drop=True)

    @cached_property
    def _bipartite_now(self) -> nx.Graph:
        return views.bipartite(self.tenures)

    def bipartite_at(self, *, as_of: int | str | None = None, roles: str = "members",
                     regions: tuple[str, ...] | None = None, **filters: Any) -> nx.Graph:
        """:meth:`bipartite`, the default one built once and shared (treat it as read-only).
        ``filters``: ``kinds``, ``statuses``, ``derivation`` (see :func:`graph.views.filter_memberships`)."""
        if as_of is None and roles == "members" and regions is None and not any(filters.values()):
            return self._bipartite_now
        return views.bipartite(self.tenures, roles=roles, as_of=as_of, regions=regions, **filters)

    @cached_property
    def _partnership_now(self):  # noqa: ANN202 - networkx multigraph
        return partnership.partnership_graph(self.store, tenures=self.tenures)

    def partnership(self, as_of: int | str | None = None):  # noqa: ANN201 - networkx multigraph
        """The partnership multigraph (today's is built once and reused)."""
        if as_of is None:
            return self._partnership_now
        return partnership.partnership_graph(self.store, as_of=as_of, tenures=self.tenures)

    def memberships_at(self, as_of: int | str | None) -> pd.DataFrame:
        """The tenures holding ``as_of`` (a year, a month or a date; the release date if None)."""
        return self.current if as_of is None else temporal.holding(self.tenures, as_of=as_of)

    def entity(self, entity_id: str, *, kind: str | None = None) -> pd.Series:
        key = entity_id.upper() if kind == "state" else entity_id
        if key not in self.entities.index:
            raise UnknownEntityError(kind or "entity", entity_id)
        row = self.entities.loc[key]
        if kind is not None and kind != "organisation" and row["type"] != kind:
            raise UnknownEntityError(kind, entity_id)
        if kind == "organisation" and row["type"] not in ("organisation", "union"):
            raise UnknownEntityError(kind, entity_id)
        return row

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        return f"<ISCMGraph {len(self)} quads on {self.store.name} from {self.release}>"




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
