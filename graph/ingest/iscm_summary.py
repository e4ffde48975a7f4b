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
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from graph.countries import all_countries, looks_alpha3
from graph.datafiles import load_yaml
from graph.ingest.base import Extraction, Linker, document_info, lines_of, normalise_name

KIND = "iscm-summary"

# ---------------------------------------------------------------- the assessment's vocabulary

# Thematic terms as the assessment words them → theme scheme ids (ontology/iscm.ttl). A term may
# name several themes ("Admission, Control and Enforcement (return/readmission, smuggling, …)").
THEME_VOCABULARY: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"asylum|country of origin information", ("asylum",)),
    (r"refugee", ("refugee-protection",)),
    (r"border", ("border-management",)),
    (r"traffick", ("trafficking-in-persons",)),
    (r"smuggl", ("migrant-smuggling",)),
    (r"\breturn|readmission", ("return-and-readmission",)),
    (r"reintegration", ("reintegration",)),
    (r"(?<!re)integration|inclusion|citizenship|settlement", ("integration",)),
    (r"labou?r (migration|mobility|migrants?)|migrant workers?|overseas employment|recruitment",
     ("labour-migration",)),
    (r"irregular", ("irregular-migration",)),
    (r"\blegal migration|(?<!ir)regular (migration|pathways)|mobility partnerships?|mobility schemes?|free movement"
     r"|visa (liberali[sz]ation|facilitation)", ("legal-migration-and-mobility",)),
    (r"visa|identity management|travel documents?", ("visa-and-identity-management",)),
    (r"\bdata\b|statistic", ("migration-data",)),
    (r"development", ("migration-and-development",)),
    (r"diaspora", ("diaspora",)),
    (r"remittance", ("remittances",)),
    (r"health", ("migration-and-health",)),
    (r"climate|environment|disaster", ("climate-and-environment",)),
    (r"\brights\b", ("migrant-rights",)),
    (r"mixed (migration|movements?|flows?)", ("mixed-migration",)),
    (r"governance|migration (law|legislation|policy|policies|management)|international engagement",
     ("migration-governance",)),
    (r"capacity[- ]building|training", ("capacity-building",)),
)

# Partnership categories as the assessment names them (in bold, or in plain words).
CATEGORY_VOCABULARY: tuple[tuple[str, str], ...] = (
    (r"\biscms?\b|\brcps?\b|inter-?state consultation mechanisms?|consultative process", "iscm"),
    (r"\bigos?\b|inter-?governmental organi[sz]ations?|international organi[sz]ations?|un agencies", "igo"),
    (r"regional (political and economic )?unions?|regional economic communit|\brecs?\b", "regional-union"),
    (r"civil society|\bngos?\b|\bcsos?\b|non-governmental", "civil-society"),
    (r"private sector|business|employers", "private-sector"),
    (r"academi|universit|research institut|think[- ]tanks?", "academia"),
    (r"diaspora", "diaspora"),
)
# The entity's own type in data/ → the category it normally belongs to.
TYPE_CATEGORY = {"iscm": "iscm", "igo": "igo", "regional-union": "regional-union", "eu-body": "regional-union",
                 "civil-society": "civil-society", "private-sector": "private-sector", "academic": "academia",
                 "government-agency": "other"}

# How often a partner takes part, strongest first.
INTENSITY_VOCABULARY: tuple[tuple[str, str], ...] = (
    ("official", r"\bofficial(ly)?\b|\bformal(ly)? (associated|agreement|partner)|memorand(um|a) of understanding"),
    ("regular", r"\bregular(ly)?\b|\bclosely\b|\bfrequent(ly)?\b|\bworks? in partnership\b|\bsystematic(ally)?\b"
                r"|\bpermanent(ly)?\b|\bcontinuous(ly)?\b|\bconsistently\b"),
    ("occasional", r"\boccasional(ly)?\b|\bsometimes\b|\bad hoc\b|\bfrom time to time\b|\bsporadic(ally)?\b"
                   r"|\bcase[- ]by[- ]case\b|depending on needs?|\bon demand\b"),
)

# Structure components: (component, cue). Checked per list item or sentence.
STRUCTURE_VOCABULARY: tuple[tuple[str, str], ...] = (
    ("troika", r"\btroika\b"),
    ("chair", r"\b(co-?)?chair(s|manship|person|ed)?\b(?!\s+troika)|\bpresidency\b"),
    ("steering-committee", r"\bsteering (committee|group|board)\b"),
    ("secretariat", r"\bsecretaria[tl]\b"),
    ("working-group", r"\bworking groups?\b|\bexpert groups?\b|\btask forces?\b|\bthematic groups?\b"),
    ("legal-personality", r"\blegal personality\b|\blegal entity\b|\blegal status\b"),
    ("governing-document", r"\boperating modalities\b|\bterms of reference\b|\brules of procedure\b|\bwork ?plan\b"
                           r"|\bgoverning documents?\b|\bguidelines\b|\baction plan\b|\bcharter\b|\bstatutes?\b"
                           r"|\bstrategy\b|\bdeclaration\b|\bmemorandum of understanding\b"),
    ("other", r"\bfocal points?\b|\bstructures? (of|include)\b|\bbureau\b"),
)
FUNDING_CUE = re.compile(r"\bfund(s|ed|ing)?\b|\bfinanc(e|es|ed|ing)\b|\bfees?\b|\bbudget\b|\bdonations?\b"
                         r"|\bin-kind\b|\bcosts?\b|\bpays?\b|\bpaid\b|\bcontributions? of\b", re.I)
