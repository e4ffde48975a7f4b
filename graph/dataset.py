"""The data set as a whole: its metadata (``data/dataset.yaml``), how to cite it, and its DCAT + VoID
description."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, ValidationError

from graph.datafiles import format_loc, line_of, load_yaml
from graph.errors import DataError, DataErrors

if TYPE_CHECKING:
    from rdflib import Graph, URIRef

METADATA_FILE = "dataset.yaml"


class Metadata(BaseModel):
    """``data/dataset.yaml``; every key has a default so a data folder without one still builds."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = "ISCM knowledge graph: inter-State consultation mechanisms on migration"
    description: str = ("States, organisations and regional unions in inter-State consultation mechanisms on "
                        "migration, with the source and as-of date of every fact.")
    version: str = "0.0"
    licence: str = "CC-BY-4.0"
    licence_url: str = "https://creativecommons.org/licenses/by/4.0/"
    publisher: str = "the iscm-graph project"
    homepage: str = "https://w3id.org/iscm/"
    keywords: list[str] = []


def read_metadata(data_dir: Path) -> Metadata:
    path = data_dir / METADATA_FILE
    if not path.is_file():
        return Metadata()
    shown = f"{data_dir.name}/{METADATA_FILE}"
    doc = load_yaml(path, display=shown)
    try:
        return Metadata.model_validate(doc or {})
    except ValidationError as exc:
        raise DataErrors([DataError(e["msg"], path=shown, line=line_of(doc, tuple(e["loc"])),
                                    record=format_loc(tuple(e["loc"])) or None) for e in exc.errors()]) from None


def citation(meta: dict, release: str | None) -> str:
    """One line to cite a release, from the manifest's ``dataset`` block (see :func:`manifest_block`)."""
    built = str(meta.get("built_at", ""))[:10]
    parts = [f"{meta.get('publisher', Metadata().publisher)}. {meta.get('title', Metadata().title)}",
             f"version {meta.get('version', '?')}" + (f" (release {release}" + (f", {built})" if built else ")")
                                                      if release else "")]
    return (", ".join(parts) + f". {meta.get('homepage', Metadata().homepage)} — "
            f"licence {meta.get('licence', Metadata().licence)} ({meta.get('licence_url', Metadata().licence_url)}); "
            "each fact cites its own source.")


def manifest_block(meta: Metadata, built_at: str, memberships: Any, facts: Any) -> dict:
    """What the release's manifest records about the data set: metadata, temporal coverage."""
    import pandas as pd

    dates = pd.concat([memberships[c].dropna() for c in ("start", "as_of")] + [
        pd.to_datetime(facts["as_of"], errors="coerce").dropna()], ignore_index=True)
    temporal = None
    if not dates.empty:
        temporal = {"start": dates.min().date().isoformat(), "end": dates.max().date().isoformat()}
    return {**meta.model_dump(), "built_at": built_at, "temporal": temporal}


DUMP_TYPES = {  # file → IANA media type, for the DCAT distributions
    "iscm.ttl": "text/turtle", "iscm.jsonld": "application/ld+json", "iscm.nt": "application/n-triples",
    "iscm.nq": "application/n-quads", "memberships.csv.gz": "application/gzip", "facts.csv.gz": "application/gzip",
    "CHANGELOG.md": "text/markdown",
}


def describe(manifest: dict, base: str, *, sizes: dict[str, int] | None = None) -> Graph:
    """DCAT + VoID description of a release: title, version, licence, publisher, temporal coverage,
    distributions (with sizes and SHA-256), triple counts, named graphs, SPARQL endpoint."""
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF

    base = base.rstrip("/") + "/"
    meta = manifest.get("dataset") or Metadata().model_dump()
    g = Graph()
    for prefix, ns in (("dcat", DCAT), ("dcterms", DCTERMS), ("foaf", FOAF), ("void", Namespace(VOID)),
                       ("spdx", Namespace(SPDX))):
        g.bind(prefix, ns)
    ds = URIRef(base + ".well-known/void#dataset")
    _about(g, ds, meta, manifest, base)
    _distributions(g, ds, meta, manifest, base, sizes)
    _subsets(g, ds, manifest, base)
    return g


VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"


def _about(g: Graph, ds: URIRef, meta: dict, manifest: dict, base: str) -> None:
    """The dataset itself: what it is, its version, licence, publisher, period, size and vocabularies."""
    from rdflib import BNode, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, RDF, XSD

    void = Namespace(VOID)
    g.add((ds, RDF.type, DCAT.Dataset))
    g.add((ds, RDF.type, void.Dataset))
    g.add((ds, DCTERMS.title, Literal(meta["title"], lang="en")))
    g.add((ds, DCTERMS.description, Literal(meta["description"], lang="en")))
    # dcat:version is DCAT 3 (rdflib's DCAT namespace predates it); owl:versionInfo for older readers
    g.add((ds, URIRef(str(DCAT) + "version"), Literal(str(meta["version"]))))
    g.add((ds, OWL.versionInfo, Literal(str(meta["version"]))))
    if manifest.get("release"):
        g.add((ds, DCTERMS.identifier, Literal(manifest["release"])))
    g.add((ds, DCTERMS.license, URIRef(meta["licence_url"])))
    g.add((ds, DCTERMS.bibliographicCitation, Literal(citation({**meta, **manifest.get("dataset", {})},
                                                               manifest.get("release")))))
    publisher = BNode("publisher")
    g.add((ds, DCTERMS.publisher, publisher))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(meta["publisher"])))
    g.add((ds, DCAT.landingPage, URIRef(base)))
    for word in meta.get("keywords", []):
        g.add((ds, DCAT.keyword, Literal(word, lang="en")))
    if manifest.get("built_at"):
        g.add((ds, DCTERMS.modified, Literal(manifest["built_at"], datatype=XSD.dateTime)))
    if meta.get("temporal"):
        period = BNode("temporal")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, DCAT.startDate, Literal(meta["temporal"]["start"], datatype=XSD.date)))
        g.add((period, DCAT.endDate, Literal(meta["temporal"]["end"], datatype=XSD.date)))
    if manifest.get("triples") is not None:
        g.add((ds, void.triples, Literal(int(manifest["triples"]))))
    g.add((ds, void.sparqlEndpoint, URIRef(base + "sparql")))
    g.add((ds, void.uriSpace, Literal("https://w3id.org/iscm/id/")))
    g.add((ds, void.exampleResource, URIRef("https://w3id.org/iscm/id/iscm/igc")))
    for vocab in ("http://www.w3.org/ns/org#", "http://www.w3.org/ns/prov#", "http://www.w3.org/2006/time#",
                  "http://www.w3.org/2004/02/skos/core#", "https://w3id.org/iscm/ontology#"):
        g.add((ds, void.vocabulary, URIRef(vocab)))


def _distributions(g: Graph, ds: URIRef, meta: dict, manifest: dict, base: str,
                   sizes: dict[str, int] | None) -> None:
    """The SPARQL endpoint and each dump, with its media type, size and SHA-256."""
    from rdflib import BNode, Literal, Namespace, URIRef
    from rdflib.namespace import DCAT, DCTERMS, RDF, XSD

    void, spdx = Namespace(VOID), Namespace(SPDX)
    service = BNode("sparql")
    g.add((ds, DCAT.distribution, service))
    g.add((service, RDF.type, DCAT.Distribution))
    g.add((service, DCAT.accessURL, URIRef(base + "sparql")))
    g.add((service, DCTERMS.title, Literal("SPARQL 1.1 endpoint (read-only)", lang="en")))
    digests = manifest.get("sha256", {})
    for name, media in DUMP_TYPES.items():
        if name not in digests and not (sizes and name in sizes):
            continue
        dist = URIRef(base + f"dumps/{name}")
        g.add((ds, DCAT.distribution, dist))
        g.add((dist, RDF.type, DCAT.Distribution))
        g.add((dist, DCAT.downloadURL, dist))
        g.add((dist, DCAT.mediaType, URIRef(f"https://www.iana.org/assignments/media-types/{media}")))
        g.add((dist, DCTERMS.license, URIRef(meta["licence_url"])))
        if sizes and name in sizes:
            g.add((dist, DCAT.byteSize, Literal(sizes[name], datatype=XSD.nonNegativeInteger)))
        if name in digests:
            checksum = BNode(f"sha256-{name}")
            g.add((dist, spdx.checksum, checksum))
            g.add((checksum, spdx.algorithm, spdx.checksumAlgorithm_sha256))
            g.add((checksum, spdx.checksumValue, Literal(digests[name], datatype=XSD.hexBinary)))
        if name.startswith("iscm."):
            g.add((ds, void.dataDump, dist))


