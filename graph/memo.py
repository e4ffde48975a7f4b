"""Answers remembered per release: a release never changes under a loaded graph, so an answer
computed once stays right until the next release. Bounded by the (estimated) bytes the answers
hold, least recently used first out (cachetools); callers asking for a key being computed wait for
that computation instead of repeating it."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

import pandas as pd
from cachetools import LRUCache


class _Pending:
    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None


def _size(value: Any) -> int:
    """Roughly the bytes an answer holds (the cache's bound): exact for text, shallow for tables."""
    if isinstance(value, str | bytes):
        return len(value) + 64
    if isinstance(value, pd.DataFrame):
        return int(value.memory_usage(index=True, deep=False).sum()) + 64 * value.size + 256
    if isinstance(value, tuple | list):
        return sum(_size(v) for v in value) + 64
    if isinstance(value, dict):
        return sum(_size(k) + _size(v) for k, v in value.items()) + 64
    return 256


class Memo:
    """``memo(key, compute)``: ``compute()`` once per key, kept within ``cache_bytes``."""

    def __init__(self, cache_bytes: int = 256 * 2**20) -> None:
        self._cache: LRUCache[tuple, Any] = LRUCache(maxsize=cache_bytes, getsizeof=_size)
        self._pending: dict[tuple, _Pending] = {}
        self._lock = threading.Lock()

    def __call__(self, key: tuple, compute: Callable[[], Any]) -> Any:
        return self.memo(key, compute)

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered under ``key`` for this release (treat as read-only). Callers
        asking for a key being computed wait for that computation instead of repeating it."""
        with self._lock:
            with contextlib.suppress(KeyError):
                return self._cache[key]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value
        try:
            pending.value = compute()
            with self._lock, contextlib.suppress(ValueError):  # larger than the whole cache: not kept
                self._cache[key] = pending.value
            return pending.value
        except BaseException as exc:
            pending.error = exc
            raise
        finally:
            with self._lock:
                del self._pending[key]
            pending.done.set()

    def cached(self, key: tuple) -> bool:
        with self._lock:
            return key in self._cache
