"""The store interface on every backend: SELECT tables, and bad queries named as such."""

from __future__ import annotations

import pandas as pd
import pytest

from graph.errors import QueryError
from graph.namespace import SPARQL_PREFIXES


def test_select_table_gives_strings_and_na_for_unbound(kg_any):
    table = kg_any.store.select_table(SPARQL_PREFIXES + """
        SELECT ?id ?acronym WHERE { ?i a iscm:ISCM ; dcterms:identifier ?id .
                                    OPTIONAL { ?i iscm:acronym ?acronym } } ORDER BY ?id""")
    assert list(table.columns) == ["id", "acronym"]
    rows = dict(zip(table["id"], table["acronym"], strict=True))
    assert rows["apc"] == "APC"  # data/iscms/apc.yaml: acronym APC
    assert pd.isna(rows["manila-process"])  # data/iscms/manila-process.yaml has no acronym
    # the same rows as the term-level query
    result = kg_any.store.query(SPARQL_PREFIXES
                            + "SELECT ?id WHERE { ?i a iscm:ISCM ; dcterms:identifier ?id } ORDER BY ?id")
    assert list(table["id"]) == [str(r[0]) for r in result.rows]


@pytest.mark.parametrize("bad", ["SELEKT ?s WHERE { ?s ?p ?o }", "ASK { ?s ?p ?o }"])
def test_select_table_refuses_what_is_not_a_select(kg_any, bad):
    with pytest.raises(QueryError):
        kg_any.store.select_table(bad)


def test_select_table_keeps_iris_with_commas_and_literals_with_tabs_whole():
    """Oxigraph's CSV writer leaves an IRI with a comma unquoted (a Refworld URL split its row in
    two): tables are read from TSV, with every term decoded."""
    import pyoxigraph as ox

    from graph.store import OxigraphStore

    raw = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    raw.add(ox.Quad(ox.NamedNode("https://www.refworld.org/docid/4a,b,c.html"), p,
                    ox.Literal('a,"b"\tc\nd\\e')))
    raw.add(ox.Quad(ox.NamedNode("http://example.org/n"), p,
                    ox.Literal("5", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))))
    raw.add(ox.Quad(ox.NamedNode("http://example.org/l"), p, ox.Literal("Maroc", language="fr")))
    table = OxigraphStore.wrap(raw).select_table("SELECT ?s ?o ?unbound WHERE { ?s ?p ?o } ORDER BY ?s")
    assert table["s"].tolist() == ["http://example.org/l", "http://example.org/n",
                                   "https://www.refworld.org/docid/4a,b,c.html"]
    assert table["o"].tolist() == ["Maroc", "5", 'a,"b"\tc\nd\\e']
    assert table["unbound"].isna().all()
