"""Benchmark: each notebook against the floor, executed as the main job executes it.

The floor is the least a notebook of this project can cost: a fresh kernel that imports geopandas and matplotlib,
draws one line and saves it as the main job saves a figure, PNG and SVG. Each notebook and the floor run in a fresh
kernel with nbclient (kernel start, every cell, immediate shutdown) with ``$KARABAKH_FIGURE_DIR`` set, so that each
figure is written as PNG and SVG as in the main job; the median of ``--repeat`` runs; the target is at most 2x the
floor. "Before" is what issue 12 measured on this machine (6-10 s a notebook, polite kernel shutdown). The committed
notebooks are not modified (nbclient works on a copy in memory).
Run: .venv/bin/python benchmarks/bench_notebooks.py [--repeat N]
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.modules.setdefault("rfc3987_syntax", None)  # as the main job: see karabakh/__main__.py

import nbformat  # noqa: E402
from nbformat.v4 import new_code_cell, new_notebook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}
FLOOR = new_notebook(cells=[
    new_code_cell("import io\nimport geopandas\nimport matplotlib.pyplot as plt"),
    new_code_cell("fig, ax = plt.subplots(figsize=(6, 4))\nax.plot([0, 1], [0, 1])\n"
                  "fig.savefig(io.BytesIO(), format='png', dpi=150)\nfig.savefig(io.BytesIO(), format='svg')\n"
                  "plt.close(fig)"),
], metadata={"kernelspec": KERNELSPEC})


def execute(nb) -> float:
    """Seconds for one fresh run: kernel start, every cell, immediate shutdown (as karabakh.build.site does)."""
    import zmq
    from nbclient import NotebookClient
    from traitlets.config import Config

    config = Config()
    if zmq.has("curve"):
        config.KernelManager.transport_encryption = "auto"
    client = NotebookClient(nb, config=config, kernel_name="python3", timeout=120, shutdown_kernel="immediate",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}})
    with tempfile.TemporaryDirectory() as figures:  # the figures' PNG and SVG files too, as in the main job
        t0 = time.perf_counter()
        client.execute(env={**os.environ, "KARABAKH_FIGURE_DIR": figures})
        return time.perf_counter() - t0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print("load:", os.getloadavg(), "(1, 5, 15 min; 2 cores)")
    floor = statistics.median(execute(nbformat.from_dict(FLOOR)) for _ in range(args.repeat))
    print(f"median of {args.repeat} fresh runs each; before: issue 12 (6-10 s a notebook);"
          " target: at most 2x the floor")
    print(f"  {'floor (geopandas + matplotlib, one figure)':<40} {floor:6.2f} s")
    over = []
    for path in NOTEBOOKS:
        took = statistics.median(execute(nbformat.read(path, as_version=4)) for _ in range(args.repeat))
        ratio = took / floor
        flag = "ok" if ratio <= 2 else "OVER 2x"
        over += [path.name] if ratio > 2 else []
        print(f"  {path.name:<40} {took:6.2f} s  {ratio:4.1f}x floor  {flag}")
    print("load:", os.getloadavg())
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
