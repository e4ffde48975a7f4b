"""Settings, read once from the environment (``ISCM_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path


def _env_list(name: str) -> list[str]:
    raw = os.environ.get(name, "")
    return [item.strip() for item in raw.split(",") if item.strip()]


@dataclass(frozen=True)
class Settings:
    build_dir: Path = field(default_factory=lambda: Path(os.environ.get("ISCM_BUILD_DIR", "build")))
    backend: str = field(default_factory=lambda: os.environ.get("ISCM_BACKEND", "oxigraph"))
    cors_origins: list[str] = field(default_factory=lambda: _env_list("ISCM_CORS_ORIGINS"))


def get_settings() -> Settings:
    return Settings()
