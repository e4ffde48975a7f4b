"""Actors named in running text: capitalised runs, names the alias table knows, and the State or
organisation a name or a speaker's affiliation stands for (shared by the meeting and EU summary ingesters)."""

from __future__ import annotations

import re

from graph.ingest.base import Extraction, Linker, normalise_name

# Words that make a name an organisation (or a government body) rather than a person or a State.
_ORG_HEADS = {
    "agency", "association", "authority", "board", "bureau", "center", "centre", "commission", "committee",
    "council", "court", "delegation", "department", "directorate", "division", "embassy", "federation",
    "forum", "foundation", "fund", "group", "initiative", "institute", "institution", "ministry", "mission",
    "network", "office", "organisation", "organization", "panel", "parliament", "process", "programme",
    "program", "secretariat", "service", "society", "union", "unit", "university",
}
# A segment with one of these is a State's own body: the State is the affiliation.
_STRONG_GOV = re.compile(r"\b(?:Ministry|Minister|Ministerial|Embassy|Ambassador|Consulate|Government|Deputy Prime)\b")
_WEAK_GOV = re.compile(r"\b(?:Department|Directorate|Bureau|State|National|Police|Border|Service|Committee|"
                       r"Commission|Agency|Office|Secretariat|Division|Unit|Inspectorate|Guard)\b")
_CIVIL = re.compile(r"\b(?:Foundation|Institute|Cent(?:er|re)|University|Association|NGO|Society|Federation|"
                    r"Network|Council|Forum|Initiative|Union)\b|^[\"“«]")
_OFFICE_OF = re.compile(r"^(?:the\s+)?(?:(?:Regional|Country|Liaison|Sub-regional)\s+)?(?:Mission|Office|Delegation|"
                        r"Representation|Bureau)\s+of\s+(?:the\s+)?(?P<org>.+)\s+(?:in|to)\s+(?:the\s+)?[^,]+$",
                        re.I)
_JOB_TITLE = re.compile(r"^(?:(?:Deputy|Senior|Chief|Acting|Vice|Assistant|Principal|Special|Regional|Head)\s+)*"
                        r"(?:Adviser|Advisor|Director|Head|Officer|Minister|Expert|Chair(?:person)?|President|Manager|"
                        r"Coordinator|Consultant|Specialist|Ambassador|Counsellor|Secretary|Representative|Analyst|"
                        r"Researcher|Professor|Lecturer|Legal\s+Officer)(?:\s+of\s+(?:the\s+)?Unit)?$", re.I)
_CONNECTORS = {"of", "for", "on", "and", "the", "in", "against", "de", "des", "du", "la", "le", "et"}
_TOKEN = re.compile(r"[^\W\d_](?:[\w'’&-]|\.(?=\w))*")  # a full stop inside a token ("U.S"), never at its end
_UPPER = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž]")


def clean_name(name: str) -> str:
    name = re.sub(r"[*_`]+", "", name)
    name = name.strip().strip("\"“”«»'‘’").strip()
    name = re.sub(r"^(?:by|from|with)\s+", "", name)
    return " ".join(name.strip(" ,.;:").split())


def is_capitalised(token: str) -> bool:
    return bool(_UPPER.match(token))


def _single_token_ok(token: str) -> bool:
    """Whether a one-word span may be looked up as a name ("IOM", "Frontex"; not "Can" or "Add")."""
    letters = re.sub(r"[^\w]", "", token)
    return (letters.isupper() and len(letters) >= 2) or (len(letters) >= 5 and is_capitalised(token))


def capitalised_phrases(text: str) -> list[tuple[int, int, list[str]]]:
    """Maximal runs of capitalised words (lower-case connectors allowed inside): (start, end, tokens)."""
    runs: list[tuple[int, int, list[str]]] = []
    tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text)]
    i = 0
    while i < len(tokens):
        if not is_capitalised(tokens[i][2]):
            i += 1
            continue
        j = i + 1
        while j < len(tokens):
            if text[tokens[j - 1][1]:tokens[j][0]].strip():  # punctuation ends a name
                break
            if is_capitalised(tokens[j][2]) or tokens[j][2].lower() in _CONNECTORS:
                j += 1
                continue
            break
        while j > i + 1 and not is_capitalised(tokens[j - 1][2]):  # no trailing connectors
            j -= 1
        runs.append((tokens[i][0], tokens[j - 1][1], [t[2] for t in tokens[i:j]]))
        i = j
    return runs


