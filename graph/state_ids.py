"""Wikidata QIDs of States and territories: ``data/state-identifiers.yaml``, checked and emitted.

States have no record of their own in ``data/`` (names, codes and regions come from
country_converter, see :mod:`graph.countries`), so the ids other registries give them live in one
table keyed by ISO 3166-1 alpha-3 code, with the one source the whole table was taken from. Each
QID is compiled as ``skos:exactMatch`` on the State's node, exactly like the ``identifiers`` of an
ISCM or organisation record, so profiles and ``/dumps/entities.csv`` show it without further code.

A code the country tables do not know, a malformed QID or two codes sharing one QID stop the build
with file and line. The format is described in ``data/README.md``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict
from pydantic import ValidationError as PydanticValidationError
from rdflib import RDF, SKOS, Graph

from graph import countries
from graph.catalog import Errors, display_path
from graph.datafiles import load_yaml
from graph.errors import DataError
from graph.namespace import ISCM, WIKIDATA, entity
from graph.schema import QID, SourceRecord, YearOrDate

STATE_IDS_FILE = "state-identifiers.yaml"


class StateIdentifiers(BaseModel):
    """The file: its source, the date the table holds for, and alpha-3 code → QID."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: SourceRecord
    as_of: YearOrDate
    wikidata: dict[str, QID]


def load_state_ids(data_dir: Path, errors: Errors) -> dict[str, str]:
    """Read and check the table; an absent file means no State QIDs. Problems go to ``errors``."""
    path = data_dir / STATE_IDS_FILE
    if not path.exists():
        return {}
    shown = display_path(path, data_dir)
    try:
        doc = load_yaml(path, display=shown)
        table = StateIdentifiers.model_validate(doc)
    except DataError as exc:
        errors.items.append(exc)
        return {}
    except PydanticValidationError as exc:
        errors.from_pydantic(exc, path=shown, doc=doc)
        return {}
    seen: dict[str, str] = {}
    for code, qid in table.wikidata.items():
        loc = ("wikidata", code)
        if not countries.is_country_code(code):
            errors.add(f"unknown country code {code!r} (ISO 3166-1 alpha-3 expected)", path=shown, doc=doc, loc=loc)
        elif qid in seen:  # one Wikidata item is one entity: two codes on it is a copying slip
            errors.add(f"{qid} is already given to {seen[qid]}", path=shown, doc=doc, loc=loc)
        seen.setdefault(qid, code)
    return dict(table.wikidata)


def emit_state_ids(graph: Graph, qids: dict[str, str]) -> int:
    """Add ``skos:exactMatch`` to every State or territory node already in ``graph``; return how many."""
    added = 0
    for code, qid in sorted(qids.items()):
        node = entity("state", code)
        if (node, RDF.type, ISCM.State) in graph:  # only States the data names get a node at all
            graph.add((node, SKOS.exactMatch, WIKIDATA[qid]))
            added += 1
    return added
