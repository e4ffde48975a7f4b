"""The fast tier (``pytest -m "not slow"``) stays fast: every fixture that starts a server, a
triplestore or a browser is one of conftest's slow fixtures, so a test using it is in the slow tier."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import _SLOW_FIXTURES

TESTS = Path(__file__).resolve().parent
STARTERS = ("start_server", "start_oxigraph", "start_virtuoso", "launch")


def _is_fixture(fn: ast.FunctionDef) -> bool:
    return any("fixture" in ast.unparse(d) for d in fn.decorator_list)


def _starts_a_process(fn: ast.FunctionDef) -> bool:
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            name = ast.unparse(node.func).rsplit(".", 1)[-1]
            if name in STARTERS:
                return True
    return False


def starting_fixtures(folder: Path) -> set[str]:
    """Names of the fixtures in ``folder``'s Python files that start a server or a browser."""
    found = set()
    for path in folder.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.FunctionDef) and _is_fixture(node) and _starts_a_process(node):
                found.add(node.name)
    return found


def test_every_fixture_that_starts_a_process_is_slow():
    starting = starting_fixtures(TESTS)
    assert {"http_server", "load_server", "browser"} <= starting  # the scan finds what it should
    assert starting <= _SLOW_FIXTURES, f"add to conftest._SLOW_FIXTURES: {sorted(starting - _SLOW_FIXTURES)}"


def test_the_scan_sees_a_new_server_fixture(tmp_path: Path):
    (tmp_path / "test_x.py").write_text(
        "import pytest\n\n@pytest.fixture(scope='module')\ndef my_server(built):\n"
        "    srv = start_server(built)\n    yield srv\n", encoding="utf-8")
    assert starting_fixtures(tmp_path) == {"my_server"}
