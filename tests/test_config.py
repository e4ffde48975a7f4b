"""Settings from ``ISCM_*`` variables: parsed by pydantic-settings, each documented, a bad value
refused with the variable's name."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.config import ENV_PREFIX, Settings, SettingsError

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize(("variable", "value", "says"), [
    ("ISCM_SPARQL_TIMEOUT", "ten", "valid number"),
    ("ISCM_SPARQL_WORKERS", "0", "greater than or equal to 1"),
    ("ISCM_BACKEND", "oxigrpah", "'oxigraph-memory'"),
    ("ISCM_PRECOMPUTE", "maybe", "valid boolean"),
])
def test_a_bad_value_names_its_variable(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, says: str):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as caught:
        Settings()
    message = str(caught.value)
    assert f"{variable}={value!r}" in message and says in message


def test_values_from_the_environment(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("ISCM_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("ISCM_SPARQL_TIMEOUT", "3.5")
    monkeypatch.setenv("ISCM_PRECOMPUTE", "0")
    monkeypatch.setenv("ISCM_BUILD_DIR", "/srv/iscm")
    s = Settings()
    assert s.cors_origins == ["https://a.example", "https://b.example"]
    assert s.sparql_timeout == 3.5 and s.analytics_timeout == 3.5  # analytics follow SPARQL unless set
    assert s.precompute is False and s.build_dir == Path("/srv/iscm")
    assert Settings(analytics_timeout=1).analytics_timeout == 1  # an argument wins over the environment


def test_every_setting_is_documented():
    readme = README.read_text()
    for name, field in Settings.model_fields.items():
        assert field.description, name
        assert f"`{ENV_PREFIX}{name.upper()}`" in readme, f"{ENV_PREFIX}{name.upper()} is not in the README"
