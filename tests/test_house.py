"""The house stays readable: no room (module) too big to take in, no function too long to follow,
and every SPARQL query in the one place where queries live (graph/queries.py).

Thresholds, and why:

* a module in graph/, api/ or bench/ has at most ``MAX_MODULE_LINES`` = 600 lines, the size
  CONTRIBUTING.md asks for. A 700-line module has 700 > 600 lines, so
  ``test_no_module_is_over_600_lines`` lists it and fails (``test_the_module_check_catches_a_700_line_module``
  shows it on a made-up one).
* a function there has at most ``MAX_FUNCTION_LINES`` = 80 lines, from ``def`` to its last line,
  docstring included. CONTRIBUTING.md aims at ~60; the test allows a margin of a third, so that a
  function a few lines past 60 (a long signature, a docstring with an example) is a judgement for
  review, while one that has taken on a second job (the 100- to 200-line functions this check
  was written against) fails.
* a string in graph/ or api/ that reads like a SPARQL query (``SELECT ?``, ``CONSTRUCT {``,
  ``ASK {``, ``DESCRIBE <``) stands only in graph/queries.py; docstrings are exempt, since the
  guard's doctests show queries. A query written in any other module is listed and fails.

The checks read the source with :mod:`ast`, never import it.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("graph", "api", "bench")
MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
QUERY_HOME = ROOT / "graph" / "queries.py"
# a query's opening words, as in tests/test_queries.py: a keyword followed by what starts a query
QUERY = re.compile(r"\b(SELECT\s+(DISTINCT\s+|REDUCED\s+)?[?$*(]|CONSTRUCT\s*(\{|WHERE\b)|ASK\s*(\{|WHERE\b)"
                   r"|DESCRIBE\s+([?$<]|\w*:))")


def _modules(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py"))


def long_modules(paths: list[Path], limit: int = MAX_MODULE_LINES) -> list[str]:
    """``path: lines`` for each module over ``limit`` lines."""
    out = []
    for path in paths:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        if lines > limit:
            out.append(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: {lines}")
    return out


def long_functions(source: str, name: str, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    """``name:line function() lines`` for each function (methods and nested ones too) over ``limit``."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            length = node.end_lineno - node.lineno + 1
            if length > limit:
                out.append(f"{name}:{node.lineno} {node.name}() {length}")
    return out


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the string nodes that are docstrings (of the module, a class or a function)."""
    ids = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                ids.add(id(first.value))
    return ids


def _strings(tree: ast.AST) -> Iterator[ast.Constant]:
    docs = _docstrings(tree)
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docs:
            yield node


def query_strings(source: str, name: str) -> list[str]:
    """``name:line`` of each non-docstring string that opens like a SPARQL query (f-string parts too)."""
    return [f"{name}:{n}" for n in sorted(s.lineno for s in _strings(ast.parse(source)) if QUERY.search(s.value))]


def test_no_module_is_over_600_lines():
    assert not long_modules(_modules(*PACKAGES)), "split these by concern (CONTRIBUTING.md, Style)"


def test_no_function_is_over_80_lines():
    found = [hit for path in _modules(*PACKAGES)
             for hit in long_functions(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "split these into named steps"


def test_no_sparql_outside_graph_queries():
    found = [hit for path in _modules("graph", "api") if path != QUERY_HOME
             for hit in query_strings(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))]
    assert not found, "name these queries in graph/queries.py and ask for them with queries.text(name)"


# the checks themselves catch what they are for (each assertion above must be able to fail)


def test_the_module_check_catches_a_700_line_module(tmp_path: Path):
    big = tmp_path / "big.py"
    big.write_text("x = 1\n" * 700)
    small = tmp_path / "small.py"
    small.write_text("x = 1\n" * MAX_MODULE_LINES)
    assert long_modules([big, small]) == [f"{big}: 700"]


def test_the_function_check_catches_a_long_method_but_not_a_short_one():
    body = "".join(f"        x{i} = {i}\n" for i in range(MAX_FUNCTION_LINES))
    source = f"class A:\n    def long(self):\n{body}\n    def short(self):\n        return 1\n"
    assert long_functions(source, "a.py") == [f"a.py:2 long() {MAX_FUNCTION_LINES + 1}"]


def test_the_query_check_finds_queries_but_not_docstrings_or_messages():
    source = '''"""SELECT ?s WHERE { ?s ?p ?o } in a docstring is fine."""
ERROR = "expected SELECT, ASK, CONSTRUCT or DESCRIBE"
def f(kind):
    """ASK { ?s ?p ?o } shown in a doctest."""
    return f"SELECT ?x WHERE {{ ?x a {kind} }}"
Q = """
    CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"""
'''
    assert query_strings(source, "m.py") == ["m.py:5", "m.py:6"]
