"""Docstring examples: every module's examples run (doctest) and say what they show; every public ``kb.*`` function
carries an Examples section; an example is skipped only with its reason on its line.

The modules are found by globbing ``karabakh/**/*.py``, so a new module is covered without editing this test.
"""
from __future__ import annotations

import doctest
import importlib
import inspect
import re
from pathlib import Path

import matplotlib.pyplot as plt
import pytest

import karabakh as kb

PACKAGE = Path(__file__).resolve().parents[1] / "karabakh"
FILES = sorted(PACKAGE.rglob("*.py"))
MODULES = sorted(".".join(("karabakh", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
                 for p in FILES)
EXAMPLES = re.compile(r"^\s*Examples\n\s*-{8,}\n(?:.*\n)*?\s*>>> ", re.MULTILINE)  # the heading, then a >>> line
# a skipped example says why before the directive, on its own line: `>>> run()  # why: ...  # doctest: +SKIP`
SKIP = re.compile(r"#\s*doctest:[^\n]*\+SKIP")
REASON = re.compile(r"#\s*why:\s*\S.{8,}#\s*doctest:")


def test_every_module_file_is_found():
    found = {Path(importlib.import_module(name).__file__).resolve() for name in MODULES}
    assert found == set(FILES) and PACKAGE / "io" / "tables.py" in found


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    try:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    finally:
        plt.close("all")
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed (see the output)"


@pytest.mark.parametrize("name", sorted(set(kb.__all__) - {"__version__"}))
def test_public_api_has_examples(name):
    obj = getattr(kb, name)
    if not inspect.isfunction(obj):
        pytest.skip(f"kb.{name} is a {type(obj).__name__}, not a function")
    assert EXAMPLES.search(inspect.getdoc(obj) or ""), f"kb.{name}: no Examples section with a >>> line"


def test_every_skipped_example_says_why():
    unexplained = [f"{p.relative_to(PACKAGE)}:{n}" for p in FILES
                   for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                   if SKIP.search(line) and not REASON.search(line)]
    assert not unexplained, f"+SKIP without '# why: ...' before it on the line: {unexplained}"


def test_the_skip_rule_catches_a_bare_skip():
    assert SKIP.search(">>> run()  # doctest: +SKIP") and not REASON.search(">>> run()  # doctest: +SKIP")
    assert REASON.search(">>> run()  # why: executes every notebook  # doctest: +SKIP")
