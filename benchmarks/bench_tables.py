"""Benchmark: loading every table with karabakh vs plain pandas.read_csv of the same files.

Each measurement is a fresh Python process (imports included), repeated; the script prints the medians and the
ratio (target: at most 2x). It also prints the in-process time of a cold-cache reload, and of ``validate`` (every
table, layer and raw extract, and SHA256SUMS) on a fresh copy of the data folder, as `python -m karabakh validate
DIR` and each bad-input test run it.
Run: .venv/bin/python benchmarks/bench_tables.py [--repeat N]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from karabakh.io import tables
from karabakh.io.validate import validate

# validate() on a fresh copy of data/, in-process, measured on this machine (2 cores) before csvfile.convert checked
# cells over plain lists (pandas operations per column before)
VALIDATE_BEFORE_MS = 99

PLAIN = """
import time; t = time.perf_counter()
import pandas as pd
for path in {paths!r}:
    pd.read_csv({folder!r} + "/" + path)
print(time.perf_counter() - t)
"""
KARABAKH = """
import time; t = time.perf_counter()
import karabakh as kb
for loader in (kb.load_sources, kb.load_casualties, kb.load_actors, kb.load_events, kb.load_displacement,
               kb.load_article_figures, kb.load_places):
    loader()
print(time.perf_counter() - t)
"""


def fresh(code: str, repeat: int) -> float:
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)
            for _ in range(repeat)]
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    folder = str(tables.shipped_data_dir())
    plain = fresh(PLAIN.format(paths=[tables._resource(name)["path"] for name in tables.TABLES], folder=folder), args.repeat)
    ours = fresh(KARABAKH, args.repeat)
    print(f"fresh process, median of {args.repeat}: pandas.read_csv {plain * 1000:.0f} ms, "
          f"karabakh loaders {ours * 1000:.0f} ms, ratio {ours / plain:.2f}x (target <= 2x)")
    tables._load_cached.cache_clear()
    start = time.perf_counter()
    for name in tables.TABLES:
        tables.load_table(name)
    print(f"in-process, cold cache (imports done): {(time.perf_counter() - start) * 1000:.1f} ms for "
          f"{len(tables.TABLES)} tables")
    validate(None)  # imports done
    with tempfile.TemporaryDirectory() as tmp:
        copies = [shutil.copytree(tables.shipped_data_dir(), Path(tmp) / f"data{i}") for i in range(args.repeat)]
        runs = []
        for copy in copies:
            start = time.perf_counter()
            assert not validate(copy)
            runs.append(time.perf_counter() - start)
    print(f"validate a fresh copy of the data folder, in-process, median of {args.repeat}: "
          f"{statistics.median(runs) * 1000:.0f} ms (before: {VALIDATE_BEFORE_MS} ms)")


if __name__ == "__main__":
    main()
