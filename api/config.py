"""Settings of the API server, read once from the environment (``ISCM_<FIELD>``, e.g.
``ISCM_SPARQL_TIMEOUT``); the defaults are the safe ones. A value that does not parse stops the
start with :class:`SettingsError`, naming the variable and what it should be."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from graph.errors import ISCMError
from graph.releases import DEFAULT_BUILD_DIR

ENV_PREFIX = "ISCM_"


class SettingsError(ISCMError, ValueError):
    """An ``ISCM_*`` variable with a value that is not what it should be."""


class Settings(BaseSettings):
    """One field per variable ``ISCM_<NAME>``; ``Settings(name=value)`` overrides the environment."""

    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, frozen=True, extra="ignore")

    build_dir: Path = Field(DEFAULT_BUILD_DIR, description="where releases are written and read")
    # bench/RESULTS.md: at the real data's size the in-memory copy answers the SPARQL mix 2-4x faster
    # than the on-disk store and loads in ~0.1 s, so it is the default for serving
    backend: Literal["oxigraph-memory", "oxigraph", "rdflib", "remote"] = Field(
        "oxigraph-memory", description="store the server queries")
    # CORS is off unless origins are listed; credentials are never allowed with a wildcard
    cors_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="comma-separated origins allowed by CORS")
    sparql_timeout: float = Field(10.0, ge=0, description="seconds a SPARQL request may take in all")
    sparql_max_rows: int = Field(10_000, ge=0, description="rows a SPARQL answer may have (more: truncated)")
    sparql_max_length: int = Field(20_000, ge=1, description="characters a SPARQL query may have")
    sparql_workers: int = Field(2, ge=1, description="SPARQL worker processes (queries run at once)")
    sparql_queue_timeout: float = Field(5.0, ge=0, description="seconds a SPARQL request waits for a worker")
    # brackets nested deeper overflow the engine's stack (a crash, not an answer)
    sparql_max_depth: int = Field(40, ge=1, description="bracket nesting a SPARQL query may have")
    # memory a query may allocate in its worker, beyond what the worker holds after loading
    sparql_memory_mb: int = Field(1024, ge=1, description="MB a SPARQL query may allocate in its worker")
    sparql_per_client: int = Field(2, ge=1, description="SPARQL requests one client (IP) may have in flight")
    # the release is immutable, so a kept answer is exact; 0 keeps none
    sparql_cache_mb: int = Field(64, ge=0, description="MB of /sparql answers kept per release (0: none)")
    analytics_timeout: float = Field(None, ge=0, validate_default=False,  # type: ignore[arg-type]
                                     description="seconds for analytics with other than the default "
                                                 "parameters (default: the SPARQL timeout)")
    analytics_workers: int = Field(1, ge=0, description="analytics worker processes (0: none)")
    cache_mb: int = Field(256, ge=0, description="MB of answers kept per release (profiles, tables, pages)")
    precompute: bool = Field(True, description="compute the profiles, the page's names and the heavy "
                                               "default analytics in the background once the server "
                                               "answers (0: on first request)")
    admin_token: SecretStr = Field(SecretStr(""), description="bearer token for POST /admin/reload "
                                                              "(empty: reload only by SIGHUP)")

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            raise SettingsError(_explain(exc, values)) from None

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @model_validator(mode="after")
    def _analytics_default(self) -> Settings:
        if self.analytics_timeout is None:  # frozen: set once, here
            object.__setattr__(self, "analytics_timeout", self.sparql_timeout)
        return self

    @property
    def sparql_max_body(self) -> int:
        """Bytes a POST body may have: the longest query, every character four UTF-8 bytes, percent-encoded."""
        return self.sparql_max_length * 12 + 4096


def _explain(exc: ValidationError, given: dict[str, Any]) -> str:
    """Each error by the variable that set it (or the argument, when the caller passed it)."""
    lines = []
    for e in exc.errors():
        field = str(e["loc"][0]) if e["loc"] else "?"
        where = field if field in given else f"{ENV_PREFIX}{field.upper()}"
        lines.append(f"{where}={e.get('input')!r}: {e['msg']}")
    return "invalid settings: " + "; ".join(lines)


def get_settings() -> Settings:
    return Settings()
