"""Ingester for EU legislative-observatory and evaluation summaries about liaison-officer networks.

Such a summary opens with the procedure's title and a line "2003/0817(CNS) - 17/05/2018" (procedure
reference and the summary's date), then prose that names the legal acts (Regulation (EC) 377/2004),
the networks of liaison officers with their acronyms ("immigration liaison officers (ILOs)"), their
size ("almost 500 ILOs"), the countries visited on fact-finding missions, a network of the networks'
managers, and the EU institutions and agencies involved.

Emitted: one ``network`` fact per liaison-officer network defined with an acronym, one ``deployment``
per fact-finding host country, and one ``named-body`` per EU body named (linked through the Linker).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from graph.ingest.actors import alias_spans, capitalised_phrases
from graph.ingest.base import Extraction, Linker, document_info, lines_of, normalise_name, slugify

KIND = "eu-summary"

_PROCEDURE = re.compile(r"\b(?P<ref>\d{4}/\d{4}\((?:COD|CNS|NLE|INI|APP|AVC|BUD|DEC|RSP|SYN|COS|INL|ACI|RPS|DCE|"
                        r"IMM|REG|RSO|CJE|INS|DEA)\))\s*[-–—]\s*(?P<date>\d{2}/\d{2}/\d{4})")
# "Regulation (EC) 377/2004", "Regulation (EU) No 2019/1240", "Council Decision 2005/267/EC"
_ACT = re.compile(r"\b(?:(?:Council|Commission)\s+)?(?:Implementing\s+|Delegated\s+)?"
                  r"(?:Regulation|Directive|Decision)\s+(?:\((?:EC|EU|EEC|Euratom)\)\s+)?(?:No\.?\s+)?"
                  r"\d{1,4}/\d{1,4}(?:/(?:EC|EU|EEC|JHA|CFSP))?")
# "immigration liaison officers (ILOs)", "European Migration Liaison Officers (EMLOs)"
_NETWORK_DEF = re.compile(r"\b(?P<full>(?:[A-Za-z][\w-]*\s+){0,4}liaison\s+officers?)\s*\((?P<acr>[A-Z]{2,}s?)\)",
                          re.I)
_QUALIFIER = (r"(?P<q>almost|nearly|about|around|approximately|roughly|some|over|more\s+than|up\s+to|"
              r"fewer\s+than|less\s+than|close\s+to|at\s+least|~)?\s*")
_MANAGERS = re.compile(r"\b(?P<name>(?:[A-Z][\w-]*\s+){1,6}Managers[’']?\s+Network)\b\s*,?\s*"
                       r"(?:\((?P<acr>[A-Z]{3,})\))?|\b[Nn]etwork\s+of\s+(?:the\s+)?(?P<name2>[\w\s]{0,40}?)managers\b")
_FACT_FINDING = re.compile(r"fact[-\s]finding\s+(?:missions?|visits?|trips?)", re.I)
_DEPLOYED_BY = re.compile(r"\bdeployed\s+by\s+(?P<by>(?:the\s+)?(?:EU\s+)?Member\s+States|[A-Z][\w\s]{2,60}?)"
                          r"(?=\s+(?:in|to|at|across)\b|[,.;])")
_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
          "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
          "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20}
# Singular institution words: a capitalised name with one of these is a body ("Expert Group on ILO Networks");
# collective plurals ("EU Agencies", "EU Delegations") name no single body.
_BODY_HEADS = {"commission", "council", "parliament", "service", "agency", "office", "court", "bank", "committee",
               "group", "network", "ombudsman", "board", "directorate", "authority", "supervisor", "centre",
               "center", "eurojust", "frontex", "europol"}
_MEMBER_STATES = "eu-member-states"  # a collective, not an entity in data/: deployments by the EU Member States


def detect(text: str) -> float:
    head = text[:3000]
    score = 0.0
    if _PROCEDURE.search(head):
        score += 0.6
    if re.search(r"liaison\s+officer", text, re.I):
        score += 0.25
    if _ACT.search(text):
        score += 0.1
    if re.search(r"\b(?:the\s+Commission|Member\s+States)\b", text):
        score += 0.05
    return min(score, 1.0)


def _number(token: str) -> int | None:
    token = token.replace(",", "").replace("\u202f", "").strip()
    if token.isdigit():
        return int(token)
    return _WORDS.get(token.lower())


_BOUNDARY = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\bNo)(?<!\b[A-Z])[.!?]\s+(?=[A-Z\"'(\[‘“])")


def _sentence_around(line: str, start: int, end: int, limit: int = 240) -> str:
    """The sentence of ``line`` that contains the span start..end (clipped at a word)."""
    left, right = 0, len(line)
    for m in _BOUNDARY.finditer(line):
        if m.end() <= start:
            left = m.end()
        elif m.start() >= end:
            right = m.start() + 1
            break
    sentence = " ".join(line[left:right].split())
    return sentence if len(sentence) <= limit else sentence[:limit].rsplit(" ", 1)[0] + " …"


def _balanced(text: str, open_at: int) -> str:
    """The text inside the parenthesis opening at ``open_at`` (nested parentheses kept)."""
    depth = 0
    for i in range(open_at, len(text)):
        if text[i] == "(":
            depth += 1
        elif text[i] == ")":
            depth -= 1
            if depth == 0:
                return text[open_at + 1:i]
    return text[open_at + 1:]


def _split_names(text: str) -> list[str]:
    text = re.sub(r"\([^()]*\)", "", text)  # "Albania (Western Balkans region)"
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", text)
    return [" ".join(p.strip(" .;:").split()) for p in parts if p.strip(" .;:")]


class _Network:
    def __init__(self, full: str, acronym: str, line: int) -> None:
        self.full = " ".join(full.split())
        self.acronym = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
        self.line = line
        self.name = self.full[0].upper() + self.full[1:]
        self.id = f"eu-{slugify(self.acronym)}-network"
        self.legal_basis: list[str] = []
        self.count: tuple[int, bool, int] | None = None  # (count, approximate, line)
        self.managers = False

    def named_in(self, text: str) -> bool:
        """Whether ``text`` refers to this network by its acronym or full name."""
        return bool(re.search(rf"\b{re.escape(self.acronym)}s?\b", text)
                    or re.search(re.escape(self.full.lower()), text.lower()))

    def count_rx(self) -> re.Pattern[str]:
        words = "|".join([re.escape(self.acronym) + "s?", re.escape(self.full)])
        return re.compile(rf"{_QUALIFIER}(?P<n>\d[\d,\u202f]*|\b[a-z]+)\s+(?:{words})\b", re.I)


def _networks(lines: list[str]) -> list[_Network]:
    found: dict[str, _Network] = {}
    for n, line in enumerate(lines, start=1):
        for m in _NETWORK_DEF.finditer(line):
            # drop leading words that are not part of the name ("of the individual immigration ...")
            full = re.sub(r"^.*\b(?:of|the|and|by|to|with|for|individual|all|their|its|\d+)\s+", "", m.group("full"),
                          flags=re.I)
            net = _Network(full, m.group("acr"), n)
            if net.acronym not in found:
                found[net.acronym] = net
    nets = list(found.values())
    for net in nets:  # the network's own name where the text gives one ("immigration liaison officers network")
        full = re.escape(net.full)
        for rx in (rf"\b{full}\s+network\b", rf"\b(?:(?:European|EU)\s+)?network\s+of\s+{full}\b"):
            m = next((m for line in lines if (m := re.search(rx, line, re.I))), None)
            if m:
                net.name = m.group()[0].upper() + m.group()[1:]
                break
    return nets


def _mentions(net: _Network, text: str) -> list[int]:
    """Offsets where ``text`` names the network."""
    rx = rf"\b{re.escape(net.acronym)}s?\b|(?i:{re.escape(net.full)})"  # acronyms are case-sensitive
    return [m.start() for m in re.finditer(rx, text)]


def extract(text: str, *, path: Path | None, linker: Linker) -> Extraction:
    lines = lines_of(text)
    title, as_of = _title(lines)
    ext = Extraction(document=document_info(text, path=path, kind=KIND, title=title, as_of=as_of))
    nets = _networks(lines)
    main = nets[0] if nets else None
    _legal_bases(lines, nets)
    _counts(lines, nets)
    _managers(lines, nets, main, ext, linker)
    for net in nets:
        n = net.count[2] if net.count else net.line
        ext.add("network", line=n, text=lines[n - 1], id=net.id, name=net.name, legal_basis=net.legal_basis,
                officer_count=net.count[0] if net.count else None,
                approximate=net.count[1] if net.count else None,
                managers_network=net.managers or None)
    if main:
        _fact_finding(ext, linker, lines, nets, main)
        _named_bodies(ext, linker, lines, main, nets)
    return ext


def _title(lines: list[str]) -> tuple[str, dt.date | None]:
    """The summary's title (with its procedure reference) and its date."""
    title_n = next((i for i, line in enumerate(lines, start=1) if line.strip()), 1)
    title = " ".join(lines[title_n - 1].split()) if lines else "EU summary"
    as_of: dt.date | None = None
    procedure = None
    for line in lines:
        m = _PROCEDURE.search(line)
        if m:
            procedure = m.group("ref")
            day, month, year = (int(x) for x in m.group("date").split("/"))
            as_of = dt.date(year, month, day)
            break
    if procedure and procedure not in title:  # the procedure reference identifies the summary
        title = f"{title} ({procedure})"
    return title, as_of


