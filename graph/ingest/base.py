"""What every ingester shares: the extraction record, entity linking, the review report.

An ingester reads one document's text and returns an :class:`Extraction`: the document's
description, the candidate facts it found (each with the line it came from and the text that says
it), and every mention it could not resolve to an entity. Nothing is guessed: a country name that
country_converter cannot resolve, or an organisation that no alias in ``data/aliases.yaml`` (or
the organisations', unions' and ISCMs' own names and acronyms) names, goes to ``unresolved`` and
from there to the review report.

Fact records are plain dicts so they can be written to YAML (``data/documents/<id>.yaml``) and
compiled by :mod:`graph.documents`; their shapes are documented in ``data/README.md``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from graph import countries
from graph.datafiles import load_yaml

EXTRACTOR_VERSION = "0.1.0"


@dataclass
class Mention:
    """A piece of text that names (or seems to name) an entity."""

    text: str
    line: int
    kind: str  # country | organisation | iscm | actor
    resolved: str | None
    context: str = ""
    reason: str = ""  # why it could not be resolved


@dataclass
class Extraction:
    """The result of reading one document."""

    document: dict[str, Any]
    facts: list[dict[str, Any]] = field(default_factory=list)
    unresolved: list[Mention] = field(default_factory=list)
    resolved: list[Mention] = field(default_factory=list)

    def add(self, fact_type: str, *, line: int, text: str, **data: Any) -> dict[str, Any]:
        fact = {"type": fact_type, **{k: v for k, v in data.items() if v is not None}, "line": line,
                "text": _clip(text)}
        self.facts.append(fact)
        return fact

    def of_type(self, fact_type: str) -> list[dict[str, Any]]:
        return [f for f in self.facts if f["type"] == fact_type]


def _clip(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def document_info(text: str, *, path: Path | None, kind: str, title: str, as_of: dt.date | None,
                  doc_id: str | None = None, url: str | None = None) -> dict[str, Any]:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return {
        "id": doc_id or slugify(path.stem if path else title),
        "title": title,
        "kind": kind,
        "file": path.name if path else None,
        "url": url,
        "sha256": digest,
        "as_of": as_of,
        "extractor": f"iscm-graph {kind} ingester {EXTRACTOR_VERSION}",
        "ingested": dt.date.today(),
    }


def slugify(text: str) -> str:
    """``"Cabo Verde II"`` → ``"cabo-verde-ii"``."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", norm.lower()).strip("-")[:80] or "doc"


def normalise_name(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key for alias matching."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    norm = re.sub(r"^(the)\s+", "", norm.strip())
    return re.sub(r"[^a-z0-9]+", " ", norm).strip()


def lines_of(text: str) -> list[str]:
    """The document's lines; line numbers in facts are 1-based indexes into this list."""
    return text.splitlines()


class Linker:
    """Resolve names in documents to entity ids: States by country_converter, the rest by alias.

    The alias table is built from ``data/aliases.yaml`` (explicit aliases) plus every name,
    acronym and alternative name of the organisations, unions, IGOs and ISCMs in ``data/``.
    """

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir

    @cached_property
    def aliases(self) -> dict[str, str]:
        table: dict[str, str] = {}

        def put(name: str | None, entity_id: str) -> None:
            if name:
                table.setdefault(normalise_name(name), entity_id)

        explicit = self.data_dir / "aliases.yaml"
        if explicit.exists():
            doc = load_yaml(explicit) or {}
            for entity_id, names in doc.items():
                for name in names or []:
                    table[normalise_name(str(name))] = str(entity_id)
        orgs = self.data_dir / "organisations.yaml"
        if orgs.exists():
            for rec in load_yaml(orgs) or []:
                put(rec.get("name"), rec["id"])
                put(rec.get("acronym"), rec["id"])
                for a in rec.get("aliases") or []:
                    put(a, rec["id"])
        for folder in ("unions", "igos", "iscms"):
            for path in sorted((self.data_dir / folder).glob("*.yaml")):
                rec = load_yaml(path) or {}
                put(rec.get("name"), rec["id"])
                put(rec.get("acronym"), rec["id"])
                for a in rec.get("alt_names") or []:
                    put(a.get("text") if isinstance(a, dict) else a, rec["id"])
        return table

    @cached_property
    def iscm_ids(self) -> set[str]:
        return {p.stem for p in (self.data_dir / "iscms").glob("*.yaml")}

    def country(self, name: str) -> str | None:
        return countries.resolve_country_name(name)

    def organisation(self, name: str) -> str | None:
        return self.aliases.get(normalise_name(name))

    def actor(self, name: str) -> str | None:
        """A State (ISO alpha-3) or an organisation/ISCM id, or None."""
        key = normalise_name(name)
        if key in self.aliases:  # "COMESA" is an organisation even though a regex might say otherwise
            return self.aliases[key]
        return self.country(name)

    def link(self, extraction: Extraction, name: str, *, line: int, kind: str = "actor",
             context: str = "") -> str | None:
        """Resolve ``name`` and record the mention (resolved or not) on ``extraction``."""
        cleaned = " ".join(name.strip().strip(".,;:").split())
        if not cleaned:
            return None
        if kind == "country":
            resolved = self.country(cleaned)
        elif kind in ("organisation", "iscm"):
            resolved = self.organisation(cleaned)
        else:
            resolved = self.actor(cleaned)
        mention = Mention(text=cleaned, line=line, kind=kind, resolved=resolved, context=_clip(context))
        if resolved is None:
            mention.reason = ("no country matches this name" if kind == "country" else
                              "no entry in data/aliases.yaml nor any organisation, union or ISCM name matches")
            extraction.unresolved.append(mention)
        else:
            extraction.resolved.append(mention)
        return resolved


def review_report(extraction: Extraction) -> str:
    """A Markdown report of what was extracted and every mention that needs a person's decision."""
    doc = extraction.document
    out = [f"# Review: {doc['title']}", "",
           f"- document: `{doc.get('file') or doc['id']}` (sha256 `{doc['sha256'][:16]}…`)",
           f"- kind: {doc['kind']}; extractor: {doc['extractor']}",
           f"- facts extracted: {len(extraction.facts)}", ""]
    counts: dict[str, int] = {}
    for f in extraction.facts:
        counts[f["type"]] = counts.get(f["type"], 0) + 1
    if counts:
        out += ["| fact type | count |", "| --- | --- |"]
        out += [f"| {k} | {v} |" for k, v in sorted(counts.items())]
        out.append("")
    out += [f"## Unresolved mentions ({len(extraction.unresolved)})", ""]
    if not extraction.unresolved:
        out.append("None: every mention was resolved to an entity.")
    else:
        out += ["Each needs a decision: add an alias to `data/aliases.yaml`, add the entity to `data/`, "
                "or leave it out; the facts that need it were not emitted.", "",
                "| line | text | kind | why | context |", "| --- | --- | --- | --- | --- |"]
        for m in extraction.unresolved:
            ctx = m.context.replace("|", "/")
            out.append(f"| {m.line} | {m.text.replace('|', '/')} | {m.kind} | {m.reason} | {ctx} |")
    out.append("")
    return "\n".join(out)
