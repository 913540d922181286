"""Determinism: a fresh run of every notebook gives the committed outputs, all of them: text and HTML (up to what
notebooks/nbval_sanitize.cfg allows), the PNG bytes of every figure and its metadata (alt text, title, sources).

nbval compares the text outputs but never images or metadata. The fresh run is the one nbval made in this test
run (conftest.py keeps its outputs; the determinism test of a notebook runs after its nbval cells); when nbval did
not run here, the notebook is executed once for this test. The committed notebooks were themselves executed
top to bottom in a fresh kernel (test_notebooks.py checks it), so this compares two independent runs.
"""
from __future__ import annotations

import base64
import configparser
import re
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SANITIZE = NOTEBOOKS / "nbval_sanitize.cfg"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _sanitizers() -> list[tuple[re.Pattern[str], str]]:
    if not SANITIZE.exists():
        return []
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _outputs(cells: list[list]) -> list[list[tuple[str, str]]]:
    """Per code cell, its outputs as (kind, content): text sanitised, images as their base64, figure metadata."""
    rules = _sanitizers()

    def clean(text: str) -> str:
        for regex, replace in rules:
            text = regex.sub(replace, text)
        return text

    found_cells = []
    for outputs in cells:
        found = []
        for out in outputs:
            kind = out["output_type"]
            if kind == "stream":
                found.append((f"stream/{out['name']}", clean("".join(out["text"]))))
            elif kind == "error":
                found.append(("error", f"{out['ename']}: {out['evalue']}"))
            else:
                for mime, data in sorted(out.get("data", {}).items()):
                    text = "".join(data) if isinstance(data, list) else data
                    found.append((mime, "".join(text.split()) if mime.startswith("image/") else clean(text)))
                for key in ("image/png", "karabakh"):
                    if key in out.get("metadata", {}):
                        found.append((f"metadata/{key}", repr(sorted(out["metadata"][key].items()))))
        found_cells.append(found)
    return found_cells


@pytest.mark.skipif(not PATHS, reason="no notebooks in notebooks/")
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_a_fresh_run_gives_the_committed_outputs_images_and_metadata_included(path, fresh_outputs):
    committed_nb = nbformat.read(path, as_version=4)
    committed = _outputs([cell.get("outputs", []) for cell in committed_nb.cells if cell.cell_type == "code"])
    fresh = _outputs(fresh_outputs(path))
    assert len(fresh) == len(committed)
    for index, (new, kept) in enumerate(zip(fresh, committed)):
        new_png = [c for kind, c in new if kind == "image/png"]
        assert all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in new_png)
        assert new_png == [c for kind, c in kept if kind == "image/png"], (
            f"{path.name}: code cell {index}: the figure differs from the committed one "
            "(re-run the notebook and commit it if the change is intended)")
        assert new == kept, f"{path.name}: code cell {index}: the outputs differ from the committed ones"


def test_the_comparison_sees_a_changed_picture_or_alt_text_and_ignores_what_the_sanitiser_allows():
    def figure(png: str, alt: str, text: str) -> list[list]:
        return [[{"output_type": "display_data", "data": {"image/png": png, "text/plain": text},
                  "metadata": {"image/png": {"alt": alt}, "karabakh": {"name": "n", "title": "t"}}}]]

    same = _outputs(figure("iVBORw0KGgo=\n", "a map", "<object at 0x7f00aa>"))
    assert same == _outputs(figure("iVBORw0KGgo=", "a map", "<object at 0x1234>"))  # line breaks, addresses
    assert same != _outputs(figure("iVBORw0KGgp=", "a map", "<object at 0x7f00aa>"))  # one byte of the PNG
    assert same != _outputs(figure("iVBORw0KGgo=", "a chart", "<object at 0x7f00aa>"))  # the alt text
