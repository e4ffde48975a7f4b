"""Every SPARQL query is named in graph/queries.py, parses, and runs on the tiny data set; the API
writes none of its own."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from graph import queries
from graph.namespace import SPARQL_PREFIXES
from graph.store import GraphResult, SelectResult

API = Path(__file__).resolve().parent.parent / "api"
# a value for each parameter, naming something the tiny data set holds
SAMPLE = {"iri": "https://w3id.org/iscm/id/iscm/alpha-process", "lang": "en",
          "values": "(iscm:ISCM) (iscm:State)", "prefix": "https://w3id.org/iscm/graph/"}
# queries that find nothing in the tiny data set (no meetings, actions, deployments, networks, successions …)
MAY_BE_EMPTY = re.compile(r"^(events\.|partners\.|partnership\.edges-(association|succession|expert|beneficiary"
                          r"|requesting|programme|deployment|event)|partnership\.expert-flows|profile\.(actions|networks|state-"
                          r"|iscm-alt-names|iscm-related|identifiers|iscm-themes)|details\.entity-period|membership\.(complete_list|via|end|.*precision|"
                          r"as_of_inferred)|views\.(lifetimes|status-claims)|release\.remote-|stats\.)")


@pytest.mark.parametrize("name", sorted(queries.QUERIES))
def test_every_named_query_runs_on_the_tiny_data(tiny, name: str):
    params = {p: SAMPLE[p] for p in queries.parameters(name)}
    result = tiny.query(queries.text(name, **params))  # a syntax error raises here
    rows = result.rows if isinstance(result, SelectResult) else (
        result.triples if isinstance(result, GraphResult) else [result] if result else [])
    assert rows or MAY_BE_EMPTY.match(name), f"{name} found nothing in the tiny data set"


@pytest.mark.parametrize("title", sorted(queries.EXAMPLES))
def test_the_page_examples_parse(tiny, title: str):
    tiny.query(SPARQL_PREFIXES + queries.EXAMPLES[title])


def test_a_missing_parameter_is_named():
    with pytest.raises(KeyError, match="iri"):
        queries.text("details.entity-exists")


def test_the_api_writes_no_sparql():
    """A query in api/ would escape the test above: every one lives in graph/queries.py."""
    pattern = re.compile(r"\b(SELECT\s+(DISTINCT\s+)?[?*(]|CONSTRUCT\s*\{|ASK\s*\{|DESCRIBE\s+([?<]|\w*:))")
    found = [f"{path.relative_to(API.parent)}:{n}" for path in API.rglob("*.py")
             for n, line in enumerate(path.read_text().splitlines(), 1) if pattern.search(line)]
    assert not found, found
