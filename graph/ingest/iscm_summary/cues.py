"""Small readers of one sentence or clause: clauses and list items, negation, years, intensity,
partnership categories, themes, and the amounts and payers of funding."""

from __future__ import annotations

import re

from graph.ingest.iscm_summary.vocabulary import CATEGORY_VOCABULARY, INTENSITY_VOCABULARY, NEGATION, THEME_VOCABULARY


def split_clauses(sentence: str) -> list[str]:
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


def split_items(text: str, sep: str = ";") -> list[str]:
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


def negated(text: str, cue_start: int) -> bool:
    words_before = re.findall(r"[\w'-]+", text[:cue_start])[-5:]
    return any(NEGATION.fullmatch(w) for w in words_before)


def year_of(text: str) -> int | None:
    m = re.search(r"\b(?:in|since|from|by|until)\s+(?:\w+\s+)?((?:19|20)\d\d)\b", text)
    m = m or re.search(r"\b((?:19|20)\d\d)\b", text)
    return int(m.group(1)) if m else None


def intensity_of(text: str) -> str | None:
    low = text.lower()
    for intensity, cue in INTENSITY_VOCABULARY:
        for m in re.finditer(cue, low):
            if not negated(low, m.start()):
                return intensity
    return None


def categories_of(text: str, *, bold: bool) -> list[str]:
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


def themes_of(term: str) -> list[str]:
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


def amount_of(text: str) -> tuple[int | float, str] | None:
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


def payer_phrases(clause: str) -> list[str]:
    """The parts of a funding clause that name who pays ("funded by X", "X funds …", "an X-funded project")."""
    out = [m.group("who") or m.group("who2") for m in PASSIVE_PAYER.finditer(clause)]
    out += [m.group("who") for m in FUNDED_BY.finditer(clause)]
    active = ACTIVE_PAYER.search(clause)
    if active and active.group("who").strip():
        out.append(FUNDED_BY.sub(" ", active.group("who")))
    return out


def per_unit(text: str) -> str | None:
    m = re.search(r"\b(?:per|for each|from each|by each)\s+(participating\s+|member\s+)?"
                  r"(country|state|member|government|participant)(?:s)?\b", text, re.I)
    if not m:
        return None
    return ((m.group(1) or "").strip().lower() + " " + m.group(2).lower()).strip()


def period_of(text: str) -> str | None:
    low = text.lower()
    for period, cue in (("annual", r"\bannual(ly)?\b|\byearly\b|\bper (year|annum)\b|\ba year\b|\beach year\b"),
                        ("monthly", r"\bmonthly\b|\bper month\b"),
                        ("biennial", r"\bbiennial(ly)?\b|\bevery two years\b"),
                        ("one-off", r"\bone-(off|time)\b")):
        if re.search(cue, low):
            return period
    return None