def alias_spans(text: str, linker: Linker, *, exclude: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Names inside ``text`` that the alias table knows, longest first within each capitalised run."""
    found: list[str] = []
    for _, _, toks in capitalised_phrases(text):
        i = 0
        while i < len(toks):
            hit = None
            # "State Commission": a word qualified by the capitalised word before it names something else
            qualified = i > 0 and toks[i - 1].lower() not in _CONNECTORS and not toks[i].isupper()
            for j in range(min(len(toks), i + 12), i, -1):
                span = toks[i:j]
                if qualified:
                    break
                if not (is_capitalised(span[0]) and is_capitalised(span[-1])) or (
                        len(span) == 1 and not _single_token_ok(span[0])):
                    continue
                name = " ".join(span)
                if normalise_name(name) in exclude:
                    continue
                if linker.organisation(name):
                    hit = (name, j)
                    break
            if hit:
                found.append(hit[0])
                i = hit[1]
            else:
                i += 1
    return found


def country_only(name: str, linker: Linker) -> str | None:
    """The State ``name`` names, if the name is a country name and nothing more ("IOM Ukraine" is not)."""
    words = name.split()
    if not words or len(words) > 8:
        return None
    if any(w.lower() in _ORG_HEADS for w in words):
        return None
    if any(len(w) > 1 and w.isupper() and linker.organisation(w) for w in words):
        return None
    return linker.country(name)


def org_candidates(name: str, linker: Linker) -> list[str]:
    """Forms of ``name`` under which an organisation may be known (acronym, parent of a country office)."""
    out = [name]
    paren = re.search(r"\(([^()]+)\)", name)
    if paren:
        out += [re.sub(r"\s*\([^()]*\)", "", name).strip(), paren.group(1).strip()]
    office = _OFFICE_OF.match(name)
    if office:
        out.append(office.group("org"))
    words = name.split()
    for k in (1, 2, 3):  # "IOM Ukraine": an organisation's office named after its country
        if len(words) > k and country_only(" ".join(words[-k:]), linker):
            out.append(" ".join(words[:-k]))
    return [c for c in out if c]


def _looks_like_org(name: str) -> bool:
    words = name.split()
    return (any(w.lower().strip("()") in _ORG_HEADS for w in words)
            or any(len(w.strip("()")) > 1 and w.strip("()").isupper() for w in words)
            or bool(_CIVIL.search(name)))


def link_actor(ext: Extraction, linker: Linker, raw: str, *, line: int, context: str,
               report_unknown: bool = True) -> str | None:
    """Resolve a State or organisation name; record it (unresolved too, unless ``report_unknown`` is off
    and the name does not even look like an organisation)."""
    name = clean_name(raw)
    name = re.sub(r"^(?:the\s+)?representatives?\s+of\s+", "", name, flags=re.I)
    if not name:
        return None
    for cand in org_candidates(name, linker):
        if linker.organisation(cand):
            return linker.link(ext, cand, line=line, kind="organisation", context=context)
    if country_only(name, linker):
        return linker.link(ext, name, line=line, kind="country", context=context)
    if _looks_like_org(name) or len(name.split()) > 3:  # never let a country inside an org name stand for it
        return linker.link(ext, name, line=line, kind="organisation", context=context)
    if report_unknown:
        return linker.link(ext, name, line=line, kind="actor", context=context)
    return None


def resolvable(raw: str, linker: Linker) -> bool:
    """Whether :func:`link_actor` would resolve ``raw`` (checked without recording a mention)."""
    name = clean_name(raw)
    return bool(name) and (any(linker.organisation(c) for c in org_candidates(name, linker))
                           or country_only(name, linker) is not None)


def split_list(text: str, linker: Linker) -> list[str]:
    """Split "A, B and C" into names, keeping names that contain "and" when the alias table knows them."""
    items: list[str] = []
    for part in re.split(r"\s*[,;]\s*(?:and\s+)?", text):
        part = clean_name(part)
        if not part:
            continue
        # country_converter would read "Moldova and Ruritania" as Moldova: split unless an organisation's name
        if linker.organisation(part) or " and " not in part:
            items.append(part)
            continue
        items += [clean_name(p) for p in re.split(r"\s+and\s+(?:the\s+)?", part) if clean_name(p)]
    return items


def _top_level_split(text: str) -> list[str]:
    """Split on commas outside parentheses and quotes."""
    parts, depth, quote, cur = [], 0, False, []
    for ch in text:
        if ch in "(":
            depth += 1
        elif ch in ")":
            depth = max(0, depth - 1)
        elif ch in "\"“”":
            quote = not quote if ch == "\"" else ch == "“"
        if ch == "," and depth == 0 and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return [clean_name(p) for p in parts if clean_name(p)]


def resolve_affiliation(ext: Extraction, linker: Linker, affiliation: str, *, line: int,
                        context: str) -> str | None:
    """The State or organisation a speaker's affiliation names ("Ministry ... of the Republic of Belarus" is
    BLR, "Mission of IOM in Ukraine" is iom); an unknown organisation is reported, not guessed."""
    segments = _top_level_split(affiliation)

    def country_of(seg: str) -> str | None:
        if linker.country(seg):
            return seg
        head = re.split(r"\s+(?:in|to|at)\s+(?:the\s+)?", seg)[0]  # "Ambassador of X in Y": X sends
        return head if head != seg and linker.country(head) else None

    for seg in segments:
        if _STRONG_GOV.search(seg) and (name := country_of(seg)):
            return linker.link(ext, name, line=line, kind="country", context=context)
    for seg in segments:
        if _WEAK_GOV.search(seg) and not alias_spans(seg, linker) and (name := country_of(seg)):
            return linker.link(ext, name, line=line, kind="country", context=context)
    for seg in segments:
        for cand in org_candidates(seg, linker):
            if linker.organisation(cand):
                return linker.link(ext, cand, line=line, kind="organisation", context=context)
        spans = alias_spans(seg, linker)
        if spans:
            return linker.link(ext, spans[0], line=line, kind="organisation", context=context)
    civil = [s for s in segments if _CIVIL.search(s) or _looks_like_org(s)]
    if civil:  # an organisation we do not know: report it, do not fall back to its country
        return linker.link(ext, re.sub(r"\s*\([^()]*\)", "", civil[0]), line=line, kind="organisation",
                           context=context)
    for seg in segments:
        if name := country_of(seg):
            return linker.link(ext, name, line=line, kind="country", context=context)
    named = [re.sub(r"\s*\([^()]*\)", "", s) for s in segments if not _JOB_TITLE.match(s)]
    if named:  # a name we cannot place (e.g. a quoted association name): report it
        return linker.link(ext, max(named, key=len), line=line, kind="organisation", context=context)
    return None
