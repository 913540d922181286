"""Benchmark: how long each notebook takes to execute, and the figure and notebook tests around them.

Each notebook runs in a fresh kernel with nbclient (as nbval and the main job do), in a temporary copy so the
committed notebooks are not touched; the script prints the kernel start-up and the cells' time per notebook
(target: cells at most 15 s each on a 2-core machine). With ``--suite`` it also times, each in a fresh process,
the figure tests with image comparison (``pytest tests/test_maps.py tests/test_charts.py
tests/test_figure_artists.py --mpl``), the notebook file checks, and nbval of every notebook.
Run: .venv/bin/python benchmarks/bench_notebooks.py [--repeat N] [--suite]
"""
from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
BUDGET_S = 15.0
NBVAL = ["--nbval", "--nbval-current-env", "--nbval-sanitize-with", "notebooks/nbval_sanitize.cfg", "notebooks/"]
SUITES = {
    "figure tests + images (--mpl)": ["tests/test_maps.py", "tests/test_charts.py", "tests/test_figure_artists.py",
                                      "--mpl"],
    "notebook file checks (tests/test_notebooks.py)": ["tests/test_notebooks.py"],
    "nbval, all notebooks": NBVAL,
}


def execute(path: Path) -> tuple[float, float]:
    """(kernel start-up, cells) in seconds for one fresh run of the notebook."""
    import nbformat
    import zmq
    from nbclient import NotebookClient
    from traitlets.config import Config

    nb = nbformat.read(path, as_version=4)
    config = Config()
    if zmq.has("curve"):
        config.KernelManager.transport_encryption = "auto"
    client = NotebookClient(nb, config=config, kernel_name="python3", timeout=120,
                            resources={"metadata": {"path": str(path.parent)}})
    t0 = time.perf_counter()
    with client.setup_kernel():
        t1 = time.perf_counter()
        for index, cell in enumerate(nb.cells):
            client.execute_cell(cell, index)
        t2 = time.perf_counter()
    return t1 - t0, t2 - t1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--suite", action="store_true", help="also time the figure tests and nbval")
    args = parser.parse_args()
    over = []
    print(f"notebooks, fresh kernel each, median of {args.repeat} (budget {BUDGET_S:.0f} s of cells each):")
    for path in NOTEBOOKS:
        runs = [execute(path) for _ in range(args.repeat)]
        start = statistics.median(r[0] for r in runs)
        cells = statistics.median(r[1] for r in runs)
        flag = "ok" if cells + start <= BUDGET_S else "OVER BUDGET"
        over += [path.name] if flag != "ok" else []
        print(f"  {path.name:<34} cells {cells:6.2f} s   kernel start {start:5.2f} s   total {cells + start:6.2f} s  {flag}")
    if args.suite:
        print("test commands, fresh process each:")
        for label, cmd in SUITES.items():
            t = time.perf_counter()
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *cmd], cwd=ROOT,
                                  capture_output=True, text=True)
            status = "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"
            print(f"  {label:<52} {time.perf_counter() - t:6.2f} s  {status}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
