"""Actor resolution: find the names in a sentence and link each through the Linker, or report it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from graph.countries import all_countries
from graph.ingest.base import Extraction, Linker, normalise_name
from graph.ingest.iscm_summary.vocabulary import (
    CONNECTORS,
    GENERIC,
    GEOGRAPHY,
    GROUP_TAIL,
    LEADING,
    PARTICIPLE_SUFFIX,
    POSSESSIVE,
    TITLE_NOUNS,
    WORD,
)


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


def strip_possessive(word: str) -> str:
    return POSSESSIVE.sub("", word) if re.search(r"['’]s?$", word) and len(word) > 2 else word


class Names:
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
        name = strip_possessive(name.strip())
        found = self.linker.organisation(name)
        if found is None and countries:
            found = self.linker.country(name)
        return found

    def link(self, name: str, *, line: int, kind: str, context: str) -> str | None:
        return self.linker.link(self.x, strip_possessive(name), line=line, kind=kind, context=context)

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
        text = strip_possessive(name.text)
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
