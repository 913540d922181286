"""Benchmark: the main job (``python -m karabakh report``) cold and warm, and optionally ``make test``, as ratios
to a floor measured in the same run (``benchmarks/floor.py``: six minimal notebooks two at a time and a one-page
Sphinx build with the site's configuration), so that the load of the machine weighs on both sides.

Goals (issue 16): the main job from a clean checkout within 2x the floor, ``make test`` within 4x, a rerun with
nothing changed within 0.2x. Each command runs in a fresh process as a user runs it:

* cold: a new build folder (no site, no execution cache): validate, execute every notebook, figures, site;
* warm: the same command again with nothing changed (the job finds its output up to date);
* one notebook changed: the cache serves the others (a code cell of the last notebook gets a trailing comment,
  in a temporary copy of notebooks/);
* ``make test`` (with ``--test``; about a minute).

Run: .venv/bin/python benchmarks/bench_site.py [--test]. Other work on the machine skews the figures: say what
load there was (``uptime`` is printed).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from floor import floor

ROOT = Path(__file__).resolve().parents[1]
GOAL = {"main job, cold": 2.0, "main job, warm": 0.2, "main job, one notebook changed": None, "make test": 4.0}


def timed(cmd: list[str], *, must_pass: bool = True) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode != 0:
        summary = [line for line in done.stdout.splitlines() if " passed" in line or " failed" in line][-1:]
        if must_pass:
            print(done.stdout[-3000:], done.stderr[-3000:], sep="\n", file=sys.stderr)
            raise SystemExit(f"bench_site: {' '.join(cmd)} failed (exit {done.returncode})")
        print(f"note: {' '.join(cmd)} exited {done.returncode} ({' '.join(summary)}); timed all the same")
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--test", action="store_true", help="also time `make test`")
    args = parser.parse_args()
    print("load before:", os.getloadavg(), "(1, 5, 15 min; 2 cores)")
    after: dict[str, float | None] = {}
    readme_figure = ROOT / "docs" / "region_map.png"  # the job refreshes it; the benchmark leaves it as it was
    kept = readme_figure.read_bytes() if readme_figure.exists() else None
    with tempfile.TemporaryDirectory(prefix="bench_site_") as tmp:
        build, notebooks = Path(tmp) / "build", Path(tmp) / "notebooks"
        shutil.copytree(ROOT / "notebooks", notebooks)
        job = [sys.executable, "-m", "karabakh", "report", "--build-dir", str(build), "--notebooks", str(notebooks)]
        after["main job, cold"] = timed(job)
        after["main job, warm"] = timed(job)
        import nbformat

        last = sorted(notebooks.glob("[0-9][0-9]_*.ipynb"))[-1]
        nb = nbformat.read(last, as_version=4)
        code = [c for c in nb.cells if c.cell_type == "code"]
        code[-1].source += "\n# changed"
        nbformat.write(nb, last)
        after["main job, one notebook changed"] = timed(job)
    if kept is not None:
        readme_figure.write_bytes(kept)
    after["make test"] = timed(["make", "test"], must_pass=False) if args.test else None
    base = floor()  # measured after the job, in the same run
    print("load after:", os.getloadavg())
    print()
    for name, seconds in base.items():
        print(f"{name:40} {seconds:7.2f} s")
    print()
    print(f"{'':40} {'seconds':>8} {'x floor':>8} {'goal':>8}")
    over = []
    for name, value in after.items():
        if value is None:
            continue
        ratio, goal = value / base["floor"], GOAL[name]
        over += [name] if goal is not None and ratio > goal else []
        print(f"{name:40} {value:7.2f}s {ratio:7.2f}x " + (f"{goal:7.1f}x" if goal is not None else f"{'-':>8}"))
    if over:
        print(f"over the goal: {', '.join(over)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
