"""Benchmark: the main job (`python -m karabakh report`, i.e. karabakh.report.run with execute=True).

Executes every notebook in notebooks/ fresh, writes the figures and renders the HTML report into a temporary build
folder (build/ and docs/ are left alone), and prints the per-notebook times (run's own progress lines), the total,
and the report's size. Budget: 60 s with the environment built (issue 5). When notebooks/ is still empty it times
four stand-in notebooks of the same shape (imports, a map from the shipped layers, a chart) instead, and says so.
Run: .venv/bin/python benchmarks/bench_report.py [--notebooks DIR] [--keep DIR]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from karabakh import report

ROOT = Path(__file__).resolve().parents[1]
BUDGET_S = 60.0

STAND_IN = [
    new_code_cell("import karabakh as kb\nimport matplotlib.pyplot as plt"),
    new_code_cell(
        "boundaries = kb.load_boundaries()\nfront = kb.load_front_lines()\n"
        "fig, ax = plt.subplots(figsize=(8, 8))\nboundaries.plot(ax=ax, facecolor='none', edgecolor='0.3')\n"
        "front.plot(ax=ax, color='C3', alpha=0.5)\nax.set_axis_off()\n"
        "kb.show_figure(fig, 'map_{i}', title='Map {i}', alt='A map', source_ids=list(boundaries.source_id.unique()))"
    ),
    new_code_cell(
        "cas = kb.load_casualties()\ncounts = cas.groupby('side', observed=True).size()\n"
        "fig, ax = plt.subplots(figsize=(7, 4))\ncounts.plot.barh(ax=ax)\n"
        "kb.show_figure(fig, 'chart_{i}', title='Chart {i}', alt='A bar chart', source_ids=['stand-in'])"
    ),
    new_code_cell("cas.head()"),
]


def stand_in_notebooks(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, 5):
        cells = [new_markdown_cell(f"# Stand-in notebook {i}")]
        for cell in STAND_IN:
            cells.append(new_code_cell(cell.source.replace("{i}", str(i))))
        nb = new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3", "display_name": "Python 3",
                                                                "language": "python"}})
        nbformat.write(nb, folder / f"0{i}_stand_in.ipynb")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--notebooks", type=Path, default=ROOT / "notebooks")
    parser.add_argument("--keep", type=Path, help="build into this folder (kept) instead of a temporary one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench_report_") as tmp:
        notebooks = args.notebooks
        if not any(notebooks.glob("*.ipynb")):
            print(f"note: {notebooks} has no notebooks yet; timing four stand-in notebooks instead")
            notebooks = stand_in_notebooks(Path(tmp) / "notebooks")
        build = args.keep or Path(tmp) / "build"
        t0 = time.perf_counter()
        status = report.run(notebooks, build, execute=True, docs_dir=None)
        total = time.perf_counter() - t0
        if status != 0:
            print("bench_report: the main job failed", file=sys.stderr)
            return status
        size = sum(p.stat().st_size for p in (build / "report").rglob("*") if p.is_file())
        figures = sum(p.stat().st_size for p in (build / "figures").rglob("*") if p.is_file())
        print(f"main job: {total:.1f} s (budget {BUDGET_S:.0f} s); report {size / 1e6:.2f} MB,"
              f" figures (PNG+SVG) {figures / 1e6:.2f} MB")
        if total > BUDGET_S:
            print(f"bench_report: OVER BUDGET by {total - BUDGET_S:.1f} s", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