FORMER_MEMBER_CUE = re.compile(r"\bleft\b|\bwithdr[ae]w|\bwithdrawn\b|\bceased to be\b|\bno longer (a )?members?\b"
                               r"|\bexited\b|\bsuspended\b", re.I)
NEW_MEMBER_CUE = re.compile(r"\bbec(a|o)me\b[^.;]*?\bmembers?\b|\bjoined\b|\bwere admitted\b|\bwas admitted\b"
                            r"|\bacceded\b|\bnew members?\b", re.I)
OBSERVER_CUE = re.compile(r"\bobservers?( status)?\b", re.I)
REFERRED_CUE = re.compile(r"\brefer(red|s|ring)? to\b|\bmentioned\b|\bcited\b", re.I)
NEGATION = re.compile(r"\b(not|no|neither|nor|never|without|lacks?)\b", re.I)

SUCCESSION_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    # "X was launched in 2017 by merging A with B": the successor stands before the cue
    (re.compile(r"\bby (merging|the merger of|a merger of)\b|\bthrough the merger of\b", re.I), "successor-first"),
    # "A and B merged into / merged to form X"
    (re.compile(r"\bmerged (into|to form|to create|forming)\b", re.I), "predecessor-first"),
    (re.compile(r"\b(is|was|became|as) the successor (of|to)\b|\bsucceeded\b(?! by)|\breplaced\b(?! by)"
                r"|\bsuperseded\b(?! by)|\bevolved from\b|\bemerged from\b|\bgrew out of\b|\bformerly( known as)?\b"
                r"|\bbuilds on\b", re.I), "successor-first"),
    (re.compile(r"\b(succeeded|replaced|superseded) by\b|\b(was|were) renamed\b|\bbecame\b|\bevolved into\b"
                r"|\b(is|was) the predecessor (of|to)\b|\btransformed into\b", re.I), "predecessor-first"),
)

SECTION_KINDS: tuple[tuple[str, str], ...] = (
    ("contribution", r"contribution"),
    ("partnership", r"partnership|cooperation|synerg"),
    ("value", r"added value|value of membership|\bvalue\b|survey"),
    ("structure", r"structure|funding|organi[sz]ation|governance"),
    ("evolution", r"evolution|thematic|programm?ing|focus|history|background"),
)
LEVELS = (
    (r"\(?inter\)?-?\s*regional|sub-?regional|regional|continental", "regional"),
    (r"national|bilateral", "national"),
    (r"global|international|multilateral", "global"),
)
LEVEL_LABEL = re.compile(r"^\s*(?P<label>\(inter\)\s*regional|inter-?regional|sub-?regional|regional|national|"
                         r"bilateral|global|international|continental|multilateral)(\s+level)?\s*:\s*", re.I)

# ---------------------------------------------------------------- words that are not names

def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\S+", text))


CONNECTORS = frozenset({"of", "for", "on", "and", "the", "de", "du", "des", "la", "le", "et", "y", "del", "di",
                        "und", "&"})
LEADING = _words(
    "the a an in on at by for from with through since as among regarding while whereas currently also "
    "additionally moreover furthermore however although following during after before under via within "
    "both other others some many most all each its their this these that those it they one two three four "
    "five six seven eight nine ten several recent new former further finally first second third lastly "
    "thus hence therefore besides notably particularly especially instead meanwhile similarly overall "
    "according if when where whose which what relevant potential such any every another our")
GENERIC = _words(
    "iscm iscms rcp rcps igo igos ngo ngos cso csos member members state states country countries chair "
    "chairs chairmanship chairperson troika steering committee secretariat technical working group groups "
    "work plan plans senior officials official observer observers national regional interregional global "
    "international focal point points panel process processes government governments partner partners "
    "ministerial conference conferences meeting meetings summit website survey surveys questionnaire "
    "questionnaires assessment report strategy review deliverable deliverables guidelines declaration "
    "action terms reference rules procedure annual forum dialogue mechanism mechanisms consultation "
    "consultations inter migration asylum refugees border management programme program project projects "
    "agenda framework presidency bureau unit support diaspora academia private sector civil society "
    "universities university research institutions participating delegates representatives experts expert "
    "heads head ministers minister ministry ministries people persons migrants integrated ibm it chairs "
    "vice co membership chf eur usd gbp")
TITLE_NOUNS = _words(
    "plan plans framework declaration strategy agenda guidelines policy compact protocol convention charter "
    "roadmap programme program summit conference deliverables report action")
GROUP_TAIL = _words(
    "states state members member countries partners governments delegations representatives officials "
    "authorities")
GEOGRAPHY = _words(
    "central eastern western northern southern north south east west europe european africa african asia "
    "asian america americas american latin caribbean pacific middle balkans caucasus mediterranean gulf "
    "horn sahel region regions and of the")
PARTICIPLE_SUFFIX = re.compile(r"^(?P<head>.+?)-(funded|based|led|financed|sponsored|supported|run|managed|owned|"
                               r"related|specific|wide|level|driven|hosted|chaired|initiated)$")
