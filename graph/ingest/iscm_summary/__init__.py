"""Ingester for IOM's ISCM assessment "Summary of Findings per ISCM" documents.

Such a document has a short header (IOM, the assessment's title, "Summary of Findings per ISCM",
an introduction with the survey year), one line naming the ISCM
("Name of the Inter-state consultation mechanism (ISCM): ***…***") and then numbered sections
whose headings say what they hold: the evolution of the programme and its thematic focus, the
contribution to migration governance (paragraphs labelled "National:", "Regional:", "Global:"),
the ISCM's structures (bodies, legal personality, governing documents, funding, membership
changes), its partnership models (categories marked in bold, e.g. **IGOs**, each with the
partners named and how often they take part) and the added value of membership (which surveyed
States referred to the ISCM, and what each of them values).

Sections are recognised by keywords in their headings, not by their numbers, and every fact is
read from one sentence (or one labelled paragraph), whose first line and words become the fact's
``line`` and ``text``. Names are found as runs of capitalised words (allowing "of", "and", "the",
commas inside a name that the alias table knows), and every name turned into an id goes through
:class:`~graph.ingest.base.Linker`; what does not resolve is reported, never guessed.

Conventions for the records (see docs/ingestion.md):

* a ``structure`` the document says the ISCM does *not* have (no legal personality, no governing
  document) is still recorded, with a ``description`` starting ``"none: "``;
* a ``survey-reference`` for a State that referred to the ISCM but whose view is not reported has
  ``value: ""``;
* a partnership category stated without any partner named (e.g. "academia is regularly invited")
  gives no ``cooperation`` record, since the record needs a partner.

The package, by concern: ``vocabulary`` (the cues and the words that are not names), ``layout``
(header, sections, paragraphs, sentences), ``names`` (finding and linking names), ``cues`` (readers
of one sentence: clauses, years, intensity, amounts) and ``reader`` (the facts, section by section).
"""

from __future__ import annotations

import re
from pathlib import Path

from graph.ingest.base import Extraction, Linker
from graph.ingest.iscm_summary.reader import Reader
from graph.ingest.iscm_summary.vocabulary import KIND, THEME_VOCABULARY

__all__ = ["KIND", "THEME_VOCABULARY", "detect", "extract"]


def detect(text: str) -> float:
    head = text[:20000]
    score = 0.0
    for cue, weight in ((r"Summary of Findings per ISCM", 0.5),
                        (r"Name of the Inter-?\s*state consultation mechanism", 0.4),
                        (r"Assessment of Inter-?\s*State Consultation Mechanisms", 0.15),
                        (r"Evolution of programm?ing and thematic focus", 0.1),
                        (r"Salient ISCM structures", 0.1),
                        (r"Partnership models by the ISCM", 0.1),
                        (r"Added value of Membership", 0.05)):
        if re.search(cue, head, re.I):
            score += weight
    return min(score, 1.0)


def extract(text: str, *, path: Path | None, linker: Linker) -> Extraction:
    reader = Reader(text, path, linker)
    reader.successions()
    reader.themes()
    reader.contributions()
    reader.structures()
    reader.partnerships()
    reader.survey()
    return reader.x
