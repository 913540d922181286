"""Every module of the package: the Examples sections of its docstrings run and say what they show (doctest), and
every public function defined in it has such a section.

The modules are found by globbing ``karabakh/*.py``, so a new module is covered without editing this test.
"""
from __future__ import annotations

import doctest
import importlib
import inspect
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "karabakh"
MODULES = sorted("karabakh" if p.stem == "__init__" else f"karabakh.{p.stem}" for p in PACKAGE.glob("*.py"))
EXAMPLES = re.compile(r"^\s*Examples\n\s*-{8,}\n(?:.*\n)*?\s*>>> ", re.MULTILINE)  # the heading, then a >>> line


def test_every_module_file_is_listed():
    assert len(MODULES) > 20 and "karabakh.tables" in MODULES and "karabakh.__main__" in MODULES


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    finally:
        plt.close("all")
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed (see the output)"
    public = [f for n, f in inspect.getmembers(module, inspect.isfunction)
              if not n.startswith("_") and f.__module__ == module.__name__]
    missing = [f.__name__ for f in public if not EXAMPLES.search(inspect.getdoc(f) or "")]
    assert not missing, f"{name}: no Examples section with a >>> line in {missing}"