WORD = re.compile(r"[^\W\d_](?:[\w'’/&.-]*\w)?")
POSSESSIVE = re.compile(r"['’]s?$")
SUPERSCRIPTS = "¹²³⁴⁵⁶⁷⁸⁹⁰"
FOOTNOTE_LINE = re.compile(rf"^\s*[{SUPERSCRIPTS}]+\s*\S")
PAGE_NUMBER_LINE = re.compile(r"^\s*(page\s*)?\d{1,3}\s*$", re.I)
HEADING = re.compile(r"^\s*(?P<num>\d{1,2})[.)]\s+(?P<title>\S.{2,200}?)\s*$")
NAME_LINE = re.compile(r"^\s*Name of the inter-?\s*state consultation mechanism[^:]*:\s*(?P<name>.+?)\s*$", re.I)
ABBREVIATIONS = frozenset({"e.g", "i.e", "etc", "no", "nos", "mr", "mrs", "ms", "dr", "st", "vs", "approx", "incl",
                           "cf", "art", "para", "fig", "u.s", "u.k", "jr", "sr"})

# ---------------------------------------------------------------- the document's layout


@dataclass
class _Para:
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
        return _clean(self.text)


@dataclass
class _Sentence:
    raw: str  # as written, bold markers kept (they name partnership categories)
    line: int

    @property
    def text(self) -> str:
        return _clean(self.raw)


@dataclass
class _Section:
    title: str
    kind: str
    line: int
    paras: list[_Para] = field(default_factory=list)

    def sentences(self) -> Iterator[_Sentence]:
        for para in self.paras:
            yield from _sentences(para)


def _clean(text: str) -> str:
    """Drop bold markers and footnote marks, keeping the words."""
    text = text.translate({ord(c): None for c in SUPERSCRIPTS})
    return " ".join(text.replace("*", " ").split())


def _sentences(para: _Para) -> Iterator[_Sentence]:
    text, start = para.text, 0
    for m in re.finditer(r"[.!?](?=\s+\**[\"“(‘]?\**[A-Z0-9])", text):
        before = re.search(r"([\w.]+)$", text[start:m.start()])
        word = before.group(1).lower() if before else ""
        if word in ABBREVIATIONS or re.fullmatch(r"[a-z]", word):
            continue  # "e.g. Canada", an initial
        yield from _sentence(para, start, m.end())
        start = m.end()
    yield from _sentence(para, start, len(text))


def _sentence(para: _Para, start: int, end: int) -> Iterator[_Sentence]:
    chunk = para.text[start:end]
    if _clean(chunk):
        yield _Sentence(chunk.strip(), para.line_at(start + len(chunk) - len(chunk.lstrip())))


def _section_kind(title: str) -> str:
    low = title.lower()
    for kind, cue in SECTION_KINDS:
        if re.search(cue, low):
            return kind
    return "other"


@dataclass
class _Layout:
    iscm_name: str | None
    name_line: int
    header: list[str]
    sections: list[_Section]


def _layout(lines: list[str]) -> _Layout:
    name, name_line, header = None, 0, []
    sections: list[_Section] = []
    current: _Section | None = None
    para: _Para | None = None
    for no, raw in enumerate(lines, start=1):
        if name is None:
            m = NAME_LINE.match(raw)
            if m:
                name, name_line = _clean(m.group("name")).strip(" .:"), no
            elif raw.strip():
                header.append(raw.strip())
            continue
        if not raw.strip() or FOOTNOTE_LINE.match(raw) or PAGE_NUMBER_LINE.match(raw):
            continue
        heading = HEADING.match(raw)
        if heading and not raw.rstrip().endswith((".", ";", ",")):
            current = _Section(_clean(heading.group("title")), _section_kind(heading.group("title")), no)
            sections.append(current)
            para = None
            continue
        if current is None:
            current = _Section("", "other", no)
            sections.append(current)
        text = _clean(raw)
        # a paragraph cut by a page break (and maybe a footnote) has no closing punctuation
        if para is not None and not re.search(r"[.!?:]['\")]?$", para.clean) and not LEVEL_LABEL.match(text):
            para.add(no, raw.strip())
            continue
        para = _Para()
        para.add(no, raw.strip())
        current.paras.append(para)
    return _Layout(name, name_line, header, sections)


# ---------------------------------------------------------------- names in a sentence


@dataclass
class _Tok:
    text: str
    start: int
    end: int

    @property
    def capital(self) -> bool:
        return self.text[:1].isupper() or any(c.isupper() for c in self.text[1:])

    @property
    def connector(self) -> bool:
        return self.text in CONNECTORS


@dataclass
class _Name:
    text: str
    start: int
    alt: str | None = None  # the "(ABBR)" written right after the name
    in_list: bool = False  # an item of a comma-separated list
    initial: bool = False  # the sentence's first word
    adjective: bool = False  # one word like "Polish" or "Moroccan" before a lower-case noun


def _tokens(text: str) -> list[_Tok]:
    out = []
    for m in WORD.finditer(text):
        word, start = m.group(0), m.start()
        p = PARTICIPLE_SUFFIX.match(word)
        if p:  # "EU-funded": the name is "EU"
            word = p.group("head")
        out.append(_Tok(word, start, start + len(word)))
    return out


def _gap(text: str, a: _Tok, b: _Tok) -> str:
    return text[a.end:b.start]


def _strip_possessive(word: str) -> str:
    return POSSESSIVE.sub("", word) if re.search(r"['’]s?$", word) and len(word) > 2 else word


