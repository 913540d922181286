"""The floor the main job and the test suite are measured against, in the same run as they are.

Six minimal notebooks (a fresh kernel that imports geopandas and matplotlib and saves one figure as PNG and SVG)
executed two at a time, plus a one-page Sphinx build with the site's extensions and theme (``docs/conf.py``). What the
main job does beyond this is ours to make fast; the floor itself is what Python, Jupyter and Sphinx cost here.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FLOOR_CELLS = ["import io\nimport geopandas\nimport matplotlib.pyplot as plt",
               "fig, ax = plt.subplots(figsize=(6, 4))\nax.plot([0, 1], [0, 1])\n"
               "fig.savefig(io.BytesIO(), format='png', dpi=150)\nfig.savefig(io.BytesIO(), format='svg')\n"
               "plt.close(fig)"]


def _run_notebook(_: int) -> None:
    import nbformat
    import zmq
    from nbclient import NotebookClient
    from nbformat.v4 import new_code_cell, new_notebook
    from traitlets.config import Config

    nb = new_notebook(cells=[new_code_cell(c) for c in FLOOR_CELLS],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    config = Config()
    if zmq.has("curve"):
        config.KernelManager.transport_encryption = "auto"
    NotebookClient(nbformat.from_dict(nb), config=config, kernel_name="python3", timeout=120,
                   shutdown_kernel="immediate").execute()


def notebooks_floor(n: int = 6, jobs: int = 2) -> float:
    """Seconds to execute ``n`` minimal notebooks, ``jobs`` at a time (as the main job runs its notebooks)."""
    t0 = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        list(pool.map(_run_notebook, range(n)))
    return time.perf_counter() - t0


def sphinx_floor() -> float:
    """Seconds for a one-page Sphinx build with the site's configuration, extensions and theme (a fresh process)."""
    with tempfile.TemporaryDirectory(prefix="floor_sphinx_") as tmp:
        src = Path(tmp) / "src"
        src.mkdir()
        shutil.copy(ROOT / "docs" / "conf.py", src / "conf.py")
        shutil.copytree(ROOT / "docs" / "_static", src / "_static")
        (src / "index.md").write_text("# Floor\n\nOne page.\n", encoding="utf-8")
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "sphinx", "-q", "-b", "html", str(src), str(Path(tmp) / "out")],
                       check=True, capture_output=True)
        return time.perf_counter() - t0


def floor() -> dict[str, float]:
    """The floor's parts and its total, in seconds."""
    sys.modules.setdefault("rfc3987_syntax", None)  # as the main job does (karabakh/__main__.py)
    parts = {"six minimal notebooks, two at a time": notebooks_floor(), "one-page Sphinx build": sphinx_floor()}
    return {**parts, "floor": sum(parts.values())}


if __name__ == "__main__":
    print("load:", os.getloadavg(), "(1, 5, 15 min; 2 cores)")
    for name, seconds in floor().items():
        print(f"  {name:40} {seconds:6.2f} s")
