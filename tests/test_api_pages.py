"""The API reference by task: every public kb.* name is listed once in the index with its page and one sentence,
and documented on exactly one task page (the oracle: karabakh.__all__ and the names' own docstrings)."""
from __future__ import annotations

import inspect
import re

import karabakh as kb
from karabakh.build.api_pages import BUILDING, TASKS, api_pages


def test_every_public_name_is_in_the_index_once_with_its_first_sentence():
    pages = api_pages()
    rows = [line for line in pages["index"].splitlines() if line.startswith("| {py:obj}")]
    listed = [re.match(r"\| \{py:obj\}`kb\.(\w+) <", row).group(1) for row in rows]
    public = sorted(n for n in kb.__all__ if not n.startswith("_"))
    assert listed == public
    for name, row in zip(listed, rows):
        first_line = (inspect.getdoc(getattr(kb, name)) or "").splitlines()[0].replace("|", "\\|")
        assert first_line and first_line in row, name


def test_each_name_is_documented_on_exactly_one_task_page():
    pages = api_pages()
    documented = {}
    for task, _, _ in TASKS:
        for target in re.findall(r"\.\. auto(?:function|class):: (\S+)", pages[task]):
            documented.setdefault(target, []).append(task)
    assert all(len(tasks) == 1 for tasks in documented.values())
    for name in (n for n in kb.__all__ if not n.startswith("_")):
        obj = getattr(kb, name)
        assert f"{obj.__module__}.{obj.__qualname__}" in documented, name
    assert set(BUILDING) <= set(documented)
    assert documented["karabakh.io.tables.load_sources"] == ["loading"]
    assert documented["karabakh.analysis.geo.distance_km"] == ["measuring"]
    assert documented["karabakh.plot.protocol.show_figure"] == ["drawing"]
    assert documented["karabakh.build.site.run"] == ["building"]


def test_each_task_page_is_short():
    for task, _, _ in TASKS:
        assert 1 <= api_pages()[task].count(".. auto") <= 40, task
