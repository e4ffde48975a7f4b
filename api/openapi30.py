"""The OpenAPI document in the 3.0 dialect, for the bundled Swagger UI (4.x), which refuses 3.1.

FastAPI writes OpenAPI 3.1: nullable fields as ``anyOf: [X, {type: null}]``, ``examples`` lists in
schemas, numeric ``exclusiveMinimum``. Swagger UI 4 stops at the version field ("Unable to render
this definition"), so ``/docs`` reads this translation; ``/openapi.json`` stays the 3.1 original.
"""

from __future__ import annotations

import copy
from typing import Any

_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("items", "not", "additionalProperties")


def downgrade(doc: dict[str, Any]) -> dict[str, Any]:
    """A 3.0.3 copy of the 3.1 document ``doc`` (``doc`` is not modified)."""
    out = copy.deepcopy(doc)
    out["openapi"] = "3.0.3"
    _walk(out)
    return out


def _walk(node: Any) -> None:
    """Find every schema object in the document (under ``schema`` and ``components.schemas``)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "schema" and isinstance(value, dict):
                _schema(value)
            elif key == "schemas" and isinstance(value, dict):
                for sub in value.values():
                    if isinstance(sub, dict):
                        _schema(sub)
            else:
                _walk(value)
    elif isinstance(node, list):
        for item in node:
            _walk(item)


def _schema(s: dict[str, Any]) -> None:
    # a null branch (before the branches themselves are translated) becomes "nullable"
    for key in ("anyOf", "oneOf"):
        branches = s.get(key)
        if isinstance(branches, list) and any(b == {"type": "null"} for b in branches):
            rest = [b for b in branches if b != {"type": "null"}]
            s["nullable"] = True
            if len(rest) == 1:
                del s[key]
                only = rest[0]
                if "$ref" in only:  # 3.0 ignores siblings of $ref
                    s["allOf"] = [only]
                else:
                    for k, v in only.items():
                        s.setdefault(k, v)
            else:
                s[key] = rest
    for key in _SCHEMA_LISTS:
        for sub in s.get(key, []):
            if isinstance(sub, dict):
                _schema(sub)
    for key in _SCHEMA_ONE:
        if isinstance(s.get(key), dict):
            _schema(s[key])
    for sub in (s.get("properties") or {}).values():
        if isinstance(sub, dict):
            _schema(sub)
    s.pop("prefixItems", None)
    if isinstance(s.get("type"), list):
        types = [t for t in s["type"] if t != "null"]
        if len(types) < len(s["type"]):
            s["nullable"] = True
        s["type"] = types[0] if types else "string"
    if s.get("type") == "null":
        s["type"] = "string"
        s["nullable"] = True
    if isinstance(s.get("examples"), list):
        examples = s.pop("examples")
        if examples:
            s.setdefault("example", examples[0])
    if "const" in s:
        s["enum"] = [s.pop("const")]
    for bound, plain in (("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")):
        value = s.get(bound)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            s[plain] = value
            s[bound] = True
    for key in ("contentMediaType", "contentEncoding", "$schema", "unevaluatedProperties"):
        s.pop(key, None)