class _Names:
    """Find and link the names in sentences, against one document's subject."""

    def __init__(self, extraction: Extraction, linker: Linker, subject: str | None,
                 subject_names: Iterable[str] = ()) -> None:
        self.x = extraction
        self.linker = linker
        self.subject = subject
        # the names the document gives the ISCM itself ("… (MMD)") denote it even without an alias
        self.subject_names = {normalise_name(n) for n in subject_names} if subject else set()

    # -- probing (no mention recorded) and linking (mention recorded)
    def probe(self, name: str, *, countries: bool = True) -> str | None:
        name = _strip_possessive(name.strip())
        found = self.linker.organisation(name)
        if found is None and countries:
            found = self.linker.country(name)
        return found

    def link(self, name: str, *, line: int, kind: str, context: str) -> str | None:
        return self.linker.link(self.x, _strip_possessive(name), line=line, kind=kind, context=context)

    # -- candidate spans
    def spans(self, text: str) -> list[_Name]:
        toks = _tokens(text)
        names: list[_Name] = []
        i = 0
        while i < len(toks):
            tok = toks[i]
            if not tok.capital or (tok.text.lower() in LEADING and tok.text[:1].isupper()
                                   and not self._name_with_leading_word(text, toks, i)):
                i += 1
                continue
            greedy, j = self._greedy(text, toks, i), self._basic(text, toks, i)
            if greedy is not None and greedy >= j:
                j = greedy  # a known name reaching over commas ("… on Migration, Mobility and …")
            start, end = toks[i].start, toks[j].end
            name = _Name(text[start:end], start)
            name.initial = not text[:start].strip() or bool(re.search(r"[.:;!?]\s*$", text[:start]))
            name.adjective = (j == i and bool(re.search(r"(ish|ian|ese|ean|ic|an|i)$", toks[i].text))
                              and bool(re.match(r"\s+[a-z]", text[end:])))
            before = text[:start].rstrip()
            name.in_list = before.endswith(",") or text[end:].lstrip().startswith(",")
            paren = re.match(r"\s*\(([^(),;]{1,40})\)", text[end:])
            if paren and len(paren.group(1).split()) <= 3 and " and " not in paren.group(1):
                name.alt = paren.group(1).strip()
                # the abbreviation is part of this name, not a name of its own
                close = end + paren.end()
                while j + 1 < len(toks) and toks[j + 1].start < close:
                    j += 1
            names.append(name)
            i = j + 1
        return names

    def _name_with_leading_word(self, text: str, toks: list[_Tok], i: int) -> bool:
        """Whether a capitalised function word starts a name ("New Zealand") rather than a sentence ("In …")."""
        greedy = self._greedy(text, toks, i)
        if greedy is not None and greedy > i:
            return True
        j = self._basic(text, toks, i)
        if j == i:
            return False
        whole = self.probe(text[toks[i].start:toks[j].end])
        return whole is not None and whole != self.probe(text[toks[i + 1].start:toks[j].end])

    def _greedy(self, text: str, toks: list[_Tok], i: int) -> int | None:
        """The last token of the longest known name starting at ``toks[i]`` (commas allowed inside)."""
        best = None
        for j in range(i, min(len(toks), i + 16)):
            if j > i:
                gap = _gap(text, toks[j - 1], toks[j])
                if gap.strip() not in ("", ","):
                    break
                if not (toks[j].capital or toks[j].connector):
                    break
            if j > i and re.search(r"['’]s?$", toks[j - 1].text):
                break  # a possessive ends a name
            if toks[j].capital and self.probe(text[toks[i].start:toks[j].end], countries=False):
                best = j
        return best

    def _basic(self, text: str, toks: list[_Tok], i: int) -> int:
        """The last token of the run of capitalised words (and inner connectors) from ``toks[i]``."""
        j = last = i
        while j + 1 < len(toks):
            if re.search(r"['’]s?$", toks[j].text):
                break
            nxt = toks[j + 1]
            if _gap(text, toks[j], nxt).strip() or not (nxt.capital or nxt.connector):
                break
            j += 1
            if nxt.capital:
                last = j
        return last

    # -- from spans to ids
    def names(self, text: str, *, line: int, context: str, kind: str = "actor") -> list[tuple[str, str]]:
        """``(id, written name)`` for every name in ``text`` that resolves, linking each (deduplicated, in order).

        ``kind`` "actor" accepts States and organisations; "organisation"/"iscm" only organisations and
        ISCMs (a company called "X Switzerland" must not become Switzerland).
        """
        out: list[tuple[str, str]] = []
        seen: set[str] = set()
        for name in self.spans(text):
            for found, written in self._resolve(name, line=line, context=context, kind=kind):
                if found not in seen:
                    seen.add(found)
                    out.append((found, written))
        return out

    def _resolve(self, name: _Name, *, line: int, context: str, kind: str) -> list[tuple[str, str]]:
        countries = kind == "actor"
        text = _strip_possessive(name.text)
        words = [w for w in re.split(r"[\s,]+", text) if w]
        lowered = [w.lower() for w in words]

        def linked(written: str) -> list[tuple[str, str]]:
            found = self.link(written, line=line, kind=kind, context=context)
            return [(found, written)] if found else []

        if self.subject and normalise_name(text) in self.subject_names:
            return [(self.subject, text)]
        if self.probe(text, countries=countries):
            return linked(text)
        if name.alt and self.probe(name.alt, countries=countries):
            return linked(name.alt)
        if len(words) == 1 and ((name.initial and words[0][1:].islower()) or len(words[0]) <= 2):
            return []  # a capitalised ordinary word starting the sentence, or "IT"
        if len(words) == 1 and name.adjective:
            return []  # "the Polish labour market": a nationality adjective, not a name
        if kind != "actor" and self._plain_country(text):
            return []  # States are not partners
        if " and " in f" {text} ":
            parts = [p.strip() for p in re.split(r"\s+and\s+", text) if p.strip()]
            parts = [re.sub(r"^(the|The)\s+", "", p) for p in parts]
            if name.in_list or any(self.probe(p, countries=countries) for p in parts):
                out: list[tuple[str, str]] = []
                for part in parts:
                    out += self._resolve(_Name(part, name.start, in_list=True), line=line, context=context,
                                         kind=kind)
                return out
        if "/" in text:
            parts = [p for p in text.split("/") if p]
            if any(self.probe(p, countries=countries) for p in parts):
                return [r for p in parts if self.probe(p, countries=countries) for r in linked(p)]
        # "IGC Work Plan", "EU agencies": a known name followed by ordinary words
        for cut in range(len(words) - 1, 0, -1):
            head, rest = " ".join(words[:cut]), lowered[cut:]
            if all(w in GENERIC or w in CONNECTORS for w in rest):
                if self.subject and normalise_name(head) in self.subject_names:
                    return [(self.subject, head)]
                if self.probe(head, countries=countries):
                    return linked(head)
        if lowered[-1] in GROUP_TAIL or all(w in GENERIC or w in CONNECTORS for w in lowered):
            return []  # "EU Member States", "Steering Committee": a group or a body, not an entity
        if all(w in GEOGRAPHY for w in lowered):
            return []  # "Central and Eastern Europe"
        head_noun = re.split(r"\s+(?:of|for|on|in|to)\s+", text)[0].split()[-1].lower()
        if head_noun in TITLE_NOUNS:
            return []  # "Joint Valletta Action Plan", "Africa-EU Summit": a document or an event, not an entity
        return linked(text)  # unresolved: goes to the review report

    @staticmethod
    def _plain_country(text: str) -> bool:
        key = normalise_name(text)
        return any(key == normalise_name(v) for c in all_countries().values() for v in (*c.variants, c.name))


