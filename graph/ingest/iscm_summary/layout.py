"""The document's layout: its header, the ISCM's name line, numbered sections, paragraphs rebuilt across
page breaks, and sentences with their first line."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from graph.ingest.iscm_summary.vocabulary import (
    ABBREVIATIONS,
    FOOTNOTE_LINE,
    HEADING,
    LEVEL_LABEL,
    NAME_LINE,
    PAGE_NUMBER_LINE,
    SECTION_KINDS,
    SUPERSCRIPTS,
)


@dataclass
class Para:
    """A paragraph rebuilt from its lines (a page break may split one across lines)."""

    text: str = ""
    starts: list[tuple[int, int]] = field(default_factory=list)  # (offset in text, 1-based line)

    def add(self, line_no: int, text: str) -> None:
        if self.text:
            self.text += " "
        self.starts.append((len(self.text), line_no))
        self.text += text

    def line_at(self, offset: int) -> int:
        line = self.starts[0][1]
        for start, no in self.starts:
            if start <= offset:
                line = no
        return line

    @property
    def line(self) -> int:
        return self.starts[0][1]

    @property
    def clean(self) -> str:
        return clean(self.text)


@dataclass
class Sentence:
    raw: str  # as written, bold markers kept (they name partnership categories)
    line: int

    @property
    def text(self) -> str:
        return clean(self.raw)


@dataclass
class Section:
    title: str
    kind: str
    line: int
    paras: list[Para] = field(default_factory=list)

    def sentences(self) -> Iterator[Sentence]:
        for para in self.paras:
            yield from sentences_of(para)


def clean(text: str) -> str:
    """Drop bold markers and footnote marks, keeping the words."""
    text = text.translate({ord(c): None for c in SUPERSCRIPTS})
    return " ".join(text.replace("*", " ").split())


def sentences_of(para: Para) -> Iterator[Sentence]:
    text, start = para.text, 0
    for m in re.finditer(r"[.!?](?=\s+\**[\"“(‘]?\**[A-Z0-9])", text):
        before = re.search(r"([\w.]+)$", text[start:m.start()])
        word = before.group(1).lower() if before else ""
        if word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue  # "e.g. Canada", an initial
        yield from _sentence(para, start, m.end())
        start = m.end()
    yield from _sentence(para, start, len(text))


def _sentence(para: Para, start: int, end: int) -> Iterator[Sentence]:
    chunk = para.text[start:end]
    if clean(chunk):
        yield Sentence(chunk.strip(), para.line_at(start + len(chunk) - len(chunk.lstrip())))


def _section_kind(title: str) -> str:
    low = title.lower()
    for kind, cue in SECTION_KINDS:
        if re.search(cue, low):
            return kind
    return "other"


@dataclass
class Layout:
    iscm_name: str | None
    name_line: int
    header: list[str]
    sections: list[Section]


def layout_of(lines: list[str]) -> Layout:
    name, name_line, header = None, 0, []
    sections: list[Section] = []
    current: Section | None = None
    para: Para | None = None
    for no, raw in enumerate(lines, start=1):
        if name is None:
            m = NAME_LINE.match(raw)
            if m:
                name, name_line = clean(m.group("name")).strip(" .:"), no
            elif raw.strip():
                header.append(raw.strip())
            continue
        if not raw.strip() or FOOTNOTE_LINE.match(raw) or PAGE_NUMBER_LINE.match(raw):
            continue
        heading = HEADING.match(raw)
        if heading and not raw.rstrip().endswith((".", ";", ",")):
            current = Section(clean(heading.group("title")), _section_kind(heading.group("title")), no)
            sections.append(current)
            para = None
            continue
        if current is None:
            current = Section("", "other", no)
            sections.append(current)
        text = clean(raw)
        # a paragraph cut by a page break (and maybe a footnote) has no closing punctuation
        if para is not None and not re.search(r"[.!?:]['\")]?$", para.clean) and not LEVEL_LABEL.match(text):
            para.add(no, raw.strip())
            continue
        para = Para()
        para.add(no, raw.strip())
        current.paras.append(para)
    return Layout(name, name_line, header, sections)


# ---------------------------------------------------------------- the header


def survey_date(header: list[str]) -> dt.date | None:
    """The survey year named in the introduction (the summaries carry no other date)."""
    years = [int(y) for line in header for y in re.findall(r"\b((?:19|20)\d\d)\b", line)]
    return dt.date(max(years), 1, 1) if years else None


def title_of(header: list[str], iscm_name: str | None) -> str:
    base = next((h for h in header if re.search(r"assessment of inter-?\s*state", h, re.I)),
                "Assessment of Inter-State Consultation Mechanisms on Migration")
    return f"{base}: Summary of Findings per ISCM – {iscm_name or 'unnamed ISCM'}"


def name_candidates(name: str) -> list[str]:
    """"Full Name (ABBR)" → the whole, the name without the brackets, the abbreviation."""
    out = [name]
    m = re.match(r"^(?P<full>.+?)\s*\((?P<abbr>[^()]+)\)\s*$", name)
    if m:
        out += [m.group("full"), m.group("abbr")]
    return out
