"""The Examples sections of the drawing modules' docstrings run and say what they show (doctest)."""
from __future__ import annotations

import doctest
import importlib

import matplotlib.pyplot as plt
import pytest

MODULES = ["style", "story", "figures", "citations", "summaries", "map_parts", "maps", "charts"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(f"karabakh.{name}")
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    plt.close("all")
    assert result.failed == 0
    public = [getattr(module, n) for n in getattr(module, "__all__", []) if callable(getattr(module, n))]
    missing = [f.__name__ for f in public if ">>>" not in (f.__doc__ or "")]
    assert not missing, f"karabakh.{name}: no example in {missing}"