# ---------------------------------------------------------------- small text helpers


def _clauses(sentence: str) -> list[str]:
    """Split "A have left, while B have joined" and "A; B" into their parts (outside parentheses)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(sentence):
        depth += ch == "("
        depth -= ch == ")"
        if depth:
            continue
        if ch == ";":
            parts.append(sentence[start:i])
            start = i + 1
            continue
        m = re.match(r",?\s+(while|whereas)\s+", sentence[i:])
        if m and (ch == "," or ch.isspace()):
            parts.append(sentence[start:i])
            start = i + m.end()
    parts.append(sentence[start:])
    return [p.strip(" ,.") for p in parts if p.strip(" ,.")]


def _items(text: str, sep: str = ";") -> list[str]:
    """Split on ``sep`` outside parentheses."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += ch == "("
        depth -= ch == ")"
        if ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return [p.strip(" .") for p in parts if p.strip(" .")]


def _negated(text: str, cue_start: int) -> bool:
    words_before = re.findall(r"[\w'-]+", text[:cue_start])[-5:]
    return any(NEGATION.fullmatch(w) for w in words_before)


def _year(text: str) -> int | None:
    m = re.search(r"\b(?:in|since|from|by|until)\s+(?:\w+\s+)?((?:19|20)\d\d)\b", text)
    m = m or re.search(r"\b((?:19|20)\d\d)\b", text)
    return int(m.group(1)) if m else None


def _intensity(text: str) -> str | None:
    low = text.lower()
    for intensity, cue in INTENSITY_VOCABULARY:
        for m in re.finditer(cue, low):
            if not _negated(low, m.start()):
                return intensity
    return None


def _categories(text: str, *, bold: bool) -> list[str]:
    """Partnership categories cued in a sentence: its bold phrases, or (``bold=False``) its plain words."""
    phrases = re.findall(r"\*\*(.+?)\*\*", text) if bold else [text]
    found: list[str] = []
    for phrase in phrases:
        low = phrase.lower()
        for cue, category in CATEGORY_VOCABULARY:
            if re.search(cue, low) and category not in found:
                found.append(category)
        if bold and not any(re.search(cue, low) for cue, _ in CATEGORY_VOCABULARY) and "other" not in found:
            found.append("other")
    return found


def _themes(term: str) -> list[str]:
    low = term.lower()
    out: list[str] = []
    for cue, themes in THEME_VOCABULARY:
        if re.search(cue, low):
            out += [t for t in themes if t not in out]
    return out


AMOUNT = re.compile(
    r"(?P<cur>CHF|EUR|USD|GBP|AUD|CAD|SEK|NOK|JPY|US\$|€|\$|£)\s?(?P<num>\d[\d,.' ]*\d|\d)"
    r"(?:\s*(?P<mult>million|thousand|billion)\b)?"
    r"|(?P<num2>\d[\d,.' ]*\d|\d)(?:\s*(?P<mult2>million|thousand|billion)\b)?\s*"
    r"(?P<cur2>CHF|EUR|USD|GBP|euros?|Swiss francs|US dollars|dollars)\b")
CURRENCIES = {"€": "EUR", "$": "USD", "US$": "USD", "£": "GBP", "EURO": "EUR", "EUROS": "EUR",
              "SWISS FRANCS": "CHF", "US DOLLARS": "USD", "DOLLARS": "USD"}
MULTIPLIERS = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}