def _legal_bases(lines: list[str], nets: list[_Network]) -> None:
    """A legal act belongs to the network named nearest to it in the same sentence."""
    for line in lines:
        for m in _ACT.finditer(line):
            act = " ".join(m.group().split())
            sentence = _sentence_around(line, m.start(), m.end(), limit=10_000)
            offset = line.find(sentence)
            at = m.start() - offset
            named = [(min(abs(p - at) for p in found), k) for k, net in enumerate(nets)
                     if (found := _mentions(net, sentence))]
            if named:
                net = nets[min(named)[1]]
                if act not in net.legal_basis:
                    net.legal_basis.append(act)


def _counts(lines: list[str], nets: list[_Network]) -> None:
    """Officer counts ("almost 500 ILOs", "13 European Migration Liaison Officers (EMLOs)"): the largest
    a network's first line naming one gives."""
    for net in nets:
        rx = net.count_rx()
        for n, line in enumerate(lines, start=1):
            for m in rx.finditer(line):
                count = _number(m.group("n"))
                if count is None or count < 1:
                    continue
                if net.count is None or count > net.count[0]:
                    net.count = (count, bool(m.group("q")), n)  # "almost 500": the source approximates
            if net.count:
                break


def _managers(lines: list[str], nets: list[_Network], main: _Network | None, ext: Extraction, linker: Linker) -> None:
    """The managers' network belongs to the network whose name it carries (else to the main one)."""
    for n, line in enumerate(lines, start=1):
        for m in _MANAGERS.finditer(line):
            label = m.group("name") or m.group("name2") or ""
            owners = [net for net in nets if net.named_in(label) or net.named_in(m.group("acr") or "")] or (
                [main] if main else [])
            for net in owners:
                net.managers = True
            if m.group("name"):
                linker.link(ext, m.group("name"), line=n, kind="organisation", context=line)


