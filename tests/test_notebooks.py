"""Checks on the committed notebooks as files (nbval re-runs them; these read what a student opens).

Every notebook: the Project Pythia skeleton, the project's kernel, executed top to bottom, no errors, nothing on
stderr, no path of the machine it ran on, short cells, and every image shown by ``kb.show_figure`` with a name
(unique across notebooks), a title, sources and alt text a screen reader can use.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
PATHS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.ipynb"))
IDS = [p.name for p in PATHS]
SECTIONS = ("## Overview", "## Prerequisites", "## Imports", "## Summary", "## Sources")
MAX_CELL_LINES = 10
ABSOLUTE_PATH = re.compile(r"(/home/|/root/|/work/|/tmp/|/Users/|[A-Z]:\\\\)")


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def source(cell) -> str:
    return "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]


def images(nb):
    for index, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            if any(k.startswith("image/") for k in out.get("data", {})):
                yield index, out


def test_the_notebooks_are_numbered_once_each_from_01():
    numbers = [int(p.name[:2]) for p in PATHS]  # new notebooks are picked up as they come
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 6, [p.name for p in PATHS]


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_skeleton_and_kernel(path):
    nb = load(path)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    assert nb["metadata"]["kernelspec"]["display_name"] == "Python 3 (ipykernel)"
    first = nb["cells"][0]
    assert first["cell_type"] == "markdown" and source(first).startswith("# ")
    headings = [line for c in nb["cells"] if c["cell_type"] == "markdown" for line in source(c).splitlines()
                if line.startswith("## ")]
    positions = [next((i for i, h in enumerate(headings) if h.startswith(s)), None) for s in SECTIONS]
    assert None not in positions, f"{path.name}: missing one of {SECTIONS}"
    assert positions == sorted(positions), f"{path.name}: sections out of order"
    assert len(headings) > len(SECTIONS), f"{path.name}: no section between Imports and Summary"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_executed_top_to_bottom_without_errors_or_stderr(path):
    nb = load(path)
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), (
        f"{path.name}: not executed top to bottom in a fresh kernel")
    for index, cell in enumerate(code):
        assert "execution" not in cell.get("metadata", {}), f"{path.name}: timing metadata in code cell {index}"
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"{path.name}: code cell {index} raised"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"{path.name}: code cell {index} wrote to stderr: {''.join(out['text'])[:200]}")


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_cells_are_short_and_outputs_hold_no_local_paths(path):
    nb = load(path)
    for index, cell in enumerate(nb["cells"]):
        if cell["cell_type"] == "code":
            n = len(source(cell).splitlines())
            assert n <= MAX_CELL_LINES, f"{path.name}: cell {index} has {n} lines; move the logic into karabakh/"
        for out in cell.get("outputs", []):
            texts = [out.get("text", "")] + [v for k, v in out.get("data", {}).items() if not k.startswith("image/")]
            for text in texts:
                text = "".join(text) if isinstance(text, list) else str(text)
                assert not ABSOLUTE_PATH.search(text), f"{path.name}: cell {index} output shows a local path"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_image_has_alt_text_a_name_a_title_and_sources(path):
    nb = load(path)
    found = list(images(nb))
    assert found, f"{path.name}: no figure"
    for index, out in found:
        meta = out.get("metadata", {})
        alt = (meta.get("image/png") or {}).get("alt", "")
        assert isinstance(alt, str) and len(alt.split()) >= 12, f"{path.name}: cell {index}: alt text missing or thin"
        assert not re.search(r"\{|\}|nan\b|<NA>|NaT", alt), f"{path.name}: cell {index}: alt text not filled in"
        record = meta.get("karabakh") or {}
        assert record.get("name") and record.get("title") and record.get("source_ids"), (
            f"{path.name}: cell {index}: image not shown with kb.show_figure")
        assert set(out["data"]) == {"image/png", "text/plain"}, f"{path.name}: cell {index}: extra image formats"


@pytest.mark.parametrize("path", PATHS, ids=IDS)
def test_every_figure_shows_its_title(path):
    """show_figure draws the title on the figure (its suptitle) and records the suptitle it read back."""
    for index, out in images(load(path)):
        record = out["metadata"]["karabakh"]
        assert record.get("drawn_title") == record["title"], (
            f"{path.name}: cell {index}: the figure shows {record.get('drawn_title')!r}, not {record['title']!r}")
        assert "".join(out["data"]["text/plain"]).endswith(record["title"])


def test_figure_names_are_unique_and_the_region_map_is_in_01():
    names = {}
    for path in PATHS:
        for _, out in images(load(path)):
            name = out["metadata"]["karabakh"]["name"]
            assert name not in names, f"figure {name!r} in {names.get(name)} and {path.name}"
            names[name] = path.name
    assert names.get("region_map", "").startswith("01_")


def test_figure_sources_are_in_the_sources_table():
    import karabakh as kb

    known = set(kb.load_sources()["id"])
    for path in PATHS:
        for index, out in images(load(path)):
            missing = set(out["metadata"]["karabakh"]["source_ids"]) - known
            assert not missing, f"{path.name}: cell {index}: unknown source ids {sorted(missing)}"
