"""Licence, citation and the DCAT + VoID description: in the release, over HTTP, and in CITATION.cff."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import DATA, REPO
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF

from graph.build import current_release

VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")  # rdflib's closed DCAT namespace lacks DCAT 3's dcat:version


def test_citation_file_matches_the_data_set_metadata():
    cff = yaml.safe_load((REPO / "CITATION.cff").read_text())
    meta = yaml.safe_load((DATA / "dataset.yaml").read_text())
    assert cff["cff-version"] == "1.2.0" and cff["type"] == "dataset"
    assert cff["title"] == meta["title"] and cff["version"] == meta["version"] and cff["license"] == meta["licence"]
    assert "CC BY 4.0" in (REPO / "README.md").read_text()


def test_the_manifest_says_how_to_cite_and_what_it_covers(built: Path):
    manifest = json.loads((current_release(built) / "manifest.json").read_text())
    assert manifest["release"] in manifest["citation"] and "CC-BY-4.0" in manifest["citation"]
    assert manifest["dataset"]["temporal"]["start"] < manifest["dataset"]["temporal"]["end"]
    assert sum(manifest["graph_triples"].values()) == manifest["quads"]
    assert manifest["citation"] in (current_release(built) / "CHANGELOG.md").read_text()


@pytest.fixture(scope="module")
def client(app_client):
    """In-process: these answers do not depend on HTTP or on the store backend."""
    return app_client


def test_void_describes_the_release(client, built: Path):
    manifest = json.loads((current_release(built) / "manifest.json").read_text())
    r = client.get("/.well-known/void")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    ds = next(g.subjects(RDF.type, DCAT.Dataset))
    assert (ds, RDF.type, VOID.Dataset) in g
    assert g.value(ds, DCAT.version) == Literal(manifest["dataset"]["version"])
    assert g.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert int(g.value(ds, VOID.triples)) == manifest["triples"]
    assert g.value(ds, DCTERMS.temporal) is not None and g.value(ds, DCTERMS.publisher) is not None
    dumps = {str(d) for d in g.objects(ds, VOID.dataDump)}
    assert {f"{client.base_url}/dumps/iscm.ttl", f"{client.base_url}/dumps/iscm.nq"} <= dumps
    for dump in dumps:  # every distribution named can be downloaded
        assert client.head(dump).status_code == 200, dump
    subsets = {str(g.value(s, DCTERMS.identifier)): int(g.value(s, VOID.triples)) for s in g.objects(ds, VOID.subset)}
    assert subsets["https://w3id.org/iscm/graph/curated"] == manifest["graph_triples"][
        "https://w3id.org/iscm/graph/curated"]
    as_jsonld = client.get("/.well-known/void", headers={"Accept": "application/ld+json"})
    assert as_jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=as_jsonld.text, format="json-ld")) == len(g)


def test_about_health_and_dumps_say_how_to_cite(client):
    about = client.get("/api/about").json()
    assert about["licence"] == "CC-BY-4.0" and about["release"] in about["cite"]
    assert client.get("/health").json()["cite"] == about["cite"]
    page = client.get("/dumps").text
    assert "How to cite" in page and "/.well-known/void" in page and "CHANGELOG.md" in page


def test_rdf_dumps_open_with_how_to_cite_and_still_parse(built: Path):
    import pyoxigraph as ox

    release = current_release(built)
    manifest = json.loads((release / "manifest.json").read_text())
    for name in ("iscm.ttl", "iscm.nt", "iscm.nq"):
        with (release / name).open("rb") as f:
            head = [f.readline().decode() for _ in range(3)]
        assert all(line.startswith("# ") for line in head), name
        assert manifest["release"] in head[0] and "How to cite" in head[1] and "CC-BY-4.0" in head[2], name
    # the comment is not data: the N-Triples dump still holds exactly the release's triples
    assert sum(1 for _ in ox.parse(path=str(release / "iscm.nt"), format=ox.RdfFormat.N_TRIPLES)) == manifest["triples"]


@pytest.mark.parametrize("name", ["memberships.csv", "tenures.csv", "panel-state-iscm-year.csv",
                                  "panel-dyad-year.csv"])
def test_every_csv_download_is_described_by_csvw_metadata_with_citation_and_licence(client, name):
    import csv
    import io

    r = client.get(f"/dumps/{name}")
    assert r.status_code == 200
    link = r.headers["Link"]
    assert f"</dumps/{name}-metadata.json>" in link and 'rel="describedby"' in link
    meta = client.get(f"/dumps/{name}-metadata.json")
    assert meta.headers["content-type"].startswith("application/csvw+json")
    doc = meta.json()
    header = next(csv.reader(io.StringIO(r.text)))
    assert [c["name"] for c in doc["tableSchema"]["columns"]] == header
    assert doc["url"] == name and doc["dc:license"]["@id"].startswith("https://creativecommons.org/licenses/by/4.0")
    about = client.get("/api/about").json()
    assert doc["dcterms:bibliographicCitation"] == about["cite"] and doc["dc:identifier"] == about["release"]
    assert client.get("/dumps/iscm.ttl-metadata.json").status_code == 404  # only tables have CSVW metadata


def test_parquet_panels_carry_the_citation_for_pandas(client):
    import io

    import pandas as pd

    df = pd.read_parquet(io.BytesIO(client.get("/dumps/panel-state-iscm-year.parquet").content))
    about = client.get("/api/about").json()
    assert df.attrs["release"] == about["release"] and about["cite"] in df.attrs["how_to_cite"]
    assert len(df) > 1000


def test_tables_bundle_for_a_report_annex(client):
    import io
    import zipfile

    r = client.get("/dumps/tables.zip")
    about = client.get("/api/about").json()
    assert r.status_code == 200 and about["release"] in r.headers["Content-Disposition"]
    z = zipfile.ZipFile(io.BytesIO(r.content))
    names = set(z.namelist())
    assert {"README.txt", "CITATION.cff", "tenures.csv", "tenures.csv-metadata.json",
            "panel-dyad-year.csv"} <= names
    readme = z.read("README.txt").decode()
    assert about["cite"] in readme and "CC-BY-4.0" in readme and "tenures.csv" in readme
    cff = yaml.safe_load(z.read("CITATION.cff"))
    assert about["release"] in cff["version"] and cff["license"] == "CC-BY-4.0" and "date-released" in cff
    assert z.read("tenures.csv") == client.get("/dumps/tenures.csv").content
    assert yaml.safe_load(client.get("/dumps/CITATION.cff").text) == cff


def test_counts_are_the_same_on_the_page_in_stats_and_on_the_command_line(client, built: Path):
    from conftest import run_iscm

    stats = client.get("/stats").json()
    assert stats["headline"]["states_now"]["value"] + stats["headline"]["territories_now"]["value"] \
        == stats["states_in_any_iscm"]
    assert stats["headline_text"] in client.get("/").text
    cli = json.loads(run_iscm("stats", "--format", "json", "--build", str(built), check=True).stdout)
    assert cli["headline"] == stats["headline"]


def test_the_readme_counts_are_the_built_data_s(built: Path):
    """README's Counts table, recomputed from the real data as of the date the table gives."""
    import datetime as dt
    import re

    import graph
    from graph.stats import graph_stats, headline, headline_markdown, sources_markdown

    readme = (REPO / "README.md").read_text()
    block = readme.split("<!-- counts:start -->\n")[1].split("<!-- counts:end -->")[0]
    as_of = dt.date.fromisoformat(re.match(r"As of (\d{4}-\d{2}-\d{2}):", block).group(1))
    g = graph.load(built)
    stats = graph_stats(g)
    ids = [row["id"] for row in stats["iscms"]]
    table = headline_markdown(headline(g.tenures, ids, claims=len(g.memberships), as_of=as_of), as_of=as_of)
    assert block == table + sources_markdown(stats["provenance"]), \
        "README counts are stale: regenerate them with `iscm stats --format markdown`"
