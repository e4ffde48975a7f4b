"""Ingester for MIEUX reports: the annex that describes every action, and the body's support statements.

The annex is a list of action blocks grouped under a status heading ("Completed Actions",
"Ongoing Actions") and region headings ("Africa", "Asia", ...). Each block is a title line
("Cabo Verde II", "Common Market for Eastern and Southern Africa (COMESA) I"), optionally a line
listing the beneficiary countries (for joint actions titled by a region), then tab-separated fields
(``Topic``, ``Requesting Authority``, ``Experts involved``, ``Time frame``, ...).

Decisions worth knowing when reviewing the output:

* ``experts_from`` holds only States whose *administrations* sent experts. Non-state experts become
  ``expert_types`` (academia, private-consultant, ngo, international-organisation); a country
  attached to them ("Academia (Cabo Verde and Portugal)", "Ukraine (private)") is kept apart in
  the optional field ``non_state_experts_from``. An organisation named as an expert provider (e.g.
  an EU agency) gives expert type international-organisation plus a ``named-body`` fact.
* ``requesting_actor`` is the State or organisation the title names; for a joint action (the
  title is a region or a list of States) it is set only when the requesting authority names exactly
  one of the States involved. ``A/B`` titles read as "A's request covering B".
* ``start``/``end`` are ``YYYY-MM``; a bound without a month is left out, an open end ("ongoing") too.
* ``supported`` facts come from sentences of the body (before the annex) that say the programme
  supported, or provided expertise to, named organisations or dialogues.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from graph.countries import all_countries
from graph.ingest.base import Extraction, Linker, document_info, lines_of, normalise_name, slugify

KIND = "mieux"
PROGRAMME = "mieux"  # the programme this kind of report is about (id in data/organisations.yaml)

# ---------------------------------------------------------------- vocabulary of the kind

# Topic wording (incl. the acronyms MIEUX uses: THB, BM, IBM, SoM) -> theme scheme ids.
_THEME_PATTERNS: tuple[tuple[str, str], ...] = (
    (r"\bthb\b|traffick", "trafficking-in-persons"),
    (r"\bi?bm\b|\bborders?\b", "border-management"),
    (r"\basylum\b", "asylum"),
    (r"\brefugees?\b", "refugee-protection"),
    (r"\bsmuggling\b|\bsom\b", "migrant-smuggling"),
    (r"\b(?:irregular|illegal) migration\b", "irregular-migration"),
    (r"\blabou?r migration\b|\bmigrant workers?\b|\brecruitment\b|\bcircular migration\b|\bemployment\b",
     "labour-migration"),
    (r"\blegal migration\b|\bmobility\b|\bcircular migration\b", "legal-migration-and-mobility"),
    (r"\bvisas?\b|\bdocument security\b|\btravel documents?\b|\bidentity\b", "visa-and-identity-management"),
    (r"\bmigration and development\b", "migration-and-development"),
    (r"\bremittances?\b", "remittances"),
    (r"\bdiasporas?\b", "diaspora"),
    (r"\bdata\b|\bstatistics?\b", "migration-data"),
    (r"\bintegration\b", "integration"),
    (r"\bhuman rights\b|\bmigrants'? rights\b|\brights of migrants\b", "migrant-rights"),
    (r"\bclimate\b|\benvironment(?:al)?\b", "climate-and-environment"),
    (r"\breturn\b|\breadmission\b", "return-and-readmission"),
    (r"\breintegration\b", "reintegration"),
    (r"\bhealth\b", "migration-and-health"),
    (r"\bmixed migration\b", "mixed-migration"),
    (r"\blegislation\b|\blaws?\b|\bpolic(?:y|ies)\b|\bstrateg(?:y|ies)\b|\bmigration management\b"
     r"|\bgovernance\b|\bcooperation and dialogue\b", "migration-governance"),
    (r"\bcapacity building\b|\btraining\b", "capacity-building"),
)

_EXPERT_TYPES: tuple[tuple[str, str], ...] = (
    (r"\bacademi(?:a|c|cs)\b|\buniversit(?:y|ies)\b|\bresearch(?:ers?)?\b", "academia"),
    (r"\bconsultan(?:t|ts|cy|cies)\b|\bprivate\b|\bindependent experts?\b", "private-consultant"),
    (r"\bngos?\b|\bnon-governmental\b|\bcivil society\b", "ngo"),
    (r"\binternational organi[sz]ations?\b", "international-organisation"),
)
# Items of "Experts involved" that name no one in particular.
_GENERIC_EXPERTS = re.compile(r"\bEU MS\b|\bmember states\b|\bcountries\b|^\s*tbd\b|\bto be (?:determined|confirmed)\b",
                              re.IGNORECASE)

_STATUS_HEADING = re.compile(r"^(completed|finali[sz]ed|closed|ongoing|on-going|current)\s+actions?$", re.IGNORECASE)
_STATUS = {"completed": "completed", "finalised": "completed", "finalized": "completed", "closed": "completed",
           "ongoing": "ongoing", "on-going": "ongoing", "current": "ongoing"}
_FIELD = re.compile(r"^([A-Z][A-Za-z ()/-]{1,60}?)\s*\t+\s*(.*)$")
_NUMERAL = re.compile(r"\s+([IVX]{1,5})(?=\s|$)")
_ACRONYM = re.compile(r"^(?P<name>.*?)\s*\((?P<acr>[A-Z][A-Za-z&.-]{1,15})\)\s*$")
_INVOLVING = re.compile(r"\b(?:involving|including|covering|with)\s+(?P<label>[^()]*?)\s*\((?P<list>[^)]*)\)",
                        re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:[,;]\s*(?:and\s+)?|\s+and\s+|\s*&\s*)\s*")

# Macro-region headings (besides UN M49 names) used to tell a heading from a two-State title.
_REGION_HEADINGS = {
    "africa", "sub saharan africa", "asia", "central asia", "south asia", "asia and the pacific",
    "asia and pacific", "pacific", "eastern europe", "europe", "eastern europe and central asia",
    "western balkans", "latin america", "latin america and caribbean", "latin america and the caribbean",
    "caribbean", "americas", "north america", "middle east", "middle east and north africa", "north africa",
    "gulf", "global", "inter regional", "interregional",
}

_MONTHS = {m: i for i, names in enumerate(
    [("january", "jan", "janvier"), ("february", "feb", "fevrier", "février"), ("march", "mar", "mars"),
     ("april", "apr", "avril"), ("may", "mai"), ("june", "jun", "juin"), ("july", "jul", "juillet"),
     ("august", "aug", "aout", "août"), ("september", "sep", "sept", "septembre"),
     ("october", "oct", "octobre"), ("november", "nov", "novembre"), ("december", "dec", "decembre", "décembre")],
    start=1) for m in names}
_OPEN_END = re.compile(r"^(?:ongoing|on-going|present|to date|today|now|current|en cours)\b", re.IGNORECASE)

# Verbs by which the body says the programme helped an organisation or dialogue.
_SUPPORT_VERB = (r"(?:support(?:s|ed)?|assist(?:s|ed)?|provid(?:es|ed)\s+(?:its\s+)?(?:expertise|support|"
                 r"assistance|technical assistance)\s+to)")


# ---------------------------------------------------------------- detection


def detect(text: str) -> float:
    """How sure we are that ``text`` is a MIEUX report with an annex of actions."""
    score = 0.0
    if re.search(r"\bMIEUX\b|Migration EU e?Xpertise", text, re.IGNORECASE):
        score += 0.3
    labels = ("Requesting Authority", "Experts involved", "Time frame")
    found = sum(1 for label in labels if re.search(rf"^{label}\t", text, re.MULTILINE | re.IGNORECASE))
    score += 0.15 * found
    if re.search(r"^(?:completed|ongoing) actions\s*$", text, re.MULTILINE | re.IGNORECASE):
        score += 0.25
    return min(score, 1.0)


# ---------------------------------------------------------------- annex structure


@dataclass
class _Block:
    """One action of the annex as laid out in the text."""

    title: str
    title_line: int
    status: str | None
    region: str | None
    subtitle: str | None = None
    subtitle_line: int | None = None
    fields: dict[str, tuple[str, int]] = field(default_factory=dict)

    def value(self, *labels: str) -> tuple[str, int] | None:
        for label in labels:
            if label in self.fields:
                return self.fields[label]
        return None


def _clean_value(value: str) -> str:
    value = re.sub(r"<[^>]+>", " ", value)
    return " ".join(value.split()).strip()


def _annex_start(lines: list[str]) -> int | None:
    """Index of the first status heading after the last "Annex" heading (or of the first one at all)."""
    annex = max((i for i, ln in enumerate(lines) if ln.strip().lower() in ("annex", "annexe", "annexes")),
                default=-1)
    for start in (annex + 1, 0):
        for i in range(max(start, 0), len(lines)):
            if "\t" not in lines[i] and _STATUS_HEADING.match(lines[i].strip()):
                return i
    return None


@cache
def _m49_names() -> frozenset[str]:
    return frozenset(normalise_name(r) for c in all_countries().values() for r in (c.region, c.subregion) if r)


def _region_name(text: str) -> bool:
    key = normalise_name(text)
    return key in _REGION_HEADINGS or key in _m49_names()


def _split_list(text: str) -> list[str]:
    return [p.strip(" .") for p in _LIST_SPLIT.split(text) if p.strip(" .")]


def _country_list(text: str, linker: Linker) -> list[str] | None:
    """The names of a line that lists two or more States, or None."""
    parts = _split_list(text)
    if len(parts) >= 2 and all(linker.country(p) for p in parts):
        return parts
    return None


def _blocks(lines: list[str], linker: Linker) -> list[_Block]:
    start = _annex_start(lines)
    if start is None:
        return []
    blocks: list[_Block] = []
    status: str | None = None
    region: str | None = None
    pending: list[tuple[int, str]] = []  # standalone lines since the last field
    current: _Block | None = None
    last_field: str | None = None  # for continuation lines right under a field
    for i in range(start, len(lines)):
        raw = lines[i]
        text = raw.strip()
        if not text:
            last_field = None
            continue
        m = _FIELD.match(raw.strip("\n")) if "\t" in raw else None
        if m is None:
            heading = _STATUS_HEADING.match(text)
            if heading:
                status, region, pending, current = _STATUS[heading.group(1).lower()], None, [], None
            elif current is not None and last_field is not None and not pending:
                # a wrapped field value: the line right under a field, with no blank line between
                value, ln = current.fields[last_field]
                current.fields[last_field] = (f"{value} {_clean_value(text)}", ln)
            else:
                pending.append((i, text))
            continue
        if pending:  # the first field of a new block: the standalone lines before it are its headings
            names = [t for _, t in pending]
            subtitle = None
            if len(pending) >= 2 and (parts := _country_list(names[-1], linker)) and (
                    re.search(r"[,;]", names[-1]) or not _region_name(names[-2]) or len(parts) > 2):
                subtitle = pending.pop()
            title_line, title = pending.pop()
            if pending:
                region = pending[-1][1]
            current = _Block(title=title, title_line=title_line + 1, status=status, region=region)
            if subtitle:
                current.subtitle, current.subtitle_line = subtitle[1], subtitle[0] + 1
            blocks.append(current)
            pending = []
        if current is None:
            continue
        label = " ".join(m.group(1).lower().split())
        current.fields.setdefault(label, (_clean_value(m.group(2)), i + 1))
        last_field = label
    return blocks


# ---------------------------------------------------------------- values


def _themes(topic: str) -> list[str]:
    low = topic.lower()
    hits: list[tuple[int, str]] = []
    for pattern, theme in _THEME_PATTERNS:
        m = re.search(pattern, low)
        if m:
            hits.append((m.start(), theme))
    out: list[str] = []
    for _, theme in sorted(hits):
        if theme not in out:
            out.append(theme)
    return out


def _month_year(text: str) -> tuple[int | None, int | None]:
    """(month, year) of "September 2009", "Sept. 2009", "09/2009", "2009", "June"."""
    t = text.strip(" .,").lower()
    m = re.fullmatch(r"(\d{1,2})[/.](\d{4})", t)
    if m:
        return int(m.group(1)), int(m.group(2))
    m = re.fullmatch(r"([a-zéû]+)\.?\s*(\d{4})?", t)
    if m and m.group(1) in _MONTHS:
        return _MONTHS[m.group(1)], int(m.group(2)) if m.group(2) else None
    m = re.fullmatch(r"(\d{4})", t)
    if m:
        return None, int(m.group(1))
    return None, None


def _ym(month: int | None, year: int | None) -> str | None:
    return f"{year:04d}-{month:02d}" if month and year else None


def parse_time_frame(text: str) -> tuple[str | None, str | None, bool]:
    """``(start, end, open_end)`` of a time frame such as "June-November 2009", "May 2013-ongoing (on hold)"."""
    t = re.sub(r"\([^)]*\)", " ", text)
    t = " ".join(t.replace("–", "-").replace("—", "-").split()).strip(" .")
    t = re.sub(r"\s+(?:to|until|till)\s+", "-", t, flags=re.IGNORECASE)
    t = re.sub(r"^(?:from|since)\s+", "", t, flags=re.IGNORECASE)
    left, sep, right = (p.strip() for p in t.partition("-"))
    if not sep and re.match(r"(?:since|from)\b", text.strip(), re.IGNORECASE):
        right = "ongoing"
    sm, sy = _month_year(left)
    if _OPEN_END.match(right):
        return _ym(sm, sy), None, True
    if not sep:  # a single month: it started and ended then
        return _ym(sm, sy), _ym(sm, sy), False
    em, ey = _month_year(right)
    if sy is None and ey is not None:  # "June-November 2009": the year is written once
        sy = ey - 1 if sm and em and sm > em else ey
    return _ym(sm, sy), _ym(em, ey), False


def _strip_title(title: str) -> tuple[str, str, str]:
    """``(name, numeral, rest)``: "Moldova I involving X (...)" -> ("Moldova", "I", "involving X (...)")."""
    m = _NUMERAL.search(title)
    if m:
        return title[: m.start()].strip(), m.group(1), title[m.end():].strip()
    inv = _INVOLVING.search(title)
    if inv:
        return title[: inv.start()].strip(), "", title[inv.start():].strip()
    return title.strip(), "", ""


def _short_name(name: str) -> str:
    """"Common Market for Eastern and Southern Africa (COMESA)" -> "COMESA", for action ids."""
    parts = []
    for part in name.split("/"):
        m = _ACRONYM.match(part.strip())
        parts.append(m.group("acr") if m else part.strip())
    return " ".join(parts)


# ---------------------------------------------------------------- linking helpers


def _link_entity(ex: Extraction, linker: Linker, name: str, *, line: int, context: str,
                 record_unresolved: bool = True) -> str | None:
    """Link a State or organisation named in a title."""
    m = _ACRONYM.match(name)
    if m:  # an acronym in brackets marks an organisation; its long name may contain a country's name
        for candidate in (m.group("acr"), m.group("name")):
            if linker.organisation(candidate):
                return linker.link(ex, candidate, line=line, kind="organisation", context=context)
        if record_unresolved:
            linker.link(ex, name, line=line, kind="organisation", context=context)
        return None
    if linker.organisation(name):
        return linker.link(ex, name, line=line, kind="organisation", context=context)
    if linker.country(name):
        return linker.link(ex, name, line=line, kind="country", context=context)
    if record_unresolved:
        linker.link(ex, name, line=line, kind="actor", context=context)
    return None


def _add_unique(items: list[str], value: str | None) -> None:
    if value and value not in items:
        items.append(value)


@dataclass
class _Parties:
    requesting_actor: str | None
    beneficiaries: list[str]


def _parties(ex: Extraction, linker: Linker, block: _Block) -> _Parties:
    ctx = block.title
    line = block.title_line
    name, _, rest = _strip_title(block.title)
    beneficiaries: list[str] = []
    requester: str | None = None
    joint = False
    involved: list[tuple[str, int, str]] = []  # (name, line, context) of States listed besides the title
    inv = _INVOLVING.search(rest) or _INVOLVING.search(name)
    if inv:
        involved += [(p, line, ctx) for p in _split_list(inv.group("list"))]
    if block.subtitle:
        involved += [(p, block.subtitle_line or line, block.subtitle) for p in _split_list(block.subtitle)]
    parts = [p.strip() for p in name.split("/") if p.strip()]
    for index, part in enumerate(parts):
        listed = None if _ACRONYM.match(part) or linker.organisation(part) or linker.country(part) else \
            _country_list(part, linker)
        if listed:  # "Argentina and Brazil": a joint request
            joint = True
            for p in listed:
                _add_unique(beneficiaries, linker.link(ex, p, line=line, kind="country", context=ctx))
            continue
        # a region-like label ("West Africa") with the States listed elsewhere is not an entity
        entity = _link_entity(ex, linker, part, line=line, context=ctx,
                                 record_unresolved=not (block.subtitle and len(parts) == 1))
        if entity is None and block.subtitle and len(parts) == 1:
            joint = True
        _add_unique(beneficiaries, entity)
        if index == 0 and entity and not joint:
            requester = entity
    for p, ln, context in involved:
        _add_unique(beneficiaries, linker.link(ex, p, line=ln, kind="country", context=context))
    authority = block.value("requesting authority")
    if authority and (joint or not beneficiaries):
        # a joint action: which States do its requesting authorities (one per segment) belong to?
        named: list[str] = []
        for seg in re.split(r";|\s+and\s+(?=[A-Z])", authority[0]):
            if linker.country(seg):
                _add_unique(named, linker.link(ex, seg, line=authority[1], kind="country", context=authority[0]))
        if not beneficiaries:
            beneficiaries = list(named)
        named = [c for c in named if c in beneficiaries]
        requester = named[0] if len(named) == 1 else None
    return _Parties(requester, beneficiaries)


@dataclass
class _Experts:
    states: list[str] = field(default_factory=list)
    types: list[str] = field(default_factory=list)
    non_state_from: list[str] = field(default_factory=list)
    organisations: list[str] = field(default_factory=list)


def _split_items(text: str) -> list[str]:
    """Split on commas/semicolons outside brackets."""
    items, depth, buf = [], 0, ""
    for ch in text:
        depth += ch == "("
        depth -= ch == ")"
        if ch in ",;" and depth <= 0:
            items.append(buf)
            buf = ""
        else:
            buf += ch
    items.append(buf)
    return [i.strip(" .") for i in items if i.strip(" .")]


def _expert_types(text: str) -> list[str]:
    return [t for pattern, t in _EXPERT_TYPES if re.search(pattern, text, re.IGNORECASE)]


def _experts(ex: Extraction, linker: Linker, text: str, line: int, context: str) -> _Experts:
    out = _Experts()
    for item in _split_items(text):
        m = re.fullmatch(r"(?P<head>[^()]*?)\s*\((?P<inner>[^)]*)\)", item)
        head, inner = (m.group("head"), m.group("inner")) if m else (item, "")
        head_types = _expert_types(head)
        if head_types:  # "Academia (Cabo Verde and Portugal)": non-state experts from those countries
            for t in head_types:
                _add_unique(out.types, t)
            for p in _split_list(inner):
                if linker.country(p):
                    _add_unique(out.non_state_from, linker.link(ex, p, line=line, kind="country", context=context))
            continue
        if _GENERIC_EXPERTS.search(item):
            continue
        inner_types = _expert_types(inner) if inner else []
        if linker.organisation(head):
            _add_unique(out.organisations, linker.link(ex, head, line=line, kind="organisation", context=context))
            _add_unique(out.types, "international-organisation")
        elif linker.country(head):
            code = linker.link(ex, head, line=line, kind="country", context=context)
            if inner_types:  # "Ukraine (private)": from that country, but not its administration
                for t in inner_types:
                    _add_unique(out.types, t)
                _add_unique(out.non_state_from, code)
            else:
                _add_unique(out.states, code)
        else:
            linker.link(ex, head, line=line, kind="actor", context=context)
            for t in inner_types:
                _add_unique(out.types, t)
    return out


# ---------------------------------------------------------------- the body: what the programme supported


def _supported(ex: Extraction, linker: Linker, lines: list[str], end: int) -> None:
    seen: set[str] = set()

    def emit(name: str, kind: str, line: int, text: str) -> None:
        name = re.sub(r"^(?:the)\s+", "", name.strip(" .;:,"), flags=re.IGNORECASE)
        if not name:
            return
        m = _ACRONYM.match(name)
        candidates = [m.group("acr"), m.group("name")] if m else [name]
        chosen = next((c for c in candidates if linker.organisation(c)), name)
        entity = linker.link(ex, chosen, line=line, kind=kind, context=text)
        if entity and entity not in seen:
            seen.add(entity)
            ex.add("supported", line=line, text=text, programme=PROGRAMME, supported=entity)

    subject = r"\b(?:MIEUX|the programme|the facility|it)\s+(?:has\s+|have\s+)?(?:also\s+)?"
    for i in range(end):
        text = lines[i].strip()
        if not text or "\t" in text:
            continue
        for sentence in re.split(r"(?<=[.!?])\s+(?=[A-Z])", text):
            verb = re.search(subject + _SUPPORT_VERB, sentence, re.IGNORECASE)
            if not verb:
                continue
            after = sentence[verb.end():]
            kind = "iscm" if re.search(r"dialogues?|process(?:es)?|consultations?", after, re.IGNORECASE) else \
                "organisation"
            listed = re.search(r"\b(?:such as|including|namely|notably)\s+(.+?)\.?$", after)
            if listed:  # "... a number of migration dialogues, such as A, B and C."
                for name in _split_list(listed.group(1)):
                    emit(name, kind, i + 1, sentence)
            elif sentence.rstrip().endswith(":") and re.search(
                    r"organi[sz]ations?|\bRECs?\b|communit(?:y|ies)|dialogues?|process(?:es)?", after, re.IGNORECASE):
                # the names follow as bullets: "- The Central American Integration System (SICA) on IBM;"
                j = i + 1
                while j < end and not lines[j].strip():
                    j += 1
                while j < end and re.match(r"^\s*[-•*–]\s+", lines[j]):
                    item = re.sub(r"^\s*[-•*–]\s+", "", lines[j]).strip()
                    m = re.match(r"^(.*?\([A-Z][A-Za-z&.-]{1,15}\))", item)
                    name = m.group(1) if m else re.split(r"\s+on\s+|[,;:]", item)[0]
                    emit(name, kind, j + 1, lines[j].strip())
                    j += 1
            else:  # "MIEUX has supported COMESA in conducting a study"
                m = re.match(r"\s+(?:the\s+)?((?:[A-Z][\w'’&.-]*)(?:\s+(?:of|for|and|the|on|[A-Z][\w'’&.-]*))*"
                             r"(?:\s*\([A-Z][A-Za-z&.-]{1,15}\))?)", after)
                if m:
                    name = re.sub(r"(?:\s+(?:of|for|and|the|on))+$", "", m.group(1))
                    emit(name, kind, i + 1, sentence)


# ---------------------------------------------------------------- the document


def _title(lines: list[str]) -> str:
    """The first paragraph, followed by the second when it reads as a subtitle."""
    paras: list[list[str]] = [[]]
    for ln in lines:
        if ln.strip():
            paras[-1].append(ln.strip())
        elif paras[-1]:
            if len(paras) == 2:
                break
            paras.append([])
    paras = [p for p in paras if p]
    if not paras:
        return "MIEUX report"
    title = " ".join(paras[0])
    if len(paras) > 1:
        sub = " ".join(paras[1])
        if len(paras[1]) <= 3 and len(sub) < 200 and "\t" not in sub and not sub.endswith("."):
            title = f"{title}: {sub.rstrip(':')}"
    return title


def _as_of(text: str, starts: list[str]) -> dt.date | None:
    """The publication date: its copyright year, at the latest month the annex mentions in that year."""
    m = re.search(r"(?:copyright|©)[^\n]*?\b((?:19|20)\d{2})\b", text, re.IGNORECASE)
    if not m:
        m = re.search(r"\b(?:19|20)\d{2}\s*[-–]\s*((?:19|20)\d{2})\b", text)
    if not m:
        return None
    year = int(m.group(1))
    months = [int(s[5:7]) for s in starts if s and s.startswith(f"{year:04d}-")]
    return dt.date(year, max(months, default=1), 1)


def extract(text: str, *, path: Path | None, linker: Linker) -> Extraction:
    lines = lines_of(text)
    blocks = _blocks(lines, linker)
    ex = Extraction(document={})
    annex_from = min((b.title_line for b in blocks), default=len(lines) + 1) - 1
    annex = next((i for i in range(annex_from - 1, -1, -1) if lines[i].strip().lower() in ("annex", "annexe")), None)
    _supported(ex, linker, lines, annex if annex is not None else annex_from)

    ids: set[str] = set()
    dates: list[str] = []
    for block in blocks:
        name, numeral, _ = _strip_title(block.title)
        base = f"{PROGRAMME}-{slugify(f'{_short_name(name)} {numeral}')}"
        action_id, n = base, 2
        while action_id in ids:
            action_id, n = f"{base}-{n}", n + 1
        ids.add(action_id)

        parties = _parties(ex, linker, block)
        topic = block.value("topic")
        authority = block.value("requesting authority")
        experts_field = block.value("experts involved", "experts", "expertise")
        frame = block.value("time frame", "timeframe", "duration", "period")
        experts = _experts(ex, linker, experts_field[0], experts_field[1], experts_field[0]) if experts_field \
            else _Experts()
        start, end, open_end = parse_time_frame(frame[0]) if frame else (None, None, False)
        status = block.status or ("ongoing" if open_end else "completed")
        if status == "ongoing":
            end = None
        _add_unique(dates, start)
        _add_unique(dates, end)
        used = [(block.title_line, block.title)]
        if block.subtitle:
            used.append((block.subtitle_line or block.title_line, block.subtitle))
        # the (often long) requesting authority last, so clipping the evidence keeps experts and dates
        for label, value in (("Topic", topic), ("Experts involved", experts_field), ("Time frame", frame),
                             ("Requesting Authority", authority)):
            if value:
                used.append((value[1], f"{label}: {value[0]}"))
        evidence = " | ".join(t for _, t in used)
        data: dict[str, Any] = {
            "id": action_id, "title": block.title, "programme": PROGRAMME, "status": status,
            "region": block.region, "topic": topic[0].rstrip(".") if topic else None,
            "themes": _themes(topic[0]) if topic else [],
            "requesting_authority": authority[0].rstrip(".") if authority else None,
            "requesting_actor": parties.requesting_actor, "beneficiaries": parties.beneficiaries,
            "experts_from": experts.states, "expert_types": experts.types,
            "non_state_experts_from": experts.non_state_from or None, "start": start, "end": end,
        }
        ex.add("action", line=block.title_line, text=evidence, **data)
        for org in experts.organisations:
            ex.add("named-body", line=experts_field[1], text=experts_field[0], subject=action_id, actor=org,
                   description="provided experts to the action")

    ex.document = document_info(text, path=path, kind=KIND, title=_title(lines), as_of=_as_of(text, dates))
    return ex
