"""Settings, read once from the environment (``ISCM_*``); defaults are the safe ones."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_list(name: str) -> list[str]:
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()]


def _env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    build_dir: Path = field(default_factory=lambda: Path(os.environ.get("ISCM_BUILD_DIR", "build")))
    # bench/RESULTS.md: at the real data's size the in-memory copy answers the SPARQL mix 2-4x faster
    # than the on-disk store and loads in ~0.1 s, so it is the default for serving
    backend: str = field(default_factory=lambda: os.environ.get("ISCM_BACKEND", "oxigraph-memory"))
    # CORS is off unless origins are listed; credentials are never allowed with a wildcard
    cors_origins: list[str] = field(default_factory=lambda: _env_list("ISCM_CORS_ORIGINS"))
    sparql_timeout: float = field(default_factory=lambda: _env_float("ISCM_SPARQL_TIMEOUT", 10.0))
    sparql_max_rows: int = field(default_factory=lambda: _env_int("ISCM_SPARQL_MAX_ROWS", 10_000))
    sparql_max_length: int = field(default_factory=lambda: _env_int("ISCM_SPARQL_MAX_LENGTH", 20_000))
    sparql_workers: int = field(default_factory=lambda: _env_int("ISCM_SPARQL_WORKERS", 2))
    sparql_queue_timeout: float = field(default_factory=lambda: _env_float("ISCM_SPARQL_QUEUE_TIMEOUT", 5.0))
    # brackets nested deeper overflow the engine's stack (a crash, not an answer)
    sparql_max_depth: int = field(default_factory=lambda: _env_int("ISCM_SPARQL_MAX_DEPTH", 40))
    # memory a query may allocate in its worker, beyond what the worker holds after loading
    sparql_memory_mb: int = field(default_factory=lambda: _env_int("ISCM_SPARQL_MEMORY_MB", 1024))
    # SPARQL requests one client (IP address) may have in flight; more get 429
    sparql_per_client: int = field(default_factory=lambda: _env_int("ISCM_SPARQL_PER_CLIENT", 2))
    # analytics with non-default parameters: worker processes, time limit (default: the SPARQL one)
    analytics_timeout: float = field(default_factory=lambda: _env_float(
        "ISCM_ANALYTICS_TIMEOUT", _env_float("ISCM_SPARQL_TIMEOUT", 10.0)))
    analytics_workers: int = field(default_factory=lambda: _env_int("ISCM_ANALYTICS_WORKERS", 1))
    # answers kept per release (profiles, tables, pages), in MB
    cache_mb: int = field(default_factory=lambda: _env_int("ISCM_CACHE_MB", 256))
    # compute the heavy default analytics in the background after start-up (0: on first request)
    precompute: bool = field(default_factory=lambda: os.environ.get("ISCM_PRECOMPUTE", "1") != "0")
    max_page: int = 1000

    @property
    def sparql_max_body(self) -> int:
        """Bytes a POST body may have: the longest query, every character four UTF-8 bytes, percent-encoded."""
        return self.sparql_max_length * 12 + 4096


def get_settings() -> Settings:
    return Settings()
