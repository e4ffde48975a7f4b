"""Tests run against the installed package, and its docstring examples run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import api
import graph

# every module of the packages: a new module's examples run without anyone adding it to a list
MODULES = sorted(m.name for pkg in (graph, api) for m in pkgutil.walk_packages(pkg.__path__, f"{pkg.__name__}."))


def test_package_is_installed_not_imported_from_checkout():
    here = Path(__file__).resolve().parent.parent
    assert "site-packages" in Path(graph.__file__).resolve().parts, graph.__file__
    assert Path(graph.__file__).resolve().parent != here / "graph"


def test_ontology_ships_with_the_package():
    from ontology import ONTOLOGY_PATH, SHAPES_PATH

    assert ONTOLOGY_PATH.exists() and SHAPES_PATH.exists()
    assert "site-packages" in ONTOLOGY_PATH.parts


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
