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
