"""SPARQL SELECT answers as pandas tables of strings, the form every table reader of the package takes
(:meth:`graph.store.Store.select_table`): IRIs bare, literals as their lexical form, ``_:label`` for a
blank node, unbound as NA. One reader per result format a store gives: TSV (Oxigraph), CSV (rdflib)
and JSON (a remote endpoint)."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas loads on first use: the query workers and the CLI's light commands never need it
    import pandas as pd


def csv_table(data: bytes) -> pd.DataFrame:
    """A SPARQL 1.1 CSV result as a DataFrame of strings (IRIs and lexical forms); unbound is NA.

    The CSV form carries no datatypes, so callers convert the columns they know; an empty string
    literal also reads as NA, which no table we build relies on telling apart.
    """
    import pandas as pd

    return pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False, na_values=[""])


_TSV_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", '"': '"', "'": "'", "\\": "\\", "b": "\b", "f": "\f"}


def tsv_table(data: bytes) -> pd.DataFrame:
    """A SPARQL 1.1 TSV result as a DataFrame of strings (IRIs and lexical forms); unbound is NA.

    Oxigraph's CSV writer leaves an IRI with a comma unquoted (a Refworld URL then split a row), so
    Oxigraph tables are read from TSV, where every term is written in full and tabs never occur
    unescaped. Columns are decoded vectorised: ``<iri>`` → iri, ``"lex"^^<dt>`` / ``"lex"@lang`` →
    lex, bare numbers and booleans as they are.
    """
    import pandas as pd

    df = pd.read_csv(io.BytesIO(data), sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False,
                     na_values=[""])
    df.columns = [c.lstrip("?$") for c in df.columns]
    for col in df.columns:
        values = df[col]
        iri = values.str.startswith("<", na=False)
        lit = values.str.startswith('"', na=False)
        if iri.any():
            df.loc[iri, col] = values[iri].str[1:-1]
        if lit.any():
            lex = values[lit].str.extract(r'^"(.*)"(?:\^\^<[^>]*>|@[A-Za-z0-9-]+)?$', expand=False)
            escaped = lex.str.contains("\\", regex=False, na=False)
            if escaped.any():
                lex[escaped] = lex[escaped].str.replace(r"\\(.)", lambda m: _TSV_ESCAPES.get(m.group(1), m.group(1)),
                                                        regex=True)
            df.loc[lit, col] = lex
    return df


_XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_CANONICAL_BOOLEAN = {"1": "true", "0": "false"}


def json_table(body: dict) -> pd.DataFrame:
    """A SPARQL 1.1 JSON result as a DataFrame of strings, the values :func:`tsv_table` gives (IRIs,
    lexical forms, ``_:label`` for a blank node); unbound is NA.

    JSON names each literal's datatype, so an ``xsd:boolean`` is written in its canonical form: Virtuoso
    writes true and false as 1 and 0, and every table reader should see ``"true"``/``"false"`` whatever
    the backend. An empty string literal stays ``""``, as from the embedded Oxigraph store.
    """
    import pandas as pd

    def cell(term: dict | None) -> object:
        if term is None:
            return float("nan")
        value = term["value"]
        if term["type"] == "bnode":
            return "_:" + value
        if term.get("datatype") == _XSD_BOOLEAN:
            return _CANONICAL_BOOLEAN.get(value, value)
        return value

    variables = body["head"]["vars"]
    rows = [[cell(binding.get(v)) for v in variables] for binding in body["results"]["bindings"]]
    return pd.DataFrame(rows, columns=variables, dtype=str)  # the dtype read_csv gives the other stores