def _subsets(g: Graph, ds: URIRef, manifest: dict, base: str) -> None:
    """One VoID subset per named graph, with its triple count."""
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import DCTERMS, RDF

    void = Namespace(VOID)
    for graph_name, count in sorted((manifest.get("graph_triples") or {}).items()):
        subset = URIRef(base + ".well-known/void#graph-" + graph_name.rsplit("/", 1)[-1].strip("<>"))
        g.add((ds, void.subset, subset))
        g.add((subset, RDF.type, void.Dataset))
        g.add((subset, DCTERMS.identifier, Literal(graph_name.strip("<>"))))
        g.add((subset, void.triples, Literal(int(count))))


def cite_lines(manifest: dict) -> list[str]:
    """The "how to cite" block every download carries: what it is, which release and date, how to cite
    it, and the licence (a report that reuses a figure needs all four)."""
    meta = manifest.get("dataset") or Metadata().model_dump()
    release = manifest.get("release")
    as_of = manifest.get("release_date") or str(manifest.get("built_at", ""))[:10] or "?"
    return [f"{meta['title']}: release {release or '?'} (version {meta['version']}), current as of {as_of}.",
            f"How to cite: {manifest.get('citation') or citation(meta, release)}",
            f"Licence: {meta['licence']} ({meta['licence_url']}). Each fact cites its own source; "
            "keep those citations when you reuse a fact."]


def csvw_metadata(manifest: dict, url: str, columns: list[str], *, description: str) -> dict:
    """W3C CSV on the Web metadata for one CSV download: title, licence, citation, release and its
    columns (found by CSVW readers at ``<url>-metadata.json``, and linked from the CSV's response)."""
    meta = manifest.get("dataset") or Metadata().model_dump()
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": url,
        "dc:title": f"{meta['title']}: {description}",
        "dc:license": {"@id": meta["licence_url"]},
        "dc:publisher": meta["publisher"],
        "dcterms:bibliographicCitation": manifest.get("citation") or citation(meta, manifest.get("release")),
        "schema:version": str(meta["version"]),
        "dc:identifier": manifest.get("release"),
        "dcterms:temporal": manifest.get("release_date"),
        "tableSchema": {"columns": [{"name": c, "titles": c} for c in columns]},
    }


def release_cff(manifest: dict) -> str:
    """CITATION.cff for one release: the repository's file plus the release's version and date."""
    import yaml

    meta = manifest.get("dataset") or Metadata().model_dump()
    doc = {
        "cff-version": "1.2.0",
        "message": "If you use this data set, cite this release and keep the source cited with each fact.",
        "type": "dataset",
        "title": meta["title"],
        "abstract": meta["description"],
        "authors": [{"name": meta["publisher"]}],
        "version": f"{meta['version']} ({manifest.get('release') or '?'})",
        "license": meta["licence"],
        "url": meta["homepage"],
        "keywords": list(meta.get("keywords", [])),
    }
    if manifest.get("release_date"):
        doc["date-released"] = manifest["release_date"]
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True)