def _deployed_by(lines: list[str], ext: Extraction, linker: Linker) -> str | None:
    """Who deploys the officers, as the text says it ("deployed by Member States")."""
    for n, line in enumerate(lines, start=1):
        for m in _DEPLOYED_BY.finditer(line):
            by = m.group("by").strip()
            if re.fullmatch(r"(?:the\s+)?(?:EU\s+)?Member\s+States", by, re.I):
                return _MEMBER_STATES
            actor = linker.link(ext, by, line=n, kind="actor", context=line)
            if actor:
                return actor
    return _MEMBER_STATES if re.search(r"\bMember\s+States\b", "\n".join(lines)) else None


def _fact_finding(ext: Extraction, linker: Linker, lines: list[str], nets: list[_Network], main: _Network) -> None:
    """One deployment per country visited on fact-finding missions (listed in parentheses or after "to/in")."""
    deployed_by = _deployed_by(lines, ext, linker)
    for n, line in enumerate(lines, start=1):
        for m in _FACT_FINDING.finditer(line):
            rest = line[m.end():]
            sentence_end = re.search(r"\.\s+(?=[A-Z])|\.$", rest)
            clause = rest[: sentence_end.start()] if sentence_end else rest
            # "(Pakistan, Jordan, ...)", "countries: Pakistan, Jordan ..." or "visits to Pakistan, Jordan ..."
            paren = clause.find("(")
            colon = re.search(r":\s*(?=[A-Z])", clause)
            listed = re.search(r"\b(?:in|to)\s+(?=[A-Z])", clause)
            if paren >= 0 and (not colon or paren < colon.start()):
                raw = _split_names(_balanced(clause, paren))
            elif colon or listed:
                raw = _split_names(re.split(r"[;:]", clause[(colon or listed).end():])[0])
            else:
                raw = []
            names = []
            for name in raw:
                if not name[:1].isupper() or len(name.split()) > 5:  # the list ends: ", where ILOs are ..."
                    break
                names.append(name)
            network = next((net for net in nets if net.named_in(clause)), main)
            hosts: list[str] = []
            for name in names:
                code = linker.link(ext, name, line=n, kind="country", context=line)
                if code and code not in hosts:
                    hosts.append(code)
            for code in hosts:
                ext.add("deployment", line=n, text=line, network=network.id, deployed_by=deployed_by,
                        host_country=code, purpose="fact-finding")
            if names:
                return


