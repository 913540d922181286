"""Determinism: every notebook, executed twice in fresh kernels, gives the same outputs (text, HTML and the
PNG bytes of every figure), up to what notebooks/nbval_sanitize.cfg allows; and the figures match the committed
ones byte for byte (nbval compares the text outputs but never looks at images)."""
from __future__ import annotations

import base64
import configparser
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
SANITIZE = NOTEBOOKS / "nbval_sanitize.cfg"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))


def _sanitizers() -> list[tuple[re.Pattern[str], str]]:
    if not SANITIZE.exists():
        return []
    cfg = configparser.ConfigParser()
    cfg.read(SANITIZE)
    return [(re.compile(cfg[s]["regex"]), cfg[s]["replace"]) for s in cfg.sections()]


def _outputs(nb) -> list[list[tuple[str, str]]]:
    """Per code cell, its outputs as (kind, content) with text sanitised and images as their base64."""
    rules = _sanitizers()

    def clean(text: str) -> str:
        for regex, replace in rules:
            text = regex.sub(replace, text)
        return text

    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        found = []
        for out in cell.get("outputs", []):
            if out.output_type == "stream":
                found.append((f"stream/{out.name}", clean(out.text)))
            elif out.output_type == "error":
                found.append(("error", f"{out.ename}: {out.evalue}"))
            else:
                for mime, data in sorted(out.get("data", {}).items()):
                    text = "".join(data) if isinstance(data, list) else data
                    found.append((mime, text if mime.startswith("image/") else clean(text)))
        cells.append(found)
    return cells


def _execute(path: Path):
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, kernel_name="python3", timeout=120,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


@pytest.mark.skipif(not PATHS, reason="no notebooks in notebooks/")
@pytest.mark.parametrize("path", PATHS, ids=[p.name for p in PATHS])
def test_two_fresh_runs_give_identical_outputs(path):
    with ThreadPoolExecutor(max_workers=2) as pool:
        first, second = pool.map(_execute, [path, path])
    a, b = _outputs(first), _outputs(second)
    for index, (x, y) in enumerate(zip(a, b)):
        assert x == y, f"{path.name}: code cell {index} differs between two fresh runs"
    committed = _outputs(nbformat.read(path, as_version=4))
    for index, (fresh, kept) in enumerate(zip(a, committed)):
        fresh_png = [c for kind, c in fresh if kind == "image/png"]
        kept_png = [c for kind, c in kept if kind == "image/png"]
        assert fresh_png == kept_png, (f"{path.name}: code cell {index}: the figure differs from the committed one "
                                       "(re-run the notebook and commit it if the change is intended)")
        assert all(base64.b64decode(p)[:8] == b"\x89PNG\r\n\x1a\n" for p in fresh_png)
