"""Search over the names of a release's entities (labels, alternative labels, acronyms, ISO codes,
and the common names country_converter knows), for the facade :class:`graph.loader.ISCMGraph`."""

from __future__ import annotations

import difflib
import unicodedata
from dataclasses import dataclass
from typing import Any

import pandas as pd


def fold(text: str) -> str:
    """Lower case, no accents, single spaces: "Côte d'Ivoire" → "cote d ivoire"."""
    norm = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in norm).split())


@dataclass(frozen=True)
class Hit:
    id: str
    label: str
    type: str
    score: float
    matched: str


class Search:
    """The search part of the facade; the host provides ``memo``, ``names`` and ``entities``."""

    memo: Any
    names: pd.DataFrame
    entities: pd.DataFrame

    def search(self, q: str, *, limit: int = 10, types: tuple[str, ...] | None = None) -> list[Hit]:
        """Entities whose name, acronym, alias or ISO code matches ``q``, best first.

        Exact (folded) matches score 1; prefixes and word matches 0.9-0.8; otherwise a fuzzy
        similarity (difflib ratio ≥ 0.75) catches spelling variants ("Marocco", "Phillipines").
        """
        needle = fold(q)
        if not needle:
            return []
        # the release cannot change under a loaded graph, so an answer holds until it is evicted
        key = ("search", needle, limit, tuple(sorted(types)) if types else None)
        return list(self.memo(key, lambda: self._search(needle, limit=limit, types=types)))

    def _search(self, needle: str, *, limit: int, types: tuple[str, ...] | None) -> list[Hit]:
        best: dict[str, Hit] = {}
        names = self.names
        matcher = difflib.SequenceMatcher()
        matcher.set_seq2(needle)  # difflib caches facts about seq2: the query
        for row in names.itertuples(index=False):
            hay = row.folded
            if hay == needle:
                score = 1.0
            elif hay.startswith(needle):
                score = 0.9
            elif f" {needle}" in f" {hay}":
                score = 0.8
            elif len(needle) >= 4:
                matcher.set_seq1(hay)
                # cheap upper bounds first, as difflib.get_close_matches does
                if matcher.real_quick_ratio() < 0.75 or matcher.quick_ratio() < 0.75:
                    continue
                ratio = matcher.ratio()
                score = ratio * 0.75 if ratio >= 0.75 else 0.0
            else:
                score = 0.0
            if score <= 0:
                continue
            etype = self.entities.at[row.id, "type"]
            if types and etype not in types:
                continue
            current = best.get(row.id)
            if current is None or score > current.score:
                best[row.id] = Hit(id=row.id, label=str(self.entities.at[row.id, "label"]), type=str(etype),
                                   score=round(score, 3), matched=row.name)
        self._country_alias(needle, best, types)
        hits = sorted(best.values(), key=lambda h: (-h.score, h.type != "state", h.label))
        return hits[:limit]

    def _country_alias(self, needle: str, best: dict[str, Hit], types: tuple[str, ...] | None) -> None:
        """A common name country_converter knows ("UK", "Ivory Coast", "Swaziland", "Turkey") ranks as
        an alias (0.95): above prefixes and fuzzy matches ("UK" is not Ukraine), below exact names."""
        if types and "state" not in types:
            return
        from graph.countries import resolve_country_name

        code = resolve_country_name(needle)
        if code is None or code not in self.entities.index or self.entities.at[code, "type"] != "state":
            return
        current = best.get(code)
        if current is None or current.score < 0.95:
            best[code] = Hit(id=code, label=str(self.entities.at[code, "label"]), type="state", score=0.95,
                             matched=needle)