def _amount(text: str) -> tuple[int | float, str] | None:
    m = AMOUNT.search(text)
    if not m:
        return None
    cur = (m.group("cur") or m.group("cur2")).upper()
    raw = (m.group("num") or m.group("num2")).replace(" ", "").replace("'", "")
    mult = m.group("mult") or m.group("mult2")
    if mult:
        number: float = float(raw.replace(",", "")) * MULTIPLIERS[mult]
    elif re.fullmatch(r"\d{1,3}([,.]\d{3})+", raw):
        number = float(re.sub(r"[,.]", "", raw))  # thousands separators
    else:
        number = float(raw.replace(",", ""))
    return (int(number) if number.is_integer() else number), CURRENCIES.get(cur, cur)


PASSIVE_PAYER = re.compile(r"\b(?:funded|financed|covered|paid|sponsored|supported financially)\s+"
                           r"(?:\w+ly\s+)?by\s+(?P<who>[^,;]+)|\b(?:donations|contributions|grants?)\s+(?:by|from)\s+"
                           r"(?P<who2>[^,;]+)", re.I)
ACTIVE_PAYER = re.compile(r"^(?P<who>.*?)\b(?:funds|finances|pays?|covers?|fund|finance|donates?|contributes?)\b",
                          re.I)
FUNDED_BY = re.compile(r"\b(?P<who>[A-Z][\w.]*)-(?:funded|financed|sponsored)\b")


def _payer_phrases(clause: str) -> list[str]:
    """The parts of a funding clause that name who pays ("funded by X", "X funds …", "an X-funded project")."""
    out = [m.group("who") or m.group("who2") for m in PASSIVE_PAYER.finditer(clause)]
    out += [m.group("who") for m in FUNDED_BY.finditer(clause)]
    active = ACTIVE_PAYER.search(clause)
    if active and active.group("who").strip():
        out.append(FUNDED_BY.sub(" ", active.group("who")))
    return out


def _per(text: str) -> str | None:
    m = re.search(r"\b(?:per|for each|from each|by each)\s+(participating\s+|member\s+)?"
                  r"(country|state|member|government|participant)(?:s)?\b", text, re.I)
    if not m:
        return None
    return ((m.group(1) or "").strip().lower() + " " + m.group(2).lower()).strip()


def _period(text: str) -> str | None:
    low = text.lower()
    for period, cue in (("annual", r"\bannual(ly)?\b|\byearly\b|\bper (year|annum)\b|\ba year\b|\beach year\b"),
                        ("monthly", r"\bmonthly\b|\bper month\b"),
                        ("biennial", r"\bbiennial(ly)?\b|\bevery two years\b"),
                        ("one-off", r"\bone-(off|time)\b")):
        if re.search(cue, low):
            return period
    return None


@cache
def _entity_types(data_dir: str) -> dict[str, str]:
    """Entity id → its type in data/ (iscm, regional-union, igo, eu-body, civil-society, …)."""
    root = Path(data_dir)
    types: dict[str, str] = {}
    orgs = root / "organisations.yaml"
    if orgs.exists():
        for rec in load_yaml(orgs) or []:
            types[str(rec["id"])] = str(rec.get("type") or "other")
    for folder, default in (("unions", "regional-union"), ("igos", "igo"), ("iscms", "iscm")):
        for path in sorted((root / folder).glob("*.yaml")):
            rec = load_yaml(path) or {}
            if rec.get("id"):
                types[str(rec["id"])] = default if folder == "iscms" else str(rec.get("type") or default)
    return types


# ---------------------------------------------------------------- the ingester


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


def _as_of(header: list[str]) -> dt.date | None:
    """The survey year named in the introduction (the summaries carry no other date)."""
    years = [int(y) for line in header for y in re.findall(r"\b((?:19|20)\d\d)\b", line)]
    return dt.date(max(years), 1, 1) if years else None


def _title(header: list[str], iscm_name: str | None) -> str:
    base = next((h for h in header if re.search(r"assessment of inter-?\s*state", h, re.I)),
                "Assessment of Inter-State Consultation Mechanisms on Migration")
    return f"{base}: Summary of Findings per ISCM – {iscm_name or 'unnamed ISCM'}"


def _name_candidates(name: str) -> list[str]:
    """"Full Name (ABBR)" → the whole, the name without the brackets, the abbreviation."""
    out = [name]
    m = re.match(r"^(?P<full>.+?)\s*\((?P<abbr>[^()]+)\)\s*$", name)
    if m:
        out += [m.group("full"), m.group("abbr")]
    return out


