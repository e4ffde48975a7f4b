"""Answers of ``/sparql`` kept per release, by request, bounded in bytes; and their entity tags.

A release never changes once published, so the same request (the checked query text, the result
format, the dataset, the row cap and the endpoint's own IRI, which relative IRIs resolve against)
always has the same answer: a kept answer is exact, not merely recent. One cache belongs to one
:class:`api.serving.Served`, so a reload (a new release) starts empty and the old one goes with its
release. Only complete answers are kept: errors and timeouts never reach it (they are raised before),
and answers cut at the row cap are not kept either. It is used on the event loop only (no lock).
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass

from cachetools import LRUCache

# (checked text, media type, default graphs, named graphs, row cap, endpoint IRI)
Key = tuple[str, str, tuple[str, ...] | None, tuple[str, ...] | None, int, str]
_OVERHEAD = 512  # bytes of bookkeeping per entry beside the body and the key's strings


@dataclass(frozen=True)
class Entry:
    body: bytes
    media_type: str
    rows: int
    size: int  # what it counts against the bound: body, key strings, bookkeeping


def key_size(key: Key) -> int:
    """Roughly the bytes a key holds (str of code points up to 4 bytes; the text dominates)."""
    graphs = sum(len(g) for part in (key[2], key[3]) if part for g in part)
    return 4 * (len(key[0]) + len(key[5])) + graphs + len(key[1])


class ResultCache:
    """Least recently used out first; holds at most ``max_bytes`` counted as :attr:`Entry.size`.
    An answer larger than a quarter of the bound is served but not kept (it would push out many)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._lru: LRUCache[Key, Entry] = LRUCache(maxsize=max(max_bytes, 1), getsizeof=lambda e: e.size)
        self.hits = 0
        self.misses = 0

    def get(self, key: Key) -> Entry | None:
        entry = self._lru.get(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: Key, body: bytes, media_type: str, rows: int) -> bool:
        """Keep an answer; False when it is too large to be kept."""
        size = len(body) + key_size(key) + _OVERHEAD
        if size > self.max_bytes // 4:
            return False
        with contextlib.suppress(ValueError):  # larger than the whole cache (not reached: see above)
            self._lru[key] = Entry(body, media_type, rows, size)
            return True
        return False

    @property
    def size(self) -> int:
        """Bytes held, as counted against the bound."""
        return int(self._lru.currsize)

    def __len__(self) -> int:
        return len(self._lru)


def etag(release: str, key: Key) -> str:
    """A weak entity tag for the answer to ``key`` from ``release``: the same request on the same
    release always gets the same tag, so a client that sends it back (``If-None-Match``) is told
    ``304`` without the query running. Weak, because an answer without ``ORDER BY`` is the same
    result but not promised byte for byte once it has left the cache."""
    digest = hashlib.blake2b(repr((release, key)).encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
    return f'W/"{digest}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether ``If-None-Match`` names ``tag`` (weak comparison, RFC 9110 §13.1.2) or is ``*``."""
    if not if_none_match:
        return False
    opaque = tag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False
