"""Document ingestion: turn documents into candidate facts with provenance (see docs/ingestion.md).

Each kind of document has an ingester module exposing ``KIND`` (its name), ``detect(text) -> float``
(0-1: how sure it is the text is of its kind) and ``extract(text, *, path, linker) -> Extraction``.
"""

from __future__ import annotations

import difflib
import hashlib
import json
from dataclasses import dataclass
from importlib import import_module
from pathlib import Path
from typing import Any

import yaml

from graph.atomic import write_atomic
from graph.errors import ISCMError
from graph.ingest.base import Extraction, Linker, review_report

INGESTERS = {
    "iscm-summary": "graph.ingest.iscm_summary",
    "mieux": "graph.ingest.mieux",
    "meeting": "graph.ingest.meeting",
    "eu-summary": "graph.ingest.eu_summary",
}
DETECT_THRESHOLD = 0.5


class IngestError(ISCMError, ValueError):
    """The document cannot be ingested as asked (unknown kind, kind not detected, unsafe merge)."""


def ingester(kind: str) -> Any:
    if kind not in INGESTERS:
        raise IngestError(f"unknown document kind {kind!r}; expected one of {', '.join(INGESTERS)}")
    return import_module(INGESTERS[kind])


def detect_kind(text: str) -> str:
    """The kind whose ingester is most confident, or :class:`IngestError` when none is."""
    scores = {kind: ingester(kind).detect(text) for kind in INGESTERS}
    best = max(scores, key=scores.get)
    if scores[best] < DETECT_THRESHOLD:
        shown = ", ".join(f"{k} {v:.2f}" for k, v in sorted(scores.items()))
        raise IngestError(f"cannot tell what kind of document this is (scores: {shown}); pass --kind")
    return best


def read_document(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise IngestError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise IngestError(f"{path}: not UTF-8 text (byte {exc.start}); convert it to UTF-8 first") from None


def ingest(path: Path, *, data_dir: Path, kind: str = "auto") -> Extraction:
    """Read ``path`` and extract its facts, linking names against ``data_dir``."""
    text = read_document(path)
    if not text.strip():
        raise IngestError(f"{path}: the document is empty")
    chosen = detect_kind(text) if kind == "auto" else kind
    return ingester(chosen).extract(text, path=path, linker=Linker(data_dir))


def _plain(value: Any) -> Any:
    """Make extraction values YAML-friendly (dates stay dates, tuples become lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def facts_digest(facts: list[dict[str, Any]]) -> str:
    return hashlib.sha256(json.dumps(_plain(facts), sort_keys=True, default=str).encode()).hexdigest()


def render_document(extraction: Extraction) -> str:
    doc = dict(extraction.document)
    facts = _plain(extraction.facts)
    doc["facts_sha256"] = facts_digest(facts)
    body = {"document": doc, "facts": facts}
    header = (f"# Candidate facts extracted from {doc.get('file') or doc['id']} by {doc['extractor']}.\n"
              "# Review them (see the .review.md beside this file); `iscm ingest --merge` puts them in data/.\n")
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, width=110)


@dataclass
class Written:
    facts_path: Path
    report_path: Path
    diff: str


def write(extraction: Extraction, out_dir: Path) -> Written:
    """Write candidate facts and the review report into ``out_dir`` (atomically)."""
    doc_id = extraction.document["id"]
    facts_path, report_path = out_dir / f"{doc_id}.yaml", out_dir / f"{doc_id}.review.md"
    text = render_document(extraction)
    old = facts_path.read_text(encoding="utf-8") if facts_path.exists() else ""
    diff = "".join(difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                        fromfile=f"{facts_path} (before)", tofile=f"{facts_path} (after)"))
    write_atomic(facts_path, text)
    write_atomic(report_path, review_report(extraction))
    return Written(facts_path, report_path, diff)


def hand_edited(path: Path) -> bool:
    """Whether a merged document file was changed by hand since it was generated."""
    if not path.exists():
        return False
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    recorded = (doc.get("document") or {}).get("facts_sha256")
    return recorded is None or recorded != facts_digest(doc.get("facts") or [])


def merge(extraction: Extraction, data_dir: Path, *, force: bool = False) -> Written:
    """Put reviewed facts into ``data/documents/``; refuse to overwrite hand edits unless ``force``."""
    target = data_dir / "documents" / f"{extraction.document['id']}.yaml"
    if hand_edited(target) and not force:
        raise IngestError(f"{target} was edited by hand since it was generated; its curated facts would be "
                          "overwritten. Review the diff (run without --merge to write candidates elsewhere) "
                          "and merge with --force to replace it.")
    return write(extraction, data_dir / "documents")