class _Reader:
    def __init__(self, text: str, path: Path | None, linker: Linker) -> None:
        self.lines = lines_of(text)
        self.layout = _layout(self.lines)
        self.linker = linker
        doc = document_info(text, path=path, kind=KIND, title=_title(self.layout.header, self.layout.iscm_name),
                            as_of=_as_of(self.layout.header))
        self.x = Extraction(document=doc)
        self.subject = self._subject()
        self.names = _Names(self.x, linker, self.subject, _name_candidates(self.layout.iscm_name or ""))

    def _subject(self) -> str | None:
        name, line = self.layout.iscm_name, self.layout.name_line
        if not name:
            return None
        context = self.lines[line - 1]
        candidates = _name_candidates(name)
        chosen = next((c for c in candidates if self.linker.organisation(c)), candidates[0])
        return self.linker.link(self.x, chosen, line=line, kind="iscm", context=context)

    def others(self, found: Iterable[tuple[str, str]]) -> list[str]:
        return [f for f, _ in found if f != self.subject]

    def sections(self, *kinds: str) -> Iterator[_Section]:
        return (s for s in self.layout.sections if s.kind in kinds)

    # -- thematic focus and succession
    def themes(self) -> None:
        seen: set[tuple[str, str]] = set()
        for section in self.sections("evolution"):
            for s in section.sentences():
                for term in self._theme_terms(s.text):
                    for theme in _themes(term):
                        if self.subject and (theme, term) not in seen:
                            seen.add((theme, term))
                            # the term itself is the evidence (a long list sentence would be clipped)
                            self.x.add("theme", line=s.line, text=term, subject=self.subject, theme=theme,
                                       term=term)

    @staticmethod
    def _theme_terms(sentence: str) -> list[str]:
        lead = r"(thematic|themes|topics|priorit|areas of (work|focus))"
        m = (re.search(lead + r"[^:]*:\s*(?P<list>.+)$", sentence, re.I)
             or re.search(lead + r"[^:]*?\b(include|includes|including|cover|covers|comprise|comprises|are)\s+"
                                 r"(?P<list>.+)$", sentence, re.I))
        if m:
            listed = m.group("list").rstrip(".")
            items = _items(listed, ";")
            if len(items) == 1:  # a comma list: "a, b, c and d"
                items = _items(listed, ",")
                if items and " and " in items[-1]:
                    items[-1:] = items[-1].rsplit(" and ", 1)
            return [re.sub(r"^(and|or)\s+", "", i).strip() for i in items if i.strip()]
        m = re.search(r"\b(in the (area|field)s? of|focus(es|ed|ing)? on)\s+(?P<term>[^.;]+)", sentence, re.I)
        return [m.group("term").strip(" ,")] if m else []

    def successions(self) -> None:
        for section in self.sections("evolution", "structure", "other"):
            for s in section.sentences():
                for pattern, direction in SUCCESSION_PATTERNS:
                    m = pattern.search(s.text)
                    if not m:
                        continue
                    left = self.names.names(s.text[:m.start()], line=s.line, context=s.text, kind="iscm")
                    right = self.names.names(s.text[m.end():], line=s.line, context=s.text, kind="iscm")
                    left_ids = [f for f, _ in left if f in self.linker.iscm_ids]
                    right_ids = [f for f, _ in right if f in self.linker.iscm_ids]
                    if direction == "successor-first":
                        # the name nearest the cue on the left; on the right, the predecessor(s) listed
                        successors = left_ids[-1:]
                        predecessors = right_ids if "merg" in m.group(0).lower() else right_ids[:1]
                    else:
                        predecessors = left_ids if "merg" in m.group(0).lower() else left_ids[-1:]
                        successors = right_ids[:1]
                    for succ in successors:
                        for pred in predecessors:
                            if pred != succ:
                                self.x.add("succession", line=s.line, text=s.text, predecessor=pred,
                                           successor=succ, year=_year(s.text))
                    break

    # -- contributions
    def contributions(self) -> None:
        for section in self.sections("contribution"):
            level, paras = None, []
            blocks: list[tuple[str, list[_Para]]] = []
            for para in section.paras:
                m = LEVEL_LABEL.match(para.clean)
                if m:
                    level = next(lv for cue, lv in LEVELS if re.fullmatch(cue, m.group("label").lower()))
                    paras = [para]
                    blocks.append((level, paras))
                elif level is not None:
                    paras.append(para)  # a paragraph continuing the level above
            for level, group in blocks:
                self._contribution(level, group)

    def _contribution(self, level: str, paras: list[_Para]) -> None:
        text = " ".join(p.clean for p in paras)
        description = LEVEL_LABEL.sub("", text, count=1)
        states: list[str] = []
        bodies: list[tuple[str, _Sentence]] = []
        for para in paras:
            for s in _sentences(para):
                body = LEVEL_LABEL.sub("", s.text, count=1)
                for found in self.others(self.names.names(body, line=s.line, context=s.text)):
                    if _is_state(found):
                        states += [found] if found not in states else []
                    elif all(found != b for b, _ in bodies):
                        bodies.append((found, s))
        if not self.subject:
            return
        self.x.add("contribution", line=paras[0].line, text=text, subject=self.subject, level=level,
                   description=description, actors=states)
        for body, s in bodies:
            self.x.add("named-body", line=s.line, text=s.text, subject=self.subject, actor=body,
                       description=f"named in the {level} contribution: {s.text}")

    # -- structures, funding, membership changes
    def structures(self) -> None:
        for section in self.sections("structure", "evolution", "other"):
            for s in section.sentences():
                if FUNDING_CUE.search(s.text):
                    self._funding(s)
                    continue
                self._membership(s)
                self._structure(s)

    def _structure(self, s: _Sentence) -> None:
        hits = [(c, cue) for c, cue in STRUCTURE_VOCABULARY if re.search(cue, s.text, re.I)]
        if not hits:
            return
        # "the following structure: a Chair; a Troika; …": one record per listed body
        items = _items(s.text.split(":", 1)[1], ";") if ":" in s.text and ";" in s.text else [s.text]
        for item in items:
            found = [(c, m) for c, cue in STRUCTURE_VOCABULARY if (m := re.search(cue, item, re.I))]
            if not found:
                continue
            pieces = [p for p in re.split(r"\s+and\s+(?![^()]*\))", item)] if len(found) > 1 else [item]
            for component, m in found:
                piece = next((p for p in pieces if re.search(dict(STRUCTURE_VOCABULARY)[component], p, re.I)),
                             item)
                actors = self.others(self.names.names(piece if len(items) > 1 else s.text, line=s.line,
                                                      context=s.text))
                description = re.sub(r"^(and|or)\s+", "", piece.strip(" ."))
                if _negated(item, m.start()):
                    description = f"none: {description}"
                if self.subject:
                    self.x.add("structure", line=s.line, text=s.text, subject=self.subject, component=component,
                               description=description, actors=actors or None)

    def _funding(self, s: _Sentence) -> None:
        for clause in _clauses(s.text):
            if not FUNDING_CUE.search(clause):
                continue
            payers: list[str] = []
            for phrase in _payer_phrases(clause):
                payers += [p for p in self.others(self.names.names(phrase, line=s.line, context=s.text))
                           if p not in payers]
            amount = _amount(clause)
            data = {"description": clause, "amount": amount[0] if amount else None,
                    "currency": amount[1] if amount else None,
                    "per": _per(clause) if amount else None, "period": _period(clause) if amount else None}
            if not self.subject:
                continue
            for payer in payers or [None]:
                self.x.add("funding", line=s.line, text=s.text, subject=self.subject, payer=payer, **data)

    def _membership(self, s: _Sentence) -> None:
        for clause in _clauses(s.text):
            role, key = None, None
            if (m := NEW_MEMBER_CUE.search(clause)) and not _negated(clause, m.start()):
                role, key = "member", "since"
            elif (m := FORMER_MEMBER_CUE.search(clause)) and not _negated(clause, m.start()):
                role, key = "former-member", "until"
            elif (m := OBSERVER_CUE.search(clause)) and re.search(r"\b(is|are|was|were|became|granted|hold)\b",
                                                                   clause) and not _negated(clause, m.start()):
                role, key = "observer", "since"
            if role is None:
                continue
            year = _year(clause)
            for actor in self.others(self.names.names(clause, line=s.line, context=s.text)):
                if self.subject:
                    self.x.add("membership", line=s.line, text=s.text, organisation=self.subject, actor=actor,
                               role=role, **{key: year} if year else {})

    # -- partnerships
    def partnerships(self) -> None:
        types = _entity_types(str(self.linker.data_dir))
        for section in self.sections("partnership"):
            bold = any("**" in p.text for p in section.paras)
            cues: list[str] = []
            for s in section.sentences():
                here = _categories(s.raw, bold=bold) or (_categories(s.text, bold=False) if bold else [])
                cues = here or cues  # a sentence with no category goes on about the one before
                self._cooperation(s, cues, types)

    def _cooperation(self, s: _Sentence, cues: list[str], types: dict[str, str]) -> None:
        kind = "iscm" if cues == ["iscm"] else "organisation"
        overall = _intensity(s.text)
        for clause in _clauses(s.text):
            # "IOM regularly takes part; UNDP is invited ad hoc": each clause says its own intensity
            intensity = _intensity(clause) or overall
            for partner in self.others(self.names.names(clause, line=s.line, context=s.text, kind=kind)):
                own = "iscm" if partner in self.linker.iscm_ids else TYPE_CATEGORY.get(types.get(partner, ""))
                if len(cues) == 1:
                    category = cues[0]
                elif own in cues:
                    category = own
                else:
                    category = cues[0] if cues else (own or "other")
                if own and (own == "iscm") != (category == "iscm"):
                    continue  # an ISCM named in a sentence about IGOs (or the reverse) is not that kind of partner
                if self.subject:
                    self.x.add("cooperation", line=s.line, text=s.text, iscm=self.subject, partner=partner,
                               category=category, intensity=intensity)

    # -- survey references
    def survey(self) -> None:
        sections = list(self.sections("value")) or self.layout.sections
        for section in sections:
            sentences = list(section.sentences())
            for i, s in enumerate(sentences):
                if not REFERRED_CUE.search(s.text):
                    continue
                referring = [f for f in self.others(self.names.names(s.text, line=s.line, context=s.text))
                             if _is_state(f)]
                if referring:
                    self._values(s, referring, sentences[i + 1:])
                    return

    def _values(self, referred: _Sentence, referring: list[str], sentences: list[_Sentence]) -> None:
        said: dict[str, list[_Sentence]] = {r: [] for r in referring}
        current: list[str] = []
        for s in sentences:
            named = [f for f, _ in self.names.names(s.text, line=s.line, context=s.text) if f in said]
            current = named or current  # a sentence naming nobody goes on about the same State(s)
            for state in current:
                said[state].append(s)
        if not self.subject:
            return
        for state in referring:
            parts = said[state]
            joined = " ".join(p.text for p in parts)
            first = parts[0] if parts else referred
            self.x.add("survey-reference", line=first.line, text=joined or referred.text, subject=self.subject,
                       actor=state, value=joined)


def _is_state(entity_id: str) -> bool:
    return looks_alpha3(entity_id)


def extract(text: str, *, path: Path | None, linker: Linker) -> Extraction:
    reader = _Reader(text, path, linker)
    reader.successions()
    reader.themes()
    reader.contributions()
    reader.structures()
    reader.partnerships()
    reader.survey()
    return reader.x
