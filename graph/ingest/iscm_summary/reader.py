"""Claim emission: read each section of a laid-out summary and add its facts to the Extraction."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path

from graph.countries import looks_alpha3
from graph.datafiles import load_yaml
from graph.ingest.base import Extraction, Linker, document_info, lines_of
from graph.ingest.iscm_summary.cues import (
    amount_of,
    categories_of,
    intensity_of,
    negated,
    payer_phrases,
    per_unit,
    period_of,
    split_clauses,
    split_items,
    themes_of,
    year_of,
)
from graph.ingest.iscm_summary.layout import (
    Para,
    Section,
    Sentence,
    layout_of,
    name_candidates,
    sentences_of,
    survey_date,
    title_of,
)
from graph.ingest.iscm_summary.names import Names
from graph.ingest.iscm_summary.vocabulary import (
    FORMER_MEMBER_CUE,
    FUNDING_CUE,
    KIND,
    LEVEL_LABEL,
    LEVELS,
    NEW_MEMBER_CUE,
    OBSERVER_CUE,
    REFERRED_CUE,
    STRUCTURE_VOCABULARY,
    SUCCESSION_PATTERNS,
    TYPE_CATEGORY,
)


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


class Reader:
    def __init__(self, text: str, path: Path | None, linker: Linker) -> None:
        self.lines = lines_of(text)
        self.layout = layout_of(self.lines)
        self.linker = linker
        doc = document_info(text, path=path, kind=KIND, title=title_of(self.layout.header, self.layout.iscm_name),
                            as_of=survey_date(self.layout.header))
        self.x = Extraction(document=doc)
        self.subject = self._subject()
        self.names = Names(self.x, linker, self.subject, name_candidates(self.layout.iscm_name or ""))

    def _subject(self) -> str | None:
        name, line = self.layout.iscm_name, self.layout.name_line
        if not name:
            return None
        context = self.lines[line - 1]
        candidates = name_candidates(name)
        chosen = next((c for c in candidates if self.linker.organisation(c)), candidates[0])
        return self.linker.link(self.x, chosen, line=line, kind="iscm", context=context)

    def others(self, found: Iterable[tuple[str, str]]) -> list[str]:
        return [f for f, _ in found if f != self.subject]

    def sections(self, *kinds: str) -> Iterator[Section]:
        return (s for s in self.layout.sections if s.kind in kinds)

    # -- thematic focus and succession
    def themes(self) -> None:
        seen: set[tuple[str, str]] = set()
        for section in self.sections("evolution"):
            for s in section.sentences():
                for term in self._theme_terms(s.text):
                    for theme in themes_of(term):
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
            items = split_items(listed, ";")
            if len(items) == 1:  # a comma list: "a, b, c and d"
                items = split_items(listed, ",")
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
                                           successor=succ, year=year_of(s.text))
                    break

    # -- contributions
    def contributions(self) -> None:
        for section in self.sections("contribution"):
            level, paras = None, []
            blocks: list[tuple[str, list[Para]]] = []
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

    def _contribution(self, level: str, paras: list[Para]) -> None:
        text = " ".join(p.clean for p in paras)
        description = LEVEL_LABEL.sub("", text, count=1)
        states: list[str] = []
        bodies: list[tuple[str, Sentence]] = []
        for para in paras:
            for s in sentences_of(para):
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

    def _structure(self, s: Sentence) -> None:
        hits = [(c, cue) for c, cue in STRUCTURE_VOCABULARY if re.search(cue, s.text, re.I)]
        if not hits:
            return
        # "the following structure: a Chair; a Troika; …": one record per listed body
        items = split_items(s.text.split(":", 1)[1], ";") if ":" in s.text and ";" in s.text else [s.text]
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
                if negated(item, m.start()):
                    description = f"none: {description}"
                if self.subject:
                    self.x.add("structure", line=s.line, text=s.text, subject=self.subject, component=component,
                               description=description, actors=actors or None)

    def _funding(self, s: Sentence) -> None:
        for clause in split_clauses(s.text):
            if not FUNDING_CUE.search(clause):
                continue
            payers: list[str] = []
            for phrase in payer_phrases(clause):
                payers += [p for p in self.others(self.names.names(phrase, line=s.line, context=s.text))
                           if p not in payers]
            amount = amount_of(clause)
            data = {"description": clause, "amount": amount[0] if amount else None,
                    "currency": amount[1] if amount else None,
                    "per": per_unit(clause) if amount else None, "period": period_of(clause) if amount else None}
            if not self.subject:
                continue
            for payer in payers or [None]:
                self.x.add("funding", line=s.line, text=s.text, subject=self.subject, payer=payer, **data)

    def _membership(self, s: Sentence) -> None:
        for clause in split_clauses(s.text):
            role, key = None, None
            if (m := NEW_MEMBER_CUE.search(clause)) and not negated(clause, m.start()):
                role, key = "member", "since"
            elif (m := FORMER_MEMBER_CUE.search(clause)) and not negated(clause, m.start()):
                role, key = "former-member", "until"
            elif (m := OBSERVER_CUE.search(clause)) and re.search(r"\b(is|are|was|were|became|granted|hold)\b",
                                                                   clause) and not negated(clause, m.start()):
                role, key = "observer", "since"
            if role is None:
                continue
            year = year_of(clause)
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
                here = categories_of(s.raw, bold=bold) or (categories_of(s.text, bold=False) if bold else [])
                cues = here or cues  # a sentence with no category goes on about the one before
                self._cooperation(s, cues, types)

    def _cooperation(self, s: Sentence, cues: list[str], types: dict[str, str]) -> None:
        kind = "iscm" if cues == ["iscm"] else "organisation"
        overall = intensity_of(s.text)
        for clause in split_clauses(s.text):
            # "IOM regularly takes part; UNDP is invited ad hoc": each clause says its own intensity
            intensity = intensity_of(clause) or overall
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

    def _values(self, referred: Sentence, referring: list[str], sentences: list[Sentence]) -> None:
        said: dict[str, list[Sentence]] = {r: [] for r in referring}
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