def _named_bodies(ext: Extraction, linker: Linker, lines: list[str], main: _Network, nets: list[_Network]) -> None:
    """EU institutions, agencies and groups the summary names, linked through the alias table; a capitalised
    name with an institution word that the table does not know is reported."""
    own = {normalise_name(v) for net in nets for v in (net.acronym, net.acronym + "s", net.full)}
    unions = {p.stem for p in (linker.data_dir / "unions").glob("*.yaml")}
    seen: set[str] = set()
    reported: set[str] = set()
    for n, raw in enumerate(lines, start=1):
        # legal acts and procedure references carry "(EC)", "(EU)", "(CNS)": not bodies
        line = _PROCEDURE.sub(lambda m: " " * len(m.group()), raw)
        line = _ACT.sub(lambda m: " " * len(m.group()), line)
        line = _MANAGERS.sub(lambda m: " " * len(m.group()), line)  # already reported with the network
        for start, end, _ in capitalised_phrases(line):
            phrase = line[start:end]
            resolved_spans = alias_spans(phrase, linker, exclude=own)
            for name in resolved_spans:
                actor = linker.organisation(name)
                if not actor or actor in unions or actor in seen:
                    continue
                linker.link(ext, name, line=n, kind="organisation", context=raw)
                seen.add(actor)
                ext.add("named-body", line=n, text=raw, subject=main.id, actor=actor,
                        description=_sentence_around(raw, start, end))
            rest = phrase
            for name in resolved_spans:
                rest = rest.replace(name, "|")
            for chunk in re.split(r"\||\s+and\s+(?:of\s+)?(?:the\s+)?", rest):
                chunk = re.sub(r"^(?:(?:of|the|and|for|on|in)\s+)+|(?:\s+(?:of|the|and|for|on|in))+$", "",
                               chunk.strip(" ,"))
                words = chunk.split()
                if not words or normalise_name(chunk) in own or not any(
                        w.lower() in _BODY_HEADS for w in words) or not words[-1][:1].isupper():
                    continue
                key = normalise_name(chunk)
                if key in reported or (linker.organisation(chunk) in seen):
                    continue
                reported.add(key)
                actor = linker.link(ext, chunk, line=n, kind="organisation", context=raw)
                if actor and actor not in seen and actor not in unions:
                    seen.add(actor)
                    ext.add("named-body", line=n, text=raw, subject=main.id, actor=actor,
                            description=_sentence_around(raw, start, end))

