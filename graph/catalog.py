"""What a build reads from ``data/``, checked: the catalog of records, the concept vocabulary from
the ontology, and the error list every check adds to (each error with file, line and record).

Shared by the compiler (curated files), the checks across files, and the document and meeting
loaders; it imports none of them, so they can all import it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError
from rdflib import SKOS, Graph, URIRef

from graph.datafiles import format_loc, line_of, load_yaml
from graph.errors import DataError
from graph.namespace import ISCM, KIND, ROLE, STATUS, THEME
from graph.schema import CollaborationFile, OrganisationRecord


def not_an_id(value: Any) -> str:
    kind = "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__
    return (f"expected an id (text), got {kind} — write the id itself (e.g. igc or MAR), "
            "not a list or a nested mapping")


def digest(*parts: object) -> str:
    # an identifier, not a security measure
    return hashlib.sha1("|".join(map(str, parts)).encode(), usedforsecurity=False).hexdigest()[:12]


@dataclass
class Vocabulary:
    """The concept ids that data files may use, read from the ontology (so a typo fails)."""

    roles: frozenset[str]
    themes: frozenset[str]
    kinds: frozenset[str]
    statuses: frozenset[str]

    @classmethod
    def from_ontology(cls, onto: Graph) -> Vocabulary:
        def ids(scheme: URIRef, prefix: str) -> frozenset[str]:
            return frozenset(
                str(c)[len(prefix):] for c in onto.subjects(SKOS.inScheme, scheme)
                if str(c).startswith(prefix)
            )

        return cls(
            roles=ids(ISCM.RoleScheme, str(ROLE)),
            themes=ids(ISCM.ThemeScheme, str(THEME)),
            kinds=ids(ISCM.KindScheme, str(KIND)),
            statuses=ids(ISCM.StatusScheme, str(STATUS)),
        )


@dataclass
class Loaded:
    path: Path
    display: str
    doc: Any
    record: CollaborationFile


@dataclass
class Catalog:
    """Everything read from ``data/``, validated, ready to emit."""

    organisations: dict[str, tuple[OrganisationRecord, str, int | None]] = field(default_factory=dict)
    unions: dict[str, Loaded] = field(default_factory=dict)
    iscms: dict[str, Loaded] = field(default_factory=dict)
    # ids of records that failed their own checks (reported once, there): references to them are not
    # reported again as "unknown", so one bad file does not cascade into errors in others
    broken: set[str] = field(default_factory=set)
    organisations_unreadable: bool = False

    def explained(self, ref: object) -> bool:
        """Whether an unresolved reference is explained by a record that already failed."""
        if not isinstance(ref, str):
            return False
        return ref in self.broken or (self.organisations_unreadable and ref == ref.lower())


class Errors:
    def __init__(self) -> None:
        self.items: list[DataError] = []

    def add(self, message: str, *, path: str, doc: Any = None, loc: tuple = (), record: str | None = None) -> None:
        line = line_of(doc, loc) if doc is not None else None
        self.items.append(DataError(message, path=path, line=line, record=record or format_loc(loc) or None))

    def from_pydantic(self, exc: PydanticValidationError, *, path: str, doc: Any, prefix: tuple = ()) -> None:
        for err in exc.errors():
            loc = prefix + tuple(err["loc"])
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "extra_forbidden":
                msg = f"unknown key {loc[-1]!r} (misspelt? see data/README.md)"
            elif err["type"] == "missing":
                msg = f"missing required key {loc[-1]!r}"
            elif err["type"] == "string_type" and isinstance(err.get("input"), (list, dict)):
                msg = not_an_id(err["input"])
            self.add(msg, path=path, doc=doc, loc=loc)


def display_path(path: Path, data_dir: Path) -> str:
    try:
        return str(Path(data_dir.name) / path.relative_to(data_dir))
    except ValueError:
        return str(path)


def read_folder(data_dir: Path, folder: str, model: type, errors: Errors) -> list[tuple[Path, str, Any, Any]]:
    """Every ``folder/*.yaml`` under ``data_dir`` read and checked against ``model``, as
    (path, the path shown in errors, the raw document, the record); a file that fails adds its
    located errors to ``errors`` and is left out."""
    out = []
    for path in sorted((data_dir / folder).glob("*.yaml")):
        shown = display_path(path, data_dir)
        raw: Any = None
        try:
            raw = load_yaml(path, display=shown)
            rec = model.model_validate(raw)
        except DataError as exc:
            errors.items.append(exc)
            continue
        except PydanticValidationError as exc:
            errors.from_pydantic(exc, path=shown, doc=raw)
            continue
        out.append((path, shown, raw, rec))
    return out
