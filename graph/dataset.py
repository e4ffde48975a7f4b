"""The data set as a whole: its metadata (``data/dataset.yaml``), how to cite it, and its DCAT + VoID
description."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from graph.datafiles import format_loc, line_of, load_yaml
from graph.errors import DataError, DataErrors

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
