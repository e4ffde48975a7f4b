"""Compile the curated files in ``data/`` into RDF.

The compiler checks every record first and collects *all* problems, each naming its file, line and
record, before it emits a single triple; a data set with any problem produces no graph at all.

Layout of ``data/`` (see ``data/README.md``)::

    data/organisations.yaml      IGOs, EU bodies, NGOs, ... (one list)
    data/unions/<id>.yaml        regional unions with their member States
    data/igos/<id>.yaml          IGOs whose member States matter (UN, IOM), same shape as unions
    data/iscms/<id>.yaml         ISCMs: facts and membership claim blocks
    data/state-identifiers.yaml  Wikidata QIDs of States and territories (alpha-3 → QID)
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from pydantic import ValidationError as PydanticValidationError
from rdflib import RDF, RDFS, Dataset, Graph, Literal, URIRef

from graph import countries
from graph.catalog import Catalog, Errors, Loaded, Vocabulary, display_path
from graph.checks import check_references
from graph.datafiles import line_of, load_yaml
from graph.documents import emit_documents, load_documents
from graph.emitter import Emitter, Origin
from graph.errors import DataError, DataErrors
from graph.events_data import emit_events, load_events
from graph.namespace import BASE, PROV
from graph.partners_data import emit_partners, load_partners
from graph.schema import CollaborationFile, OrganisationRecord
from graph.state_ids import emit_state_ids, load_state_ids

CURATED_GRAPH = URIRef(BASE + "graph/curated")
ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")


def load_catalog(data_dir: Path, vocab: Vocabulary) -> Catalog:
    """Read and check every file under ``data_dir``; raise :class:`DataErrors` listing all problems."""
    errors = Errors()
    cat = Catalog()
    if not data_dir.is_dir():
        raise DataError("data directory not found", path=str(data_dir))

    org_path = data_dir / "organisations.yaml"
    if org_path.exists():
        shown = display_path(org_path, data_dir)
        try:
            doc = load_yaml(org_path, display=shown)
        except DataError as exc:
            errors.items.append(exc)
            cat.organisations_unreadable = True
            doc = []
        if not isinstance(doc, list):
            errors.add("expected a list of organisations", path=shown)
            cat.organisations_unreadable = True
            doc = []
        for i, item in enumerate(doc):
            try:
                rec = OrganisationRecord.model_validate(item)
            except PydanticValidationError as exc:
                errors.from_pydantic(exc, path=shown, doc=doc, prefix=(i,))
                if isinstance(item, dict) and isinstance(item.get("id"), str):
                    cat.broken.add(item["id"])
                continue
            if rec.id in cat.organisations:
                errors.add(f"duplicate organisation id {rec.id!r}", path=shown, doc=doc, loc=(i, "id"))
            cat.organisations[rec.id] = (rec, shown, line_of(doc, (i,)))

    for folder, target in (("unions", cat.unions), ("igos", cat.unions), ("iscms", cat.iscms)):
        for path in sorted((data_dir / folder).glob("*.yaml")):
            shown = display_path(path, data_dir)
            try:
                doc = load_yaml(path, display=shown)
                rec = CollaborationFile.model_validate(doc)
            except DataError as exc:
                errors.items.append(exc)
                cat.broken.add(path.stem)
                continue
            except PydanticValidationError as exc:
                errors.from_pydantic(exc, path=shown, doc=doc)
                cat.broken.add(path.stem)
                continue
            if rec.id != path.stem:
                errors.add(f"id {rec.id!r} differs from the file name {path.stem!r}", path=shown, doc=doc, loc=("id",))
            if rec.id in cat.unions or rec.id in cat.iscms or rec.id in cat.organisations:
                errors.add(f"id {rec.id!r} is already used by another file", path=shown, doc=doc, loc=("id",))
            target[rec.id] = Loaded(path, shown, doc, rec)

    check_references(cat, vocab, errors)  # the cross-file checks (ids, roles, sources, codes)
    if errors.items:
        raise DataErrors(errors.items)
    return cat


def emit(cat: Catalog, graph: Graph, *, extra_countries: Iterable[str] = (),
         origins: dict[URIRef, Origin] | None = None, country_aliases: dict[str, list[str]] | None = None) -> Graph:
    """Write the catalog's triples into ``graph`` (the curated named graph).

    ``extra_countries``: codes used elsewhere (ingested documents) that need State nodes too.
    ``origins``: filled with node → (file, line, record), so a SHACL violation can name its record.
    ``country_aliases``: alpha-3 → common names (data/aliases.yaml), added as alternative labels.
    """
    em = Emitter(graph, cat, origins)
    for rec, shown, line in cat.organisations.values():
        em.at = (shown, line, f"organisation {rec.id}")
        em.organisation(rec)
    for loaded in cat.unions.values():
        em.locate(loaded)
        em.collaboration(loaded, is_iscm=False)
    for loaded in cat.iscms.values():
        em.locate(loaded)
        em.collaboration(loaded, is_iscm=True)
    em.at = None  # country and region nodes come from the code tables, not from a record
    em.used_countries |= set(extra_countries)
    em.country_aliases = country_aliases or {}
    em.country_nodes()
    return graph


def compile_dataset(data_dir: Path, ontology: Graph, *, origins: dict[URIRef, Origin] | None = None) -> Dataset:
    """Check ``data_dir`` and compile it, with the ontology, into a dataset of named graphs:
    the ontology, the curated data, and one graph per ingested document. ``origins``: see :func:`emit`."""
    vocab = Vocabulary.from_ontology(ontology)
    cat = load_catalog(data_dir, vocab)
    errors = Errors()
    docs = load_documents(data_dir, cat, errors, vocab)
    events = load_events(data_dir, cat, errors, docs)
    partners = load_partners(data_dir, cat, vocab, errors, docs)
    state_ids = load_state_ids(data_dir, errors)
    if errors.items:
        raise DataErrors(errors.items)
    ds = Dataset()
    onto_graph = ds.graph(ONTOLOGY_GRAPH)
    for t in ontology:
        onto_graph.add(t)
    used = emit_documents(ds, docs, cat)
    curated = ds.graph(CURATED_GRAPH)
    emit(cat, curated, extra_countries=used, origins=origins, country_aliases=_country_aliases(data_dir))
    emit_events(events, curated, cat)
    emit_partners(partners, curated, cat)
    emit_state_ids(curated, state_ids)  # last: only the State nodes written above get a QID
    curated.add((CURATED_GRAPH, RDF.type, PROV.Entity))
    curated.add((CURATED_GRAPH, RDFS.label, Literal("curated data from data/")))
    return ds


def _country_aliases(data_dir: Path) -> dict[str, list[str]]:
    """The entries of data/aliases.yaml keyed by an alpha-3 code ("NLD": ["Holland"]): names people search
    for that country_converter does not know."""
    path = data_dir / "aliases.yaml"
    doc = load_yaml(path) if path.exists() else None
    if not isinstance(doc, dict):
        return {}
    return {str(k): [str(n) for n in v or []] for k, v in doc.items() if countries.is_country_code(str(k))}
