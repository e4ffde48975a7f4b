"""Reading the YAML files in ``data/`` with line numbers, so every error can say where it is."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from graph.errors import DataError


class LineDict(dict):
    """A mapping that remembers the line where it starts and where each key's value starts."""

    line: int
    key_lines: dict[str, int]


class LineList(list):
    """A sequence that remembers the line of each item."""

    line: int
    item_lines: list[int]


# libyaml's parser (shipped in PyYAML's wheels) reads data/ about ten times faster than the pure-Python
# one, with the same marks; the pure-Python classes are the fallback where PyYAML was built without it
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """SafeLoader (no arbitrary Python objects) that records 1-based line numbers."""


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    out = LineDict()
    out.line = node.start_mark.line + 1
    out.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int)):
            raise DataError(f"mapping key must be text, not {type(key).__name__}",
                            line=key_node.start_mark.line + 1)
        if key in out:
            raise DataError(f"duplicate key {key!r}", line=key_node.start_mark.line + 1)
        out[key] = loader.construct_object(value_node, deep=True)
        out.key_lines[str(key)] = value_node.start_mark.line + 1
    return out


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    out = LineList(loader.construct_object(child, deep=True) for child in node.value)
    out.line = node.start_mark.line + 1
    out.item_lines = [child.start_mark.line + 1 for child in node.value]
    return out


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> Any:
    # an impossible date (2010-13-45) stays text, so the schema reports it with its line
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def load_yaml(path: Path, *, display: str | None = None) -> Any:
    """Parse one YAML file; syntax errors become :class:`DataError` naming file and line."""
    name = display or str(path)
    if path.is_dir():
        raise DataError("is a folder, not a YAML file (rename it: only files may end in .yaml)", path=name)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start})", path=name) from exc
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", path=name) from exc
    _check_depth(text, name)
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except DataError as exc:
        raise DataError(exc.reason, path=name, line=exc.line) from exc
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        raise DataError(f"YAML syntax error: {exc.problem}", path=name, line=line) from exc


MAX_DEPTH = 32  # the deepest record in data/ nests 6 levels; the parser recurses per level


def _check_depth(text: str, name: str) -> None:
    """Refuse absurd nesting before the (recursive) parser sees it, naming the line."""
    too_deep = (f"nested more than {MAX_DEPTH} levels deep (a record needs at most a few; "
                "look for unclosed brackets or runaway indentation)")
    depth = 0
    opening = (yaml.BlockMappingStartToken, yaml.BlockSequenceStartToken, yaml.FlowMappingStartToken,
               yaml.FlowSequenceStartToken)
    closing = (yaml.BlockEndToken, yaml.FlowMappingEndToken, yaml.FlowSequenceEndToken)
    try:
        for token in yaml.scan(text, Loader=_BASE_LOADER):  # the scanner does not recurse
            if isinstance(token, opening):
                depth += 1
                if depth > MAX_DEPTH:
                    raise DataError(too_deep, path=name, line=token.start_mark.line + 1)
            elif isinstance(token, closing):
                depth -= 1
    except yaml.MarkedYAMLError as exc:
        # libyaml reads ahead and stops at its own depth limit before we count ours
        if "nesting depth" in str(exc.problem or "") and exc.problem_mark is not None:
            raise DataError(too_deep, path=name, line=exc.problem_mark.line + 1) from None
        return  # a syntax error: the parser reports it with its line


def line_of(doc: Any, loc: tuple[str | int, ...]) -> int | None:
    """The line of the value at ``loc`` (a path of keys and indexes) inside a loaded document."""
    node, line = doc, getattr(doc, "line", None)
    for step in loc:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(str(step), line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line


def format_loc(loc: tuple[str | int, ...]) -> str:
    """``('memberships', 2, 'actors', 3)`` → ``'memberships[2].actors[3]'``."""
    out = ""
    for step in loc:
        if isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out
