"""Every interface string in English, French and Spanish: the three catalogues have the same keys, every
key the page's scripts and HTML ask for exists, and placeholders match across languages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

API = Path(__file__).resolve().parents[1] / "api"
LANGS = ("en", "fr", "es")


def _catalogue(lang: str) -> dict[str, str]:
    return json.loads((API / "static" / "i18n" / f"{lang}.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", ["fr", "es"])
def test_catalogues_have_the_same_keys_and_placeholders(lang):
    en, other = _catalogue("en"), _catalogue(lang)
    assert set(other) == set(en), sorted(set(en) ^ set(other))
    for key, text in en.items():
        assert set(re.findall(r"\{(\w+)\}", other[key])) == set(re.findall(r"\{(\w+)\}", text)), key


def test_every_key_the_page_uses_is_translated():
    used: set[str] = set()
    for path in [*(API / "static").glob("*.js"), API / "pages.py"]:
        # literal keys only: t("key"); computed ones (I.word("role", …)) fall back to readable text
        used |= set(re.findall(r"\bt\(\"([a-z][a-z0-9_\-]*[a-z0-9])\"", path.read_text(encoding="utf-8")))
    assert len(used) > 100
    for lang in LANGS:
        missing = used - set(_catalogue(lang))
        assert not missing, (lang, sorted(missing))
