"""Ingester for ISCM meeting reports ("Report of the Panel Meeting on ...").

A meeting report opens with a header (title, dates, place), usually an executive summary, then the
proceedings: day headers, session headings with their moderators, one paragraph per speaker
("Mr. Name, Affiliation, verb ..."), discussions in which delegations are the grammatical subject
("Belarus asked ..."), and often a work programme with enumerated topics ("(i) ..., (ii) ...").

One ``event`` fact is emitted (id = ISCM + place + start date), one ``theme`` fact per topic that
maps to the theme scheme, and a ``named-body`` fact for each organisation that organised or
supported the meeting. Every name that becomes an id goes through the Linker; finding and resolving
names is :mod:`graph.ingest.actors`, reading dates :mod:`graph.ingest.dates`.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from graph.ingest.actors import (
    alias_spans,
    clean_name,
    country_only,
    is_capitalised,
    link_actor,
    resolvable,
    resolve_affiliation,
    split_list,
)
from graph.ingest.base import Extraction, Linker, document_info, lines_of, normalise_name, slugify
from graph.ingest.dates import MONTH, parse_date_range

KIND = "meeting"

# ----------------------------------------------------------------------------- document structure

_TITLE = re.compile(r"^\W*Report\s+(?:of|on)\s+the\s+.*\b(?:Meeting|Conference|Workshop|Seminar|Forum|Session|"
                    r"Consultations?|Dialogue)\b", re.I)
_SUMMARY_HEAD = re.compile(r"^\W*(?:EXECUTIVE\s+SUMMARY|SUMMARY|Executive\s+summary)\W*$")
_DAY_DATE = rf"(?:\d{{1,2}}\s+{MONTH}(?:\s+\d{{4}})?|{MONTH}\s+\d{{1,2}},?(?:\s+\d{{4}})?)"
_DAY_HEAD = re.compile(rf"^\W*(?:{_DAY_DATE}\s*[-–—:,]\s*Day\s+\w+|Day\s+\w+\s*[-–—:,]\s*.*\d{{4}})\W*$", re.I)
_SESSION = re.compile(r"^\W*(?P<head>(?:Session|Panel|Working\s+Group|Round\s*table|Workshop)\s+"
                      r"(?P<num>[IVXLC]+|\d+|[A-Z])\b)\s*[.:–—-]?\s*(?P<title>.*?)\W*$")
_MODERATOR = re.compile(r"^\W*(?:Moderator|Moderated\s+by|Chair(?:ed\s+by)?|Facilitator)s?\s*:?\s+(?P<rest>.+)$",
                        re.I)
_HONORIFIC = r"(?:Mr|Ms|Mrs|Miss|Dr|Prof|H\.\s?E|Amb)\.?"
_PERSON = r"(?P<name>(?:[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’-]*\.?\s+){0,4}[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’-]+)"
_SPEAKER = re.compile(rf"^\W*{_HONORIFIC}\s+{_PERSON}\**\s*(?:,\s*(?P<aff>.+?)(?:\s*,|\*\*)\s+(?=[a-z])|"
                      rf"\s+(?:from|of)\s+(?:the\s+)?(?P<aff2>.+?)(?:\s*,|\*\*)\s+(?=[a-z]))")
_NOT_ACTORS = {"he", "she", "it", "they", "we", "this", "that", "these", "those", "there", "both", "all", "each",
               "participants", "delegates", "speakers", "speaker", "moderator", "chair"}
_MOD_PERSON = re.compile(rf"^\W*{_HONORIFIC}\s+{_PERSON}\**\s*,\s*(?P<aff>.+?)\W*$")
_SPEECH_VERBS = {
    "noted", "asked", "added", "mentioned", "responded", "informed", "answered", "commented", "inquired",
    "enquired", "raised", "addressed", "continued", "presented", "explained", "drew", "stressed", "proposed",
    "shared", "referred", "highlighted", "emphasized", "emphasised", "offered", "confirmed", "described",
    "expressed", "stated", "reiterated", "introduced", "underlined", "suggested", "pointed", "recalled",
    "reported", "announced", "invited", "thanked", "welcomed", "expanded", "outlined", "requested", "agreed",
    "spoke", "gave", "briefed", "underscored", "observed", "remarked", "called", "questioned", "replied",
}
_SUBJECT = re.compile(r"^\W*(?:[Tt]he\s+)?(?:[Rr]epresentatives?\s+of\s+)?\**(?:the\s+)?"
                      r"(?P<name>[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*(?:\s+(?:(?:of|for|and|the|on)\s+)?[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*){0,6})"
                      r"\**\s+(?:also\s+|further\s+|then\s+|again\s+|briefly\s+)?(?P<verb>[a-z]+)\b")
_ABBREV = re.compile(r"(?:\b(?:Mr|Ms|Mrs|Dr|Prof|St|No|e\.g|i\.e|etc|vs|Amb)|\b[A-Z])\.$")
# Lists end at ", <lower-case word>" (", began with ..."), at a dash, at the end of the sentence, or where the
# sentence goes on to another role ("hosted by X and organised by Y"). Verbs are matched in any case, names not.
_ROLE_VERB = r"(?:organi[sz]ed|convened|hosted|co-?hosted|supported|funded|financed)"
_LIST_END = (rf"(?=\s+(?i:with|under)\b|\s+(?i:in\s+(?:cooperation|partnership|collaboration))\b|"
             rf"\s+and\s+(?:was\s+|were\s+)?(?i:held|took|{_ROLE_VERB})\b|,\s+(?=[a-z])|\s+[–—-]\s+|[.;]|$)")
_ORGANISED = re.compile(r"\b(?P<verb>(?i:(?:jointly\s+|co-?)?(?:organi[sz]ed|convened|hosted|co-?hosted)))\s+"
                        rf"(?:jointly\s+)?by\s+(?P<list>.+?){_LIST_END}")
_HOSTING = re.compile(r"\b(?i:(?:joint\s+)?(?:co-?)?hosting\s+of\s+the\s+\w+\s+by)\s+(?P<list>.+?)"
                      r"(?=\s+[–—-]\s+|,\s+|[.;]|\s+(?:also|was|is|has)\b|$)")
_HOSTS_LABEL = re.compile(r"^\W*(?i:(?:Co-?)?hosts?)\s*(?:were|was|:)\s*(?P<list>.+?)\W*$")
_SUPPORT = re.compile(r"\b(?i:with\s+(?:the\s+)?(?:\w+\s+)?(?:and\s+\w+\s+)?support\s+(?:from|of))\s+"
                      rf"(?P<list>.+?){_LIST_END}")
_ATTENDED = re.compile(r"\b(?i:delegations?|representatives|participants|experts|officials)\s+(?:from|of)\s+"
                       r"(?P<list>[^.;:]+)")
_COUNTRY_LIST = re.compile(r"\bcountries\s*:\s*(?P<list>[^.;:]+)", re.I)
_ENUM = re.compile(r"\((?:[ivxlc]{1,5}|[a-h]|\d{1,2})\)\s*")
_PROGRAMME = re.compile(r"\bwork\s*(?:programme|program|plan)\b|\btopics?\b|\bpriorities\b", re.I)
_TAIL_CUT = re.compile(r",\s+(?=(?:with|which|who|where|in\s+order|so|to|as|that|while|whereas|for|and\s+the)\b)|"
                       r",?\s+and\s+(?=[a-z]+ed\b)|[.;]|$")

# Wording of topics -> theme-scheme ids (ontology/iscm.ttl). A term may map to several themes.
THEME_KEYWORDS: list[tuple[re.Pattern[str], str]] = [(re.compile(p, re.I), t) for p, t in [
    (r"\bborder", "border-management"),
    (r"\breturn\b|readmission", "return-and-readmission"),
    (r"reintegration", "reintegration"),
    (r"irregular\s+migration|facilitation\s+of\s+(?:irregular|illegal)", "irregular-migration"),
    (r"smuggl", "migrant-smuggling"),
    (r"traffick", "trafficking-in-persons"),
    (r"(?<!re)integration\b", "integration"),
    (r"asylum", "asylum"),
    (r"refugee|international\s+protection|durable\s+solution", "refugee-protection"),
    (r"labou?r\s+(?:migration|mobility|market)|migrant\s+workers|employment", "labour-migration"),
    (r"diaspora", "diaspora"),
    (r"remittance", "remittances"),
    (r"migration\s+and\s+development|development\s+impact", "migration-and-development"),
    (r"\bdata\b|statistic|migration\s+profile", "migration-data"),
    (r"strateg|polic(?:y|ies)|governance|legislat", "migration-governance"),
    (r"health", "migration-and-health"),
    (r"climate|environment|disaster", "climate-and-environment"),
    (r"\bvisa|identity|travel\s+document", "visa-and-identity-management"),
    (r"legal\s+migration|\bmobility\b", "legal-migration-and-mobility"),
    (r"mixed\s+(?:migration|movement|flow)", "mixed-migration"),
    (r"human\s+rights|migrants'?\s+rights|rights\s+of\s+migrants", "migrant-rights"),
    (r"capacity[-\s]building|training", "capacity-building"),
]]


def themes_of(term: str) -> list[str]:
    out: list[str] = []
    for rx, theme in THEME_KEYWORDS:
        if rx.search(term) and theme not in out:
            out.append(theme)
    return out


def detect(text: str) -> float:
    head = "\n".join(line for line in lines_of(text)[:40] if line.strip())
    score = 0.0
    if any(_TITLE.match(line) for line in head.splitlines()):
        score += 0.5
    if parse_date_range(head):
        score += 0.1
    body = text[:200_000]
    if re.search(r"^\W*Session\s+(?:[IVX]+|\d+)\b", body, re.M):
        score += 0.15
    if re.search(r"^\W*Moderator", body, re.M | re.I):
        score += 0.15
    if re.search(r"^\W*(?:EXECUTIVE\s+SUMMARY|Day\s+1\b)|[-–]\s*Day\s+1\b", body, re.M | re.I):
        score += 0.1
    return min(score, 1.0)


def _sentences(line: str) -> list[str]:
    """Split a paragraph into sentences without breaking after "Mr." or initials."""
    pieces = re.split(r"(?<=[.!?])\s+(?=[\"“*A-ZÀ-ÖØ-Þ])", line)
    out: list[str] = []
    for p in pieces:
        if out and _ABBREV.search(out[-1]):
            out[-1] += " " + p
        else:
            out.append(p)
    return out


def _is_heading(line: str) -> bool:
    s = line.strip()
    return (0 < len(s) <= 90 and not s.endswith((".", ",", ";", ":")) and is_capitalised(s.lstrip("*#_ "))
            and not s.startswith(("-", "•")))


class _Reader:
    """State shared while reading one report."""

    def __init__(self, text: str, linker: Linker, ext: Extraction) -> None:
        self.lines = lines_of(text)
        self.linker = linker
        self.ext = ext

    def link(self, name: str, n: int, *, report_unknown: bool = True) -> str | None:
        return link_actor(self.ext, self.linker, name, line=n, context=self.lines[n - 1],
                          report_unknown=report_unknown)

    # -- header ---------------------------------------------------------------------------------------
    def header(self) -> tuple[int, int | None, int | None, int | None]:
        """(end of header, title line, date line, place line); line numbers are 1-based."""
        end = len(self.lines)
        for i, line in enumerate(self.lines, start=1):  # the header ends where the prose or the agenda starts
            s = line.strip()
            if (_SUMMARY_HEAD.match(line) or _SESSION.match(line) or _DAY_HEAD.match(line) or len(s) > 160
                    or (len(s) > 60 and s.endswith("."))):
                end = i - 1
                break
        title = date = place = None
        for i in range(1, end + 1):
            s = self.lines[i - 1].strip()
            if not s:
                continue
            if title is None and _TITLE.match(s):
                title = i
            elif date is None and parse_date_range(s) and len(s) < 80:
                date = i
                rest = clean_name(parse_date_range(s)[2].re.sub("", s))
                if rest and place is None and re.search(r"[A-Za-z]{3}", rest):
                    place = i
            elif place is None and date is not None and len(s) < 80:
                place = i
        if title is None:
            title = next((i for i, line in enumerate(self.lines, start=1) if line.strip()), 1)
        return end, title, date, place

    def place(self, n: int | None) -> tuple[str | None, str | None]:
        """(place, country id) from a header line such as "Minsk, Republic of Belarus"."""
        if n is None:
            return self._place_from_text()
        s = self.lines[n - 1]
        found = parse_date_range(s)
        if found:
            s = s.replace(found[2].group(), " ")
        parts = [p for p in (clean_name(x) for x in s.split(",")) if p]
        if not parts:
            return None, None
        if len(parts) == 1:
            if country_only(parts[0], self.linker):
                return None, self.linker.link(self.ext, parts[0], line=n, kind="country", context=self.lines[n - 1])
            return parts[0], None
        country = self.linker.link(self.ext, parts[-1], line=n, kind="country", context=self.lines[n - 1])
        return parts[0], country

    def _place_from_text(self) -> tuple[str | None, str | None]:
        rx = re.compile(r"\bheld\s+in\s+(?P<place>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)(?:,\s*(?P<country>(?:the\s+)?"
                        r"[A-Z][\w'’-]+(?:\s+(?:of\s+)?[A-Z][\w'’-]+)*))?")
        for n, line in enumerate(self.lines, start=1):
            m = rx.search(line)
            if not m:
                continue
            if country_only(m.group("place"), self.linker):
                return None, self.linker.link(self.ext, m.group("place"), line=n, kind="country", context=line)
            country = None
            if m.group("country"):
                country = self.linker.link(self.ext, m.group("country"), line=n, kind="country", context=line)
            return m.group("place"), country
        return None, None

    # -- body -----------------------------------------------------------------------------------------
    def body_start(self, header_end: int) -> tuple[int, int]:
        """(first line of the summary, first line of the proceedings)."""
        summary = next((i for i, line in enumerate(self.lines, start=1) if _SUMMARY_HEAD.match(line)), None)
        if summary is None:
            return header_end + 1, header_end + 1
        for i in range(summary + 1, len(self.lines) + 1):
            line = self.lines[i - 1]
            if _DAY_HEAD.match(line) or _SESSION.match(line) or (_is_heading(line) and i > summary + 1):
                return summary, i
        return summary, len(self.lines) + 1

    def sessions(self, start: int) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        day: dt.date | None = None
        for i in range(start, len(self.lines) + 1):
            line = self.lines[i - 1]
            if _DAY_HEAD.match(line) and (found := parse_date_range(line)):
                day = found[0]
                continue
            m = _SESSION.match(line)
            if m and _is_heading(line):
                rec: dict[str, Any] = {"number": m.group("num"), "title": clean_name(m.group("title")) or None,
                                       "line": i}
                if day:
                    rec["date"] = dt.date.fromordinal(day.toordinal())  # own object: no YAML anchors
                out.append(rec)
                continue
            mod = _MODERATOR.match(line)
            if mod and out and "moderator" not in out[-1]:
                person = _MOD_PERSON.match(mod.group("rest"))
                if person:
                    out[-1]["moderator"] = " ".join(person.group("name").split())
        for rec in out:
            rec.pop("line")
            if rec["title"] is None:
                rec.pop("title")
        return out

    def speakers(self, start: int) -> list[dict[str, Any]]:
        seen: dict[str, dict[str, Any]] = {}
        for i in range(start, len(self.lines) + 1):
            line = self.lines[i - 1].strip()
            if not line:
                continue
            mod = _MODERATOR.match(line)
            if mod:
                found = [_MOD_PERSON.match(p) for p in re.split(r"\s*;\s*", mod.group("rest"))]
            else:  # a speaker opens a paragraph or a sentence: "Mr. Name, Affiliation, verb ..."
                found = [_SPEAKER.match(s) for s in _sentences(line)]
            for m in found:
                if not m:
                    continue
                name = " ".join(m.group("name").split())
                aff = clean_name(m.groupdict().get("aff") or m.groupdict().get("aff2") or "")
                key = normalise_name(name)
                if key in seen or not aff:
                    continue
                rec: dict[str, Any] = {"name": name, "affiliation": aff}
                actor = resolve_affiliation(self.ext, self.linker, aff, line=i, context=line)
                if actor:
                    rec["affiliation_id"] = actor
                seen[key] = rec
        return list(seen.values())

    def organisers(self) -> tuple[list[str], list[str], list[tuple[str, str, int]]]:
        """(hosts, organisers, [(organisation id, role, line)]) from "organized by", "hosted by",
        "co-hosting of the meeting by" and "with support from"."""
        hosts: list[str] = []
        organisers: list[str] = []
        roles: list[tuple[str, str, int]] = []

        def add(bucket: list[str], actor: str | None) -> None:
            if actor and actor not in bucket:
                bucket.append(actor)

        for n, line in enumerate(self.lines, start=1):
            for m in _ORGANISED.finditer(line):
                hosted = "host" in m.group("verb").lower()
                for item in split_list(m.group("list"), self.linker):
                    actor = self.link(item, n)
                    if not actor:
                        continue
                    is_state = self.linker.country(actor) == actor
                    if hosted or is_state:
                        add(hosts, actor)
                    if not hosted:
                        add(organisers, actor)
                    if not is_state:
                        roles.append((actor, "host" if hosted else "organiser", n))
            for rx in (_HOSTING, _HOSTS_LABEL):
                for m in rx.finditer(line):
                    for item in split_list(m.group("list"), self.linker):
                        add(hosts, self.link(item, n))
            for m in _SUPPORT.finditer(line):
                for item in split_list(m.group("list"), self.linker):
                    actor = self.link(item, n)
                    add(organisers, actor)
                    if actor and self.linker.country(actor) != actor:
                        roles.append((actor, "supporter", n))
        return hosts, organisers, roles

    def participants(self, start: int) -> list[str]:
        """States and organisations that speak in the report (subjects of speech verbs, listed countries)."""
        out: list[str] = []
        for n in range(start, len(self.lines) + 1):
            line = self.lines[n - 1]
            for m in _ATTENDED.finditer(line):  # "delegations from A, B and C": only names that resolve count
                for item in split_list(m.group("list"), self.linker):
                    if not is_capitalised(item.removeprefix("the ")):
                        break
                    if not resolvable(item, self.linker):
                        break
                    actor = self.link(item, n)
                    if actor and actor not in out:
                        out.append(actor)
            for m in _COUNTRY_LIST.finditer(line):
                for item in re.split(r"\s*,\s*|\s+and\s+", m.group("list")):
                    item = clean_name(item)
                    if not item or not is_capitalised(item) or not country_only(item, self.linker):
                        break
                    actor = self.link(item, n)
                    if actor and actor not in out:
                        out.append(actor)
            for sentence in _sentences(line):
                if re.match(rf"^\W*{_HONORIFIC}\s", sentence):
                    continue
                m = _SUBJECT.match(sentence)
                if (not m or m.group("verb") not in _SPEECH_VERBS
                        or m.group("name").split()[0].lower() in _NOT_ACTORS):
                    continue
                actor = self.link(m.group("name"), n, report_unknown=False)
                if actor and actor not in out:
                    out.append(actor)
        return out

    def topics(self) -> list[tuple[str, int]]:
        """Enumerated topics "(i) ..., (ii) ..." of the first sentence about a work programme."""
        for n, line in enumerate(self.lines, start=1):
            for sentence in _sentences(line):
                if not _PROGRAMME.search(sentence):
                    continue
                marks = list(_ENUM.finditer(sentence))
                if len(marks) < 2:
                    continue
                items: list[tuple[str, int]] = []
                for k, mark in enumerate(marks):
                    end = marks[k + 1].start() if k + 1 < len(marks) else len(sentence)
                    chunk = sentence[mark.end():end]
                    if k + 1 == len(marks):
                        chunk = chunk[:_TAIL_CUT.search(chunk).start()]
                    chunk = re.sub(r"[\s,;]+(?:and|or)?\s*$", "", chunk)
                    chunk = re.sub(r"^(?:on|the\s+topic\s+of|about)\s+", "", chunk.strip(), flags=re.I)
                    if chunk:
                        items.append((clean_name(chunk), n))
                if items:
                    return items
        return []

    def iscm(self, title_line: int) -> tuple[str | None, int | None, str | None]:
        """The ISCM the meeting belongs to: named in the title, or named in the text with the title's kind of
        meeting ("Panel Meeting" -> a mechanism called "... Panel ...")."""
        iscm_ids = self.linker.iscm_ids
        title = self.lines[title_line - 1]
        for name in alias_spans(title, self.linker):
            if self.linker.organisation(name) in iscm_ids:
                return name, title_line, title
        kind = re.search(r"\b([A-Z][\w-]+)\s+(?:Meeting|Conference|Workshop|Seminar|Forum)\b", title)
        if not kind or kind.group(1).lower() in {"the", "annual", "regional", "expert", "experts", "joint"}:
            return None, None, None
        word = kind.group(1).lower()
        for n, line in enumerate(self.lines, start=1):
            for name in alias_spans(line, self.linker):
                if self.linker.organisation(name) in iscm_ids and word in name.lower().split():
                    return name, n, line
        return None, None, None


def extract(text: str, *, path: Path | None, linker: Linker) -> Extraction:
    ext = Extraction(document={})
    r = _Reader(text, linker, ext)
    header_end, title_n, date_n, place_n = r.header()
    title = (clean_name(r.lines[title_n - 1]) if r.lines else "") or "Meeting report"
    start = end = None
    if date_n:
        start, end, _ = parse_date_range(r.lines[date_n - 1])
    else:
        found = parse_date_range(text)
        if found:
            start, end, _ = found
    as_of = dt.date.fromordinal(end.toordinal()) if end else None  # own object: no YAML anchors
    ext.document = document_info(text, path=path, kind=KIND, title=title, as_of=as_of)
    if not text.strip():
        return ext

    iscm_name, iscm_line, iscm_ctx = r.iscm(title_n)
    iscm = (linker.link(ext, iscm_name, line=iscm_line, kind="iscm", context=iscm_ctx or "")
            if iscm_name and iscm_line else None)
    place, country = r.place(place_n)
    summary_n, body_n = r.body_start(header_end)
    hosts, organisers, roles = r.organisers()
    speakers = r.speakers(body_n)
    participants: list[str] = []
    for actor in [*hosts, *organisers, *[s["affiliation_id"] for s in speakers if "affiliation_id" in s],
                  *r.participants(summary_n)]:
        if actor not in participants:
            participants.append(actor)
    topics = r.topics()

    subject = re.sub(r"^.*?\b(?:Meeting|Conference|Workshop|Seminar|Forum)\s+(?:on|of)\s+", "", title, flags=re.I)
    subject = subject if subject != title else None
    event_id = "-".join(p for p in (iscm or slugify(subject or title)[:40], slugify(place) if place else None,
                                    start.isoformat() if start else None) if p)
    used = [n for n in (title_n, date_n, place_n) if n]
    ext.add("event", line=title_n or 1, text=" ".join(r.lines[n - 1].strip() for n in sorted(set(used))),
            id=event_id, title=title, iscm=iscm, start=start, end=end, place=place, country=country,
            hosts=hosts, organisers=organisers, participants=participants,
            sessions=r.sessions(body_n), speakers=speakers, topics=[t for t, _ in topics])

    if subject:
        for theme in themes_of(subject):
            ext.add("theme", line=title_n, text=r.lines[title_n - 1], subject=event_id, theme=theme, term=subject)
    for term, n in topics:
        for theme in themes_of(term):
            ext.add("theme", line=n, text=r.lines[n - 1], subject=event_id, theme=theme, term=term)
    seen: set[tuple[str, str]] = set()
    for actor, role, n in roles:
        if (actor, role) in seen:
            continue
        seen.add((actor, role))
        description = {"organiser": "organised the meeting", "supporter": "supported the meeting",
                       "host": "hosted the meeting"}[role]
        ext.add("named-body", line=n, text=r.lines[n - 1], subject=event_id, actor=actor, description=description)
    return ext
